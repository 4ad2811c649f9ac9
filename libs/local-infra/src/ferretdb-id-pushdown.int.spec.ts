import { testEnv, uniqueDbName } from '@vdx/testing';
import { MongoClient, type Document } from 'mongodb';

/**
 * What the project's FerretDB patches promise (docs/adr/0002-ferretdb-sqlite-indexes.md): an
 * `_id` equality, `$in` list or range of plain strings is answered from the `_id` index, and so
 * are a sort on `_id` and a limit when that condition is the whole filter. Answers stay those of
 * MongoDB: checked against the same query computed in memory. The store here is the local
 * FerretDB (`npm run infra`), whose explain reports each pushdown.
 */
describe('FerretDB answers _id conditions, sorts and limits from the _id index (int: real store)', () => {
  const env = testEnv();
  const client = new MongoClient(env.mongoUrl);
  const db = client.db(uniqueDbName('id_pushdown'));
  const coll = db.collection<{ _id: string; n: number; lane: string }>('entries');
  const ids: string[] = [];

  beforeAll(async () => {
    const docs = [];
    for (const code of ['000.00.00.G01', '000.00.00.G02', '000.00.00.G10']) {
      for (const lane of ['0', '1']) {
        for (let i = 0; i < 300; i++) {
          const _id = `${code}|${lane}|${String(i).padStart(4, '0')}`;
          ids.push(_id);
          docs.push({ _id, n: i, lane });
        }
      }
    }
    await coll.insertMany(docs);
  });

  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });

  async function plan(filter: Document, sort?: Document, limit?: number): Promise<{ filter: boolean; sort: boolean; limit: boolean; detail: string }> {
    const find: Document = { find: coll.collectionName, filter };
    if (sort) find['sort'] = sort;
    if (limit) find['limit'] = limit;
    const p = await db.command({ explain: find, verbosity: 'queryPlanner' });
    if (!('filterPushdown' in p)) throw new Error(`not the local FerretDB: explain says ${JSON.stringify(p).slice(0, 200)}`);
    return { filter: p['filterPushdown'] === true, sort: p['sortPushdown'] === true, limit: p['limitPushdown'] === true, detail: JSON.stringify(p['queryPlanner']) };
  }

  const inRange = (from: string, to: string) => ids.filter((id) => id > from && id < to).sort();

  it('answers a page of one prefix, sorted and limited, from the index', async () => {
    const filter = { _id: { $gt: '000.00.00.G02|1|0100', $lt: '000.00.00.G02|~' } };
    const page = await coll.find(filter).sort({ _id: 1 }).limit(25).toArray();
    expect(page.map((d) => d._id)).toEqual(inRange('000.00.00.G02|1|0100', '000.00.00.G02|~').slice(0, 25));
    const p = await plan(filter, { _id: 1 }, 25);
    expect(p).toMatchObject({ filter: true, sort: true, limit: true });
    expect(p.detail).toMatch(/SEARCH .* USING INDEX/);
  });

  it('keeps MongoDB order at prefix boundaries (a code that is a prefix of another)', async () => {
    // G01 and G10 share the prefix "000.00.00.G": the range of G01 must not reach into G10.
    const all = await coll.find({ _id: { $gte: '000.00.00.G01|', $lt: '000.00.00.G01|~' } }).sort({ _id: -1 }).toArray();
    expect(all).toHaveLength(600);
    expect(all[0]!._id).toBe('000.00.00.G01|1|0299');
    expect(all[599]!._id).toBe('000.00.00.G01|0|0000');
  });

  it('answers an _id $in list from the index', async () => {
    const wanted = [ids[3]!, ids[700]!, ids[1500]!, 'missing|0|0000'];
    const got = await coll.find({ _id: { $in: wanted } }).toArray();
    expect(got.map((d) => d._id).sort()).toEqual([ids[3]!, ids[700]!, ids[1500]!].sort());
    const p = await plan({ _id: { $in: wanted } });
    expect(p.filter).toBe(true);
    const deleted = await coll.deleteMany({ _id: { $in: [ids[3]!, ids[4]!] } });
    expect(deleted.deletedCount).toBe(2);
    await coll.insertMany([ids[3]!, ids[4]!].map((_id) => ({ _id, n: Number(_id.slice(-4)), lane: _id.split('|')[1]! })));
  });

  it('filters the rest in memory when the filter has more than _id, without pushing the limit', async () => {
    const filter = { _id: { $gte: '000.00.00.G10|', $lt: '000.00.00.G10|~' }, lane: '1', n: { $lt: 5 } };
    const got = await coll.find(filter).sort({ _id: 1 }).limit(3).toArray();
    expect(got.map((d) => d._id)).toEqual(['000.00.00.G10|1|0000', '000.00.00.G10|1|0001', '000.00.00.G10|1|0002']);
    const p = await plan(filter, { _id: 1 }, 3);
    expect(p).toMatchObject({ filter: true, sort: false, limit: false });
  });

  it('keeps a range to strings when other types share the collection, so a pushed limit stays exact', async () => {
    // Ids of every type on purpose, which the driver's types do not allow for one collection.
    const mixed = db.collection<{ _id: string; n: number }>('mixed');
    await mixed.insertMany([{ _id: 'b', n: 1 }, { _id: 7, n: 2 }, { _id: 8, n: 3 }, { _id: { k: 1 }, n: 4 }, { _id: 'c', n: 5 }, { _id: true, n: 6 }] as never[]);
    // An open-ended range: in BSON only strings compare with a string.
    expect((await mixed.find({ _id: { $gt: 'a' } }).sort({ _id: 1 }).limit(3).toArray()).map((d) => d._id)).toEqual(['b', 'c']);
    // Descending, the other types would come first in the index and the limit would cut the strings off.
    expect((await mixed.find({ _id: { $gt: 'a' } }).sort({ _id: -1 }).limit(2).toArray()).map((d) => d._id)).toEqual(['c', 'b']);
    expect((await mixed.find({ _id: { $lt: 'c' } }).sort({ _id: -1 }).limit(3).toArray()).map((d) => d._id)).toEqual(['b']);
    expect(await plan({ _id: { $gt: 'a' } }, { _id: 1 }, 3)).toMatchObject({ filter: true, sort: true, limit: true });
  });

  it('does not push down a range on strings whose JSON text orders differently', async () => {
    // ' ' sorts before '"', the quote that ends a JSON string: such bounds are left to the handler.
    const filter = { _id: { $gt: '000.00.00.G01 ' } };
    const got = await coll.countDocuments(filter);
    expect(got).toBe(ids.filter((id) => id > '000.00.00.G01 ').length);
    const p = await plan(filter, { _id: 1 }, 5);
    expect(p).toMatchObject({ filter: false, limit: false });
  });
});

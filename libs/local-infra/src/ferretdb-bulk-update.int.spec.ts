import { testEnv, uniqueDbName } from '@vdx/testing';
import { MongoClient, type Document } from 'mongodb';

/**
 * FerretDB 1.24 kept every statement of an `update` command holding a result set (and so a
 * SQLite connection) until the whole command ended; a bulk of 100 or more updates then waited
 * forever for a connection of the database's pool of 100, and so did every later operation on
 * that database. The project's patch (docs/adr/0002-ferretdb-sqlite-indexes.md) closes each in
 * turn. These bulks are the size the projections write per consumed batch under load.
 */
describe('FerretDB runs bulks of hundreds of updates (int: real store)', () => {
  const env = testEnv();
  const client = new MongoClient(env.mongoUrl, { maxPoolSize: 4 });
  const db = client.db(uniqueDbName('bulk_update'));
  const coll = db.collection<{ _id: string; v: number; w?: number }>('entries');
  const N = 400;
  const id = (i: number): string => `e|${String(i).padStart(4, '0')}`;

  beforeAll(async () => {
    await coll.insertMany(Array.from({ length: N }, (_, i) => ({ _id: id(i), v: 0 })));
  });

  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close(true);
  });

  /** The operation's result, or a rejection naming it when it has not answered in `ms`. */
  async function within<T>(what: string, ms: number, op: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([op, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('applies one bulk of 400 updateOne by _id, then answers a read', async () => {
    const result = await within(
      'a bulk of 400 updates',
      20_000,
      coll.bulkWrite(Array.from({ length: N }, (_, i) => ({ updateOne: { filter: { _id: id(i) }, update: { $set: { v: i + 1 } } } }))),
    );
    expect(result.matchedCount).toBe(N);
    expect(result.modifiedCount).toBe(N);
    const docs = await within('the read after it', 10_000, coll.find({ _id: { $in: [id(0), id(199), id(399)] } }).sort({ _id: 1 }).toArray());
    expect(docs.map((d) => d.v)).toEqual([1, 200, 400]);
  });

  it('applies four concurrent bulks of 60 upserts each', async () => {
    const bulks = [0, 1, 2, 3].map((b) =>
      coll.bulkWrite(
        Array.from({ length: 60 }, (_, i) => ({ updateOne: { filter: { _id: id(b * 60 + i) }, update: { $set: { w: b } }, upsert: true } })),
        { ordered: false },
      ),
    );
    const results = await within('four concurrent bulks of 60', 20_000, Promise.all(bulks));
    expect(results.map((r) => r.matchedCount)).toEqual([60, 60, 60, 60]);
    const written = await coll.find({ _id: { $in: [id(0), id(60), id(120), id(239)] } }).sort({ _id: 1 }).toArray();
    expect(written.map((d) => d.w)).toEqual([0, 1, 2, 3]);
  });

  describe('one transaction per bulk keeps the semantics of separate statements', () => {
    // Untyped: one document holds a string where the bulk increments a number, on purpose.
    const sem = db.collection<{ _id: string } & Document>('semantics');

    beforeEach(async () => {
      await sem.deleteMany({});
      await sem.insertMany([
        { _id: 'a', n: 1 },
        { _id: 'b', n: 'text' },
        { _id: 'c', n: 1 },
      ]);
    });

    const all = async () => Object.fromEntries((await sem.find({}).sort({ _id: 1 }).toArray()).map((d) => [d._id, d]));

    it('lets a statement see what an earlier one of the same bulk wrote, upserts included', async () => {
      await sem.bulkWrite([
        { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } } } },
        { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 10 } } } },
        { updateOne: { filter: { _id: 'new' }, update: { $set: { n: 5 } }, upsert: true } },
        { updateOne: { filter: { _id: 'new' }, update: { $inc: { n: 1 }, $set: { tag: 'seen' } } } },
      ]);
      const docs = await all();
      expect(docs['a']).toEqual({ _id: 'a', n: 12 });
      expect(docs['new']).toEqual({ _id: 'new', n: 6, tag: 'seen' });
    });

    it('keeps the statements before a failed one of an ordered bulk, and none after it', async () => {
      const failed = await sem
        .bulkWrite([
          { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } } } },
          { updateOne: { filter: { _id: 'b' }, update: { $inc: { n: 1 } } } },
          { updateOne: { filter: { _id: 'c' }, update: { $inc: { n: 1 } } } },
        ])
        .then(
          () => null,
          (err: unknown) => err,
        );
      expect(failed).toBeInstanceOf(Error);
      const docs = await all();
      expect(docs['a']).toEqual({ _id: 'a', n: 2 });
      expect(docs['b']).toEqual({ _id: 'b', n: 'text' });
      expect(docs['c']).toEqual({ _id: 'c', n: 1 });
    });
  });
});

import { testEnv, uniqueDbName } from '@vdx/testing';
import { MongoClient, type Db } from 'mongodb';
import { applyGuarded, type PositionedWrite } from './guarded-writer';
import type { ReadModelWrite } from './projection';

const at = (offset: number, partition = 0) => ({ topic: 'vdx.test.events', partition, offset: String(offset) });
const create = (id: string, fields: Record<string, unknown>): ReadModelWrite => ({ collection: 'entries', id, creates: true, update: { $set: fields } });
const set = (id: string, fields: Record<string, unknown>): ReadModelWrite => ({ collection: 'entries', id, update: { $set: fields } });
const remove = (id: string): ReadModelWrite => ({ collection: 'entries', id, deletes: true, update: {} });
const batch = (...writes: [ReadModelWrite, number][]): PositionedWrite[] => writes.map(([write, offset]) => ({ write, position: at(offset) }));

/** Deleting documents the last event of their life removes (an open inbox entry), on the real store. */
describe('applyGuarded with deletes (int: real store)', () => {
  const env = testEnv();
  let mongo: MongoClient;
  let db: Db;

  beforeAll(async () => {
    mongo = await MongoClient.connect(env.mongoUrl);
    db = mongo.db(uniqueDbName('guarded_deletes'));
  });

  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await mongo.close();
  });

  beforeEach(async () => {
    await db.collection('entries').deleteMany({});
  });

  const ids = async () => (await db.collection('entries').find({}).sort({ _id: 1 }).toArray()).map((d) => ({ ...d, _pos: undefined }));

  it('drops a document created, changed and deleted in one batch, and keeps the others', async () => {
    const writes = batch([create('a', { n: 1 }), 1], [create('b', { n: 2 }), 2], [set('a', { n: 3 }), 3], [remove('a'), 4], [set('b', { n: 5 }), 5]);
    await applyGuarded(db, writes);
    expect(await ids()).toEqual([{ _id: 'b', n: 5, _pos: undefined }]);
    // The same batch redelivered changes nothing.
    await applyGuarded(db, writes);
    expect(await ids()).toEqual([{ _id: 'b', n: 5, _pos: undefined }]);
  });

  it('deletes a document written in earlier batches', async () => {
    await applyGuarded(db, batch([create('a', { n: 1 }), 1]));
    await applyGuarded(db, batch([set('a', { n: 2 }), 2]));
    await applyGuarded(db, batch([remove('a'), 3]));
    expect(await ids()).toEqual([]);
  });

  it('converges when a redelivery cut differently starts between a document’s create and its delete', async () => {
    await applyGuarded(db, batch([create('a', { n: 1, kind: 'x' }), 1], [set('a', { n: 2 }), 2]));
    await applyGuarded(db, batch([set('a', { n: 3 }), 3], [remove('a'), 4]));
    // Redelivered from offset 2: the update re-creates a partial document, the delete removes it.
    await applyGuarded(db, batch([set('a', { n: 2 }), 2]));
    expect(await ids()).toEqual([{ _id: 'a', n: 2, _pos: undefined }]);
    await applyGuarded(db, batch([set('a', { n: 3 }), 3], [remove('a'), 4]));
    expect(await ids()).toEqual([]);
  });

  it('re-creates a document the batch writes again after deleting it', async () => {
    await applyGuarded(db, batch([create('a', { n: 1 }), 1]));
    await applyGuarded(db, batch([set('a', { n: 2 }), 2], [remove('a'), 3], [create('a', { n: 9 }), 4]));
    expect(await ids()).toEqual([{ _id: 'a', n: 9, _pos: undefined }]);
  });

  it('deletes more documents than one store command takes', async () => {
    const n = 1200;
    await applyGuarded(db, Array.from({ length: n }, (_, i) => ({ write: create(`e${String(i).padStart(5, '0')}`, { i }), position: at(i) })));
    expect(await db.collection('entries').countDocuments()).toBe(n);
    const result = await applyGuarded(db, Array.from({ length: n - 1 }, (_, i) => ({ write: remove(`e${String(i).padStart(5, '0')}`), position: at(n + i) })));
    expect(result.applied).toBe(n - 1);
    expect((await db.collection('entries').find({}).toArray()).map((d) => d._id)).toEqual([`e${String(n - 1).padStart(5, '0')}`]);
  });
});

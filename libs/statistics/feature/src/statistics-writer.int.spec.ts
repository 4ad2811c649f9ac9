import type { PositionedWrite } from '@vdx/event-sourcing';
import { testEnv, uniqueDbName } from '@vdx/testing';
import { MongoClient, type Db } from 'mongodb';
import { KnownDocuments, MAX_OPS_PER_COMMAND, writeStatistics } from './statistics-writer';

// The coalescing guarded writer on the real store: each event counted once per document, however
// a redelivered run of events is cut into batches.

const TOPIC = 'vdx.delivery.events.v1';

/** Event `offset`'s writes: the country's document twice (as sent and as received), an agency's once, and a fact it creates. */
function eventWrites(offset: number): PositionedWrite[] {
  const position = { topic: TOPIC, partition: 0, offset: String(offset) };
  return [
    { position, write: { collection: 'headline', id: 'D2025-07-15|N', update: { $inc: { sdn_dlv: 1, sdn_qs: offset } } } },
    { position, write: { collection: 'headline', id: 'D2025-07-15|N', update: { $inc: { rdn_dlv: 1 } } } },
    { position, write: { collection: 'headline', id: `D2025-07-15|A:H${offset % 3}`, update: { $inc: { rdn_dlv: 1 } } } },
    { position, write: { collection: 'deliveries', id: `p${offset}`, creates: true, update: { $set: { s: 'G22' }, $min: { o01: offset } } } },
  ];
}

const events = (from: number, to: number): PositionedWrite[] => Array.from({ length: to - from }, (_, i) => eventWrites(from + i)).flat();

describe('writeStatistics (real store)', () => {
  const env = testEnv();
  let mongo: MongoClient;
  let db: Db;

  beforeAll(async () => {
    mongo = await MongoClient.connect(env.mongoUrl);
    db = mongo.db(uniqueDbName('statistics_writer'));
  });

  afterAll(async () => {
    await db.dropDatabase();
    await mongo.close();
  });

  beforeEach(async () => {
    for (const c of ['headline', 'deliveries']) await db.collection(c).deleteMany({});
  });

  async function national(): Promise<Record<string, unknown> | null> {
    return db.collection('headline').findOne({ _id: 'D2025-07-15|N' as never });
  }

  it('folds a batch into one upsert per document, and counts every write of every event', async () => {
    const counts = await writeStatistics(db, events(0, 10));
    // 10 events × 4 writes; the country's document, 3 agencies' and 10 created facts.
    expect(counts).toEqual({ applied: 40, skipped: 0, operations: 1 + 3 + 10 });
    expect(await national()).toEqual({ _id: 'D2025-07-15|N', sdn_dlv: 10, rdn_dlv: 10, sdn_qs: 45, _pos: { 'vdx_delivery_events_v1~0': 9 } });
    expect(await db.collection('headline').findOne({ _id: 'D2025-07-15|A:H0' as never })).toEqual({ _id: 'D2025-07-15|A:H0', rdn_dlv: 4, _pos: { 'vdx_delivery_events_v1~0': 9 } });
    expect(await db.collection('deliveries').findOne({ _id: 'p7' as never })).toEqual({ _id: 'p7', s: 'G22', o01: 7, _pos: { 'vdx_delivery_events_v1~0': 7 } });
  });

  it('skips what a redelivery repeats, even cut into other batches, and applies what it adds', async () => {
    await writeStatistics(db, events(0, 6));
    // Offsets 3 to 9 again as one batch: 3–5 were applied, 6–9 are new.
    const again = await writeStatistics(db, events(3, 10));
    expect(again).toMatchObject({ applied: 4 * 4, skipped: 3 * 4 });
    expect(await national()).toEqual({ _id: 'D2025-07-15|N', sdn_dlv: 10, rdn_dlv: 10, sdn_qs: 45, _pos: { 'vdx_delivery_events_v1~0': 9 } });
    const agencies = await db.collection('headline').find({ _id: { $regex: /\|A:/ } as never }).sort({ _id: 1 }).toArray();
    expect(agencies.map((d) => [d['_id'], d['rdn_dlv']])).toEqual([
      ['D2025-07-15|A:H0', 4],
      ['D2025-07-15|A:H1', 3],
      ['D2025-07-15|A:H2', 3],
    ]);
    expect(await db.collection('deliveries').countDocuments()).toBe(10);
    // The whole run once more changes nothing.
    const third = await writeStatistics(db, events(0, 10));
    expect(third).toMatchObject({ applied: 0, skipped: 40 });
    expect(await national()).toMatchObject({ sdn_dlv: 10, rdn_dlv: 10, sdn_qs: 45 });
  });

  it('folds the writes of several source partitions to one document into one upsert, and skips only what a redelivery repeats', async () => {
    const at = (partition: number, offset: number, inc: Record<string, number>): PositionedWrite => ({ position: { topic: TOPIC, partition, offset: String(offset) }, write: { collection: 'headline', id: 'D2025-07-15|N', update: { $inc: inc } } });
    // A group commit of two partition batches: partition 0's offsets 0–1 and partition 1's.
    const first = [at(0, 0, { sdn_acc: 1 }), at(1, 0, { sdn_acc: 10 }), at(0, 1, { sdn_acc: 1 }), at(1, 1, { rdn_acc: 1 })];
    expect(await writeStatistics(db, first)).toEqual({ applied: 4, skipped: 0, operations: 1 });
    expect(await national()).toEqual({ _id: 'D2025-07-15|N', sdn_acc: 12, rdn_acc: 1, _pos: { 'vdx_delivery_events_v1~0': 1, 'vdx_delivery_events_v1~1': 1 } });
    // Partition 0 redelivered from its start with one event more, partition 1 going on: only
    // the two new events count.
    const again = [at(0, 0, { sdn_acc: 1 }), at(1, 2, { rdn_acc: 1000 }), at(0, 1, { sdn_acc: 1 }), at(0, 2, { sdn_acc: 100 })];
    expect(await writeStatistics(db, again)).toMatchObject({ applied: 2, skipped: 2 });
    expect(await national()).toEqual({ _id: 'D2025-07-15|N', sdn_acc: 112, rdn_acc: 1001, _pos: { 'vdx_delivery_events_v1~0': 2, 'vdx_delivery_events_v1~1': 2 } });
    // Both again, as they were: nothing counts twice.
    expect(await writeStatistics(db, [...first, ...again])).toMatchObject({ applied: 0, skipped: 8 });
    expect(await national()).toMatchObject({ sdn_acc: 112, rdn_acc: 1001 });
  });

  it('inserts the documents a batch opens and upserts those that exist', async () => {
    await writeStatistics(db, events(0, 1));
    // Event 1 opens agency H1's document and its fact; the country's document exists already.
    const counts = await writeStatistics(db, events(1, 2));
    expect(counts).toEqual({ applied: 4, skipped: 0, operations: 3 });
    expect(await db.collection('headline').findOne({ _id: 'D2025-07-15|A:H1' as never })).toEqual({ _id: 'D2025-07-15|A:H1', rdn_dlv: 1, _pos: { 'vdx_delivery_events_v1~0': 1 } });
    expect(await national()).toEqual({ _id: 'D2025-07-15|N', sdn_dlv: 2, rdn_dlv: 2, sdn_qs: 1, _pos: { 'vdx_delivery_events_v1~0': 1 } });
  });

  it('writes a document it knows of right even when the store lost it meanwhile', async () => {
    const known = new KnownDocuments();
    await writeStatistics(db, events(0, 1), (c) => c, known);
    expect(known.has('headline', 'D2025-07-15|N')).toBe(true);
    await db.collection('headline').deleteMany({});
    // Taken for existing, the country's document is upserted: created again with event 1 alone.
    expect(await writeStatistics(db, events(1, 2), (c) => c, known)).toMatchObject({ applied: 4, skipped: 0 });
    expect(await national()).toEqual({ _id: 'D2025-07-15|N', sdn_dlv: 1, rdn_dlv: 1, sdn_qs: 1, _pos: { 'vdx_delivery_events_v1~0': 1 } });
  });

  it('writes more documents than one update command takes', async () => {
    const many: PositionedWrite[] = Array.from({ length: MAX_OPS_PER_COMMAND + 20 }, (_, i) => ({ position: { topic: TOPIC, partition: 1, offset: String(i) }, write: { collection: 'headline', id: `D2025-07-15|A:X${i}`, update: { $inc: { sdn_acc: 1 } } } }));
    expect(await writeStatistics(db, many)).toEqual({ applied: MAX_OPS_PER_COMMAND + 20, skipped: 0, operations: MAX_OPS_PER_COMMAND + 20 });
    expect(await db.collection('headline').countDocuments({ sdn_acc: 1 })).toBe(MAX_OPS_PER_COMMAND + 20);
  });
});

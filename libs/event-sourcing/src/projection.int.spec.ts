import { eventTopic } from '@vdx/contracts';
import { EventProducer, createKafka, ensureTopics, eventTopicSpec, inspectDeadLetters, type Kafka } from '@vdx/messaging';
import { dumpCollection, expectedProbeTotals, probeEvents, testEnv, uniqueDbName, uniqueName, waitUntil } from '@vdx/testing';
import { MongoClient, type Db } from 'mongodb';
import { applyGuarded } from './guarded-writer';
import { projectionGroupId, type Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { probeCountsProjection } from './probe/probe-counts.projection';
import { ReplayError, replayProjection } from './replay';

const N = 10_000;
const PROBES = 100;

describe('projection runner and replay (real Kafka and store)', () => {
  const env = testEnv();
  const settings = { brokers: env.kafkaBrokers, clientId: 'projection-int' };
  let kafka: Kafka;
  let mongo: MongoClient;
  let db: Db;
  let topic: string;
  let producer: EventProducer;

  beforeAll(async () => {
    kafka = createKafka(settings);
    mongo = await MongoClient.connect(env.mongoUrl);
    db = mongo.db(uniqueDbName('projection'));
    topic = eventTopic(uniqueName('probe'));
    await ensureTopics(kafka, [eventTopicSpec(topic, 3, 1)]);
    producer = new EventProducer(kafka);
    await producer.connect();
    const events = probeEvents(N, PROBES);
    for (let i = 0; i < events.length; i += 1000) await producer.publish(events.slice(i, i + 1000).map((event) => ({ topic, event })));
  });

  afterAll(async () => {
    await producer.disconnect();
    await mongo.close();
  });

  it('projects 10,000 events so that each is counted exactly once, and replays into an identical model', async () => {
    const projection = probeCountsProjection(uniqueName('counts').replace(/-/g, '_'), topic);
    const runner = new ProjectionRunner(kafka, db, projection, { sessionTimeoutMs: 6000 });
    await runner.start();
    try {
      await expectExactCounts(projection.collections[0]!);
      // A replay refuses to run while the live runner is a member of its group.
      await expect(replayProjection(settings, db, projection)).rejects.toEqual(expect.any(ReplayError));
    } finally {
      await runner.stop();
    }
    const collection = projection.collections[0]!;

    const live = await dumpCollection(db, collection);

    const result = await replayProjection(settings, db, projection, { swap: false, refuseWhileRunning: false });
    expect(result.events).toBe(N);
    const replayed = await dumpCollection(db, result.built[collection]!);
    expect(replayed).toEqual(live);

    // Swapping in a replayed model and restarting the live runner changes nothing.
    await replayProjection(settings, db, projection);
    expect(await dumpCollection(db, collection)).toEqual(live);
  });

  // The total is written after the per-probe documents of each batch, so once it is complete they are.
  async function expectExactCounts(collection: string): Promise<void> {
    const expected = expectedProbeTotals(N, PROBES);
    const total = await waitUntil('all events projected', async () => {
      const doc = await db.collection(collection).findOne({ _id: 'total' as never });
      return doc && doc['count'] >= N ? doc : undefined;
    }, { timeoutMs: 45_000 });
    expect(total['count']).toBe(expected.count);
    expect(total['seqSum']).toBe(expected.seqSum);
    const perProbe = await db.collection(collection).find({ _id: { $ne: 'total' as never } }).toArray();
    expect(perProbe).toHaveLength(PROBES);
    for (const doc of perProbe) {
      expect(doc['count']).toBe(N / PROBES);
      expect(doc['lastSeq']).toBe(N / PROBES);
    }
  }

  it('applies a redelivered batch only once', async () => {
    const projection = probeCountsProjection('guard_once', topic);
    const events = probeEvents(10, 2);
    const writes = events.flatMap((event, i) =>
      projection.project(event, { topic, partition: 0, offset: String(i) }).map((write) => ({ write, position: { topic, partition: 0, offset: String(i) } })),
    );
    const first = await applyGuarded(db, writes);
    const again = await applyGuarded(db, writes);
    expect(first.applied).toBe(20);
    expect(again).toEqual({ applied: 0, skipped: 20 });
    const total = await db.collection('guard_once_counts').findOne({ _id: 'total' as never });
    expect(total?.['count']).toBe(10);
  });

  it('applies the new part of a redelivered batch that is cut differently', async () => {
    const projection = probeCountsProjection('guard_recut', topic);
    const events = probeEvents(30, 3);
    const writes = events.flatMap((event, i) =>
      projection.project(event, { topic, partition: 0, offset: String(i) }).map((write) => ({ write, position: { topic, partition: 0, offset: String(i) } })),
    );
    // 2 writes per event: the first 10 events, then events 5..29 (5 of them seen before).
    expect(await applyGuarded(db, writes.slice(0, 20))).toEqual({ applied: 20, skipped: 0 });
    expect(await applyGuarded(db, writes.slice(10))).toEqual({ applied: 40, skipped: 10 });
    const expected = expectedProbeTotals(30, 3);
    const total = await db.collection('guard_recut_counts').findOne({ _id: 'total' as never });
    expect(total?.['count']).toBe(expected.count);
    expect(total?.['seqSum']).toBe(expected.seqSum);
  });

  it('inserts documents an event creates, and applies a redelivery of them once', async () => {
    const collection = uniqueName('creates').replace(/-/g, '_');
    const at = (offset: number) => ({ topic, partition: 1, offset: String(offset) });
    const writes = [
      ...Array.from({ length: 30 }, (_, i) => ({ write: { collection, id: `a${i}`, creates: true, update: { $set: { 'profile.name': `agency ${i}` }, $inc: { n: 1 } } }, position: at(i) })),
      { write: { collection, id: 'a0', update: { $inc: { n: 1 } } }, position: at(30) },
    ];
    expect(await applyGuarded(db, writes)).toEqual({ applied: 31, skipped: 0 });
    expect(await applyGuarded(db, writes)).toEqual({ applied: 0, skipped: 31 });
    const docs = await dumpCollection(db, collection);
    expect(docs).toHaveLength(30);
    expect(docs.find((d) => d['_id'] === 'a0')).toMatchObject({ profile: { name: 'agency 0' }, n: 2 });
    expect(docs.find((d) => d['_id'] === 'a29')).toMatchObject({ profile: { name: 'agency 29' }, n: 1 });
  });

  it('creates its collections before the first event, and two instances starting at once both start', async () => {
    const empty = eventTopic(uniqueName('quiet'));
    await ensureTopics(kafka, [eventTopicSpec(empty, 2, 1)]);
    const projection = { ...probeCountsProjection('eager', empty), collections: ['eager_counts', 'eager_more'] };
    const before = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(before.filter((n) => n.startsWith('eager_'))).toEqual([]);
    const runners = [new ProjectionRunner(kafka, db, projection), new ProjectionRunner(kafka, db, projection)];
    try {
      await Promise.all(runners.map((r) => r.start()));
      const after = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      expect(after.filter((n) => n.startsWith('eager_')).sort()).toEqual(['eager_counts', 'eager_more']);
      expect(await db.collection('eager_counts').countDocuments()).toBe(0);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
  });

  it('waits out a store that refuses its writes, then applies every event once; nothing is dead-lettered', async () => {
    const refusing = eventTopic(uniqueName('refused'));
    await ensureTopics(kafka, [eventTopicSpec(refusing, 1, 1)]);
    const base = probeCountsProjection(uniqueName('refused').replace(/-/g, '_'), refusing);
    const REFUSALS = 5;
    let refusals = 0;
    const projection: Projection = {
      ...base,
      async write(store, writes) {
        if (refusals < REFUSALS) {
          refusals += 1;
          await store.command({ vdxNoSuchCommand: 1 }); // a real error answer of the store
        }
        return applyGuarded(store, writes);
      },
    };
    // Two attempts before an event is dead-lettered: five refusals in a row would dead-letter some.
    const runner = new ProjectionRunner(kafka, db, projection, { sessionTimeoutMs: 6000, retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 50 } });
    await runner.start();
    try {
      await producer.publish(probeEvents(20, 2).map((event) => ({ topic: refusing, event })));
      const total = await waitUntil('the 20 events projected', async () => {
        const doc = await db.collection(base.collections[0]!).findOne({ _id: 'total' as never });
        return doc && doc['count'] >= 20 ? doc : undefined;
      }, { timeoutMs: 30_000 });
      expect([total['count'], total['seqSum']]).toEqual([expectedProbeTotals(20, 2).count, expectedProbeTotals(20, 2).seqSum]);
      expect(refusals).toBe(REFUSALS);
      const dead = await inspectDeadLetters(settings, { group: projectionGroupId(projection) });
      expect(dead.map((d) => [d.group, d.count])).toEqual([[projectionGroupId(projection), 0]]);
    } finally {
      await runner.stop();
    }
  });
});

import { eventTopic } from '@vdx/contracts';
import { EventProducer, createKafka, ensureTopics, eventTopicSpec } from '@vdx/messaging';
import { RESTART_TEST_TIMEOUT_MS, expectedProbeTotals, probeEvents, spawnTs, testEnv, uniqueDbName, uniqueName, waitUntil } from '@vdx/testing';
import { MongoClient } from 'mongodb';
import { join } from 'node:path';

const N = 10_000;
const PROBES = 50;

describe('projection consumer killed mid-stream (real Kafka and store)', () => {
  const env = testEnv();

  // Longer than a minute on a loaded machine: a worker process boots twice (killed mid-stream, then restarted) before the count is complete.
  it('loses nothing and counts nothing twice after a hard kill and restart', async () => {
    const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'crash-int' });
    const topic = eventTopic(uniqueName('crash'));
    await ensureTopics(kafka, [eventTopicSpec(topic, 3, 1)]);
    const producer = new EventProducer(kafka);
    await producer.connect();
    const events = probeEvents(N, PROBES);
    for (let i = 0; i < N; i += 1000) await producer.publish(events.slice(i, i + 1000).map((event) => ({ topic, event })));
    await producer.disconnect();

    const mongo = await MongoClient.connect(env.mongoUrl);
    const dbName = uniqueDbName('crash');
    const projection = uniqueName('crash').replace(/-/g, '_');
    const counts = mongo.db(dbName).collection(`${projection}_counts`);
    const total = async () => ((await counts.findOne({ _id: 'total' as never }))?.['count'] as number | undefined) ?? 0;
    const workerEnv = { KAFKA_BROKERS: env.kafkaBrokers, MONGO_URL: env.mongoUrl, MONGO_DB: dbName, TOPIC: topic, PROJECTION: projection };
    const entry = join(__dirname, 'test-fixtures/projection-worker.ts');
    try {
      const first = spawnTs(entry, workerEnv);
      const atKill = await waitUntil('some events projected', async () => {
        const n = await total();
        return n > 1000 ? n : undefined;
      }, { timeoutMs: 60_000, intervalMs: 20 });
      expect(await first.kill('SIGKILL')).toBe('SIGKILL');
      expect(atKill).toBeLessThan(N); // killed mid-stream, not after the end

      const second = spawnTs(entry, workerEnv);
      try {
        await waitUntil('all events projected after restart', async () => (await total()) >= N, { timeoutMs: 75_000 });
      } finally {
        await second.kill('SIGTERM');
      }
      const expected = expectedProbeTotals(N, PROBES);
      const doc = await counts.findOne({ _id: 'total' as never });
      expect(doc?.['count']).toBe(expected.count);
      expect(doc?.['seqSum']).toBe(expected.seqSum);
      const perProbe = await counts.find({ _id: { $ne: 'total' as never } }).toArray();
      expect(perProbe.map((d) => d['count'])).toEqual(Array(PROBES).fill(N / PROBES));
    } finally {
      await mongo.close();
    }
  }, RESTART_TEST_TIMEOUT_MS);
});

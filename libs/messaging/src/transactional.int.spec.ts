import { EventCodec, catalogue, eventTopic } from '@vdx/contracts';
import { probeEvents, spawnTs, testEnv, uniqueName, waitUntil } from '@vdx/testing';
import { join } from 'node:path';
import { EventProducer } from './event-producer';
import { createKafka, type KafkaConsumer } from './kafka-client';
import { ensureTopics, eventTopicSpec } from './topic-admin';

const N = 1000;

describe('transactional consume–produce (real Kafka)', () => {
  const env = testEnv();
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'tx-int' });
  const inTopic = eventTopic(uniqueName('tx-in'));
  const outTopic = eventTopic(uniqueName('tx-out'));
  const groupId = uniqueName('tx-group');
  let downstream: KafkaConsumer;
  const seen = new Map<string, number>();
  const codec = new EventCodec(catalogue);

  beforeAll(async () => {
    await ensureTopics(kafka, [eventTopicSpec(inTopic, 2, 1), eventTopicSpec(outTopic, 2, 1)]);
    const producer = new EventProducer(kafka);
    await producer.connect();
    await producer.publish(probeEvents(N, 10).map((event) => ({ topic: inTopic, event })));
    await producer.disconnect();
    downstream = kafka.consumer({ 'isolation.level': 'read_committed', kafkaJS: { groupId: uniqueName('downstream'), fromBeginning: true } });
    await downstream.connect();
    await downstream.subscribe({ topics: [outTopic] });
    await downstream.run({
      eachMessage: async ({ message }) => {
        const event = codec.decode(message.value, message.headers as Record<string, Buffer>);
        const cause = event.causationId ?? 'none';
        seen.set(cause, (seen.get(cause) ?? 0) + 1);
      },
    });
  });

  afterAll(async () => {
    await downstream.disconnect();
  });

  it('after a crash between produce and commit, a read_committed consumer sees each output exactly once', async () => {
    const entry = join(__dirname, 'test-fixtures/tx-worker.ts');
    const workerEnv = { KAFKA_BROKERS: env.kafkaBrokers, IN_TOPIC: inTopic, OUT_TOPIC: outTopic, GROUP_ID: groupId };
    const crashing = spawnTs(entry, { ...workerEnv, CRASH_ON_BATCH: '3' });
    const code = await crashing.exited;
    expect({ code, output: crashing.output() }).toEqual({ code: 137, output: expect.stringContaining('crashing before commit') });

    const worker = spawnTs(entry, workerEnv);
    try {
      await waitUntil(`${N} distinct outputs downstream`, () => seen.size >= N, { timeoutMs: 45_000 });
      // Give no room for a late duplicate: the worker has committed everything it read.
      const duplicates = [...seen.values()].filter((c) => c !== 1);
      expect(seen.size).toBe(N);
      expect(duplicates).toEqual([]);
    } finally {
      expect(await worker.kill('SIGTERM')).toBe(0);
    }
  });
});

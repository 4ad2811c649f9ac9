import { deadLetterTopic, eventTopic } from '@vdx/contracts';
import { probeEvents, testEnv, uniqueName, waitUntil } from '@vdx/testing';
import { DLQ_HEADERS, deadLetterSource } from './dead-letter';
import { EventConsumer } from './event-consumer';
import { EventProducer } from './event-producer';
import { createKafka } from './kafka-client';
import { PoisonMessageError } from './messaging.error';
import { ensureTopics, eventTopicSpec } from './topic-admin';

describe('dead-letter topic (real Kafka)', () => {
  const env = testEnv();
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'dlq-int' });

  it('parks a poison message and an undecodable one with their reasons, and keeps consuming', async () => {
    const topic = eventTopic(uniqueName('dlq'));
    const groupId = uniqueName('dlq-group');
    await ensureTopics(kafka, [eventTopicSpec(topic, 1, 1)]);
    const events = probeEvents(20, 1);
    const poisonId = events[5]!.eventId;
    const producer = new EventProducer(kafka);
    await producer.connect();
    await producer.publish(events.slice(0, 10).map((event) => ({ topic, event })));
    // Bytes that are no event at all, between valid ones.
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({ topic, messages: [{ key: 'junk', value: Buffer.from('not an event'), headers: { origin: 'test' } }] });
    await raw.disconnect();
    await producer.publish(events.slice(10).map((event) => ({ topic, event })));
    await producer.disconnect();

    const handled: string[] = [];
    let poisonAttempts = 0;
    const consumer = new EventConsumer(
      kafka,
      {
        handle: async ({ event }) => {
          if (event.eventId === poisonId) {
            poisonAttempts += 1;
            throw new PoisonMessageError('PROBE.REJECTED', 'probe 6 is not acceptable', { path: 'payload.seq' });
          }
          handled.push(event.eventId);
        },
      },
      { groupId, topics: [topic], retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 } },
    );
    await consumer.start();
    const dead: { headers: Record<string, string>; key: string | null }[] = [];
    const dlqReader = kafka.consumer({ kafkaJS: { groupId: uniqueName('dlq-reader'), fromBeginning: true } });
    try {
      await waitUntil('19 events handled', () => handled.length >= 19, { timeoutMs: 30_000 });
      expect(handled).toEqual(events.filter((e) => e.eventId !== poisonId).map((e) => e.eventId));
      expect(poisonAttempts).toBe(1); // poison is not retried

      await dlqReader.connect();
      await dlqReader.subscribe({ topics: [deadLetterTopic(groupId)] });
      await dlqReader.run({
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          dead.push({ headers, key: message.key?.toString() ?? null });
        },
      });
      await waitUntil('2 dead letters', () => dead.length >= 2, { timeoutMs: 30_000 });
    } finally {
      await consumer.stop();
      await dlqReader.disconnect();
    }
    const junk = dead.find((d) => d.key === 'junk')!;
    expect(junk.headers[DLQ_HEADERS.code]).toBe('CONTRACTS.MISSING_HEADER');
    expect(junk.headers['origin']).toBe('test');
    expect(deadLetterSource(junk.headers)).toEqual({ topic, partition: 0, offset: '10' });
    const poison = dead.find((d) => d.key === 'p0')!;
    expect(poison.headers[DLQ_HEADERS.code]).toBe('PROBE.REJECTED');
    expect(poison.headers[DLQ_HEADERS.reason]).toBe('probe 6 is not acceptable');
    expect(poison.headers[DLQ_HEADERS.attempts]).toBe('1');
  });

  it('retries an ordinary failure up to the limit before dead-lettering it', async () => {
    const topic = eventTopic(uniqueName('retry'));
    const groupId = uniqueName('retry-group');
    await ensureTopics(kafka, [eventTopicSpec(topic, 1, 1)]);
    const producer = new EventProducer(kafka);
    await producer.connect();
    const [flaky, broken] = probeEvents(2, 2);
    await producer.publish([flaky!, broken!].map((event) => ({ topic, event })));
    await producer.disconnect();
    const attempts = new Map<string, number>();
    const done: string[] = [];
    const consumer = new EventConsumer(
      kafka,
      {
        handle: async ({ event }) => {
          const n = (attempts.get(event.eventId) ?? 0) + 1;
          attempts.set(event.eventId, n);
          if (event.eventId === flaky!.eventId && n < 2) throw new Error('flaky once');
          if (event.eventId === broken!.eventId) throw new Error('always broken');
          done.push(event.eventId);
        },
      },
      { groupId, topics: [topic], retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 } },
    );
    await consumer.start();
    try {
      await waitUntil('broken event given up', () => attempts.get(broken!.eventId) === 3, { timeoutMs: 30_000 });
    } finally {
      await consumer.stop();
    }
    expect(done).toEqual([flaky!.eventId]);
    expect(attempts.get(flaky!.eventId)).toBe(2);
  });
});

import { eventTopic } from '@vdx/contracts';
import { createMetricsRegistry, pipelineMetrics } from '@vdx/observability';
import { probeEvents, testEnv, uniqueName, waitUntil } from '@vdx/testing';
import { EventConsumer } from './event-consumer';
import { EventProducer } from './event-producer';
import { createKafka } from './kafka-client';
import { PoisonMessageError } from './messaging.error';
import { ensureTopics, eventTopicSpec } from './topic-admin';
import { TransactionalProcessor } from './transactional-processor';

const N = 40;

/** The value of the sample of `name` with exactly these labels (in any order), from the Prometheus text. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries({ ...labels, service: 'metrics-int' }).sort().join('|');
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const got = [...line.slice(0, line.lastIndexOf('}')).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]).sort().join('|');
    if (got === want) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('pipeline metrics after real traffic (real Kafka)', () => {
  const env = testEnv();
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'metrics-int' });

  it('counts what a producer, an exactly-once step and a consumer did, with the lag each partition was left at', async () => {
    const input = eventTopic(uniqueName('metrics-in'));
    const output = eventTopic(uniqueName('metrics-out'));
    const step = uniqueName('metrics-step');
    const reader = uniqueName('metrics-reader');
    await ensureTopics(kafka, [eventTopicSpec(input, 1, 1), eventTopicSpec(output, 1, 1)]);
    const registry = createMetricsRegistry('metrics-int');
    const metrics = pipelineMetrics(registry);

    const events = probeEvents(N, 4);
    const poisonId = events[7]!.eventId;
    const producer = new EventProducer(kafka, undefined, metrics);
    await producer.connect();
    await producer.publish(events.map((event) => ({ topic: input, event })));
    await producer.disconnect();

    const processor = new TransactionalProcessor(
      kafka,
      async ({ event }) => {
        if (event.eventId === poisonId) throw new PoisonMessageError('PROBE.REJECTED', 'not this one', { path: 'payload' });
        return [{ topic: output, event }];
      },
      { groupId: step, topics: [input], transactionalId: `${step}.0`, metrics },
    );
    let handled = 0;
    const consumer = new EventConsumer(kafka, { handle: async () => void (handled += 1), handleBatch: async (items) => void (handled += items.length) }, { groupId: reader, topics: [output], metrics });
    await processor.start();
    await consumer.start();
    let text: string;
    try {
      await waitUntil(`${N - 1} outputs consumed`, () => handled >= N - 1, { timeoutMs: 45_000 });
      // The consumer counts after its commit, which follows the handler.
      await waitUntil('the reader counted', async () => sample(await registry.metrics(), 'vdx_messages_consumed_total', { topic: output, group: reader, outcome: 'handled' }) === N - 1, { timeoutMs: 10_000 });
      text = await registry.metrics();
    } finally {
      await consumer.stop();
      await processor.stop();
    }
    // Stopped consumers hold no partition: their lag is no longer served.
    expect(await registry.metrics()).not.toMatch(/^vdx_consumer_lag\{/m);

    const s = (name: string, labels: Record<string, string>) => sample(text, name, labels);
    expect(s('vdx_messages_produced_total', { topic: input })).toBe(N);
    expect(s('vdx_messages_produced_total', { topic: output })).toBe(N - 1);
    expect(s('vdx_messages_consumed_total', { topic: input, group: step, outcome: 'handled' })).toBe(N - 1);
    expect(s('vdx_messages_consumed_total', { topic: input, group: step, outcome: 'dead-lettered' })).toBe(1);
    expect(s('vdx_messages_dead_lettered_total', { topic: input, group: step, code: 'PROBE.REJECTED' })).toBe(1);
    expect(s('vdx_messages_consumed_total', { topic: output, group: reader, outcome: 'handled' })).toBe(N - 1);
    // The step read its input to the end (written without transactions: no end markers).
    expect(s('vdx_consumer_lag', { group: step, topic: input, partition: '0' })).toBe(0);
    // The reader's input was written in transactions: at most an end marker is left.
    expect(s('vdx_consumer_lag', { group: reader, topic: output, partition: '0' })).toBeLessThanOrEqual(1);
    expect(s('vdx_batch_seconds_count', { group: step, topic: input })).toBeGreaterThanOrEqual(1);
    expect(s('vdx_batch_seconds_count', { group: reader, topic: output })).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(/vdx_kafka_errors_total\{/);
  });
});

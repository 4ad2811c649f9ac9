import { eventTopic, laneTopic } from '@vdx/contracts';
import { probeEvents, testEnv, uniqueName, waitUntil } from '@vdx/testing';
import { EventConsumer } from './event-consumer';
import { EventProducer } from './event-producer';
import { createKafka } from './kafka-client';
import { ensureTopics, eventTopicSpec } from './topic-admin';
import { TransactionalAppender } from './transactional-appender';
import { TransactionalProcessor } from './transactional-processor';

const BACKLOG = 5000;

/**
 * The lane governor under both consumers of the pipeline, as an order: an urgent record
 * appended after a backlog of normal ones is served among the first few hundred, and pausing
 * the normal lane for it loses and repeats nothing, nor stalls it once the urgent lane is served.
 */
describe('priority lanes in the consumers (real Kafka)', () => {
  const env = testEnv();
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'lanes-int' });

  async function append(topic: string, n: number, note: string): Promise<void> {
    const producer = new EventProducer(kafka);
    await producer.connect();
    const events = probeEvents(n, 50, note);
    for (let i = 0; i < events.length; i += 1000) await producer.publish(events.slice(i, i + 1000).map((event, j) => ({ topic, event, key: `k${i + j}` })));
    await producer.disconnect();
  }

  for (const kind of ['transactional processor', 'event consumer'] as const) {
    it(`serves an urgent record ahead of a backlog, losing nothing and repeating nothing while it keeps its partitions (${kind})`, async () => {
      const normal = eventTopic(uniqueName('lanes'));
      const urgent = laneTopic(normal, 'urgent');
      await ensureTopics(kafka, [eventTopicSpec(normal, 4, 1), eventTopicSpec(urgent, 4, 1)]);
      const served: string[] = [];
      const rebalancesWhileServing: string[] = [];
      let urgentAt = -1;
      const handle = async (topic: string, partition: number, offset: string) => {
        served.push(`${topic}/${partition}/${offset}`);
        if (topic === urgent) urgentAt = served.length;
        // About a millisecond of work per record, as a pipeline step spends at least.
        await new Promise((r) => setTimeout(r, 1));
      };
      const groupId = uniqueName('lanes-group');
      // The rebalances the event consumer went through, as `<assigned|revoked>:<partitions>`.
      const rebalances: string[] = [];
      const consumer =
        kind === 'transactional processor'
          ? new TransactionalProcessor(kafka, async ({ record }) => (await handle(record.topic, record.partition, record.offset), []), { groupId, topics: [normal, urgent], transactionalId: `${groupId}.0`, replicationFactor: 1 })
          : new EventConsumer(kafka, { handle: async ({ record }) => handle(record.topic, record.partition, record.offset) }, { groupId, topics: [normal, urgent], onRebalance: (change, partitions) => rebalances.push(`${change}:${partitions.length}`) });
      await append(normal, BACKLOG, 'x'.repeat(800));
      await consumer.start();
      let before = 0;
      try {
        // The consumer is working through the backlog, fetched ahead, when the urgent record arrives.
        await waitUntil('the backlog being served', () => served.length >= 100, { timeoutMs: 20_000, intervalMs: 5 });
        before = served.length;
        // Appended in a transaction, as every pipeline step writes: its end marker takes an
        // offset no consumer commits past, and must not keep the normal lane paused.
        const appender = new TransactionalAppender(kafka, `${groupId}.urgent-writer`);
        await appender.connect();
        await appender.append(probeEvents(1, 1, 'urgent').map((event) => ({ topic: urgent, event, key: 'urgent' })));
        await appender.disconnect();
        await waitUntil('every record served', () => new Set(served).size >= BACKLOG + 1, { timeoutMs: 35_000, intervalMs: 100 });
      } finally {
        rebalancesWhileServing.push(...rebalances);
        await consumer.stop();
      }
      expect(urgentAt).toBeGreaterThan(before);
      expect(urgentAt - before).toBeLessThan(BACKLOG / 5);
      expect(new Set(served).size).toBe(BACKLOG + 1);
      // The processor's transactions make it exactly once even across a rebalance. The event
      // consumer is at least once: exactly once while it keeps the partitions it was given (the
      // pause and its seek back repeat nothing), and a partition taken from it mid-run is read
      // again from its committed offset (its handlers are idempotent).
      const revokedMidRun = rebalancesWhileServing.some((r) => r.startsWith('revoked'));
      if (kind === 'transactional processor' || !revokedMidRun) {
        // On a failure, the records served twice and the rebalances seen say what happened.
        const repeated = served.filter((r, i) => served.indexOf(r) !== i).slice(0, 20);
        expect({ served: served.length, repeated, rebalances: rebalancesWhileServing }).toEqual({ served: BACKLOG + 1, repeated: [], rebalances: rebalancesWhileServing });
      }
    });
  }
});

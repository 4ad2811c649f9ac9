import { DEAD_LETTER_TOPIC_CONFIG, EVENT_TOPIC_CONFIG } from '@vdx/contracts';
import type { Kafka } from './kafka-client';
import { MessagingError } from './messaging.error';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
}

/** An event topic: never expires, never compacted (docs/architecture.md invariant 1). */
export function eventTopicSpec(name: string, partitions: number, replicationFactor: number): TopicSpec {
  return { name, partitions, replicationFactor, config: EVENT_TOPIC_CONFIG };
}

/** A compacted topic: the latest record per key is kept forever (snapshots, never events). */
export function compactedTopicSpec(name: string, partitions: number, replicationFactor: number): TopicSpec {
  return { name, partitions, replicationFactor, config: { 'cleanup.policy': 'compact', 'retention.ms': '-1', 'min.compaction.lag.ms': '0' } };
}

export function deadLetterTopicSpec(name: string, replicationFactor: number): TopicSpec {
  return { name, partitions: 1, replicationFactor, config: DEAD_LETTER_TOPIC_CONFIG };
}

/**
 * Creates the topics that do not exist yet; existing ones are left as they are. Returns the
 * names created. Instances starting at once race to create the same topics: a request refused
 * because another instance created one of them (the rest of that request may not exist yet)
 * is made again for what is still missing. Returns once the broker's metadata shows every
 * topic's partitions: a consumer that subscribed to a topic before that would not be assigned
 * it until its next metadata refresh, minutes later.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<string[]> {
  if (specs.length === 0) return [];
  const created = await createMissing(kafka, specs);
  for (const s of specs) {
    if ((await settledPartitionCount(kafka, s.name)) === 0) throw new MessagingError('MESSAGING.TOPIC_PROVISIONING_FAILED', `topic ${s.name} has no partitions in the broker's metadata`);
  }
  return created;
}

async function createMissing(kafka: Kafka, specs: readonly TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  const created: string[] = [];
  try {
    for (let attempt = 1; ; attempt++) {
      const existing = new Set(await admin.listTopics({ timeout: 10_000 }));
      const missing = specs.filter((s) => !existing.has(s.name));
      if (missing.length === 0) return created;
      try {
        await admin.createTopics({
          timeout: 30_000,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: s.replicationFactor,
            configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
          })),
        });
        created.push(...missing.map((s) => s.name));
        return created;
      } catch (err) {
        // 36: TOPIC_ALREADY_EXISTS (another instance was first); look again for what is missing.
        if ((err as { code?: unknown }).code !== 36 || attempt >= 5) throw err;
      }
    }
  } catch (err) {
    throw new MessagingError('MESSAGING.TOPIC_PROVISIONING_FAILED', `could not create topics: ${(err as Error).message}`, { cause: err });
  } finally {
    await admin.disconnect();
  }
}

/** Number of partitions of a topic, from the broker's metadata. */
export async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [meta] = await admin.fetchTopicMetadata({ topics: [topic], timeout: 10_000 });
    return meta?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Refuses to go on unless every topic has the same number of partitions: co-partitioned topics
 * (one document's events under one key on each) put a key on the same partition number only then.
 */
export async function requireCoPartitioned(kafka: Kafka, topics: readonly string[]): Promise<number> {
  const counts = await Promise.all(topics.map(async (t) => [t, await settledPartitionCount(kafka, t)] as const));
  const distinct = new Set(counts.map(([, n]) => n));
  if (distinct.size !== 1) {
    throw new MessagingError('MESSAGING.PARTITIONS_MISMATCH', `these topics must have the same number of partitions: ${counts.map(([t, n]) => `${t} has ${n}`).join(', ')}`);
  }
  return counts[0]![1];
}

/** The partition count once the broker's metadata knows the topic (just created ones take a moment). */
async function settledPartitionCount(kafka: Kafka, topic: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const n = await partitionCount(kafka, topic);
      if (n > 0 || attempt >= 20) return n;
    } catch (err) {
      if (attempt >= 20) throw err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

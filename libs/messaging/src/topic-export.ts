// Reading and writing topics record for record, bytes untouched: what a backup exports and a
// restore loads. Unlike `readLogFromStart`, which hands events to projections, these keep every
// header (repeated names too, in order), the record's timestamp and its original offset.
import { KafkaConsumer, type Message } from '@confluentinc/kafka-javascript';
import { DURABLE_PRODUCER_CONFIG } from './event-producer';
import { createKafka, type Kafka, type KafkaProducer, type KafkaSettings } from './kafka-client';
import { logEnds, readBounded, type LogEnd } from './log-reader';
import { MessagingError } from './messaging.error';

/** One header of a record; a name may repeat. A null value is a header without one. */
export interface RawHeader {
  readonly name: string;
  readonly value: Buffer | null;
}

/** A committed record exactly as the log holds it. */
export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  /** Its offset where it was read (a restore gives it a new one). */
  readonly offset: string;
  /** Milliseconds since the epoch, as the record carries it; -1 when it has none. */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RawHeader[];
}

/** A topic as the broker's metadata knows it. */
export interface TopicLayout {
  readonly topic: string;
  readonly partitions: number;
  /** Replicas of its first partition. */
  readonly replicationFactor: number;
}

/** The topics whose names start with `prefix` (Kafka's own `__*` never), sorted, with their partition counts. */
export async function describeTopics(settings: KafkaSettings, prefix: string): Promise<TopicLayout[]> {
  const admin = createKafka(settings).admin();
  await admin.connect();
  try {
    const names = (await admin.listTopics({ timeout: 10_000 })).filter((t) => t.startsWith(prefix) && !t.startsWith('__')).sort();
    const out: TopicLayout[] = [];
    for (let i = 0; i < names.length; i += 20) {
      const metas = await admin.fetchTopicMetadata({ topics: names.slice(i, i + 20), timeout: 10_000 });
      for (const m of metas) out.push({ topic: m.name, partitions: m.partitions.length, replicationFactor: m.partitions[0]?.replicas.length ?? 1 });
    }
    return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  } finally {
    await admin.disconnect();
  }
}

/** Committed records of each partition of `topics`: last stable offset minus low watermark (transaction markers and compaction gaps included). */
export async function recordSpans(settings: KafkaSettings, topics: readonly string[]): Promise<{ topic: string; partition: number; low: string; high: string }[]> {
  const admin = createKafka(settings).admin();
  await admin.connect();
  try {
    const out: { topic: string; partition: number; low: string; high: string }[] = [];
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic, { timeout: 10_000, isolationLevel: 1 });
      for (const o of offsets) out.push({ topic, partition: o.partition, low: o.low, high: o.high });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

function headersOf(m: Message): RawHeader[] {
  const out: RawHeader[] = [];
  for (const h of m.headers ?? []) {
    for (const [name, v] of Object.entries(h)) {
      const value = v as unknown;
      out.push({ name, value: value === null || value === undefined ? null : Buffer.isBuffer(value) ? value : Buffer.from(String(value)) });
    }
  }
  return out;
}

export interface ReadRawOptions {
  /** Records asked of the client at a time (1000). */
  readonly batchSize?: number;
  /** After each batch handed over: records read so far. */
  readonly onProgress?: (read: number) => void;
}

/**
 * Reads every committed record (`read_committed`: aborted ones and transaction markers are not
 * records) of the partitions in `ends`, from the start of each to its end, without joining a
 * consumer group, and hands them over in batches, each partition in offset order.
 */
export async function readRawRecords(settings: KafkaSettings, ends: readonly LogEnd[], onBatch: (records: RawRecord[]) => Promise<void>, opts: ReadRawOptions = {}): Promise<number> {
  let read = 0;
  await readBounded(settings, 'export', ends.map((e) => ({ ...e, start: 0n })), opts.batchSize ?? 1000, async (messages) => {
    await onBatch(messages.map(rawRecordOf));
    read += messages.length;
    opts.onProgress?.(read);
  });
  return read;
}

function rawRecordOf(m: Message): RawRecord {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: String(m.offset),
    timestamp: typeof m.timestamp === 'number' ? m.timestamp : -1,
    key: m.key === undefined || m.key === null ? null : Buffer.isBuffer(m.key) ? m.key : Buffer.from(m.key),
    value: m.value ?? null,
    headers: headersOf(m),
  };
}

/** What {@link RawRecordWriter.write} appends: a record of a partition, with its key, value, headers and timestamp. */
export type RawOutgoing = Pick<RawRecord, 'timestamp' | 'key' | 'value' | 'headers'>;

/** Headers as the producer takes them: a repeated name becomes a list, in order of appearance. */
export function producerHeaders(headers: readonly RawHeader[]): Record<string, Buffer | Buffer[]> {
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const h of headers) {
    // A header without a value cannot be sent by this client: it travels with an empty one.
    const v = h.value ?? Buffer.alloc(0);
    const had = out[h.name];
    out[h.name] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

/**
 * Appends records to chosen partitions, in the order given, with the durable idempotent
 * producer (`acks=all`; retries cannot reorder or repeat them). Kafka gives them new offsets.
 */
export class RawRecordWriter {
  private producer: KafkaProducer | null = null;
  private readonly kafka: Kafka;

  constructor(settings: KafkaSettings) {
    this.kafka = createKafka(settings);
  }

  async connect(): Promise<void> {
    if (this.producer) return;
    const p = this.kafka.producer(DURABLE_PRODUCER_CONFIG);
    await p.connect();
    this.producer = p;
  }

  /** Resolves once every record is in the log. */
  async write(topic: string, partition: number, records: readonly RawOutgoing[]): Promise<void> {
    if (records.length === 0) return;
    if (!this.producer) throw new MessagingError('MESSAGING.NOT_CONNECTED', 'RawRecordWriter.write before connect()');
    try {
      await this.producer.sendBatch({
        topicMessages: [
          {
            topic,
            messages: records.map((r) => ({
              key: r.key,
              value: r.value,
              partition,
              headers: producerHeaders(r.headers),
              ...(r.timestamp >= 0 ? { timestamp: String(r.timestamp) } : {}),
            })),
          },
        ],
      });
    } catch (err) {
      throw new MessagingError('MESSAGING.PRODUCE_FAILED', `could not append ${records.length} record(s) to ${topic}/${partition}: ${(err as Error).message}`, { cause: err });
    }
  }

  async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    await p?.disconnect();
  }
}

/** A consumer group's committed offset on a partition: the next record it will read. */
export interface GroupOffset {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** The committed offsets every consumer group of the cluster holds on `topics`. */
export async function committedGroupOffsets(settings: KafkaSettings, topics: readonly string[]): Promise<GroupOffset[]> {
  if (topics.length === 0) return [];
  const admin = createKafka(settings).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups({ timeout: 10_000 });
    const out: GroupOffset[] = [];
    for (const g of [...groups].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))) {
      const fetched = await admin.fetchOffsets({ groupId: g.groupId, topics: [...topics], timeout: 10_000 });
      for (const t of fetched) for (const p of t.partitions) if (BigInt(p.offset) >= 0n) out.push({ group: g.groupId, topic: t.topic, partition: p.partition, offset: String(p.offset) });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** A consumer group's position on one partition, beside the partition's committed end. */
export interface GroupLag extends GroupOffset {
  /** The partition's last stable offset (`read_committed`): the group is caught up when `offset` equals it. */
  readonly end: string;
}

/**
 * Where every consumer group stands on the topics whose names start with `prefix`: what an
 * operator or a failing test asks first when a step seems stuck (which group, which partition,
 * how far behind). An unreachable cluster is `MESSAGING.NOT_CONNECTED`.
 */
export async function consumerLags(settings: KafkaSettings, prefix: string): Promise<GroupLag[]> {
  const admin = createKafka(settings).admin();
  const topics = await admin
    .connect()
    .then(() => admin.listTopics())
    .catch((err: unknown) => {
      throw new MessagingError('MESSAGING.NOT_CONNECTED', `cannot reach Kafka at ${settings.brokers}: ${(err as Error).message}`, { cause: err });
    })
    .finally(() => admin.disconnect().catch(() => undefined));
  const own = topics.filter((t) => t.startsWith(prefix)).sort();
  if (own.length === 0) return [];
  const [{ ends }, committed] = await Promise.all([logEnds(settings, own), committedGroupOffsets(settings, own)]);
  const endOf = new Map(ends.map((e) => [`${e.topic}#${e.partition}`, e.endOffset]));
  return committed.map((c) => ({ ...c, end: endOf.get(`${c.topic}#${c.partition}`) ?? '-1' }));
}

/** Records a group is behind on the partition: the end (last stable offset) less its committed offset, never below 0. */
export function behindBy(l: GroupLag): number {
  return Math.max(0, Number(BigInt(l.end) - BigInt(l.offset)));
}

/**
 * {@link consumerLags} as lines, one per group and topic in the order they come, its partitions
 * in order (`p0 12/15 p1 4/4`), marked `*` when a partition is more than one offset behind and
 * `~` when it is exactly one behind: the end of a transactional topic sits one past the last
 * record after each commit (the marker no consumer commits past), so a caught-up reader of such a
 * topic often shows it.
 */
export function formatLags(lags: readonly GroupLag[]): string {
  const rows = new Map<string, GroupLag[]>();
  for (const l of lags) {
    const key = `${l.group} ${l.topic}`;
    rows.set(key, [...(rows.get(key) ?? []), l]);
  }
  return [...rows]
    .map(([key, parts]) => {
      const most = Math.max(...parts.map(behindBy));
      const mark = most > 1 ? '*' : most === 1 ? '~' : ' ';
      return `${mark} ${key}: ${[...parts].sort((x, y) => x.partition - y.partition).map((l) => `p${l.partition} ${l.offset}/${l.end}`).join(' ')}`;
    })
    .join('\n');
}

/**
 * Commits `offsets` for `group` without joining it (a simple consumer commit). The broker
 * refuses while the group has live members: stop its services first.
 */
export async function commitGroupOffsets(settings: KafkaSettings, group: string, offsets: readonly Omit<GroupOffset, 'group'>[]): Promise<void> {
  if (offsets.length === 0) return;
  const consumer = new KafkaConsumer({ 'bootstrap.servers': settings.brokers, 'client.id': settings.clientId, 'group.id': group, 'enable.auto.commit': false });
  await new Promise<void>((resolve, reject) => consumer.connect({}, (err) => (err ? reject(err) : resolve())));
  try {
    // Assigned, not subscribed: the group is not joined, and no record is read before the commit.
    consumer.assign(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) })));
    consumer.commitSync(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) })));
  } catch (err) {
    throw new MessagingError('MESSAGING.COMMIT_FAILED', `could not commit the offsets of group ${group} (does it have live members?): ${(err as Error).message}`, { cause: err });
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}

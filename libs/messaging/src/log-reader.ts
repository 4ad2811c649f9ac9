import { KafkaConsumer, type Message } from '@confluentinc/kafka-javascript';
import { createKafka, type KafkaSettings } from './kafka-client';
import { normaliseHeaders, type ConsumedRecord } from './records';

/** Where reading a topic from the start stopped: the committed end of each partition when it began. */
export interface LogEnd {
  readonly topic: string;
  readonly partition: number;
  readonly endOffset: string;
}

export interface ReadLogOptions {
  readonly batchSize?: number;
  /** Only these partitions of each topic (a partition owner restoring its share); all when absent. */
  readonly partitions?: readonly number[];
  /**
   * Where to begin each partition, by {@link logPartitionKey}; offset zero for a partition not
   * in the map. A resumed replay passes the next offset its checkpoint has not applied yet.
   */
  readonly startOffsets?: ReadonlyMap<string, string>;
  /**
   * Read up to these ends instead of the committed ends of now: a resumed replay keeps the ends
   * of its first run, so that resuming finishes the same model rather than a longer one.
   */
  readonly ends?: readonly LogEnd[];
  /** After each batch handed over: records read so far, and the records between the starts and the ends. */
  readonly onProgress?: (read: number, total: number) => void;
}

/** `<topic>/<partition>`: how {@link ReadLogOptions.startOffsets} names a partition. */
export function logPartitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/** The committed end (last stable offset) of every partition of `topics`, and the records before it. */
export async function logEnds(settings: KafkaSettings, topics: readonly string[]): Promise<{ ends: LogEnd[]; total: number }> {
  const admin = createKafka(settings).admin();
  await admin.connect();
  try {
    const ends: LogEnd[] = [];
    let total = 0;
    for (const topic of topics) {
      // read_committed: the last stable offset, so an open transaction is not waited for.
      const offsets = await admin.fetchTopicOffsets(topic, { timeout: 10_000, isolationLevel: 1 });
      for (const o of offsets) {
        ends.push({ topic, partition: o.partition, endOffset: o.high });
        total += Number(BigInt(o.high) - BigInt(o.low));
      }
    }
    return { ends, total };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads `topics` from offset zero (or `startOffsets`) up to the end each partition had when the
 * read began (or `ends`), without joining a consumer group, and hands the records over in
 * batches in partition order. This is what `replay` builds a fresh read model from.
 */
export async function readLogFromStart(
  settings: KafkaSettings,
  topics: readonly string[],
  onBatch: (records: ConsumedRecord[]) => Promise<void>,
  opts: ReadLogOptions = {},
): Promise<LogEnd[]> {
  const all = opts.ends ? { ends: opts.ends.filter((e) => topics.includes(e.topic)), total: null } : await logEnds(settings, topics);
  const only = opts.partitions ? new Set(opts.partitions) : null;
  const ends = only ? all.ends.filter((e) => only.has(e.partition)) : all.ends;
  const startOf = (e: LogEnd): bigint => BigInt(opts.startOffsets?.get(logPartitionKey(e.topic, e.partition)) ?? '0');
  const total = all.total !== null && !only && !opts.startOffsets ? all.total : ends.reduce((n, e) => n + Math.max(0, Number(BigInt(e.endOffset) - startOf(e))), 0);
  let read = 0;
  await readBounded(settings, 'reader', ends.map((e) => ({ ...e, start: startOf(e) })), opts.batchSize ?? 1000, async (messages) => {
    await onBatch(messages.map(consumedRecordOf));
    read += messages.length;
    opts.onProgress?.(read, total);
  });
  return ends;
}

function consumedRecordOf(m: Message): ConsumedRecord {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: String(m.offset),
    key: m.key === undefined || m.key === null ? null : m.key.toString(),
    value: m.value ?? null,
    headers: normaliseHeaders(Object.assign({}, ...(m.headers ?? []).map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(String(v))]))))),
  };
}

/** A partition to read from `start` up to (not including) its captured `endOffset`. */
export type BoundedPartition = LogEnd & { readonly start: bigint };

/**
 * Reads the committed messages (`read_committed`) of each partition from its start up to the
 * end captured before, without joining a consumer group, and hands them over in batches (never
 * empty), each partition in offset order. Records past an end belong to whoever reads the live
 * log, not to this read. `purpose` names the client's throw-away group.
 */
export async function readBounded(settings: KafkaSettings, purpose: string, partitions: readonly BoundedPartition[], batchSize: number, onMessages: (messages: Message[]) => Promise<void>): Promise<void> {
  const endOf = new Map(partitions.map((e) => [logPartitionKey(e.topic, e.partition), BigInt(e.endOffset)]));
  const pending = new Map(partitions.filter((e) => BigInt(e.endOffset) > e.start).map((e) => [logPartitionKey(e.topic, e.partition), e]));
  if (pending.size === 0) return;

  const consumer = new KafkaConsumer({
    'bootstrap.servers': settings.brokers,
    'client.id': settings.clientId,
    // Never used to commit: the group id only satisfies the client.
    'group.id': `${settings.clientId}-${purpose}`,
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
    'enable.partition.eof': true,
    'isolation.level': 'read_committed',
    'auto.offset.reset': 'earliest',
  });
  await new Promise<void>((resolve, reject) => consumer.connect({}, (err) => (err ? reject(err) : resolve())));
  const markDone = (topic: string, partition: number, offset: number | bigint) => {
    const key = logPartitionKey(topic, partition);
    const end = pending.get(key);
    if (end && BigInt(offset) >= BigInt(end.endOffset)) pending.delete(key);
  };
  consumer.on('partition.eof', (eof) => markDone(eof.topic, eof.partition, eof.offset ?? 0));
  try {
    // A start below a partition's oldest record (compaction, retention) resets to the earliest.
    consumer.assign([...pending.values()].map((e) => ({ topic: e.topic, partition: e.partition, offset: Number(e.start) })));
    while (pending.size > 0) {
      const messages = await new Promise<Message[]>((resolve, reject) => consumer.consume(batchSize, (err, msgs) => (err ? reject(err) : resolve(msgs))));
      const kept: Message[] = [];
      for (const m of messages) {
        // The end-of-partition event may already have fired for this very batch: judge by offset.
        const end = endOf.get(logPartitionKey(m.topic, m.partition));
        if (end === undefined || BigInt(m.offset) >= end) continue;
        kept.push(m);
        markDone(m.topic, m.partition, m.offset + 1);
      }
      if (kept.length > 0) await onMessages(kept);
      for (const p of consumer.position()) if (p.offset !== undefined && p.offset >= 0) markDone(p.topic, p.partition, p.offset);
    }
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}

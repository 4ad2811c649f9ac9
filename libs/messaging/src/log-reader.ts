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
  readonly onProgress?: (read: number, total: number) => void;
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
 * Reads `topics` from offset zero up to the end each partition had when the read began, without
 * joining a consumer group, and hands the records over in batches in partition order. This is
 * what `replay` builds a fresh read model from.
 */
export async function readLogFromStart(
  settings: KafkaSettings,
  topics: readonly string[],
  onBatch: (records: ConsumedRecord[]) => Promise<void>,
  opts: ReadLogOptions = {},
): Promise<LogEnd[]> {
  const all = await logEnds(settings, topics);
  const only = opts.partitions ? new Set(opts.partitions) : null;
  const ends = only ? all.ends.filter((e) => only.has(e.partition)) : all.ends;
  const total = only ? ends.reduce((n, e) => n + Number(e.endOffset), 0) : all.total;
  const endOf = new Map(ends.map((e) => [`${e.topic}/${e.partition}`, BigInt(e.endOffset)]));
  const pending = new Map(ends.filter((e) => e.endOffset !== '0').map((e) => [`${e.topic}/${e.partition}`, e]));
  if (pending.size === 0) return ends;

  const consumer = new KafkaConsumer({
    'bootstrap.servers': settings.brokers,
    'client.id': settings.clientId,
    // Never used to commit: the group id only satisfies the client.
    'group.id': `${settings.clientId}-reader`,
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
    'enable.partition.eof': true,
    'isolation.level': 'read_committed',
    'auto.offset.reset': 'earliest',
  });
  await new Promise<void>((resolve, reject) => consumer.connect({}, (err) => (err ? reject(err) : resolve())));
  const markDone = (topic: string, partition: number, offset: number | bigint) => {
    const key = `${topic}/${partition}`;
    const end = pending.get(key);
    if (end && BigInt(offset) >= BigInt(end.endOffset)) pending.delete(key);
  };
  consumer.on('partition.eof', (eof) => markDone(eof.topic, eof.partition, eof.offset ?? 0));
  try {
    consumer.assign([...pending.values()].map((e) => ({ topic: e.topic, partition: e.partition, offset: 0 })));
    let read = 0;
    const batchSize = opts.batchSize ?? 1000;
    while (pending.size > 0) {
      const messages = await new Promise<Message[]>((resolve, reject) =>
        consumer.consume(batchSize, (err, msgs) => (err ? reject(err) : resolve(msgs))),
      );
      const records: ConsumedRecord[] = [];
      for (const m of messages) {
        // Records past the captured end belong to the live projection, not to this replay. (The
        // end-of-partition event may already have fired for this very batch: judge by offset.)
        const end = endOf.get(`${m.topic}/${m.partition}`);
        if (end === undefined || BigInt(m.offset) >= end) continue;
        records.push({
          topic: m.topic,
          partition: m.partition,
          offset: String(m.offset),
          key: m.key === undefined || m.key === null ? null : m.key.toString(),
          value: m.value ?? null,
          headers: normaliseHeaders(Object.assign({}, ...(m.headers ?? []).map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(String(v))]))))),
        });
        markDone(m.topic, m.partition, m.offset + 1);
      }
      if (records.length > 0) {
        await onBatch(records);
        read += records.length;
        opts.onProgress?.(read, total);
      }
      for (const p of consumer.position()) if (p.offset !== undefined && p.offset >= 0) markDone(p.topic, p.partition, p.offset);
    }
    return ends;
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}

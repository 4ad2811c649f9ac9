// The pure half of the dead-letter tools: what a dead-letter record says, which record an id
// names, what goes back to the source topic, and what the replay ledger remembers.
import { deadLetterTopic, headerText, type MessageHeaders } from '@vdx/contracts';
import { DLQ_HEADERS, deadLetterSource } from './dead-letter';
import { DeadLetterError } from './dead-letter.error';
import type { ConsumedRecord } from './records';

/** Every dead-letter topic is `vdx.dlq.<group>`; nothing else starts so. */
export const DEAD_LETTER_TOPIC_PREFIX = deadLetterTopic('');

/**
 * The compacted ledger of replays, one record per replayed dead letter keyed by
 * {@link replayMarker}. Not under `vdx.dlq.`: that prefix means "a group's dead letters", and a
 * group called `replays` would otherwise share its topic with the ledger.
 */
export const DLQ_REPLAYS_TOPIC = 'vdx.dlq-replays.v1';

/** The header a replayed record carries: `<dlqTopic>:<partition>:<offset>` it was replayed from. */
export const DLQ_REPLAYED_FROM_HEADER = 'vdx-dlq-replayed-from';

// Every header the dead-letter machinery adds starts so; a replay strips them all.
const DLQ_HEADER_PREFIX = 'vdx-dlq-';

/** The group whose dead letters `topic` holds, or null when it is no dead-letter topic. */
export function groupOfDeadLetterTopic(topic: string): string | null {
  return topic.startsWith(DEAD_LETTER_TOPIC_PREFIX) && topic.length > DEAD_LETTER_TOPIC_PREFIX.length ? topic.slice(DEAD_LETTER_TOPIC_PREFIX.length) : null;
}

/** One record of a dead-letter topic, by where it is in that topic. */
export interface PoisonMessageId {
  readonly partition: number;
  /** Decimal, without leading zeros. */
  readonly offset: string;
}

/**
 * Reads what an operator types: `<offset>` (partition 0, where every dead-letter topic the
 * services create has its records) or `<partition>:<offset>`.
 */
export function parsePoisonId(text: string): PoisonMessageId {
  const m = /^(?:(\d{1,9}):)?(\d{1,19})$/.exec(text.trim());
  if (!m) throw new DeadLetterError('DLQ.BAD_ID', `${JSON.stringify(text)} is not an id: expected <offset> or <partition>:<offset>, e.g. 12 or 0:12`, { path: 'id' });
  return { partition: m[1] === undefined ? 0 : Number(m[1]), offset: BigInt(m[2]!).toString() };
}

/** `<partition>:<offset>`, as `vdx dlq topics` prints an id and `--id` takes it back. */
export function poisonIdText(id: PoisonMessageId): string {
  return `${id.partition}:${id.offset}`;
}

/** `<dlqTopic>:<partition>:<offset>`: the replay header's value and the ledger's key. */
export function replayMarker(dlqTopic: string, id: PoisonMessageId): string {
  return `${dlqTopic}:${poisonIdText(id)}`;
}

/** Where a record originally was, from `vdx-dlq-source`. */
export interface RecordSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** What an operator sees of a dead letter: where it is, where it came from, and why it is there. */
export interface PoisonMessage {
  /** `<partition>:<offset>` in the dead-letter topic. */
  readonly id: string;
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** Size of the original value (null for a tombstone). */
  readonly valueBytes: number | null;
  /** Null when the header is missing or unreadable: such a message cannot be replayed. */
  readonly source: RecordSource | null;
  readonly code: string | null;
  readonly reason: string | null;
  readonly attempts: number | null;
  /** When it was dead-lettered (ISO 8601), as the consumer wrote it. */
  readonly at: string | null;
  /** Set when this message had been replayed once already and failed again: the earlier dead letter. */
  readonly replayedFrom: string | null;
}

/** The operator's view of one record of `vdx.dlq.<group>`. */
export function poisonMessageOf(record: ConsumedRecord, group: string): PoisonMessage {
  const h = record.headers;
  const attempts = headerText(h, DLQ_HEADERS.attempts);
  return {
    id: poisonIdText(record),
    group,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    valueBytes: record.value === null ? null : record.value.length,
    source: deadLetterSource(h),
    code: headerText(h, DLQ_HEADERS.code) ?? null,
    reason: headerText(h, DLQ_HEADERS.reason) ?? null,
    attempts: attempts !== undefined && /^\d{1,9}$/.test(attempts) ? Number(attempts) : null,
    at: headerText(h, DLQ_HEADERS.at) ?? null,
    replayedFrom: headerText(h, DLQ_REPLAYED_FROM_HEADER) ?? null,
  };
}

/**
 * The original headers, as the source topic first had them, plus the replay marker: every
 * `vdx-dlq-*` header goes (the reasons of this dead letter, and the marker of an earlier replay).
 * Values stay the bytes they were.
 */
export function replayHeaders(headers: MessageHeaders, marker: string): Record<string, string | Buffer> {
  const out: Record<string, string | Buffer> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !k.startsWith(DLQ_HEADER_PREFIX)) out[k] = v;
  out[DLQ_REPLAYED_FROM_HEADER] = marker;
  return out;
}

/** A dead letter on its way back: the source topic and partition, the original key, value and headers. */
export interface ReplayRecord {
  /** {@link replayMarker} of the dead letter. */
  readonly marker: string;
  readonly source: RecordSource;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string | Buffer>;
}

/**
 * What to append to the source topic for a dead-letter record. It goes to the partition it came
 * from: its key put it there, and a keyless record would otherwise land anywhere.
 */
export function replayRecordOf(record: ConsumedRecord): ReplayRecord {
  const source = deadLetterSource(record.headers);
  if (!source) {
    throw new DeadLetterError('DLQ.NO_SOURCE', `${record.topic} ${poisonIdText(record)} has no usable ${DLQ_HEADERS.source} header (topic/partition/offset): there is nowhere to replay it to`, { path: 'id' });
  }
  const marker = replayMarker(record.topic, record);
  return { marker, source, key: record.key, value: record.value, headers: replayHeaders(record.headers, marker) };
}

/** What the ledger remembers of one replay. */
export interface ReplayLedgerEntry {
  /** {@link replayMarker} of the dead letter: also the record's key. */
  readonly marker: string;
  readonly dlqTopic: string;
  readonly partition: number;
  readonly offset: string;
  /** Where it was sent back to (its original topic and partition). */
  readonly to: { readonly topic: string; readonly partition: number };
  /** When (ISO 8601) and by whom. */
  readonly at: string;
  readonly operator: string;
}

export function ledgerEntryOf(dlqTopic: string, id: PoisonMessageId, to: RecordSource, at: Date, operator: string): ReplayLedgerEntry {
  return { marker: replayMarker(dlqTopic, id), dlqTopic, partition: id.partition, offset: id.offset, to: { topic: to.topic, partition: to.partition }, at: at.toISOString(), operator };
}

/** The ledger record's value: JSON, readable with any console consumer. */
export function encodeLedgerEntry(entry: ReplayLedgerEntry): Buffer {
  return Buffer.from(JSON.stringify(entry));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A ledger record back; null for a tombstone (a replay forgotten on purpose) or a record of another shape. */
export function decodeLedgerEntry(value: Buffer | null): ReplayLedgerEntry | null {
  if (value === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  if (!isRecord(v) || !isRecord(v['to'])) return null;
  const { marker, dlqTopic, partition, offset, at, operator, to } = v;
  if (typeof marker !== 'string' || typeof dlqTopic !== 'string' || typeof partition !== 'number' || typeof offset !== 'string' || typeof at !== 'string' || typeof operator !== 'string') return null;
  if (typeof to['topic'] !== 'string' || typeof to['partition'] !== 'number') return null;
  return { marker, dlqTopic, partition, offset, to: { topic: to['topic'], partition: to['partition'] }, at, operator };
}

/** `replayed 2025-05-01T10:00:00.000Z by alice to vdx.gateway.events.v1/2` */
export function replayedText(entry: ReplayLedgerEntry): string {
  return `replayed ${entry.at} by ${entry.operator} to ${entry.to.topic}/${entry.to.partition}`;
}

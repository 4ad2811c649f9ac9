// The Kafka half of the dead-letter tools: which `vdx.dlq.<group>` topics exist, what they hold,
// and sending their records back to where they came from. Reading never joins a consumer group
// nor commits (readLogFromStart); replaying appends, it never deletes (Kafka is append-only).
import { DeadLetterError } from './dead-letter.error';
import {
  DEAD_LETTER_TOPIC_PREFIX,
  DLQ_REPLAYS_TOPIC,
  decodeLedgerEntry,
  encodeLedgerEntry,
  groupOfDeadLetterTopic,
  ledgerEntryOf,
  parsePoisonId,
  poisonIdText,
  poisonMessageOf,
  replayMarker,
  replayRecordOf,
  replayedText,
  type PoisonMessage,
  type PoisonMessageId,
  type RecordSource,
  type ReplayLedgerEntry,
  type ReplayRecord,
} from './dead-letter-records';
import { DURABLE_PRODUCER_CONFIG } from './event-producer';
import { createKafka, type Kafka, type KafkaAdmin, type KafkaProducer, type KafkaSettings } from './kafka-client';
import { logPartitionKey, readLogFromStart, type LogEnd } from './log-reader';
import { MessagingError } from './messaging.error';
import type { ConsumedRecord } from './records';
import { compactedTopicSpec, ensureTopics } from './topic-admin';

/** A dead-letter topic as the broker's metadata knows it. */
export interface DeadLetterTopic {
  readonly group: string;
  readonly topic: string;
  readonly partitions: number;
  /** Offsets between the low watermark and the committed end: the records, plus any transaction markers. */
  readonly offsets: number;
}

/** What one group's dead-letter topic holds. */
export interface DeadLetterGroupReport {
  readonly group: string;
  readonly topic: string;
  /** Committed records of the topic, every one a poison message. */
  readonly count: number;
  /** Of which the replay ledger says were replayed already. */
  readonly replayed: number;
  /** The first `limit` of them, oldest first. */
  readonly messages: readonly InspectedPoisonMessage[];
}

export interface InspectedPoisonMessage extends PoisonMessage {
  /** The ledger's record of its replay; null when never replayed. */
  readonly replay: ReplayLedgerEntry | null;
}

export interface InspectDeadLettersOptions {
  /** Only this group's topic (`<group>` or `vdx.dlq.<group>`); every dead-letter topic when absent. */
  readonly group?: string;
  /** At most this many messages per group in `messages` (counts are always complete); 100 when absent. */
  readonly limit?: number;
}

/** One dead letter handled by {@link replayDeadLetters}. */
export type ReplayOutcome =
  | { readonly status: 'replayed'; readonly message: PoisonMessage; readonly marker: string; readonly to: { readonly topic: string; readonly partition: number } }
  | { readonly status: 'skipped'; readonly message: PoisonMessage; readonly code: 'DLQ.ALREADY_REPLAYED' | 'DLQ.NO_SOURCE'; readonly reason: string };

export interface ReplayDeadLettersOptions {
  /** `<group>` or `vdx.dlq.<group>`. */
  readonly group: string;
  /** `<offset>` or `<partition>:<offset>` in the dead-letter topic; exclusive with `all`. */
  readonly ids?: readonly string[];
  /** Every message not replayed yet; those without a usable source are skipped and reported. */
  readonly all?: boolean;
  /** Replay even messages the ledger says were replayed already. */
  readonly again?: boolean;
  /** Recorded in the ledger. */
  readonly operator?: string;
  /** Of the ledger topic, if this replay has to create it. */
  readonly replicationFactor?: number;
  /** Messages per Kafka transaction (500). */
  readonly batchSize?: number;
  /** Each skip as it is found, each replay once its transaction committed. */
  readonly onOutcome?: (outcome: ReplayOutcome) => void;
  /** After each batch: messages handled (replayed or skipped) and how many there are to handle. */
  readonly onProgress?: (handled: number, total: number) => void;
  readonly now?: () => Date;
}

export interface ReplayDeadLettersResult {
  readonly group: string;
  readonly topic: string;
  readonly replayed: number;
  readonly skipped: number;
}

async function withAdmin<T>(kafka: Kafka, fn: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

const topicNames = async (admin: KafkaAdmin): Promise<Set<string>> => new Set(await admin.listTopics({ timeout: 10_000 }));

const deadLetterTopicsIn = (names: ReadonlySet<string>): string[] => [...names].filter((t) => groupOfDeadLetterTopic(t) !== null).sort();

/** The dead-letter topic `group` names, accepting the topic's own name too; refused when there is none. */
function topicOfGroup(group: string, names: ReadonlySet<string>): string {
  const candidates = [`${DEAD_LETTER_TOPIC_PREFIX}${group}`, ...(groupOfDeadLetterTopic(group) !== null ? [group] : [])];
  const found = candidates.find((t) => names.has(t));
  if (found) return found;
  const known = deadLetterTopicsIn(names).map((t) => groupOfDeadLetterTopic(t)!);
  const shown = known.length === 0 ? 'there are no dead-letter topics' : `groups with one: ${known.slice(0, 10).join(', ')}${known.length > 10 ? `, … (${known.length} in all)` : ''}`;
  throw new DeadLetterError('DLQ.UNKNOWN_GROUP', `no dead-letter topic ${candidates[0]} for group ${JSON.stringify(group)}; ${shown}`, { path: 'group' });
}

/** The committed end of every partition of `topics`, a few topics at a time (a cluster may have hundreds). */
async function committedEnds(admin: KafkaAdmin, topics: readonly string[]): Promise<{ ends: LogEnd[]; offsets: Map<string, number> }> {
  const ends: LogEnd[] = [];
  const offsets = new Map<string, number>();
  for (let i = 0; i < topics.length; i += 8) {
    const chunk = topics.slice(i, i + 8);
    // read_committed: the last stable offset, so a transaction left open is not waited for.
    const fetched = await Promise.all(chunk.map(async (topic) => ({ topic, parts: await admin.fetchTopicOffsets(topic, { timeout: 10_000, isolationLevel: 1 }) })));
    for (const { topic, parts } of fetched) {
      let n = 0;
      for (const p of parts) {
        ends.push({ topic, partition: p.partition, endOffset: p.high });
        n += Number(BigInt(p.high) - BigInt(p.low));
      }
      offsets.set(topic, n);
    }
  }
  return { ends, offsets };
}

/** Every `vdx.dlq.*` topic of the cluster, by name, with its partitions and offsets. */
export async function listDeadLetterTopics(settings: KafkaSettings): Promise<DeadLetterTopic[]> {
  return withAdmin(createKafka(settings), async (admin) => {
    const topics = deadLetterTopicsIn(await topicNames(admin));
    const { ends, offsets } = await committedEnds(admin, topics);
    return topics.map((topic) => ({ group: groupOfDeadLetterTopic(topic)!, topic, partitions: ends.filter((e) => e.topic === topic).length, offsets: offsets.get(topic) ?? 0 }));
  });
}

/**
 * The replays the ledger records for the dead letters of `dlqTopics` (all when absent), by
 * {@link replayMarker}; empty when no replay ever happened (the ledger does not exist yet).
 */
export async function readReplayLedger(settings: KafkaSettings, dlqTopics?: readonly string[]): Promise<Map<string, ReplayLedgerEntry>> {
  const exists = await withAdmin(createKafka(settings), async (admin) => (await topicNames(admin)).has(DLQ_REPLAYS_TOPIC));
  return exists ? readLedger(settings, dlqTopics) : new Map();
}

async function readLedger(settings: KafkaSettings, dlqTopics?: readonly string[]): Promise<Map<string, ReplayLedgerEntry>> {
  const wanted = dlqTopics ? new Set(dlqTopics) : null;
  const ledger = new Map<string, ReplayLedgerEntry>();
  await readLogFromStart(settings, [DLQ_REPLAYS_TOPIC], async (records) => {
    for (const r of records) {
      if (r.key === null) continue;
      const entry = decodeLedgerEntry(r.value);
      // A tombstone forgets a replay (compaction keeps the latest record of a key).
      if (entry === null) ledger.delete(r.key);
      else if (!wanted || wanted.has(entry.dlqTopic)) ledger.set(r.key, entry);
    }
  });
  return ledger;
}

/**
 * Reads the dead-letter topics (one group's, or all) from their start to their committed end and
 * stops: what each holds, how many, which were replayed. Nothing is committed, no group joined.
 */
export async function inspectDeadLetters(settings: KafkaSettings, opts: InspectDeadLettersOptions = {}): Promise<DeadLetterGroupReport[]> {
  const limit = opts.limit ?? 100;
  const kafka = createKafka(settings);
  const { topics, ends, ledgerExists } = await withAdmin(kafka, async (admin) => {
    const names = await topicNames(admin);
    const chosen = opts.group === undefined ? deadLetterTopicsIn(names) : [topicOfGroup(opts.group, names)];
    return { topics: chosen, ends: (await committedEnds(admin, chosen)).ends, ledgerExists: names.has(DLQ_REPLAYS_TOPIC) };
  });
  const ledger = ledgerExists ? await readLedger(settings, topics) : new Map<string, ReplayLedgerEntry>();
  const reports = new Map(topics.map((topic) => [topic, { group: groupOfDeadLetterTopic(topic)!, topic, count: 0, replayed: 0, messages: [] as InspectedPoisonMessage[] }]));
  const nonEmpty = topics.filter((t) => ends.some((e) => e.topic === t && e.endOffset !== '0'));
  await readLogFromStart(
    settings,
    nonEmpty,
    async (records) => {
      for (const r of records) {
        const report = reports.get(r.topic)!;
        const replay = ledger.get(replayMarker(r.topic, r)) ?? null;
        report.count += 1;
        if (replay) report.replayed += 1;
        if (report.messages.length < limit) report.messages.push({ ...poisonMessageOf(r, report.group), replay });
      }
    },
    { ends },
  );
  return [...reports.values()];
}

/** Why `source` cannot be replayed to, or null when it can; partition counts are asked once per topic. */
function sourceChecker(admin: KafkaAdmin, names: ReadonlySet<string>): (source: RecordSource) => Promise<string | null> {
  const partitions = new Map<string, number>();
  return async (source) => {
    if (!names.has(source.topic)) return `its source topic ${source.topic} does not exist`;
    let n = partitions.get(source.topic);
    if (n === undefined) {
      const [meta] = await admin.fetchTopicMetadata({ topics: [source.topic], timeout: 10_000 });
      n = meta?.partitions.length ?? 0;
      partitions.set(source.topic, n);
    }
    return source.partition < n ? null : `its source partition ${source.topic}/${source.partition} does not exist (the topic has ${n})`;
  };
}

/** Appends the replays and their ledger entries in one transaction: both are visible, or neither. */
async function commitReplays(producer: KafkaProducer, transactionalId: string, records: readonly ReplayRecord[], entries: readonly ReplayLedgerEntry[]): Promise<void> {
  const bySource = new Map<string, { key: string | null; value: Buffer | null; partition: number; headers: Record<string, string | Buffer> }[]>();
  for (const r of records) {
    const list = bySource.get(r.source.topic) ?? [];
    list.push({ key: r.key, value: r.value, partition: r.source.partition, headers: r.headers });
    bySource.set(r.source.topic, list);
  }
  const txn = await producer.transaction();
  try {
    await txn.sendBatch({
      topicMessages: [
        ...[...bySource].map(([topic, messages]) => ({ topic, messages })),
        { topic: DLQ_REPLAYS_TOPIC, messages: entries.map((e) => ({ key: e.marker, value: encodeLedgerEntry(e) })) },
      ],
    });
    await txn.commit();
  } catch (err) {
    const abortError: unknown = await txn.abort().then(
      () => undefined,
      (e: unknown) => e,
    );
    const causes = [err, abortError].map((e) => (e instanceof Error ? e.message : '')).join('; ');
    // Fenced: another replay of the same group started, and carries on from the ledger.
    if ([err, abortError].some((e) => (e as { type?: unknown } | undefined)?.type === 'ERR__FENCED') || /fenced/i.test(causes)) {
      throw new MessagingError('MESSAGING.FENCED', `another replay of this dead-letter topic took over (${transactionalId}); this one stopped, what it committed stays replayed: ${causes}`, { cause: err });
    }
    throw new MessagingError('MESSAGING.PRODUCE_FAILED', `could not replay ${records.length} message(s), none of this batch was sent: ${causes}`, { cause: err });
  }
}

const distinctIds = (ids: readonly PoisonMessageId[]): PoisonMessageId[] => [...new Map(ids.map((id) => [poisonIdText(id), id])).values()];

const byPosition = (a: PoisonMessageId, b: PoisonMessageId): number => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : BigInt(a.offset) > BigInt(b.offset) ? 1 : 0);

/**
 * Sends chosen dead letters of a group back to their source topic and partition, with their
 * original key, value and headers (minus `vdx-dlq-*`, plus `vdx-dlq-replayed-from`), and records
 * each in the compacted ledger `vdx.dlq-replays.v1` in the same Kafka transaction.
 *
 * Chosen by id, every id is checked before anything is sent: one that is not there
 * (`DLQ.NOT_FOUND`), has no usable source (`DLQ.NO_SOURCE`) or was replayed already
 * (`DLQ.ALREADY_REPLAYED`, unless `again`) refuses the whole replay. With `all`, such messages
 * are skipped and reported, and `DLQ.NOTHING_TO_REPLAY` says when none was left. The
 * transactional id is the topic's: a second replay of the same group fences the first.
 */
export async function replayDeadLetters(settings: KafkaSettings, opts: ReplayDeadLettersOptions): Promise<ReplayDeadLettersResult> {
  const all = opts.all === true;
  const ids = distinctIds((opts.ids ?? []).map(parsePoisonId)).sort(byPosition);
  if (all && ids.length > 0) throw new DeadLetterError('DLQ.BAD_ARGUMENTS', 'pass either ids or --all, not both', { path: 'all' });
  if (!all && ids.length === 0) throw new DeadLetterError('DLQ.NOTHING_TO_REPLAY', 'name the messages to replay (--id <offset> or <partition>:<offset>), or pass --all', { path: 'id' });
  const batchSize = opts.batchSize ?? 500;
  const now = opts.now ?? (() => new Date());
  const operator = opts.operator ?? 'operator';
  const kafka = createKafka(settings);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = await topicNames(admin);
    const topic = topicOfGroup(opts.group, names);
    const group = groupOfDeadLetterTopic(topic)!;
    const { ends, offsets } = await committedEnds(admin, [topic]);
    const created = await ensureTopics(kafka, [compactedTopicSpec(DLQ_REPLAYS_TOPIC, 1, opts.replicationFactor ?? 1)]);
    const transactionalId = `vdx-dlq-replay.${topic}`;
    const producer = kafka.producer({ ...DURABLE_PRODUCER_CONFIG, 'transactional.id': transactionalId });
    // Connecting fences (and aborts) a replay of this topic still running: the ledger read
    // next then includes all that one committed, so the two cannot replay a message twice.
    await producer.connect();
    try {
      const ledger = created.length > 0 ? new Map<string, ReplayLedgerEntry>() : await readLedger(settings, [topic]);
      const problemOf = sourceChecker(admin, names);
      let replayed = 0;
      let skipped = 0;
      const send = async (records: readonly ConsumedRecord[]): Promise<void> => {
        if (records.length === 0) return;
        const at = now();
        const replays = records.map(replayRecordOf);
        const entries = records.map((r, i) => ledgerEntryOf(topic, r, replays[i]!.source, at, operator));
        await commitReplays(producer, transactionalId, replays, entries);
        records.forEach((r, i) => {
          ledger.set(entries[i]!.marker, entries[i]!);
          opts.onOutcome?.({ status: 'replayed', message: poisonMessageOf(r, group), marker: replays[i]!.marker, to: entries[i]!.to });
        });
        replayed += records.length;
      };
      const skip = (r: ConsumedRecord, code: 'DLQ.ALREADY_REPLAYED' | 'DLQ.NO_SOURCE', reason: string): void => {
        skipped += 1;
        opts.onOutcome?.({ status: 'skipped', message: poisonMessageOf(r, group), code, reason });
      };

      if (all) {
        const total = offsets.get(topic) ?? 0;
        await readLogFromStart(
          settings,
          [topic],
          async (records) => {
            const chosen: ConsumedRecord[] = [];
            for (const r of records) {
              const previous = ledger.get(replayMarker(topic, r));
              const source = poisonMessageOf(r, group).source;
              const problem = source === null ? 'it has no usable vdx-dlq-source header' : await problemOf(source);
              if (previous && !opts.again) skip(r, 'DLQ.ALREADY_REPLAYED', `already ${replayedText(previous)}`);
              else if (problem !== null) skip(r, 'DLQ.NO_SOURCE', `cannot be replayed: ${problem}`);
              else chosen.push(r);
            }
            for (let i = 0; i < chosen.length; i += batchSize) await send(chosen.slice(i, i + batchSize));
            opts.onProgress?.(replayed + skipped, Math.max(total, replayed + skipped));
          },
          { ends, batchSize },
        );
        if (replayed === 0) {
          const why = replayed + skipped === 0 ? `${topic} holds no poison messages` : `all ${skipped} poison message(s) of ${topic} were replayed already or have no usable source (--again replays the replayed ones once more)`;
          throw new DeadLetterError('DLQ.NOTHING_TO_REPLAY', `nothing to replay: ${why}`, { path: 'all' });
        }
        return { group, topic, replayed, skipped };
      }

      const found = await readIds(settings, topic, ids, ends);
      const missing = ids.filter((id) => !found.has(poisonIdText(id)));
      if (missing.length > 0) {
        throw new DeadLetterError('DLQ.NOT_FOUND', `${topic} has no poison message ${missing.map(poisonIdText).join(', ')} (ids are <partition>:<offset> of the dead-letter topic); nothing was replayed`, { path: 'id' });
      }
      const chosen = ids.map((id) => found.get(poisonIdText(id))!);
      const unusable: string[] = [];
      for (const r of chosen) {
        const source = poisonMessageOf(r, group).source;
        const problem = source === null ? 'no usable vdx-dlq-source header' : await problemOf(source);
        if (problem !== null) unusable.push(`${poisonIdText(r)} (${problem})`);
      }
      if (unusable.length > 0) throw new DeadLetterError('DLQ.NO_SOURCE', `cannot replay ${unusable.join(', ')} of ${topic}: there is nowhere to send ${unusable.length === 1 ? 'it' : 'them'} back to; nothing was replayed`, { path: 'id' });
      const done = opts.again ? [] : chosen.flatMap((r) => ledger.get(replayMarker(topic, r)) ?? []);
      if (done.length > 0) {
        throw new DeadLetterError('DLQ.ALREADY_REPLAYED', `${done.map((e) => `${e.partition}:${e.offset} was ${replayedText(e)}`).join('; ')}; pass --again to replay once more; nothing was replayed`, { path: 'id' });
      }
      for (let i = 0; i < chosen.length; i += batchSize) {
        await send(chosen.slice(i, i + batchSize));
        opts.onProgress?.(replayed, chosen.length);
      }
      return { group, topic, replayed, skipped };
    } finally {
      await producer.disconnect();
    }
  } finally {
    await admin.disconnect();
  }
}

/** The records at `ids`, reading only the span of offsets they cover in each partition. */
async function readIds(settings: KafkaSettings, topic: string, ids: readonly PoisonMessageId[], ends: readonly LogEnd[]): Promise<Map<string, ConsumedRecord>> {
  const wanted = new Set(ids.map(poisonIdText));
  const spanEnds: LogEnd[] = [];
  const starts = new Map<string, string>();
  for (const end of ends) {
    const offsets = ids.filter((id) => id.partition === end.partition).map((id) => BigInt(id.offset));
    if (offsets.length === 0) continue;
    const first = offsets.reduce((a, b) => (b < a ? b : a));
    const last = offsets.reduce((a, b) => (b > a ? b : a));
    const stop = last + 1n < BigInt(end.endOffset) ? last + 1n : BigInt(end.endOffset);
    spanEnds.push({ topic, partition: end.partition, endOffset: stop.toString() });
    starts.set(logPartitionKey(topic, end.partition), first.toString());
  }
  const found = new Map<string, ConsumedRecord>();
  if (spanEnds.length === 0) return found;
  await readLogFromStart(
    settings,
    [topic],
    async (records) => {
      for (const r of records) if (wanted.has(poisonIdText(r))) found.set(poisonIdText(r), r);
    },
    { ends: spanEnds, startOffsets: starts },
  );
  return found;
}

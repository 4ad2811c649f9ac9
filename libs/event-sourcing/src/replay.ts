import { EventCodec, catalogue, type EventEnvelope } from '@vdx/contracts';
import { CodedError, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';
import { createKafka, logEnds, logPartitionKey, readLogFromStart, type ConsumedRecord, type KafkaSettings, type LogEnd } from '@vdx/messaging';
import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { applyGuarded, type PositionedWrite } from './guarded-writer';
import { projectionGroupId, type Projection } from './projection';
import { REPLAY_CHECKPOINTS_COLLECTION, advance, alreadyApplied, checkpointProblem, nextOffsets, type ReplayCheckpoint } from './replay-checkpoint';

export { REPLAY_CHECKPOINTS_COLLECTION, type ReplayCheckpoint, type ReplayCheckpointPartition } from './replay-checkpoint';

/** Why a replay refused to run or stopped (`ERROR_CODES.REPLAY`, but those of `vdx replay` itself: its usage errors, a store it cannot reach). */
export type ReplayErrorCode = Exclude<ErrorCodeOf<'REPLAY'>, 'REPLAY.UNKNOWN_MODEL' | 'REPLAY.MODEL_REQUIRED' | 'REPLAY.BAD_ARGUMENTS' | 'REPLAY.STORE_UNREACHABLE'>;

export class ReplayError extends CodedError<ReplayErrorCode> {
  override readonly name = 'ReplayError';
  constructor(code: ReplayErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

export interface ReplayOptions {
  /** Swap the rebuilt collections in place of the live ones (default). False leaves them beside, for comparison. */
  readonly swap?: boolean;
  /** Ignore (and discard) a checkpoint of an interrupted replay of this projection, and start from offset zero. */
  readonly fresh?: boolean;
  /** Records per batch (and so per checkpoint write); default the projection's `replayBatchSize`, else 1000. */
  readonly batchSize?: number;
  /** Before the first record: what this run will do. */
  readonly onStart?: (plan: ReplayPlan) => void;
  /**
   * Records applied of the whole replay (earlier interrupted runs included) and its total: at
   * the start, after each batch, and `(total, total)` once everything is read. A hook that
   * throws interrupts the replay like a crash, after that batch's checkpoint is written.
   */
  readonly onProgress?: (read: number, total: number) => void;
  /** Checked before anything is written; pass false only when the caller has stopped the runner itself. */
  readonly refuseWhileRunning?: boolean;
}

/** What a replay run is about to do. */
export interface ReplayPlan {
  /** True when it continues an interrupted replay from its checkpoint. */
  readonly resumed: boolean;
  /** Logical collection → the physical collection being built. */
  readonly built: Readonly<Record<string, string>>;
  /** Records (by offset) before the ends captured when the replay first started, and how many of them are applied. */
  readonly total: number;
  readonly done: number;
  readonly startedAt: Date;
}

export interface ReplayResult {
  /** Events applied by this run (a resumed run counts only what it read itself). */
  readonly events: number;
  readonly undecodable: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Logical collection → the physical collection that was built. */
  readonly built: Readonly<Record<string, string>>;
  readonly ends: readonly LogEnd[];
  /** The run continued an interrupted replay from its checkpoint. */
  readonly resumed: boolean;
  /** The built collections replaced the live ones. */
  readonly swapped: boolean;
}

/**
 * Rebuilds a read model from offset zero into fresh collections, then swaps them in with
 * `renameCollection(dropTarget)`. The live runner must be stopped meanwhile; when it restarts
 * from its committed offsets, the per-document guards skip whatever the replay already applied.
 *
 * Resumable: after each batch it records in `replay_checkpoints` how far each partition is
 * applied, so a run that was interrupted (a crash, Ctrl-C) is continued by the next one into the
 * same collections, up to the same ends, unless `fresh`. Part of a batch applied twice (a crash
 * between the writes and the checkpoint) changes nothing: the writes are guarded per document
 * by offset. The checkpoint is deleted once the replay has finished.
 */
export async function replayProjection(settings: KafkaSettings, db: Db, projection: Projection, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const started = process.hrtime.bigint();
  const checkpoints = db.collection<ReplayCheckpoint>(REPLAY_CHECKPOINTS_COLLECTION);
  const previous = await checkpoints.findOne({ _id: projection.name });
  const live = await liveGroup(settings, projection);
  if (opts.refuseWhileRunning !== false && live.members > 0) {
    const group = projectionGroupId(projection);
    throw new ReplayError('REPLAY.PROJECTION_RUNNING', `projection ${projection.name} has ${live.members} live consumer(s) in group ${group}; stop them before a replay`);
  }
  const runId = randomUUID();
  const resumed = previous !== null && opts.fresh !== true;
  let checkpoint: ReplayCheckpoint;
  if (resumed) {
    checkpoint = await takeOver(db, checkpoints, previous, projection, live.committed, runId);
  } else {
    if (previous) await abandon(db, previous);
    checkpoint = await begin(settings, db, checkpoints, projection, runId);
  }
  const built = Object.fromEntries(checkpoint.built.map((b) => [b.logical, b.physical]));
  const ends = checkpoint.partitions.map((p) => ({ topic: p.topic, partition: p.partition, endOffset: p.end }));
  const done = checkpoint.phase === 'swapping' ? checkpoint.total : alreadyApplied(checkpoint);
  opts.onStart?.({ resumed, built, total: checkpoint.total, done, startedAt: checkpoint.startedAt });
  opts.onProgress?.(done, checkpoint.total);

  const codec = new EventCodec(catalogue);
  let events = 0;
  let undecodable = 0;
  if (checkpoint.phase === 'building') {
    const next = new Map(checkpoint.partitions.map((p) => [logPartitionKey(p.topic, p.partition), p.next]));
    await readLogFromStart(
      { ...settings, clientId: `${settings.clientId}-replay-${projection.name}` },
      projection.topics,
      async (records) => {
        const { writes, decoded } = projectRecords(codec, projection, records);
        events += decoded;
        undecodable += records.length - decoded;
        const physical = (logical: string) => physicalOf(built, projection, logical);
        await (projection.write ? projection.write(db, writes, physical) : applyGuarded(db, writes, physical));
        for (const [key, offset] of nextOffsets(records)) next.set(key, offset);
        await saveProgress(checkpoints, checkpoint, runId, next);
      },
      {
        startOffsets: new Map(next),
        ends,
        ...((opts.batchSize ?? projection.replayBatchSize) ? { batchSize: opts.batchSize ?? projection.replayBatchSize } : {}),
        ...(opts.onProgress ? { onProgress: (read: number) => opts.onProgress?.(Math.min(done + read, checkpoint.total), checkpoint.total) } : {}),
      },
    );
    // The total counts offsets; transaction markers take some without being records.
    opts.onProgress?.(checkpoint.total, checkpoint.total);
  }
  // An interrupted swap is finished whatever this run asked for: some collections may be live already.
  const swapped = checkpoint.phase === 'swapping' || opts.swap !== false;
  if (swapped) {
    await setPhase(checkpoints, checkpoint, runId, 'swapping');
    const existing = await collectionNames(db);
    // A physical collection that is gone was renamed by the interrupted run (all exist before the first rename).
    for (const { logical, physical } of checkpoint.built) if (existing.has(physical)) await swapIn(db, physical, logical);
  }
  // Done either way: a kept checkpoint of a build beside could later swap in a model the live runner has moved past.
  await checkpoints.deleteOne({ _id: projection.name, runId });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events, undecodable, seconds, eventsPerSecond: seconds > 0 ? events / seconds : 0, built, ends, resumed, swapped };
}

/** Where a replay writes `logical`; never the live collection itself, even for one the projection did not declare. */
function physicalOf(built: Readonly<Record<string, string>>, projection: Projection, logical: string): string {
  const physical = built[logical];
  if (physical === undefined) throw new ReplayError('REPLAY.FAILED', `projection ${projection.name} wrote to ${logical}, which is not among its collections (${projection.collections.join(', ')})`);
  return physical;
}

/** The writes of a batch of records, and how many decoded (the rest the live runner dead-lettered; a replay skips them the same way). */
function projectRecords(codec: EventCodec, projection: Projection, records: readonly ConsumedRecord[]): { writes: PositionedWrite[]; decoded: number } {
  const writes: PositionedWrite[] = [];
  let decoded = 0;
  for (const record of records) {
    let event: EventEnvelope;
    try {
      event = codec.decode(record.value, record.headers);
    } catch {
      continue;
    }
    decoded += 1;
    const position = { topic: record.topic, partition: record.partition, offset: record.offset };
    for (const write of projection.project(event, position)) writes.push({ write, position });
  }
  return { writes, decoded };
}

/** Members of the live runner's group, and its committed offsets (by `logPartitionKey`). */
async function liveGroup(settings: KafkaSettings, projection: Projection): Promise<{ members: number; committed: Map<string, string> }> {
  const admin = createKafka(settings).admin();
  await admin.connect();
  try {
    const groupId = projectionGroupId(projection);
    const { groups } = await admin.describeGroups([groupId], { timeout: 10_000 });
    const offsets = await admin.fetchOffsets({ groupId, topics: [...projection.topics], timeout: 10_000 });
    const committed = new Map<string, string>();
    for (const t of offsets) for (const p of t.partitions) if (BigInt(p.offset) >= 0n) committed.set(logPartitionKey(t.topic, p.partition), p.offset);
    return { members: groups[0]?.members.length ?? 0, committed };
  } finally {
    await admin.disconnect();
  }
}

/** A fresh replay: captures the ends, creates empty physical collections, records the checkpoint. */
async function begin(settings: KafkaSettings, db: Db, checkpoints: Collection<ReplayCheckpoint>, projection: Projection, runId: string): Promise<ReplayCheckpoint> {
  const { ends, total } = await logEnds(settings, projection.topics);
  const suffix = `__replay_${Date.now()}`;
  const built = projection.collections.map((logical) => ({ logical, physical: `${logical}${suffix}` }));
  // Created up front, empty: a collection the log never writes to must still replace the live one,
  // and a resumed run can tell that a build collection was dropped meanwhile.
  for (const { physical } of built) {
    await db.collection(physical).drop().catch(() => undefined);
    await db.createCollection(physical);
  }
  const now = new Date();
  const checkpoint: ReplayCheckpoint = {
    _id: projection.name,
    runId,
    topics: [...projection.topics],
    built,
    partitions: ends.map((e) => ({ topic: e.topic, partition: e.partition, end: e.endOffset, next: '0' })),
    total,
    phase: 'building',
    startedAt: now,
    updatedAt: now,
  };
  await checkpoints.replaceOne({ _id: projection.name }, checkpoint, { upsert: true });
  return checkpoint;
}

/** Resumes an interrupted replay: checks the checkpoint still fits, then makes this run its owner. */
async function takeOver(
  db: Db,
  checkpoints: Collection<ReplayCheckpoint>,
  checkpoint: ReplayCheckpoint,
  projection: Projection,
  committed: ReadonlyMap<string, string>,
  runId: string,
): Promise<ReplayCheckpoint> {
  const existing = await collectionNames(db);
  const missing = checkpoint.built.filter((b) => !existing.has(b.physical)).map((b) => b.physical);
  // A swap that renamed everything before it was interrupted has nothing left to check.
  const swapDone = checkpoint.phase === 'swapping' && missing.length === checkpoint.built.length;
  const problem = swapDone ? null : checkpointProblem(checkpoint, projection, committed);
  if (problem) throw new ReplayError(problem.code, problem.message);
  if (checkpoint.phase === 'building' && missing.length > 0) {
    throw new ReplayError('REPLAY.CHECKPOINT_MISMATCH', `the interrupted replay of ${projection.name} was building ${missing.join(', ')}, which no longer exist(s); start it over (fresh)`);
  }
  const { matchedCount } = await checkpoints.updateOne({ _id: checkpoint._id, runId: checkpoint.runId }, { $set: { runId, updatedAt: new Date() } });
  if (matchedCount === 0) throw superseded(projection.name);
  return { ...checkpoint, runId };
}

/** Drops what an interrupted replay built, before starting over. */
async function abandon(db: Db, checkpoint: ReplayCheckpoint): Promise<void> {
  for (const { logical, physical } of checkpoint.built) if (physical !== logical) await db.collection(physical).drop().catch(() => undefined);
}

async function saveProgress(checkpoints: Collection<ReplayCheckpoint>, checkpoint: ReplayCheckpoint, runId: string, next: ReadonlyMap<string, string>): Promise<void> {
  const { matchedCount } = await checkpoints.updateOne({ _id: checkpoint._id, runId }, { $set: { partitions: advance(checkpoint.partitions, next), updatedAt: new Date() } });
  if (matchedCount === 0) throw superseded(checkpoint._id);
}

async function setPhase(checkpoints: Collection<ReplayCheckpoint>, checkpoint: ReplayCheckpoint, runId: string, phase: ReplayCheckpoint['phase']): Promise<void> {
  const { matchedCount } = await checkpoints.updateOne({ _id: checkpoint._id, runId }, { $set: { phase, updatedAt: new Date() } });
  if (matchedCount === 0) throw superseded(checkpoint._id);
}

const superseded = (name: string): ReplayError =>
  new ReplayError('REPLAY.SUPERSEDED', `another replay of ${name} took over its checkpoint; this one stops (the other continues into the same collections)`);

async function collectionNames(db: Db): Promise<Set<string>> {
  return new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
}

/**
 * Renames `physical` over `logical`. MongoDB does it atomically with `dropTarget`; FerretDB lacks
 * that option, so there the old collection is dropped first and readers briefly see none.
 */
async function swapIn(db: Db, physical: string, logical: string): Promise<void> {
  try {
    await db.collection(physical).rename(logical, { dropTarget: true });
  } catch (err) {
    if (!/dropTarget/.test((err as Error).message)) throw err;
    await db.collection(logical).drop().catch(() => undefined);
    await db.collection(physical).rename(logical);
  }
}

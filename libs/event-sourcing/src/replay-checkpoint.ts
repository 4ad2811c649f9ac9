// The checkpoint of a replay that has not finished, and the pure rules for resuming it.
import { logPartitionKey, type ConsumedRecord } from '@vdx/messaging';
import type { Projection } from './projection';

/** Where interrupted replays are remembered, one document per projection name. */
export const REPLAY_CHECKPOINTS_COLLECTION = 'replay_checkpoints';

/** One partition of a replay: the end captured at its original start, and the next offset not yet applied. */
export interface ReplayCheckpointPartition {
  readonly topic: string;
  readonly partition: number;
  readonly end: string;
  readonly next: string;
}

/**
 * The state of a replay that has not finished, so that the next run resumes it instead of
 * starting over: which physical collections it builds, and per partition how far it applied.
 * Arrays rather than maps, because topic and collection names contain dots.
 */
export interface ReplayCheckpoint {
  /** The projection name. */
  readonly _id: string;
  /** The run that owns it; a newer run takes it over, and the older one stops at its next batch. */
  readonly runId: string;
  readonly topics: readonly string[];
  readonly built: readonly { readonly logical: string; readonly physical: string }[];
  readonly partitions: readonly ReplayCheckpointPartition[];
  /** Records (by offset) before the ends, as `logEnds` counted them at the original start. */
  readonly total: number;
  /** `swapping` once the build is complete and the first rename may have happened. */
  readonly phase: 'building' | 'swapping';
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

/** Per partition of `records`, the offset after the last one: where a resumed read begins. */
export function nextOffsets(records: readonly Pick<ConsumedRecord, 'topic' | 'partition' | 'offset'>[]): Map<string, string> {
  const out = new Map<string, bigint>();
  for (const r of records) {
    const key = logPartitionKey(r.topic, r.partition);
    const after = BigInt(r.offset) + 1n;
    if (after > (out.get(key) ?? -1n)) out.set(key, after);
  }
  return new Map([...out].map(([k, v]) => [k, v.toString()]));
}

/** The checkpoint's partitions with the next offsets of `next` (by `logPartitionKey`) taken over. */
export function advance(partitions: readonly ReplayCheckpointPartition[], next: ReadonlyMap<string, string>): ReplayCheckpointPartition[] {
  return partitions.map((p) => ({ ...p, next: next.get(logPartitionKey(p.topic, p.partition)) ?? p.next }));
}

/** How many records (by offset) the checkpoint has behind it: its total less what is left before the ends. */
export function alreadyApplied(checkpoint: Pick<ReplayCheckpoint, 'partitions' | 'total'>): number {
  const left = checkpoint.partitions.reduce((n, p) => n + Math.max(0, Number(BigInt(p.end) - BigInt(p.next))), 0);
  return Math.max(0, checkpoint.total - left);
}

export type CheckpointProblem = { readonly code: 'REPLAY.CHECKPOINT_MISMATCH' | 'REPLAY.CHECKPOINT_STALE'; readonly message: string };

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/**
 * Why a checkpoint cannot be resumed for `projection`, or null when it can. It must feed the
 * same topics into the same collections; and the live runner (`committed`: its group's offsets
 * by `logPartitionKey`) must not have gone past the checkpoint's ends meanwhile, or the model
 * swapped in would lack events the runner, restarting from its offsets, never applies again.
 */
export function checkpointProblem(
  checkpoint: Pick<ReplayCheckpoint, 'topics' | 'built' | 'partitions'>,
  projection: Pick<Projection, 'name' | 'topics' | 'collections'>,
  committed: ReadonlyMap<string, string>,
): CheckpointProblem | null {
  const logical = checkpoint.built.map((b) => b.logical);
  if (!sameSet(checkpoint.topics, projection.topics) || !sameSet(logical, projection.collections)) {
    return {
      code: 'REPLAY.CHECKPOINT_MISMATCH',
      message: `the interrupted replay of ${projection.name} read ${checkpoint.topics.join(', ')} into ${logical.join(', ')}, not ${projection.topics.join(', ')} into ${projection.collections.join(', ')}; start it over (fresh)`,
    };
  }
  const endOf = new Map(checkpoint.partitions.map((p) => [logPartitionKey(p.topic, p.partition), BigInt(p.end)]));
  for (const [key, offset] of committed) {
    const end = endOf.get(key) ?? 0n;
    if (BigInt(offset) > end) {
      return {
        code: 'REPLAY.CHECKPOINT_STALE',
        message: `the live projection ${projection.name} has applied ${key} up to offset ${offset} since the replay was interrupted, past the end it reads to (${end}); start it over (fresh)`,
      };
    }
  }
  return null;
}

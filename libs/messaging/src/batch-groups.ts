import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { isUrgentLane } from '@vdx/contracts';
import type { LaneGovernor } from './lane-governor';

/** A partition batch handed over by one of the client's workers, waiting for its group (docs/adr/0026-group-commit.md). */
export interface WaitingBatch {
  readonly batch: KafkaJS.Batch;
  /** Resolves the worker's `eachBatch` (undefined), or rejects it so the client reads the batch again. */
  readonly settle: (err?: unknown) => void;
}

/**
 * The next group out of `waiting` (which keeps the rest): urgent lane first, up to `maxRecords`
 * records but at least one batch, and with `onePerPartition` one batch per partition number.
 */
export function takeGroup<B extends WaitingBatch>(waiting: B[], maxRecords: number, onePerPartition = false): B[] {
  const order = [...waiting.filter((p) => isUrgentLane(p.batch.topic)), ...waiting.filter((p) => !isUrgentLane(p.batch.topic))];
  const group: B[] = [];
  const numbers = new Set<number>();
  let records = 0;
  for (const p of order) {
    if (group.length > 0 && records + p.batch.messages.length > maxRecords) break;
    if (onePerPartition && numbers.has(p.batch.partition)) continue;
    numbers.add(p.batch.partition);
    group.push(p);
    records += p.batch.messages.length;
  }
  const taken = new Set<B>(group);
  waiting.splice(0, waiting.length, ...waiting.filter((p) => !taken.has(p)));
  return group;
}

/**
 * The group's batches the lanes let through. Urgent records waiting pause the normal lane and
 * seek its partitions back to their committed offsets: every normal batch still waiting (in the
 * group or in `waiting`) is then let go undecided, to be read again once the lane resumes. Asked
 * between groups, so no normal batch is being decided while the lane pauses.
 */
export async function unlessYielding<B extends WaitingBatch>(lanes: LaneGovernor, group: readonly B[], waiting: B[]): Promise<B[]> {
  for (const p of group) {
    if (!(await lanes.yieldsTo(p.batch.topic))) continue;
    const undecided = new Set([...group, ...waiting].filter((q) => !isUrgentLane(q.batch.topic)));
    waiting.splice(0, waiting.length, ...waiting.filter((q) => !undecided.has(q)));
    for (const q of undecided) q.settle();
    return group.filter((q) => isUrgentLane(q.batch.topic));
  }
  return [...group];
}

import { EventCodec, catalogue, type EventEnvelope } from '@vdx/contracts';
import { readLogFromStart, type KafkaSettings } from '@vdx/messaging';

/**
 * The state a partition owner holds for each partition the consumer group gave it: loaded once
 * per assignment (started at once, awaited by the first batch), forgotten on revocation. A
 * failed load is tried again by the next batch. See docs/adr/0006-partition-owners.md.
 */
export class OwnedPartitions<S> {
  private readonly loaded = new Map<number, S>();
  private readonly loading = new Map<number, Promise<S>>();

  constructor(private readonly load: (partition: number) => Promise<S>) {}

  onRebalance(change: 'assigned' | 'revoked', partitions: readonly { partition: number }[]): void {
    for (const { partition } of partitions) {
      if (change === 'revoked') {
        this.loaded.delete(partition);
        this.loading.delete(partition);
      } else {
        this.ready(partition).catch(() => undefined);
      }
    }
  }

  /** The partition's state, once loaded. */
  ready(partition: number): Promise<S> {
    const known = this.loading.get(partition);
    if (known) return known;
    const run = this.load(partition).then((state) => {
      if (this.loading.get(partition) === run) this.loaded.set(partition, state);
      return state;
    });
    this.loading.set(partition, run);
    run.catch(() => {
      if (this.loading.get(partition) === run) this.loading.delete(partition);
    });
    return run;
  }

  get(partition: number): S | undefined {
    return this.loaded.get(partition);
  }

  values(): IterableIterator<S> {
    return this.loaded.values();
  }

  get partitions(): readonly number[] {
    return [...this.loaded.keys()].sort((a, b) => a - b);
  }
}

/**
 * An owner's partitions with the changes of the work being decided held apart: `ready` loads
 * the partition and opens its stage, decisions read `current` (the stage over the loaded state)
 * and `stage` their results, and `settle` keeps a partition's stage only when the transaction
 * committed, so redone work is decided against exactly the state the first attempt saw. A
 * consumed batch stages one partition; the commands an owner decides for its own callers in one
 * transaction (`TransactionalProcessor.runLocal`) stage several, each entered in turn.
 */
export class StagedPartitions<V> {
  private readonly partitions: OwnedPartitions<Map<string, V>>;
  private readonly staged = new Map<number, Map<string, V>>();
  private active: Map<string, V> = new Map();

  /** `put` files a kept value into the partition's state (and whatever index the owner keeps beside it). */
  constructor(
    load: (partition: number) => Promise<Map<string, V>>,
    private readonly put: (state: Map<string, V>, id: string, value: V) => void = (state, id, value) => void state.set(id, value),
  ) {
    this.partitions = new OwnedPartitions(load);
  }

  onRebalance(change: 'assigned' | 'revoked', partitions: readonly { partition: number }[]): void {
    if (change === 'revoked') for (const { partition } of partitions) this.staged.delete(partition);
    this.partitions.onRebalance(change, partitions);
  }

  /** Loads the partition and opens a fresh stage for it: what follows is decided on it. */
  async ready(partition: number): Promise<Map<string, V>> {
    const state = await this.partitions.ready(partition);
    this.active = new Map();
    this.staged.set(partition, this.active);
    return state;
  }

  /** The partition's loaded state; undefined until `ready` resolved for it. */
  state(partition: number): Map<string, V> | undefined {
    return this.partitions.get(partition);
  }

  /** The value as the work so far left it. */
  current(state: Map<string, V>, id: string): V | undefined {
    return this.active.get(id) ?? state.get(id);
  }

  stage(id: string, value: V): void {
    this.active.set(id, value);
  }

  /** What the work so far changed on the partition being decided, not yet kept. */
  stagedValues(): IterableIterator<V> {
    return this.active.values();
  }

  settle(partition: number, committed: boolean): void {
    const state = this.partitions.get(partition);
    const stage = this.staged.get(partition);
    if (committed && state && stage) for (const [id, value] of stage) this.put(state, id, value);
    this.staged.delete(partition);
    if (stage === this.active) this.active = new Map();
  }

  *values(): IterableIterator<V> {
    for (const state of this.partitions.values()) yield* state.values();
  }

  /** The committed value of `id` in whichever restored partition holds it. */
  find(id: string): V | undefined {
    for (const state of this.partitions.values()) {
      const v = state.get(id);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** The restored partition holding `id` (committed), if any. */
  partitionOf(id: string): number | undefined {
    for (const p of this.partitions.partitions) if (this.partitions.get(p)!.has(id)) return p;
    return undefined;
  }

  get owned(): readonly number[] {
    return this.partitions.partitions;
  }
}

/** Reads one partition (of each of the owner's topics) from offset zero to its committed end, decoded; returns how many events. */
export type ReadPartition = (partition: number, onEvents: (events: readonly EventEnvelope[]) => void) => Promise<number>;

/**
 * A {@link ReadPartition} over the real log, reading partition `p` of every topic given (both
 * lanes of an owner's events, docs/adr/0008-priority-lanes.md). Each aggregate's events are in
 * one of them, in order; how the topics interleave does not matter. Undecodable records are
 * skipped (their consumers dead-letter them).
 */
export function partitionReader(settings: KafkaSettings, topics: string | readonly string[]): ReadPartition {
  const codec = new EventCodec(catalogue);
  return async (partition, onEvents) => {
    let n = 0;
    await readLogFromStart(
      settings,
      typeof topics === 'string' ? [topics] : topics,
      async (records) => {
        const events: EventEnvelope[] = [];
        for (const r of records) {
          try {
            events.push(codec.decode(r.value, r.headers));
          } catch {
            // dead-lettered by the topic's consumers; nothing to fold
          }
        }
        n += events.length;
        onEvents(events);
      },
      { partitions: [partition] },
    );
    return n;
  };
}

import type { EventEnvelope } from '@vdx/contracts';
import type { Db, Document } from 'mongodb';
import type { LogPosition, PositionedWrite } from './guarded-writer';

/**
 * One change to one read-model document. Only these operators belong here ($inc, $set,
 * $setOnInsert, $max, $min, and $unset of a field) so that documents can be pre-aggregated on
 * stores without transactions. A document may be deleted (`deletes`) only by the last event that
 * ever writes it, as an open inbox entry is when its delivery closes: its guard goes with it, so
 * a redelivery re-creates it from the events redelivered, and the delete, redelivered after them,
 * removes it again.
 */
export interface ReadModelWrite {
  /** Logical collection name; replay maps it to a fresh physical collection. */
  readonly collection: string;
  readonly id: string;
  /**
   * The event creates this document (an aggregate's first event): the writer may insert it
   * outright, which is much faster than an upsert on stores without a usable index.
   */
  readonly creates?: boolean;
  /** The event removes this document; `update` is ignored (pass `{}`). */
  readonly deletes?: boolean;
  readonly update: {
    readonly $inc?: Document;
    readonly $set?: Document;
    readonly $setOnInsert?: Document;
    readonly $max?: Document;
    readonly $min?: Document;
    /** Fields removed (values ignored): an entry leaving a list kept as a map. */
    readonly $unset?: Document;
  };
}

/** A read model: which topics feed it, and a pure function from an event to document writes. */
export interface Projection {
  /** Stable name; also the consumer group (`projection.<name>`). */
  readonly name: string;
  readonly topics: readonly string[];
  /** Every logical collection `project` may write to. */
  readonly collections: readonly string[];
  /** `position` is where the event sits in the log (a per-partition change cursor for readers). */
  project(event: EventEnvelope, position: LogPosition): readonly ReadModelWrite[];
  /**
   * Applies a batch's writes when the projection brings its own writer (the statistics
   * projection folds a batch per document across partitions); `applyGuarded` otherwise. It keeps
   * `applyGuarded`'s guards: each event changes each document at most once, however a
   * redelivery is cut. `collectionName` maps a logical collection to the one written.
   */
  write?(db: Db, writes: readonly PositionedWrite[], collectionName: (logical: string) => string): Promise<unknown>;
  /** Records per batch of `vdx replay` when the caller names none (default 1,000). */
  readonly replayBatchSize?: number;
}

/** The consumer group of a projection's live runner. */
export function projectionGroupId(projection: Pick<Projection, 'name'>): string {
  return `projection.${projection.name}`;
}

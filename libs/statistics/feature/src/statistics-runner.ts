import { ReadModelConsumer, type PositionedWrite } from '@vdx/event-sourcing';
import type { ConsumedEvent, EventConsumerOptions, Kafka } from '@vdx/messaging';
import type { Db, Document } from 'mongodb';
import { findByIds } from './by-id-reads';
import type { StatisticsProjection } from './statistics.projection';
import type { WriteCounts } from './statistics-writer';

export type StatisticsRunnerOptions = Omit<EventConsumerOptions, 'groupId' | 'topics'>;

/** Documents of `collection` by `_id` (their guards left out: the writer's business, and spared on the wire). */
export function readByIds(db: Db, collection: string, ids: readonly string[]): Promise<Document[]> {
  return findByIds(db.collection(collection), ids, { _pos: 0 });
}

/** Events as the consumer hands them over: decoded, with where they sit in the log. */
export type PositionedEvent = Pick<ConsumedEvent, 'event'> & { readonly record: Pick<ConsumedEvent['record'], 'topic' | 'partition' | 'offset'> };

/**
 * One batch: reads the facts its events need that `projection` does not hold (by `_id`), folds
 * it, and writes it with `writeStatistics` (`StatisticsProjection.write`): one guarded upsert per
 * document, the counters' collections first, then the facts'. The runner's step, and the benchmark's, which feeds
 * batches without Kafka.
 */
export async function applyStatisticsBatch(db: Db, projection: StatisticsProjection, items: readonly PositionedEvent[]): Promise<WriteCounts> {
  const missing = projection.missingFacts(items.map((i) => i.event));
  if (missing.deliveries.length > 0 || missing.agencies.length > 0) {
    const [deliveries, agencies] = await Promise.all([readByIds(db, projection.names.deliveries, missing.deliveries), readByIds(db, projection.names.agencies, missing.agencies)]);
    projection.remember(deliveries, agencies);
  }
  const writes: PositionedWrite[] = [];
  for (const { event, record } of items) {
    const position = { topic: record.topic, partition: record.partition, offset: record.offset };
    for (const write of projection.project(event, position)) writes.push({ write, position });
  }
  return projection.write(db, writes);
}

/**
 * Keeps the statistics read models current, like `ProjectionRunner` (group
 * `projection.<name>`, range assignment, guarded writes) with one step more: before folding a
 * batch it reads from the store, by `_id`, the facts of the deliveries and agencies whose first
 * event it does not hold in memory. Each group's writes (the group commit's partition batches
 * together) go counters first, facts last, one guarded upsert per document (`writeStatistics`).
 * It runs on the same {@link ReadModelConsumer}: collections made at start, the store's error
 * answers an outage that the events wait out.
 */
export class StatisticsRunner extends ReadModelConsumer {
  constructor(
    kafka: Kafka,
    private readonly store: Db,
    readonly projection: StatisticsProjection,
    opts: StatisticsRunnerOptions = {},
  ) {
    super(kafka, store, projection, (items) => applyStatisticsBatch(store, projection, items), opts);
  }

  /** Folds and writes one batch. */
  apply(items: readonly ConsumedEvent[]): Promise<WriteCounts> {
    return applyStatisticsBatch(this.store, this.projection, items);
  }
}

import { asStoreRefusal, ensureCollections, projectionGroupId, type PositionedWrite } from '@vdx/event-sourcing';
import { EventConsumer, type ConsumedEvent, type EventConsumerOptions, type Kafka } from '@vdx/messaging';
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
 * As there, the collections are made before the first event, and the store's error answers are
 * an outage (`PROJECTION.STORE_REFUSED`): the events wait for the store rather than going to the
 * dead-letter topic.
 */
export class StatisticsRunner {
  private readonly consumer: EventConsumer;

  constructor(
    kafka: Kafka,
    private readonly db: Db,
    readonly projection: StatisticsProjection,
    opts: StatisticsRunnerOptions = {},
  ) {
    this.consumer = new EventConsumer(
      kafka,
      {
        handle: async (item) => {
          await this.apply([item]);
        },
        handleBatch: async (items) => {
          await this.apply(items);
        },
      },
      { assignor: 'range', ...opts, groupId: projectionGroupId(projection), topics: projection.topics },
    );
  }

  /** Folds and writes one batch. */
  async apply(items: readonly ConsumedEvent[]): Promise<WriteCounts> {
    try {
      return await applyStatisticsBatch(this.db, this.projection, items);
    } catch (err) {
      throw asStoreRefusal(this.projection.name, err);
    }
  }

  /** Creates the read models' collections that do not exist yet, then starts consuming. */
  async start(): Promise<void> {
    await ensureCollections(this.db, this.projection.collections);
    await this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}

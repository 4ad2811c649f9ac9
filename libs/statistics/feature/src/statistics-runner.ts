import { projectionGroupId, type PositionedWrite } from '@vdx/event-sourcing';
import { EventConsumer, type ConsumedEvent, type EventConsumerOptions, type Kafka } from '@vdx/messaging';
import type { Db, Document } from 'mongodb';
import { COUNTER_MODELS } from '@vdx/statistics-domain';
import type { StatisticsProjection } from './statistics.projection';
import { writeStatistics, type WriteCounts } from './statistics-writer';

export type StatisticsRunnerOptions = Omit<EventConsumerOptions, 'groupId' | 'topics'>;

/** The store answers an `_id` $in of up to 1,000 ids from its index (docs/adr/0002). */
const MAX_IDS_PER_READ = 500;

/** `$in` reads of one call in flight at once (the store serves reads side by side). */
const READS_IN_FLIGHT = 4;

/** Documents of `collection` by `_id`, read in `$in` lists the store answers from its index. */
export async function readByIds(db: Db, collection: string, ids: readonly string[]): Promise<Document[]> {
  const lists: string[][] = [];
  for (let from = 0; from < ids.length; from += MAX_IDS_PER_READ) lists.push(ids.slice(from, from + MAX_IDS_PER_READ));
  const out: Document[] = [];
  for (let from = 0; from < lists.length; from += READS_IN_FLIGHT) {
    // The guards are the writer's business: leaving them out spares the wire (the store decodes them anyway).
    const reads = lists.slice(from, from + READS_IN_FLIGHT).map((list) => db.collection(collection).find({ _id: { $in: list as never[] } }, { projection: { _pos: 0 } }).toArray());
    for (const docs of await Promise.all(reads)) out.push(...docs);
  }
  return out;
}

/** Events as the consumer hands them over: decoded, with where they sit in the log. */
export type PositionedEvent = Pick<ConsumedEvent, 'event'> & { readonly record: Pick<ConsumedEvent['record'], 'topic' | 'partition' | 'offset'> };

/**
 * One batch: reads the facts its events need that `projection` does not hold (by `_id`), folds
 * it, and writes it with `writeStatistics`: one guarded upsert per document and source
 * partition, every collection's as bulks of `updateOne`s by `_id`, the counters' collections
 * first, then the facts'. The runner's step, and the benchmark's, which feeds
 * batches without Kafka.
 */
export async function applyStatisticsBatch(db: Db, projection: StatisticsProjection, items: readonly PositionedEvent[]): Promise<WriteCounts> {
  const missing = projection.missingFacts(items.map((i) => i.event));
  if (missing.deliveries.length > 0 || missing.agencies.length > 0) {
    const [deliveries, agencies] = await Promise.all([readByIds(db, projection.names.deliveries, missing.deliveries), readByIds(db, projection.names.agencies, missing.agencies)]);
    projection.remember(deliveries, agencies);
  }
  const counters: PositionedWrite[] = [];
  const facts: PositionedWrite[] = [];
  const counterCollections = new Set(COUNTER_MODELS.map((m) => projection.names[m]));
  for (const { event, record } of items) {
    const position = { topic: record.topic, partition: record.partition, offset: record.offset };
    for (const write of projection.project(event, position)) (counterCollections.has(write.collection) ? counters : facts).push({ write, position });
  }
  // Counters first, then facts (the fold's order rule, docs/adr/0013 §3).
  const first = await writeStatistics(db, counters);
  const then = await writeStatistics(db, facts);
  return { applied: first.applied + then.applied, skipped: first.skipped + then.skipped, operations: first.operations + then.operations };
}

/**
 * Keeps the statistics read models current, like `ProjectionRunner` (group
 * `projection.<name>`, range assignment, guarded writes) with one step more: before folding a
 * batch it reads from the store, by `_id`, the facts of the deliveries and agencies whose first
 * event it does not hold in memory. Each batch's writes go counters first, facts last, one
 * guarded upsert per document and source partition (`writeStatistics`).
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
  apply(items: readonly ConsumedEvent[]): Promise<WriteCounts> {
    return applyStatisticsBatch(this.db, this.projection, items);
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}

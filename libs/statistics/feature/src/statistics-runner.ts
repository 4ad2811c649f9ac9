import { applyGuarded, projectionGroupId, type PositionedWrite } from '@vdx/event-sourcing';
import { EventConsumer, type ConsumedEvent, type EventConsumerOptions, type Kafka } from '@vdx/messaging';
import type { Db, Document } from 'mongodb';
import type { StatisticsProjection } from './statistics.projection';

export type StatisticsRunnerOptions = Omit<EventConsumerOptions, 'groupId' | 'topics'>;

/** The store answers an `_id` $in of up to 1,000 ids from its index (docs/adr/0002). */
const MAX_IDS_PER_READ = 500;

/** Documents of `collection` by `_id`, read in `$in` lists the store answers from its index. */
export async function readByIds(db: Db, collection: string, ids: readonly string[]): Promise<Document[]> {
  const out: Document[] = [];
  for (let from = 0; from < ids.length; from += MAX_IDS_PER_READ) {
    // The guards are the writer's business: leaving them out spares the reader and the wire.
    out.push(...(await db.collection(collection).find({ _id: { $in: ids.slice(from, from + MAX_IDS_PER_READ) as never[] } }, { projection: { _pos: 0 } }).toArray()));
  }
  return out;
}

/** Events as the consumer hands them over: decoded, with where they sit in the log. */
export type PositionedEvent = Pick<ConsumedEvent, 'event'> & { readonly record: Pick<ConsumedEvent['record'], 'topic' | 'partition' | 'offset'> };

/**
 * One batch: reads the facts its events need that `projection` does not hold (by `_id`), folds
 * it, and applies the writes guarded, counters first and facts last. The runner's step, and the
 * benchmark's, which feeds batches without Kafka.
 */
export async function applyStatisticsBatch(db: Db, projection: StatisticsProjection, items: readonly PositionedEvent[]): Promise<{ applied: number; skipped: number }> {
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
  // Counters first, then facts (the fold's order rule); within each, documents are split into
  // disjoint groups written side by side: a batch is one topic-partition, so no document has
  // writes in two groups, and each group keeps its documents' order.
  let applied = 0;
  let skipped = 0;
  for (const models of [[projection.names.counters, projection.names.quality, projection.names.directory], [projection.names.agencies, projection.names.deliveries]]) {
    const stage = writes.filter((w) => models.includes(w.write.collection));
    const groups = Array.from({ length: WRITERS }, () => [] as PositionedWrite[]);
    for (const w of stage) groups[hashOf(w.write.id) % WRITERS]!.push(w);
    for (const r of await Promise.all(groups.filter((g) => g.length > 0).map((g) => applyGuarded(db, g)))) {
      applied += r.applied;
      skipped += r.skipped;
    }
  }
  return { applied, skipped };
}

/** Bulk writes in flight at once: the store serves several connections (ADR 0009: 8 in flight ≈ 2.5 × one). */
const WRITERS = 4;

function hashOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) >>> 0;
  return h;
}

/**
 * Keeps the statistics read models current, like `ProjectionRunner` (group
 * `projection.<name>`, range assignment, guarded writes) with one step more: before folding a
 * batch it reads from the store, by `_id`, the facts of the deliveries and agencies whose first
 * event it does not hold in memory. Each batch's writes go counters first, facts last, in
 * `bulkWrite`s of at most 50 operations, one update per document and source partition.
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
  apply(items: readonly ConsumedEvent[]): Promise<{ applied: number; skipped: number }> {
    return applyStatisticsBatch(this.db, this.projection, items);
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}

import { EventConsumer, type ConsumedEvent, type EventConsumerOptions, type Kafka } from '@vdx/messaging';
import type { Db } from 'mongodb';
import { applyGuarded, type PositionedWrite } from './guarded-writer';
import { projectionGroupId, type Projection } from './projection';

export type ProjectionRunnerOptions = Omit<EventConsumerOptions, 'groupId' | 'topics'>;

function positioned(projection: Projection, items: readonly ConsumedEvent[]): PositionedWrite[] {
  return items.flatMap(({ event, record }) => {
    const position = { topic: record.topic, partition: record.partition, offset: record.offset };
    return projection.project(event, position).map((write) => ({ write, position }));
  });
}

/**
 * Keeps a read model current: consumes the projection's topics in group `projection.<name>`
 * and applies each batch's writes with per-document offset guards, so a crash, a rebalance or
 * a redelivery never counts an event twice. A projection must give each document one source
 * partition number (the store updates a document without isolation between writers): records
 * keyed alike across co-partitioned topics, or documents per partition.
 */
export class ProjectionRunner {
  private readonly consumer: EventConsumer;

  constructor(
    kafka: Kafka,
    private readonly db: Db,
    readonly projection: Projection,
    opts: ProjectionRunnerOptions = {},
  ) {
    const write = (writes: readonly PositionedWrite[]) => (projection.write ? projection.write(db, writes, (c) => c) : applyGuarded(db, writes));
    this.consumer = new EventConsumer(
      kafka,
      {
        handle: async (item) => {
          await write(positioned(projection, [item]));
        },
        handleBatch: async (items) => {
          await write(positioned(projection, items));
        },
      },
      // Range assignment gives one member partition p of every topic: a document fed by several
      // co-partitioned topics (a trace) then has one writer, never two instances at once.
      { assignor: 'range', ...opts, groupId: projectionGroupId(projection), topics: projection.topics },
    );
  }

  /** Creates the read model's collections that do not exist yet, then starts consuming. */
  async start(): Promise<void> {
    await ensureCollections(this.db, this.projection.collections);
    await this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}

/** MongoDB's NamespaceExists: another instance created the collection a moment before. */
const NAMESPACE_EXISTS = 48;

/**
 * Creates each of `names` that the database does not hold yet (another instance creating it at the
 * same moment is fine). A read model's collections are made before its first event, not by the
 * first write: the local store (FerretDB on SQLite) creates a collection in two statements, and a
 * store stopped between them leaves a table it no longer knows, on which every later write of that
 * collection fails.
 */
export async function ensureCollections(db: Db, names: readonly string[]): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of names) {
    if (existing.has(name)) continue;
    await db.createCollection(name).catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== NAMESPACE_EXISTS) throw err;
    });
  }
}

import { CodedError, type CodedErrorOptions } from '@vdx/contracts/errors';
import { EventConsumer, type ConsumedEvent, type EventConsumerOptions, type Kafka } from '@vdx/messaging';
import { MongoServerError, type Db } from 'mongodb';
import { applyGuarded, type PositionedWrite } from './guarded-writer';
import { projectionGroupId, type Projection } from './projection';

export type ProjectionRunnerOptions = Omit<EventConsumerOptions, 'groupId' | 'topics'>;

/**
 * The store answered a read model's writes with an error (`PROJECTION.STORE_REFUSED`). It is an
 * outage, not a poison event: the event is sound (it was decoded and projected), so the runner
 * retries the writes until the store takes them, and the read model waits rather than skipping
 * the event into the dead-letter topic. A skipped event would leave the model wrong until someone
 * replayed the dead letter; a waiting one shows as consumer lag, and catches up by itself once
 * the store (or the projection's code) is mended.
 */
export class StoreRefusedWrites extends CodedError<'PROJECTION.STORE_REFUSED'> {
  override readonly name = 'StoreRefusedWrites';
  constructor(projection: string, options: CodedErrorOptions) {
    const why = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super('PROJECTION.STORE_REFUSED', `the store refused the writes of read model ${projection} (${why}); its events wait until the store takes them`, options);
  }
}

/** A server error of the store as {@link StoreRefusedWrites}; anything else (a network error already counts as an outage) unchanged. */
export function asStoreRefusal(projection: string, err: unknown): unknown {
  return err instanceof MongoServerError ? new StoreRefusedWrites(projection, { cause: err }) : err;
}

function positioned(projection: Projection, items: readonly ConsumedEvent[]): PositionedWrite[] {
  return items.flatMap(({ event, record }) => {
    const position = { topic: record.topic, partition: record.partition, offset: record.offset };
    return projection.project(event, position).map((write) => ({ write, position }));
  });
}

/** What a read model's consumer is told of it: its name (group `projection.<name>`), its topics and its collections. */
export type ReadModelSource = Pick<Projection, 'name' | 'topics' | 'collections'>;

/**
 * The consumer every read model runs on: group `projection.<name>`, range assignment (one member
 * gets partition p of every topic, so a document fed by several co-partitioned topics, a trace,
 * has one writer, never two instances at once), its collections created before the first event,
 * and the store's error answers turned into {@link StoreRefusedWrites}, an outage, so the events
 * wait for the store instead of going to the dead-letter topic. `apply` folds and writes a batch.
 */
export class ReadModelConsumer {
  private readonly consumer: EventConsumer;

  constructor(
    kafka: Kafka,
    private readonly db: Db,
    private readonly model: ReadModelSource,
    apply: (items: readonly ConsumedEvent[]) => Promise<unknown>,
    opts: ProjectionRunnerOptions = {},
  ) {
    const run = async (items: readonly ConsumedEvent[]): Promise<void> => {
      try {
        await apply(items);
      } catch (err) {
        throw asStoreRefusal(model.name, err);
      }
    };
    this.consumer = new EventConsumer(
      kafka,
      { handle: (item) => run([item]), handleBatch: (items) => run(items) },
      { assignor: 'range', ...opts, groupId: projectionGroupId(model), topics: model.topics },
    );
  }

  /** Creates the read model's collections that do not exist yet, then starts consuming. */
  async start(): Promise<void> {
    await ensureCollections(this.db, this.model.collections);
    await this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}

/**
 * Keeps a read model current: a {@link ReadModelConsumer} that applies each batch's writes with
 * per-document offset guards, so a crash, a rebalance or a redelivery never counts an event
 * twice. An event the projection cannot handle goes to the dead-letter topic after the retries;
 * writes the store refuses are retried until it takes them. A projection must give each document
 * one source partition number (the store updates a document without isolation between writers):
 * records keyed alike across co-partitioned topics, or documents per partition.
 */
export class ProjectionRunner extends ReadModelConsumer {
  constructor(
    kafka: Kafka,
    db: Db,
    readonly projection: Projection,
    opts: ProjectionRunnerOptions = {},
  ) {
    super(
      kafka,
      db,
      projection,
      async (items) => {
        const writes = positioned(projection, items);
        await (projection.write ? projection.write(db, writes, (c) => c) : applyGuarded(db, writes));
      },
      opts,
    );
  }
}

/** MongoDB's NamespaceExists: another instance created the collection a moment before. */
const NAMESPACE_EXISTS = 48;

/**
 * Creates each of `names` that the database does not hold yet (another instance creating it at the
 * same moment is fine). A read model's collections are made before its first event, not by the
 * first write, so that a store outage under load never meets a collection being created (the
 * local store's creation is made atomic by the project's FerretDB patch set; other stores may not
 * be as careful).
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

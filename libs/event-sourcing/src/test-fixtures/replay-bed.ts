import { EventProducer, createKafka, ensureTopics, eventTopicSpec, type Kafka, type KafkaSettings, type Outgoing } from '@vdx/messaging';
import { dumpCollection, kafkaPartition, testEnv, uniqueDbName, uniqueName, waitUntil } from '@vdx/testing';
import { MongoClient, type Db, type Document } from 'mongodb';
import type { Projection } from '../projection';
import { ProjectionRunner } from '../projection-runner';
import { replayProjection, type ReplayOptions, type ReplayResult } from '../replay';

/**
 * What every read model's replay spec sets up against the real Kafka and store: a Kafka client,
 * a database of its own (dropped afterwards) and a producer, then the same three steps: publish a
 * log, let the live projection apply it, and replay the log into fresh collections to compare.
 */
export interface ReplayBed {
  /** The Kafka settings the replay tool connects with. */
  readonly settings: KafkaSettings;
  readonly kafka: Kafka;
  readonly db: Db;
  /** Creates `topics` (3 partitions, replication 1) if missing, then publishes `items` in order, `chunk` per call. */
  publish(topics: readonly string[], items: readonly Outgoing[], chunk?: number): Promise<void>;
  /** Publishes more of the log (its topics exist already). */
  publishMore(items: readonly Outgoing[]): Promise<void>;
  /**
   * Runs `projection` live while `during` waits for what it must have applied (one wait, or
   * several with publishes between), and stops it whatever happens.
   */
  whileLive(projection: Projection, during: () => Promise<void>): Promise<void>;
  /** Runs `projection` live until `applied` holds (checked every 100 ms, `timeoutMs` default 45 s), then stops it. */
  runLive(projection: Projection, what: string, applied: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  /**
   * Rebuilds `projection` from offset zero into fresh collections beside the live ones (no swap,
   * the live runner not checked); `options` go over those (a batch size, progress hooks, `fresh`).
   */
  replay(projection: Projection, options?: ReplayOptions): Promise<ReplayResult>;
  /** A unique collection name: `gateway_receipts` gives `gateway_receipts_<unique>`. */
  collectionName(base: string): string;
}

/**
 * Registers the bed's `beforeAll` (clients connected, a database named after `name`) and
 * `afterAll` (producer disconnected, database dropped, client closed) in the calling `describe`.
 * Its fields throw when read before `beforeAll` has run.
 */
export function replayBed(name: string, opts: { readonly producer?: boolean } = {}): ReplayBed {
  const env = testEnv();
  const settings: KafkaSettings = { brokers: env.kafkaBrokers, clientId: `${name}-replay-int` };
  let kafka: Kafka | null = null;
  let mongo: MongoClient | null = null;
  let db: Db | null = null;
  let producer: EventProducer | null = null;
  const ready = <T>(value: T | null, what: string): T => {
    if (value === null) throw new Error(`replayBed(${name}): ${what} is set up in beforeAll; read it inside a test`);
    return value;
  };

  beforeAll(async () => {
    kafka = createKafka(settings);
    mongo = await MongoClient.connect(env.mongoUrl);
    db = mongo.db(uniqueDbName(`${name.replace(/-/g, '_')}_replay`));
    if (opts.producer !== false) {
      producer = new EventProducer(kafka);
      await producer.connect();
    }
  });

  afterAll(async () => {
    await producer?.disconnect();
    await db?.dropDatabase().catch(() => undefined);
    await mongo?.close();
  });

  const bed: ReplayBed = {
    settings,
    get kafka() {
      return ready(kafka, 'the Kafka client');
    },
    get db() {
      return ready(db, 'the database');
    },
    async publish(topics, items, chunk = 40) {
      await ensureTopics(bed.kafka, topics.map((t) => eventTopicSpec(t, 3, 1)));
      const p = ready(producer, 'the producer');
      for (let i = 0; i < items.length; i += chunk) await p.publish(items.slice(i, i + chunk));
    },
    async publishMore(items) {
      await ready(producer, 'the producer').publish(items);
    },
    async whileLive(projection, during) {
      const runner = new ProjectionRunner(bed.kafka, bed.db, projection, { sessionTimeoutMs: 6000 });
      await runner.start();
      try {
        await during();
      } finally {
        await runner.stop();
      }
    },
    async runLive(projection, what, applied, timeoutMs = 45_000) {
      await bed.whileLive(projection, async () => {
        await waitUntil(what, async () => ((await applied()) ? true : undefined), { timeoutMs });
      });
    },
    replay: (projection, options = {}) => replayProjection(settings, bed.db, projection, { swap: false, refuseWhileRunning: false, ...options }),
    collectionName: (base) => uniqueName(base).replace(/-/g, '_'),
  };
  return bed;
}

/**
 * Every document of `collection` has the version `versions` gives its `_id`, and there is one
 * per entry: what a live projection of versioned aggregates has reached once it applied the log.
 */
export async function versionsAre(db: Db, collection: string, versions: ReadonlyMap<string, number>): Promise<boolean> {
  const docs = await db.collection(collection).find({}, { projection: { version: 1 } }).toArray();
  return docs.length === versions.size && docs.every((d) => d['version'] === versions.get(String(d['_id'])));
}

/**
 * The replayed collection equals the live one, document for document and field for field (the
 * `_pos` guards included: both applied each event once, at the same offsets). Returns the
 * replayed documents.
 */
export async function expectReplayedAsLive(db: Db, replayedCollection: string, live: readonly Document[]): Promise<Document[]> {
  const replayed = await dumpCollection(db, replayedCollection);
  expect(replayed.map((d) => d['_id'])).toEqual(live.map((d) => d['_id']));
  replayed.forEach((doc, i) => expect(doc).toStrictEqual(live[i]));
  return replayed;
}

/**
 * A log built for a fresh run id whose record keys (`keysOf`) fall on every one of `partitions`
 * partitions by Kafka's partitioner: random ids leave a partition out now and then, and a test
 * that means to write from every partition would then fail for no fault of the code.
 */
export function spreadLog<L>(prefix: string, build: (run: string) => L, keysOf: (log: L) => Iterable<string>, partitions = 3): L {
  for (let tries = 0; tries < 100; tries += 1) {
    const log = build(uniqueName(prefix));
    if (new Set([...keysOf(log)].map((k) => kafkaPartition(k, partitions))).size === partitions) return log;
  }
  throw new Error(`spreadLog(${prefix}): no run id in 100 spreads the keys over ${partitions} partitions`);
}

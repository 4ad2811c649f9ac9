import { EventProducer, createKafka, type Kafka, type KafkaSettings } from '@vdx/messaging';
import { MongoClient, type Db } from 'mongodb';
import { testEnv, uniqueDbName } from './test-env';

/** The real Kafka and a database of one int suite's own, as {@link useLogAndStore} sets them up. */
export interface LogAndStore {
  readonly settings: KafkaSettings;
  readonly kafka: Kafka;
  readonly mongo: MongoClient;
  /** A database no other suite uses, dropped after the suite. */
  readonly db: Db;
  /** Connected for the suite's tests. */
  readonly producer: EventProducer;
}

/**
 * Call in a `describe` body: before the suite's tests, a Kafka client (`<name>-int`), a store
 * connection with a database of the suite's own, and a connected producer; after them, the
 * producer disconnected, the database dropped, the connection closed. Read the fields inside
 * hooks and tests (they are set once `beforeAll` has run).
 */
export function useLogAndStore(name: string): LogAndStore {
  const env = testEnv();
  const settings: KafkaSettings = { brokers: env.kafkaBrokers, clientId: `${name}-int` };
  let kafka: Kafka | undefined;
  let mongo: MongoClient | undefined;
  let db: Db | undefined;
  let producer: EventProducer | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is set up in beforeAll: read it inside a hook or a test`);
    return value;
  };
  beforeAll(async () => {
    kafka = createKafka(settings);
    mongo = await MongoClient.connect(env.mongoUrl);
    db = mongo.db(uniqueDbName(name.replace(/-/g, '_')));
    producer = new EventProducer(kafka);
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await db?.dropDatabase().catch(() => undefined);
    await mongo?.close();
  });
  return {
    settings,
    get kafka() {
      return ready(kafka, 'kafka');
    },
    get mongo() {
      return ready(mongo, 'mongo');
    },
    get db() {
      return ready(db, 'db');
    },
    get producer() {
      return ready(producer, 'producer');
    },
  };
}

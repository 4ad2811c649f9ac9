import { KafkaJS } from '@confluentinc/kafka-javascript';
import { MongoClient } from 'mongodb';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** True when the broker answers a metadata request within `timeoutMs`. */
export async function probeKafka(bootstrap: string, timeoutMs: number): Promise<boolean> {
  const admin = new KafkaJS.Kafka({
    'socket.connection.setup.timeout.ms': timeoutMs,
    kafkaJS: { brokers: bootstrap.split(','), logLevel: KafkaJS.logLevel.NOTHING },
  }).admin();
  try {
    await withTimeout(admin.connect(), timeoutMs, 'Kafka');
    await withTimeout(admin.listTopics({ timeout: timeoutMs }), timeoutMs, 'Kafka');
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** True when the store answers `ping` within `timeoutMs`. */
export async function probeMongo(url: string, timeoutMs: number): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    const res = await client.db('admin').command({ ping: 1 });
    return res['ok'] === 1;
  } finally {
    await client.close().catch(() => undefined);
  }
}

// Runs the probe-counts projection as its own process, for projection-crash.int.spec.ts.
import { loadConfig } from '@vdx/config';
import { createKafka } from '@vdx/messaging';
import { probeCountsProjection } from '../probe/probe-counts.projection';
import { MongoClient } from 'mongodb';
import { z } from 'zod';
import { ProjectionRunner } from '../projection-runner';

const env = loadConfig(
  'projection-worker',
  z.object({ KAFKA_BROKERS: z.string(), MONGO_URL: z.string(), MONGO_DB: z.string(), TOPIC: z.string(), PROJECTION: z.string() }),
);

async function main(): Promise<void> {
  const mongo = await MongoClient.connect(env.MONGO_URL);
  const runner = new ProjectionRunner(
    createKafka({ brokers: env.KAFKA_BROKERS, clientId: 'projection-worker' }),
    mongo.db(env.MONGO_DB),
    probeCountsProjection(env.PROJECTION, env.TOPIC),
    { sessionTimeoutMs: 6000, maxBatchSize: 200 },
  );
  await runner.start();
  process.stdout.write('projection started\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`projection worker failed: ${String(err)}\n`);
  process.exit(1);
});

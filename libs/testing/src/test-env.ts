import { loadConfig } from '@vdx/config';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const testEnvSchema = z.object({
  KAFKA_BROKERS: z.string().min(1, 'integration tests need KAFKA_BROKERS: run them with npm test, which starts Kafka'),
  MONGO_URL: z.string().min(1, 'integration tests need MONGO_URL: run them with npm test, which starts FerretDB'),
});

/** Where the real Kafka and store of this test run are (set by `npm test`). */
export function testEnv(): { kafkaBrokers: string; mongoUrl: string } {
  const env = loadConfig('tests', testEnvSchema);
  return { kafkaBrokers: env.KAFKA_BROKERS, mongoUrl: env.MONGO_URL };
}

/** A name no other test or run uses: topics, groups and databases never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A database name for one test file (letters, digits and underscores only). */
export function uniqueDbName(prefix: string): string {
  return uniqueName(prefix).replace(/[^a-zA-Z0-9]/g, '_');
}

import { CodedError } from '@vdx/contracts/errors';
import { z } from 'zod';

/** Raised at boot when the environment does not satisfy an app's schema (`CONFIG.INVALID`); lists every problem. */
export class ConfigError extends CodedError<'CONFIG.INVALID'> {
  override readonly name = 'ConfigError';
  constructor(
    readonly app: string,
    readonly problems: readonly string[],
  ) {
    super('CONFIG.INVALID', `${app}: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Validates the environment against `schema` and returns the typed result. This is the one
 * place in the code base that reads `process.env` (configuration is validated at boot).
 */
export function loadConfig<S extends z.ZodType>(app: string, schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      app,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

/** Settings every service shares: where Kafka and the store are, and where it serves HTTP. */
export const baseServiceSchema = z.object({
  KAFKA_BROKERS: z.string().min(1, 'KAFKA_BROKERS is required, e.g. 127.0.0.1:19092'),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'MONGO_URL must be a mongodb:// URL'),
  MONGO_DB: z.string().min(1).default('vdx'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** Partitions of a topic this service creates; fixed once created. */
  TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(6),
  /** 1 on a single broker, 3 in production. */
  TOPIC_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(7).default(1),
});

export type BaseServiceConfig = z.infer<typeof baseServiceSchema>;

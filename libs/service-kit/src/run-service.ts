import type { DynamicModule, INestApplication, LogLevel, Type } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { ConfigError, loadConfig, type BaseServiceConfig } from '@vdx/config';
import { eventTopic } from '@vdx/contracts';
import { ensureTopics, eventTopicSpec, type Kafka } from '@vdx/messaging';
import type { z } from 'zod';
import { KAFKA } from './service-kit.tokens';

/**
 * How long a stop signal may take to close the service gracefully before the process exits
 * anyway: below Kubernetes' default grace period of 30 s, so the service, not the kubelet's
 * SIGKILL, reports the hang. Exiting there is safe: every step commits through a Kafka
 * transaction, so an unfinished one is redone after the restart, as after a crash.
 */
export const SHUTDOWN_DEADLINE_MS = 25_000;

const LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** Nest enables levels one by one: `debug` means error, warn, log and debug (fatal always). */
export function nestLogLevels(level: BaseServiceConfig['LOG_LEVEL']): LogLevel[] {
  return ['fatal', ...LEVELS.slice(0, LEVELS.indexOf(level) + 1)];
}

export interface RunServiceOptions<S extends z.ZodType<BaseServiceConfig>> {
  readonly service: string;
  /** The root module, built from the validated configuration. */
  readonly module: (config: z.infer<S>) => DynamicModule | Type<unknown>;
  readonly configSchema: S;
  /** Whether the service writes events (and so provisions `vdx.<service>.events.v1`); default true. */
  readonly ownsTopic?: boolean;
  /** Microservice transports served beside HTTP (gRPC APIs). */
  readonly microservices?: (config: z.infer<S>) => readonly MicroserviceOptions[];
}

/**
 * Boots one service process: validates the environment, creates the Nest application, creates
 * the service's own event topic (the single writer owns it) and serves HTTP. Exits 1 with the
 * list of problems when the configuration is invalid or the boot fails.
 */
export async function runService<S extends z.ZodType<BaseServiceConfig>>(options: RunServiceOptions<S>): Promise<INestApplication> {
  const { service } = options;
  let config: z.infer<S>;
  try {
    config = loadConfig(service, options.configSchema);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = new Logger(service);
  try {
    const app = await NestFactory.create(options.module(config), { logger: nestLogLevels(config.LOG_LEVEL) });
    app.enableShutdownHooks();
    exitAfterDeadline(logger);
    if (options.ownsTopic ?? true) {
      const created = await ensureTopics(app.get<Kafka>(KAFKA), [
        eventTopicSpec(eventTopic(service), config.TOPIC_PARTITIONS, config.TOPIC_REPLICATION_FACTOR),
      ]);
      if (created.length > 0) logger.log(`created topic ${created.join(', ')}`);
    }
    for (const ms of options.microservices?.(config) ?? []) app.connectMicroservice<MicroserviceOptions>(ms, { inheritAppConfig: true });
    // Lifecycle hooks (a writer loading its log, projections starting) finish before any
    // transport accepts a call: gRPC must not answer from a half-loaded state.
    await app.init();
    await app.startAllMicroservices();
    await app.listen(config.HTTP_PORT, config.HTTP_HOST);
    // With HTTP_PORT=0 the OS picks the port: report the one actually bound.
    const address: unknown = app.getHttpServer().address();
    const port = typeof address === 'object' && address !== null && 'port' in address ? address.port : config.HTTP_PORT;
    logger.log(`${service} listening on http://${config.HTTP_HOST}:${String(port)}`);
    return app;
  } catch (err) {
    logger.error(`${service} failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

/**
 * On SIGTERM or SIGINT, exits with code 1 if Nest's graceful close (which the shutdown hooks
 * start on the same signal) has not ended the process within `deadlineMs`: a close waiting on a
 * store or broker that no longer answers must not keep the process alive.
 */
export function exitAfterDeadline(
  logger: Pick<Logger, 'error'>,
  deadlineMs = SHUTDOWN_DEADLINE_MS,
  exit: (code: number) => void = (code) => process.exit(code),
  signals: Pick<NodeJS.EventEmitter, 'once'> = process,
): void {
  const arm = (signal: NodeJS.Signals): void => {
    const timer = setTimeout(() => {
      logger.error(`graceful shutdown after ${signal} did not finish within ${deadlineMs} ms: exiting`);
      exit(1);
    }, deadlineMs);
    timer.unref();
  };
  signals.once('SIGTERM', arm);
  signals.once('SIGINT', arm);
}

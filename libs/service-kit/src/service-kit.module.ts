import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { BaseServiceConfig } from '@vdx/config';
import { createKafka, type Kafka } from '@vdx/messaging';
import { clientErrorMetrics, createMetricsRegistry, readinessMetrics } from '@vdx/observability';
import type { Registry } from 'prom-client';
import { MongoClient, type Db } from 'mongodb';
import { HealthController } from './health.controller';
import { KafkaReadinessProbe } from './kafka-readiness.probe';
import { MetricsController } from './metrics.controller';
import { KafkaHealthIndicator, StoreHealthIndicator } from './readiness.indicators';
import { READINESS_TIMEOUT_MS, withTimeout } from './readiness-probe';
import { storePoolOptions } from './store-pool';
import {
  KAFKA,
  KAFKA_READINESS,
  METRICS_REGISTRY,
  MONGO_CLIENT,
  MONGO_DB,
  READINESS_METRICS,
  SERVICE_CONFIG,
  SERVICE_NAME,
  STORE_READINESS,
} from './service-kit.tokens';
import { StoreReadinessProbe } from './store-readiness.probe';

export interface ServiceKitOptions {
  /** The service's name: Kafka client id, metrics label and event topic. */
  readonly service: string;
  /** The validated configuration (an app's schema extends the base one). */
  readonly config: BaseServiceConfig;
}

/** Closes the clients the kit opened when the application shuts down. */
@Injectable()
class ServiceKitShutdown implements OnApplicationShutdown {
  private readonly logger = new Logger('ServiceKit');

  constructor(
    @Inject(MONGO_CLIENT) private readonly mongo: MongoClient,
    @Inject(KAFKA_READINESS) private readonly kafkaReadiness: KafkaReadinessProbe,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const results = await Promise.allSettled([this.kafkaReadiness.close(), this.mongo.close()]);
    for (const r of results) {
      if (r.status === 'rejected') this.logger.warn(`closing a client failed: ${String(r.reason)}`);
    }
  }
}

/**
 * What every service process needs: a shared Kafka client, a connected MongoDB client and
 * database, a Prometheus registry, `/health/live`, `/health/ready` and `/metrics`.
 * Global, so a service's feature modules can inject the tokens without re-importing it.
 */
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    const { service, config } = options;
    return {
      module: ServiceKitModule,
      global: true,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty' })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: KAFKA, useFactory: (): Kafka => createKafka({ brokers: config.KAFKA_BROKERS, clientId: `vdx-${service}` }) },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(service) },
        {
          provide: MONGO_CLIENT,
          inject: [METRICS_REGISTRY],
          useFactory: async (registry: Registry): Promise<MongoClient> => {
            const client = new MongoClient(config.MONGO_URL, { serverSelectionTimeoutMS: 10_000, appName: `vdx-${service}`, ...storePoolOptions(config.MONGO_URL) });
            // The driver's own monitoring events (no command monitoring, which costs per call).
            const storeErrors = clientErrorMetrics(registry).store;
            client.on('serverHeartbeatFailed', () => storeErrors.inc({ op: 'heartbeat' }));
            client.on('connectionCheckOutFailed', (e) => {
              if (e.reason !== 'poolClosed') storeErrors.inc({ op: 'checkout' });
            });
            await client.connect();
            return client;
          },
        },
        { provide: MONGO_DB, inject: [MONGO_CLIENT], useFactory: (client: MongoClient): Db => client.db(config.MONGO_DB) },
        {
          provide: KAFKA_READINESS,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => new KafkaReadinessProbe(() => kafka.admin(), READINESS_TIMEOUT_MS),
        },
        { provide: STORE_READINESS, inject: [MONGO_DB], useFactory: (db: Db) => new StoreReadinessProbe(db) },
        {
          // `vdx_ready{check}` answers each scrape with the checks `/health/ready` makes.
          provide: READINESS_METRICS,
          inject: [METRICS_REGISTRY, KAFKA_READINESS, STORE_READINESS],
          useFactory: (registry: Registry, kafka: KafkaReadinessProbe, store: StoreReadinessProbe) => {
            const errors = clientErrorMetrics(registry);
            const counted = (probe: { check(): Promise<void> }, counter: typeof errors.kafka) => () =>
              withTimeout(probe.check(), READINESS_TIMEOUT_MS, 'readiness').catch((err: unknown) => {
                counter.inc({ op: 'readiness' });
                throw err;
              });
            return readinessMetrics(registry, { kafka: counted(kafka, errors.kafka), store: counted(store, errors.store) });
          },
        },
        KafkaHealthIndicator,
        StoreHealthIndicator,
        ServiceKitShutdown,
      ],
      exports: [SERVICE_NAME, SERVICE_CONFIG, KAFKA, MONGO_CLIENT, MONGO_DB, METRICS_REGISTRY],
    };
  }
}

import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ensureTopics, eventTopicSpec, type Kafka } from '@vdx/messaging';
import { pipelineMetrics } from '@vdx/observability';
import { KAFKA, METRICS_REGISTRY, MONGO_DB, pipelineLogger } from '@vdx/service-kit';
import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import { StatisticsController, StatisticsDocsController, STATISTICS_REPORTS } from './statistics.controller';
import { StatisticsReports } from './statistics-reports';
import { StatisticsRunner } from './statistics-runner';
import { STATISTICS_COLLECTIONS, STATISTICS_PROJECTION, STATISTICS_TOPICS, statisticsProjection, type StatisticsCollections, type StatisticsTopics } from './statistics.projection';

export interface StatisticsFeatureOptions {
  /** Defaults: the production event topics; tests use their own. */
  readonly topics?: StatisticsTopics;
  readonly collections?: StatisticsCollections;
  /** Defaults `statistics` (consumer group `projection.statistics`). */
  readonly projectionName?: string;
  /** Records per consumed batch, folded into one guarded write per document. */
  readonly batchSize: number;
  /** Delivery facts kept in memory; the others are read from the store by `_id` when needed. */
  readonly factCache: number;
  readonly partitions: number;
  readonly replicationFactor: number;
}

const OPTIONS = Symbol('vdx.statistics.options');

/** Creates the topics it reads if missing (a fresh cluster), then keeps the read models current. */
@Injectable()
class StatisticsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('statistics');
  private runner: StatisticsRunner | null = null;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(OPTIONS) private readonly options: StatisticsFeatureOptions,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { partitions, replicationFactor } = this.options;
    const projection = statisticsProjection({
      name: this.options.projectionName ?? STATISTICS_PROJECTION,
      topics: this.options.topics ?? STATISTICS_TOPICS,
      collections: this.options.collections ?? STATISTICS_COLLECTIONS,
      factCache: this.options.factCache,
    });
    // Reading a topic needs it to exist; the writers create theirs the same way (never altered).
    await ensureTopics(this.kafka, projection.topics.map((t) => eventTopicSpec(t, partitions, replicationFactor)));
    this.runner = new StatisticsRunner(this.kafka, this.db, projection, { maxBatchSize: this.options.batchSize, logger: pipelineLogger(this.logger), metrics: pipelineMetrics(this.registry) });
    await this.runner.start();
    this.logger.log(`folding ${projection.topics.length} topics into ${projection.collections.join(', ')} (group projection.${projection.name})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
  }
}

/** The statistics service's work: the read models and the reporting API over them. */
@Module({})
export class StatisticsFeatureModule {
  static forRoot(options: StatisticsFeatureOptions): DynamicModule {
    return {
      module: StatisticsFeatureModule,
      controllers: [StatisticsController, StatisticsDocsController],
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: STATISTICS_REPORTS, inject: [MONGO_DB], useFactory: (db: Db) => new StatisticsReports(db, options.collections ?? STATISTICS_COLLECTIONS) },
        StatisticsLifecycle,
      ],
    };
  }
}

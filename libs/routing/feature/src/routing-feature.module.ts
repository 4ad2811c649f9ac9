import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DIRECTORY_SNAPSHOT_TOPIC, eventTopic } from '@vdx/contracts';
import { DirectoryCache } from '@vdx/directory-client';
import { TransactionalProcessor, compactedTopicSpec, ensureTopics, eventTopicSpec, type Kafka } from '@vdx/messaging';
import { KAFKA, MONGO_DB, startTransactionalStep } from '@vdx/service-kit';
import type { Db } from 'mongodb';
import { DocumentRegistry } from './document-registry';
import { routeVerified } from './route-verified';

export interface RoutingFeatureOptions {
  readonly kafkaBrokers: string;
  /** Defaults `vdx.signature.events.v1`, `vdx.routing.events.v1` and `vdx.directory.snapshot.v1`; tests use their own. */
  readonly signatureTopic?: string;
  readonly eventsTopic?: string;
  readonly directorySnapshotTopic?: string;
  /** Stable per instance across restarts: a restarted instance fences its predecessor. */
  readonly instanceId: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

const OPTIONS = Symbol('ROUTING_OPTIONS');
export const ROUTING_GROUP = 'routing';

/** Loads the directory cache, then routes verified packages exactly once. */
@Injectable()
class RoutingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('routing');
  private processor: TransactionalProcessor | null = null;
  private directory: DirectoryCache | null = null;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(OPTIONS) private readonly options: RoutingFeatureOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { partitions, replicationFactor } = this.options;
    const input = this.options.signatureTopic ?? eventTopic('signature');
    const output = this.options.eventsTopic ?? eventTopic('routing');
    const snapshots = this.options.directorySnapshotTopic ?? DIRECTORY_SNAPSHOT_TOPIC;
    await ensureTopics(this.kafka, [
      eventTopicSpec(input, partitions, replicationFactor),
      eventTopicSpec(output, partitions, replicationFactor),
      compactedTopicSpec(snapshots, partitions, replicationFactor),
    ]);
    this.directory = new DirectoryCache({ brokers: this.options.kafkaBrokers, clientId: 'vdx-routing-directory' }, { topic: snapshots });
    await this.directory.start();
    this.logger.log(`directory cache holds ${this.directory.size} agencies`);
    const step = await startTransactionalStep(this.kafka, routeVerified(this.directory, new DocumentRegistry(this.db), output), {
      group: ROUTING_GROUP,
      input,
      defaultInput: eventTopic('signature'),
      instanceId: this.options.instanceId,
      replicationFactor,
      logger: this.logger,
    });
    this.processor = step.processor;
    const { group } = step;
    this.logger.log(`routing packages from ${input} into ${output} (group ${group})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.processor?.stop();
    await this.directory?.stop();
  }
}

/** The routing service's work: resolve recipients, forward to successors and hubs. */
@Module({})
export class RoutingFeatureModule {
  static forRoot(options: RoutingFeatureOptions): DynamicModule {
    return { module: RoutingFeatureModule, providers: [{ provide: OPTIONS, useValue: options }, RoutingLifecycle] };
  }
}

import { Inject, Injectable, Logger, Module, type DynamicModule } from '@nestjs/common';
import { openBlobStore } from '@vdx/blob-store';
import { DIRECTORY_SNAPSHOT_TOPIC, eventTopic, laneTopic, withLanes } from '@vdx/contracts';
import { DirectoryCache } from '@vdx/directory-client';
import { ProjectionRunner, partitionReader } from '@vdx/event-sourcing';
import { compactedTopicSpec, ensureTopics, eventTopicSpec, requireCoPartitioned, type Kafka } from '@vdx/messaging';
import { pipelineMetrics } from '@vdx/observability';
import { FeatureLifecycle, KAFKA, METRICS_REGISTRY, MONGO_DB, featureModule, pipelineLogger, startTransactionalStep } from '@vdx/service-kit';
import type { Registry } from 'prom-client';
import type { Db } from 'mongodb';
import { DocumentRegistry, routingDocumentsProjection } from './document-registry';
import { lifecycleFromBodies } from './package-lifecycle';
import { RoutingOwner } from './route-verified';

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
  /** Where package bodies are (`BLOB_DIR`), for the lists of updates and replacements; unset: the document store. */
  readonly blobDir?: string;
}

const OPTIONS = Symbol('ROUTING_OPTIONS');
export const ROUTING_GROUP = 'routing';

/** Loads the directory cache, projects routing's documents, then routes verified packages exactly once, as its partitions' owner. */
@Injectable()
class RoutingLifecycle extends FeatureLifecycle {
  protected readonly logger = new Logger('routing');

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(OPTIONS) private readonly options: RoutingFeatureOptions,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {
    super();
  }

  protected async start(): Promise<void> {
    const { partitions, replicationFactor } = this.options;
    const metrics = pipelineMetrics(this.registry);
    const input = this.options.signatureTopic ?? eventTopic('signature');
    const output = this.options.eventsTopic ?? eventTopic('routing');
    const snapshots = this.options.directorySnapshotTopic ?? DIRECTORY_SNAPSHOT_TOPIC;
    const lanes = withLanes([input, output]);
    await ensureTopics(this.kafka, [...lanes.map((t) => eventTopicSpec(t, partitions, replicationFactor)), compactedTopicSpec(snapshots, partitions, replicationFactor)]);
    await requireCoPartitioned(this.kafka, lanes);
    const projectionName = output === eventTopic('routing') ? 'routing-documents' : `routing-documents-${output}`;
    const documents = new ProjectionRunner(this.kafka, this.db, routingDocumentsProjection(output, projectionName), { maxBatchSize: 500, logger: pipelineLogger(this.logger), metrics });
    await documents.start();
    this.started('the routing documents projection', documents);
    const directory = new DirectoryCache({ brokers: this.options.kafkaBrokers, clientId: 'vdx-routing-directory' }, { topic: snapshots });
    await directory.start();
    this.started('the directory cache', directory);
    this.logger.log(`directory cache holds ${directory.size} agencies`);
    const owner = new RoutingOwner(directory, new DocumentRegistry(this.db), {
      topic: output,
      readPartition: partitionReader({ brokers: this.options.kafkaBrokers, clientId: `vdx-routing-${this.options.instanceId}-restore` }, output),
      readLifecycle: lifecycleFromBodies(openBlobStore(this.db, { dir: this.options.blobDir })),
    });
    const step = await startTransactionalStep(this.kafka, owner.process, {
      group: ROUTING_GROUP,
      input,
      // The urgent lane beside it: the consumer fetches from both, so a backlog cannot hold it back.
      moreInputs: [laneTopic(input, 'urgent')],
      defaultInput: eventTopic('signature'),
      instanceId: this.options.instanceId,
      replicationFactor,
      logger: this.logger,
      metrics,
      hooks: {
        assignor: 'range',
        onRebalance: (change, parts) => owner.onRebalance(change, parts),
        beforeBatch: ({ partition }) => owner.ready(partition),
        afterBatch: ({ partition, committed }) => owner.settle(partition, committed),
      },
    });
    this.started('the routing step', step.processor);
    this.logger.log(`routing packages from ${input} into ${output} (group ${step.group})`);
  }
}

/** The routing service's work: resolve recipients, forward to successors and hubs. */
@Module({})
export class RoutingFeatureModule {
  static forRoot(options: RoutingFeatureOptions): DynamicModule {
    return featureModule(RoutingFeatureModule, OPTIONS, options, RoutingLifecycle);
  }
}

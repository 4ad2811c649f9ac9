import { Inject, Injectable, Logger, Module, type DynamicModule } from '@nestjs/common';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { openBlobStore } from '@vdx/blob-store';
import { DELIVERY_COMMANDS_TOPIC, DELIVERY_PROTO, DELIVERY_REPLIES_TOPIC, REPLY_TOPIC_CONFIG, eventTopic, laneTopic, laneTopics, withLanes } from '@vdx/contracts';
import { ProjectionRunner, partitionReader } from '@vdx/event-sourcing';
import { EventConsumer, EventProducer, ensureTopics, eventTopicSpec, requireCoPartitioned, type Kafka, type ProcessFn } from '@vdx/messaging';
import { deliveryMetrics, pipelineMetrics } from '@vdx/observability';
import type { TlsIdentity } from '@vdx/pki';
import { FeatureLifecycle, KAFKA, METRICS_REGISTRY, MONGO_DB, featureModule, internalServerCredentials, pipelineLogger, startTransactionalStep } from '@vdx/service-kit';
import type { Registry } from 'prom-client';
import type { Db } from 'mongodb';
import { DeliveryCommands } from './delivery-commands';
import { DeliveryGrpcController } from './delivery.grpc.controller';
import { DeliveryKeys } from './delivery-keys';
import { deliveryCounts, observeDeliveryLatencies, reportDeliveryCounts } from './delivery-metrics';
import { DeliveryOwner } from './delivery-owner';
import { DeliveryScheduler } from './delivery-scheduler';
import { deliveryReadModelsProjection } from './delivery-state.projection';
import { DeliveryStore } from './delivery-store';
import { pushDelivery } from './push-client';

export interface DeliveryFeatureOptions {
  readonly kafkaBrokers: string;
  /** Defaults `vdx.routing.events.v1`, `vdx.delivery.events.v1`, `vdx.delivery.commands.v1` and `vdx.delivery.replies.v1`; tests use their own. */
  readonly routingTopic?: string;
  readonly eventsTopic?: string;
  readonly commandsTopic?: string;
  readonly repliesTopic?: string;
  /** Stable per instance across restarts: a restarted instance fences its predecessor. */
  readonly instanceId: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly maxAttempts: number;
  readonly pushEveryMs: number;
  readonly pushTimeoutMs: number;
  /** Public holidays (`yyyy-MM-dd`) for Decree 30 deadlines. */
  readonly holidays: readonly string[];
  /** Package bodies as files under this directory (shared with the gateway and signature); default the document store. */
  readonly blobDir?: string;
}

const OPTIONS = Symbol('DELIVERY_OPTIONS');
export const DELIVERY_GROUP = 'delivery';

/** The topics of a delivery deployment, defaults filled in. */
export function deliveryTopics(o: Pick<DeliveryFeatureOptions, 'routingTopic' | 'eventsTopic' | 'commandsTopic' | 'repliesTopic'>) {
  const events = o.eventsTopic ?? eventTopic('delivery');
  // A private events topic (a test, a benchmark) gets private command and answer topics too.
  const own = events !== eventTopic('delivery');
  return {
    routing: o.routingTopic ?? eventTopic('routing'),
    events,
    commands: o.commandsTopic ?? (own ? `${events}.commands` : DELIVERY_COMMANDS_TOPIC),
    replies: o.repliesTopic ?? (own ? `${events}.replies` : DELIVERY_REPLIES_TOPIC),
  };
}

/**
 * gRPC server options for the internal `vdx.delivery.v1` API on `url`, over mutual TLS with the
 * delivery service's identity (a client certificate of the axis CA is required in the
 * handshake; each RPC then checks who it is, `DELIVERY_ACCESS`).
 */
export function deliveryGrpcOptions(url: string, tls: TlsIdentity): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: { url, credentials: internalServerCredentials(tls), package: DELIVERY_PROTO.package, protoPath: DELIVERY_PROTO.file, loader: { includeDirs: [DELIVERY_PROTO.root], keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true } },
  };
}

/**
 * Owns the deliveries of the partitions assigned to this instance (queueing, commands, the push
 * and deadline scheduler), projects every delivery's state, and hears the answers to the
 * commands this instance submits.
 */
@Injectable()
class DeliveryLifecycle extends FeatureLifecycle {
  protected readonly logger = new Logger('delivery');

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(DeliveryStore) private readonly store: DeliveryStore,
    @Inject(DeliveryCommands) private readonly commands: DeliveryCommands,
    @Inject(DeliveryKeys) private readonly keys: DeliveryKeys,
    @Inject(EventProducer) private readonly producer: EventProducer,
    @Inject(OPTIONS) private readonly options: DeliveryFeatureOptions,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {
    super();
  }

  protected async start(): Promise<void> {
    const { partitions, replicationFactor, instanceId } = this.options;
    const metrics = pipelineMetrics(this.registry);
    const deliveries = deliveryMetrics(this.registry);
    const topics = deliveryTopics(this.options);
    const lanes = withLanes([topics.routing, topics.events]);
    await ensureTopics(this.kafka, [
      ...lanes.map((t) => eventTopicSpec(t, partitions, replicationFactor)),
      eventTopicSpec(topics.commands, partitions, replicationFactor),
      { name: topics.replies, partitions, replicationFactor, config: REPLY_TOPIC_CONFIG },
    ]);
    const count = await requireCoPartitioned(this.kafka, [...lanes, topics.commands]);
    await this.store.ensureIndexes();
    this.stopLater('the event producer', () => this.producer.disconnect());
    await this.producer.connect();

    const projectionName = topics.events === eventTopic('delivery') ? 'delivery-state' : `delivery-state-${topics.events}`;
    const projection = new ProjectionRunner(this.kafka, this.db, deliveryReadModelsProjection(topics.events, projectionName), { maxBatchSize: 500, logger: pipelineLogger(this.logger), metrics });
    await projection.start();
    this.started('the delivery read models projection', projection);

    // Answers are only for the commands submitted from now on: start at the end, as this instance.
    const repliesGroup = topics.replies === DELIVERY_REPLIES_TOPIC ? `delivery-replies.${instanceId}` : `delivery-replies-${topics.replies}.${instanceId}`;
    let repliesAssigned: () => void = () => undefined;
    const assigned = new Promise<void>((resolve) => (repliesAssigned = resolve));
    const replies = new EventConsumer(this.kafka, this.commands.handler, {
      groupId: repliesGroup,
      topics: [topics.replies],
      fromBeginning: false,
      logger: pipelineLogger(this.logger),
      metrics,
      onRebalance: (change) => {
        if (change === 'assigned') repliesAssigned();
      },
    });
    await replies.start();
    this.started('the command answers consumer', replies);
    // Commands awaiting an answer are refused once the step below has stopped.
    this.stopLater('the delivery commands', () => this.commands.close());
    await assigned;

    const owner = new DeliveryOwner({
      eventsTopic: topics.events,
      repliesTopic: topics.replies,
      readPartition: partitionReader({ brokers: this.options.kafkaBrokers, clientId: `vdx-delivery-${instanceId}-restore` }, laneTopics(topics.events)),
      policy: { maxAttempts: this.options.maxAttempts, baseDelayMs: 2000, maxDelayMs: 15 * 60_000 },
      holidays: this.options.holidays,
      onDeadLettered: (d) => this.logger.warn(`delivery ${d.deliveryId} dead-lettered after ${d.attempts} attempts: ${d.lastError ?? ''}`),
    });
    this.keys.attach(owner);
    // The owner's decisions, with the send → fetchable and send → fetched latencies they mark.
    const decide: ProcessFn = async (item) => {
      const outputs = await owner.process(item);
      observeDeliveryLatencies(deliveries, outputs, (id) => owner.find(id));
      return outputs;
    };
    const step = await startTransactionalStep(this.kafka, decide, {
      group: DELIVERY_GROUP,
      // Both lanes: the consumer fetches from each, so a backlog in one cannot hold the other back.
      input: topics.routing,
      moreInputs: [laneTopic(topics.routing, 'urgent'), topics.commands],
      defaultInput: eventTopic('routing'),
      instanceId,
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
    const processor = this.started('the delivery step', step.processor);
    // A caller's command on a delivery this instance owns is decided and committed here, in the
    // partition's turn: no command record, no answer record, no round trip through the topic.
    this.commands.attachLocal((command, actor) => {
      const work = owner.localCommand(command, actor);
      if (!work) return null;
      return processor.runLocal({
        partition: work.partition,
        decide: async () => {
          const decided = await work.decide();
          observeDeliveryLatencies(deliveries, decided.outputs, (id) => owner.find(id));
          return decided;
        },
      });
    });
    const scheduler = new DeliveryScheduler(
      {
        owned: () => owner.owned(),
        submit: (c) => this.commands.submit(c),
        blobs: openBlobStore(this.db, { dir: this.options.blobDir }),
        push: pushDelivery,
        report: (owned, now) => reportDeliveryCounts(deliveries, deliveryCounts(owned, now)),
      },
      { pushEveryMs: this.options.pushEveryMs, deadlinesEveryMs: 30_000, pushTimeoutMs: this.options.pushTimeoutMs, batch: 50 },
    );
    scheduler.start();
    this.started('the push and deadline scheduler', scheduler);
    this.logger.log(`owning deliveries of ${topics.routing} + ${topics.commands} (${count} partitions, group ${step.group}) into ${topics.events}; pushing every ${this.options.pushEveryMs} ms`);
  }
}

/** The delivery service: inboxes, fetch and acknowledge, push with backoff, dead letters, deadlines. */
@Module({})
export class DeliveryFeatureModule {
  static forRoot(options: DeliveryFeatureOptions): DynamicModule {
    const topics = deliveryTopics(options);
    return featureModule(DeliveryFeatureModule, OPTIONS, options, DeliveryLifecycle, {
      controllers: [DeliveryGrpcController],
      providers: [
        { provide: DeliveryStore, inject: [MONGO_DB], useFactory: (db: Db) => new DeliveryStore(db) },
        { provide: DeliveryKeys, inject: [DeliveryStore], useFactory: (store: DeliveryStore) => new DeliveryKeys(store) },
        { provide: EventProducer, inject: [KAFKA, METRICS_REGISTRY], useFactory: (kafka: Kafka, registry: Registry) => new EventProducer(kafka, undefined, pipelineMetrics(registry)) },
        {
          provide: DeliveryCommands,
          inject: [EventProducer],
          useFactory: (producer: EventProducer) => new DeliveryCommands((items) => producer.publish(items), { commandsTopic: topics.commands, replyTo: options.instanceId }),
        },
      ],
    });
  }
}

import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { createBlobStore } from '@vdx/blob-store';
import { DELIVERY_PROTO, eventTopic } from '@vdx/contracts';
import { EventProducer, TransactionalProcessor, ensureTopics, eventTopicSpec, type Kafka } from '@vdx/messaging';
import { KAFKA, MONGO_DB, startTransactionalStep } from '@vdx/service-kit';
import type { Db } from 'mongodb';
import { DeliveryCommands } from './delivery-commands';
import { DeliveryGrpcController } from './delivery.grpc.controller';
import { DeliveryScheduler } from './delivery-scheduler';
import { DeliveryStore } from './delivery-store';
import { pushDelivery } from './push-client';
import { queueRouted } from './queue-routed';

export interface DeliveryFeatureOptions {
  /** Defaults `vdx.routing.events.v1` and `vdx.delivery.events.v1`; tests use their own. */
  readonly routingTopic?: string;
  readonly eventsTopic?: string;
  /** Stable per instance across restarts: a restarted instance fences its predecessor. */
  readonly instanceId: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly maxAttempts: number;
  readonly pushEveryMs: number;
  readonly pushTimeoutMs: number;
  /** Public holidays (`yyyy-MM-dd`) for Decree 30 deadlines. */
  readonly holidays: readonly string[];
}

const OPTIONS = Symbol('DELIVERY_OPTIONS');
export const DELIVERY_GROUP = 'delivery';

/** gRPC server options for the internal `vdx.delivery.v1` API on `url`. */
export function deliveryGrpcOptions(url: string): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: { url, package: DELIVERY_PROTO.package, protoPath: DELIVERY_PROTO.file, loader: { includeDirs: [DELIVERY_PROTO.root], keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true } },
  };
}

/** Queues routed deliveries exactly once, and runs the push and deadline scheduler. */
@Injectable()
class DeliveryLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('delivery');
  private processor: TransactionalProcessor | null = null;
  private scheduler: DeliveryScheduler | null = null;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(DeliveryStore) private readonly store: DeliveryStore,
    @Inject(DeliveryCommands) private readonly commands: DeliveryCommands,
    @Inject(EventProducer) private readonly producer: EventProducer,
    @Inject(OPTIONS) private readonly options: DeliveryFeatureOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { partitions, replicationFactor } = this.options;
    const input = this.options.routingTopic ?? eventTopic('routing');
    const output = this.options.eventsTopic ?? eventTopic('delivery');
    await ensureTopics(this.kafka, [eventTopicSpec(input, partitions, replicationFactor), eventTopicSpec(output, partitions, replicationFactor)]);
    await this.store.ensureIndexes();
    await this.producer.connect();
    const step = await startTransactionalStep(this.kafka, queueRouted(this.store, output, this.options.holidays), {
      group: DELIVERY_GROUP,
      input,
      defaultInput: eventTopic('routing'),
      instanceId: this.options.instanceId,
      replicationFactor,
      logger: this.logger,
    });
    this.processor = step.processor;
    const { group } = step;
    this.scheduler = new DeliveryScheduler(this.store, this.commands, createBlobStore(this.db), pushDelivery, {
      pushEveryMs: this.options.pushEveryMs,
      deadlinesEveryMs: 30_000,
      pushTimeoutMs: this.options.pushTimeoutMs,
      batch: 50,
    });
    this.scheduler.start();
    this.logger.log(`queueing deliveries from ${input} into ${output} (group ${group}); pushing every ${this.options.pushEveryMs} ms`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduler?.stop();
    await this.processor?.stop();
    await this.producer.disconnect();
  }
}

/** The delivery service: inboxes, fetch and acknowledge, push with backoff, dead letters, deadlines. */
@Module({})
export class DeliveryFeatureModule {
  static forRoot(options: DeliveryFeatureOptions): DynamicModule {
    const topic = options.eventsTopic ?? eventTopic('delivery');
    return {
      module: DeliveryFeatureModule,
      controllers: [DeliveryGrpcController],
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: DeliveryStore, inject: [MONGO_DB], useFactory: (db: Db) => new DeliveryStore(db) },
        { provide: EventProducer, inject: [KAFKA], useFactory: (kafka: Kafka) => new EventProducer(kafka) },
        {
          provide: DeliveryCommands,
          inject: [DeliveryStore, EventProducer],
          useFactory: (store: DeliveryStore, producer: EventProducer) =>
            new DeliveryCommands(store, (events) => producer.publish(events.map((event) => ({ topic, event }))), {
              policy: { maxAttempts: options.maxAttempts, baseDelayMs: 2000, maxDelayMs: 15 * 60_000 },
            }),
        },
        DeliveryLifecycle,
      ],
    };
  }
}

import { ServerCredentials } from '@grpc/grpc-js';
import { Inject, Injectable, Logger, Module, type DynamicModule } from '@nestjs/common';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { DEFAULT_MAX_SENDS_IN_FLIGHT, SendAdmission } from './intake/send-admission';
import { openBlobStore, type ManagedBlobStore } from '@vdx/blob-store';
import { DIRECTORY_SNAPSHOT_TOPIC, EXCHANGE_PROTO, HEALTH_PROTO, eventTopic, laneTopic, withLanes } from '@vdx/contracts';
import { DeliveryClient } from '@vdx/delivery-client';
import { DirectoryCache } from '@vdx/directory-client';
import { ProjectionRunner, ensureCollections } from '@vdx/event-sourcing';
import { EventProducer, compactedTopicSpec, ensureTopics, eventTopicSpec, type Kafka } from '@vdx/messaging';
import { edgeMetrics, pipelineMetrics } from '@vdx/observability';
import type { TlsIdentity } from '@vdx/pki';
import { FeatureLifecycle, KAFKA, METRICS_REGISTRY, MONGO_DB, featureModule } from '@vdx/service-kit';
import type { Registry } from 'prom-client';
import type { Db } from 'mongodb';
import { ExchangeGrpcController } from './grpc/exchange.grpc.controller';
import { HealthGrpcController, SERVING_CHECK } from './grpc/health.grpc.controller';
import { InboxGrpcController } from './grpc/inbox.grpc.controller';
import { BLOB_STORE } from './blob-store.token';
import { InboxFeed } from './inbox/inbox-feed';
import type { StrictFindings } from './intake/intake-policy';
import { DEFAULT_MAX_BODY_BYTES, PackageIntake } from './intake/package-intake';
import { CLAIMS_COLLECTION, MongoReceiptStore } from './receipts/mongo-receipt-store';
import { receiptsProjection } from './receipts/receipts.projection';
import { traceProjection } from './trace/trace.projection';
import { TraceStore } from './trace/trace-store';

export interface GatewayFeatureOptions {
  readonly kafkaBrokers: string;
  /** Defaults `vdx.gateway.events.v1` and `vdx.directory.snapshot.v1`; tests use their own. */
  readonly eventsTopic?: string;
  readonly directorySnapshotTopic?: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly maxBodyBytes?: number;
  /** `SendPackage` calls carried at once before more are refused with `EXCHANGE.OVERLOADED`; 0 admits all (default 256). */
  readonly maxSendsInFlight?: number;
  /** Finding codes refused although they could be carried (all senders or some); default none. */
  readonly strictFindings?: StrictFindings;
  /** The delivery service's internal gRPC API (`host:port`). */
  readonly deliveryUrl: string;
  /** The gateway's identity as a client of delivery.v1 (mutual TLS, `urn:vdx:service:gateway`). */
  readonly deliveryIdentity: TlsIdentity;
  /** Package bodies as files under this directory (shared with signature and delivery); default the document store. */
  readonly blobDir?: string;
  /** Defaults `vdx.signature.events.v1` and `vdx.routing.events.v1` (the trace read model follows them). */
  readonly signatureTopic?: string;
  readonly routingTopic?: string;
  /** Default `vdx.delivery.events.v1`: `WatchInbox` follows it for new deliveries. */
  readonly deliveryTopic?: string;
}

/** The server side of mutual TLS: the gateway's certificate, and the CA whose clients it accepts. */
export interface GatewayTls {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const OPTIONS = Symbol('GATEWAY_OPTIONS');
// Chunks are at most 1 MiB by contract; a small package may come whole in the header message.
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** gRPC server options for `vdx.exchange.v1` and `grpc.health.v1` on `url`, with mutual TLS. */
export function gatewayGrpcOptions(url: string, tls: GatewayTls): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      url,
      package: [EXCHANGE_PROTO.package, HEALTH_PROTO.package],
      protoPath: [EXCHANGE_PROTO.file, HEALTH_PROTO.file],
      loader: { includeDirs: [EXCHANGE_PROTO.root], keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true },
      credentials: ServerCredentials.createSsl(Buffer.from(tls.caPem), [{ private_key: Buffer.from(tls.keyPem), cert_chain: Buffer.from(tls.certPem) }], true),
      maxReceiveMessageLength: MAX_MESSAGE_BYTES,
    },
  };
}

/** Starts the directory cache and the event producer before the first call; stops them after the last. */
@Injectable()
class GatewayLifecycle extends FeatureLifecycle {
  protected readonly logger = new Logger('gateway');
  ready = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(DirectoryCache) private readonly directory: DirectoryCache,
    @Inject(EventProducer) private readonly producer: EventProducer,
    @Inject(BLOB_STORE) private readonly blobs: ManagedBlobStore,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(InboxFeed) private readonly feed: InboxFeed,
    @Inject(OPTIONS) private readonly options: GatewayFeatureOptions,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {
    super();
  }

  protected async start(): Promise<void> {
    const topic = this.options.eventsTopic ?? eventTopic('gateway');
    const { partitions, replicationFactor } = this.options;
    // The snapshot topic is the directory's; creating it (with the directory's own settings) lets
    // the gateway start first and wait for agencies instead of failing on a missing topic.
    const snapshots = this.options.directorySnapshotTopic ?? DIRECTORY_SNAPSHOT_TOPIC;
    const signature = this.options.signatureTopic ?? eventTopic('signature');
    const routing = this.options.routingTopic ?? eventTopic('routing');
    await ensureTopics(this.kafka, [
      ...withLanes([topic, signature, routing]).map((t) => eventTopicSpec(t, partitions, replicationFactor)),
      compactedTopicSpec(snapshots, partitions, replicationFactor),
    ]);
    const name = topic === eventTopic('gateway') ? 'exchange-traces' : `exchange-traces-${topic}`;
    // Registered first, so stopped last: the intake's producer and directory cache outlive the
    // projections and the inbox feed.
    this.stopLater('the event producer', () => this.producer.disconnect());
    this.stopLater('the directory cache', () => this.directory.stop());
    const traces = new ProjectionRunner(this.kafka, this.db, traceProjection({ gateway: topic, signature, routing }, name), { maxBatchSize: 500, metrics: pipelineMetrics(this.registry) });
    await traces.start();
    this.started('the traces projection', traces);
    const receiptsName = topic === eventTopic('gateway') ? 'gateway-receipts' : `gateway-receipts-${topic}`;
    const receipts = new ProjectionRunner(this.kafka, this.db, receiptsProjection(topic, receiptsName), { maxBatchSize: 500, metrics: pipelineMetrics(this.registry) });
    await receipts.start();
    this.started('the receipts projection', receipts);
    await this.blobs.ensureIndexes();
    // The idempotency claims are written by the send path: made now, not by the first send (ensureCollections).
    await ensureCollections(this.db, [CLAIMS_COLLECTION]);
    await ensureTopics(this.kafka, withLanes([this.options.deliveryTopic ?? eventTopic('delivery')]).map((t) => eventTopicSpec(t, partitions, replicationFactor)));
    this.stopLater('the inbox feed', () => this.feed.stop());
    await this.feed.start();
    await this.producer.connect();
    const started = Date.now();
    await this.directory.start();
    this.logger.log(`directory cache holds ${this.directory.size} agencies (${Date.now() - started} ms)`);
    this.ready = true;
    // The first to run at shutdown: the service stops saying it serves.
    this.stopLater('serving', () => (this.ready = false));
  }
}

/** The gateway: gRPC `exchange.v1` for agencies' systems over mutual TLS. */
@Module({})
export class GatewayFeatureModule {
  static forRoot(options: GatewayFeatureOptions): DynamicModule {
    const topic = options.eventsTopic ?? eventTopic('gateway');
    return featureModule(GatewayFeatureModule, OPTIONS, options, GatewayLifecycle, {
      controllers: [ExchangeGrpcController, InboxGrpcController, HealthGrpcController],
      providers: [
        { provide: SendAdmission, useFactory: () => new SendAdmission(options.maxSendsInFlight ?? DEFAULT_MAX_SENDS_IN_FLIGHT) },
        {
          provide: DirectoryCache,
          useFactory: () => new DirectoryCache({ brokers: options.kafkaBrokers, clientId: 'vdx-gateway-directory' }, { topic: options.directorySnapshotTopic ?? DIRECTORY_SNAPSHOT_TOPIC }),
        },
        { provide: DeliveryClient, useFactory: () => new DeliveryClient(options.deliveryUrl, options.deliveryIdentity) },
        {
          provide: InboxFeed,
          useFactory: () => {
            const logger = new Logger('inbox-feed');
            return new InboxFeed({ brokers: options.kafkaBrokers, clientId: 'vdx-gateway-inbox-feed' }, options.deliveryTopic ?? eventTopic('delivery'), (err) => logger.warn(`following deliveries: ${err.message}`));
          },
        },
        { provide: EventProducer, inject: [KAFKA, METRICS_REGISTRY], useFactory: (kafka: Kafka, registry: Registry) => new EventProducer(kafka, undefined, pipelineMetrics(registry)) },
        { provide: BLOB_STORE, inject: [MONGO_DB], useFactory: (db: Db) => openBlobStore(db, { dir: options.blobDir }) },
        { provide: TraceStore, inject: [MONGO_DB], useFactory: (db: Db) => new TraceStore(db) },
        {
          provide: PackageIntake,
          inject: [BLOB_STORE, MONGO_DB, EventProducer, DirectoryCache, METRICS_REGISTRY],
          useFactory: (blobs: ManagedBlobStore, db: Db, producer: EventProducer, directory: DirectoryCache, registry: Registry) => {
            const stages = edgeMetrics(registry).sendStageSeconds;
            return new PackageIntake({
              blobs,
              receipts: new MongoReceiptStore(db),
              append: (event, key, lane) => producer.publish([{ topic: laneTopic(topic, lane), event, key }]),
              mayActFor: (fingerprint, code) => directory.mayActFor(fingerprint, code),
              maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
              ...(options.strictFindings ? { strictFindings: options.strictFindings } : {}),
              observeStage: (stage, seconds) => stages.observe({ stage }, seconds),
            });
          },
        },
        { provide: SERVING_CHECK, inject: [GatewayLifecycle], useFactory: (life: GatewayLifecycle) => () => life.ready },
      ],
      exports: [PackageIntake, DirectoryCache],
    });
  }
}

import { Inject, Injectable, Logger, Module, type DynamicModule } from '@nestjs/common';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { DIRECTORY_PROTO, DIRECTORY_SNAPSHOT_TOPIC } from '@vdx/contracts';
import { ProjectionRunner } from '@vdx/event-sourcing';
import { compactedTopicSpec, ensureTopics, eventTopicSpec, type Kafka } from '@vdx/messaging';
import { pipelineMetrics } from '@vdx/observability';
import type { TlsIdentity } from '@vdx/pki';
import { FeatureLifecycle, KAFKA, METRICS_REGISTRY, MONGO_DB, featureModule, internalServerCredentials } from '@vdx/service-kit';
import type { Registry } from 'prom-client';
import type { Db } from 'mongodb';
import { DirectoryGrpcController } from './grpc/directory.grpc.controller';
import { DIRECTORY_EVENTS_TOPIC, agencyProjection } from './read-model/agency.projection';
import { DirectoryQueries } from './read-model/directory-queries';
import { AgencyWriter } from './write-side/agency-writer';

export interface DirectoryFeatureOptions {
  readonly kafkaBrokers: string;
  /** Defaults `vdx.directory.events.v1` and `vdx.directory.snapshot.v1`; tests use their own. */
  readonly eventsTopic?: string;
  readonly snapshotTopic?: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

const OPTIONS = Symbol('DIRECTORY_OPTIONS');
const eventsTopicOf = (o: DirectoryFeatureOptions): string => o.eventsTopic ?? DIRECTORY_EVENTS_TOPIC;
const snapshotTopicOf = (o: DirectoryFeatureOptions): string => o.snapshotTopic ?? DIRECTORY_SNAPSHOT_TOPIC;

/**
 * gRPC server options for `vdx.directory.v1` on `url` (host:port), over mutual TLS with the
 * directory's identity (`internalServerCredentials`: a client certificate of the axis CA is
 * required in the handshake; each RPC then checks who it is, `DIRECTORY_ACCESS`).
 */
export function directoryGrpcOptions(url: string, tls: TlsIdentity): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      url,
      credentials: internalServerCredentials(tls),
      package: DIRECTORY_PROTO.package,
      protoPath: DIRECTORY_PROTO.file,
      loader: { includeDirs: [DIRECTORY_PROTO.root], keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true },
    },
  };
}

/** Starts the writer (loads the log), the read-model projection and the snapshot topic; stops them in reverse. */
@Injectable()
class DirectoryLifecycle extends FeatureLifecycle {
  protected readonly logger = new Logger('directory');

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(AgencyWriter) private readonly writer: AgencyWriter,
    @Inject(DirectoryQueries) private readonly queries: DirectoryQueries,
    @Inject(OPTIONS) private readonly options: DirectoryFeatureOptions,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {
    super();
  }

  protected async start(): Promise<void> {
    const { partitions, replicationFactor } = this.options;
    await ensureTopics(this.kafka, [eventTopicSpec(eventsTopicOf(this.options), partitions, replicationFactor), compactedTopicSpec(snapshotTopicOf(this.options), partitions, replicationFactor)]);
    await this.queries.ensureIndexes();
    const started = Date.now();
    // Stopped even if its start fails halfway: it may have connected its producer already.
    this.stopLater('the agency writer', () => this.writer.stop());
    const events = await this.writer.start();
    this.logger.log(`loaded ${this.writer.size} agencies from ${events} events in ${Date.now() - started} ms`);
    const topic = eventsTopicOf(this.options);
    const name = topic === DIRECTORY_EVENTS_TOPIC ? 'directory-agencies' : `directory-agencies-${topic}`;
    const runner = new ProjectionRunner(this.kafka, this.db, agencyProjection(name, topic), { maxBatchSize: 2000, metrics: pipelineMetrics(this.registry) });
    await runner.start();
    this.started('the agencies projection', runner);
  }
}

/** The directory service: command side, read model, and the gRPC adapter. */
@Module({})
export class DirectoryFeatureModule {
  static forRoot(options: DirectoryFeatureOptions): DynamicModule {
    return featureModule(DirectoryFeatureModule, OPTIONS, options, DirectoryLifecycle, {
      controllers: [DirectoryGrpcController],
      providers: [
        { provide: DirectoryQueries, inject: [MONGO_DB], useFactory: (db: Db) => new DirectoryQueries(db) },
        {
          provide: AgencyWriter,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) =>
            new AgencyWriter(kafka, { brokers: options.kafkaBrokers, clientId: 'vdx-directory' }, { topic: eventsTopicOf(options), snapshotTopic: snapshotTopicOf(options) }),
        },
      ],
      exports: [DirectoryQueries, AgencyWriter],
    });
  }
}

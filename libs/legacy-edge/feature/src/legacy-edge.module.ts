import { Inject, Injectable, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { DIRECTORY_SNAPSHOT_TOPIC } from '@vdx/contracts';
import { DirectoryCache, DirectoryClient } from '@vdx/directory-client';
import { compactedTopicSpec, createKafka, ensureTopics, eventTopicSpec } from '@vdx/messaging';
import { legacyEdgeMetrics } from '@vdx/observability';
import type { TlsIdentity } from '@vdx/pki';
import { FeatureLifecycle, METRICS_REGISTRY, featureModule } from '@vdx/service-kit';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { GrpcAxis } from './adapters/grpc-axis';
import { GrpcDirectory } from './adapters/grpc-directory';
import { SystemCredentials } from './adapters/system-credentials';
import { createLegacyHttpServer } from './http/legacy-http-server';
import { LegacyApi } from './operations/legacy-api';
import { SecretCipher } from './secrets/secret-cipher';
import { LEGACY_EDGE_EVENTS_TOPIC, SecretRecord } from './secrets/secret-record';

export interface LegacyEdgeOptions {
  readonly kafkaBrokers: string;
  /** The gateway's `vdx.exchange.v1` (mutual TLS). */
  readonly gatewayUrl: string;
  /** The directory's `vdx.directory.v1` (mutual TLS). */
  readonly directoryUrl: string;
  /** The edge's identity as a client of directory.v1 (`urn:vdx:service:legacy-edge`). */
  readonly directoryIdentity: TlsIdentity;
  /** Where `ca.crt` and `systems/<systemId>.{crt,key}` are. */
  readonly pkiDir: string;
  /** The AES-256-GCM key sealing the systems' secrets (64 hex digits or base64 of 32 bytes). */
  readonly secretKey: string;
  readonly host: string;
  /** Port of the legacy API (`0` picks a free one). */
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly eventsTopic?: string;
  readonly directorySnapshotTopic?: string;
  /** Partitions and replicas of the secrets' topic when it has to be created. */
  readonly partitions: number;
  readonly replicationFactor: number;
}

const OPTIONS = Symbol('LEGACY_EDGE_OPTIONS');

/**
 * Boots the legacy edge: the secrets' record and the directory cache catch up first (in
 * `onModuleInit`, before health says ready), then the legacy HTTP/1.1 server listens.
 */
@Injectable()
export class LegacyEdgeRuntime extends FeatureLifecycle implements OnModuleInit {
  protected readonly logger = new Logger('LegacyEdge');
  private readonly credentials: SystemCredentials;
  private readonly secrets: SecretRecord;
  private readonly cache: DirectoryCache;
  private readonly directoryClient: DirectoryClient;
  private readonly axis: GrpcAxis;
  private readonly server: Server;

  constructor(
    @Inject(OPTIONS) private readonly options: LegacyEdgeOptions,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    super();
    const settings = (clientId: string) => ({ brokers: options.kafkaBrokers, clientId });
    const onError = (err: Error) => this.logger.warn(err.message);
    this.credentials = new SystemCredentials(options.pkiDir);
    this.secrets = new SecretRecord(settings('vdx-legacy-edge-secrets'), SecretCipher.fromText(options.secretKey), options.eventsTopic ?? LEGACY_EDGE_EVENTS_TOPIC, onError);
    this.cache = new DirectoryCache(settings('vdx-legacy-edge-directory'), { ...(options.directorySnapshotTopic ? { topic: options.directorySnapshotTopic } : {}), onError });
    this.directoryClient = new DirectoryClient(options.directoryUrl, options.directoryIdentity);
    this.stopLater('the directory client', () => this.directoryClient.close());
    this.axis = new GrpcAxis(options.gatewayUrl, this.credentials);
    this.stopLater('the gateway client', () => this.axis.close());
    const api = new LegacyApi({ axis: this.axis, directory: new GrpcDirectory(this.cache, this.directoryClient, this.credentials), secrets: this.secrets });
    this.server = createLegacyHttpServer({ api, maxBodyBytes: options.maxBodyBytes, metrics: legacyEdgeMetrics(registry), onError: (err) => this.logger.error(err instanceof Error ? err.message : String(err)) });
  }

  async onModuleInit(): Promise<void> {
    const topic = this.options.eventsTopic ?? LEGACY_EDGE_EVENTS_TOPIC;
    // The directory snapshot too, as the gateway and routing do: the edge may start before the directory has created it.
    const snapshots = this.options.directorySnapshotTopic ?? DIRECTORY_SNAPSHOT_TOPIC;
    await ensureTopics(createKafka({ brokers: this.options.kafkaBrokers, clientId: 'vdx-legacy-edge-admin' }), [
      eventTopicSpec(topic, this.options.partitions, this.options.replicationFactor),
      compactedTopicSpec(snapshots, this.options.partitions, this.options.replicationFactor),
    ]);
    this.started('the secrets record', this.secrets);
    this.started('the directory cache', this.cache);
    await Promise.all([this.secrets.start(), this.cache.start()]);
    this.logger.log(`secrets of ${this.secrets.book.systemIds().length} system(s) and ${this.cache.size} agencies loaded`);
  }

  protected async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    // The first to stop: no new request reaches a half-stopped edge.
    this.stopLater('the legacy HTTP server', async () => {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    });
    const { port } = this.server.address() as AddressInfo;
    this.logger.log(`legacy VXP API listening on http://${this.options.host}:${port}`);
  }
}

@Module({})
export class LegacyEdgeModule {
  static forRoot(options: LegacyEdgeOptions): DynamicModule {
    return featureModule(LegacyEdgeModule, OPTIONS, options, LegacyEdgeRuntime);
  }
}

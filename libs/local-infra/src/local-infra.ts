import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FerretDbServer } from './ferretdb-server';
import { KafkaBroker } from './kafka-broker';
import { OtelCollector, otelCollectorReady, provisionOtelCollector } from './otel-collector';
import { RUN_DIR } from './paths';
import { InfraError, consoleProgress, type Progress } from './process-util';
import { probeKafka, probeMongo } from './probes';
import { NATIVE_CLIENT_APT_PACKAGES, missingAptPackages, provisionFerretDb, provisionKafka } from './provision';

/** Where one local set of infrastructure listens and keeps its files. */
export interface InfraProfile {
  readonly name: string;
  readonly kafkaPort: number;
  readonly controllerPort: number;
  readonly mongoPort: number;
  /** FerretDB's debug listener (Prometheus metrics at `/debug/metrics`). */
  readonly storeMetricsPort: number;
  /** The OpenTelemetry Collector's OTLP/HTTP, OTLP/gRPC and own metrics ports (started only when asked). */
  readonly collectorPorts?: { readonly http: number; readonly grpc: number; readonly metrics: number };
}

/** `dev` serves `npm start`; `test` serves `npm test`, so a running axis and a test run never share data. */
export const PROFILES: Readonly<Record<'dev' | 'test', InfraProfile>> = {
  dev: { name: 'dev', kafkaPort: 19092, controllerPort: 19093, mongoPort: 27018, storeMetricsPort: 27118, collectorPorts: { http: 4318, grpc: 4317, metrics: 8888 } },
  test: { name: 'test', kafkaPort: 29092, controllerPort: 29093, mongoPort: 27028, storeMetricsPort: 27128, collectorPorts: { http: 24318, grpc: 24317, metrics: 28888 } },
};

/** Endpoints the services and tests connect to. */
export interface InfraEndpoints {
  readonly kafkaBrokers: string;
  readonly mongoUrl: string;
}

/** The collector's row of `npm run infra -- status`: built or not, running or not. */
export interface CollectorStatus {
  readonly component: 'collector';
  readonly built: boolean;
  readonly endpoint: string;
  readonly pid: number | null;
  readonly ready: boolean;
}

export interface ComponentStatus {
  readonly component: 'kafka' | 'ferretdb';
  readonly external: boolean;
  readonly endpoint: string;
  readonly pid: number | null;
  readonly ready: boolean;
}

/**
 * The local Kafka broker and FerretDB of one profile. When `KAFKA_BROKERS` or `MONGO_URL` name
 * existing services, that component is used as is and never started or stopped here.
 */
export class LocalInfra {
  readonly kafka: KafkaBroker;
  readonly ferret: FerretDbServer;
  /** The local OpenTelemetry Collector: started only on request (`startCollector`), never by `start`. */
  readonly collector: OtelCollector;
  /** What `start()` started itself (neither external nor already running); `stopStarted()` stops only these. */
  private startedHere = { kafka: false, mongo: false };
  private readonly external: { kafka?: string; mongo?: string };

  constructor(
    readonly profile: InfraProfile,
    external: { kafkaBrokers?: string | undefined; mongoUrl?: string | undefined } = {},
    private readonly progress: Progress = consoleProgress,
  ) {
    const dir = join(RUN_DIR, profile.name);
    this.kafka = new KafkaBroker({ dir: join(dir, 'kafka'), port: profile.kafkaPort, controllerPort: profile.controllerPort });
    this.ferret = new FerretDbServer({ dir: join(dir, 'ferretdb'), port: profile.mongoPort, metricsPort: profile.storeMetricsPort });
    const ports = profile.collectorPorts ?? { http: 4318, grpc: 4317, metrics: 8888 };
    this.collector = new OtelCollector({ dir: join(dir, 'otel'), httpPort: ports.http, grpcPort: ports.grpc, metricsPort: ports.metrics });
    this.external = {
      ...(external.kafkaBrokers ? { kafka: external.kafkaBrokers } : {}),
      ...(external.mongoUrl ? { mongo: external.mongoUrl } : {}),
    };
  }

  get endpoints(): InfraEndpoints {
    return { kafkaBrokers: this.external.kafka ?? this.kafka.bootstrap, mongoUrl: this.external.mongo ?? this.ferret.url };
  }

  /** Downloads and builds what the local components need; a no-op once cached under `.local/`. */
  async provision(): Promise<void> {
    const missing = missingAptPackages(NATIVE_CLIENT_APT_PACKAGES);
    if (missing.length > 0) {
      throw new InfraError(`missing Debian packages for the Kafka client: apt-get install ${missing.join(' ')} (npm start installs them)`);
    }
    if (!this.external.kafka) await provisionKafka(this.progress);
    if (!this.external.mongo) await provisionFerretDb(this.progress);
  }

  /** Starts what is not external and not running, and waits until each answers. */
  async start(): Promise<InfraEndpoints> {
    await this.provision();
    const kafkaWasRunning = !this.external.kafka && this.kafka.pid() !== null;
    const mongoWasRunning = !this.external.mongo && this.ferret.pid() !== null;
    await Promise.all([
      this.external.kafka ? this.awaitExternalKafka() : this.kafka.start(this.progress),
      this.external.mongo ? this.awaitExternalMongo() : this.ferret.start(this.progress),
    ]);
    this.startedHere = { kafka: !this.external.kafka && !kafkaWasRunning, mongo: !this.external.mongo && !mongoWasRunning };
    return this.endpoints;
  }

  /**
   * Stops what `start()` of this object started, leaving running what was already running:
   * a benchmark or a tool that borrowed the profile of a test run does not pull it down.
   */
  async stopStarted(): Promise<void> {
    const { kafka, mongo } = this.startedHere;
    this.startedHere = { kafka: false, mongo: false };
    await Promise.all([kafka ? this.kafka.stop(this.progress) : undefined, mongo ? this.ferret.stop(this.progress) : undefined]);
  }

  async stop(): Promise<void> {
    await Promise.all([
      this.external.kafka ? undefined : this.kafka.stop(this.progress),
      this.external.mongo ? undefined : this.ferret.stop(this.progress),
    ]);
  }

  /** Builds the collector once (about 2 minutes) and starts it unless it runs; resolves with whether this call started it. */
  async startCollector(): Promise<boolean> {
    await provisionOtelCollector(this.progress);
    const running = this.collector.pid() !== null;
    await this.collector.start(this.progress);
    return !running;
  }

  async stopCollector(): Promise<void> {
    await this.collector.stop(this.progress);
  }

  /** Whether the collector is built, running (its pid) and taking OTLP requests. */
  async collectorStatus(): Promise<CollectorStatus> {
    const pid = this.collector.pid();
    const ready = pid !== null && (await this.collector.probe(2000).catch(() => false));
    return { component: 'collector', built: otelCollectorReady(), endpoint: this.collector.endpoint, pid, ready };
  }

  /** Stops this profile and deletes its data, for a test run that must start clean. */
  async reset(): Promise<void> {
    await Promise.all([this.stop(), this.stopCollector()]);
    rmSync(join(RUN_DIR, this.profile.name), { recursive: true, force: true });
  }

  /** The local FerretDB's metrics endpoint; null when the store is external. */
  get storeMetricsUrl(): string | null {
    return this.external.mongo ? null : this.ferret.metricsUrl;
  }

  async status(): Promise<ComponentStatus[]> {
    const { kafkaBrokers, mongoUrl } = this.endpoints;
    const [kafkaReady, mongoReady] = await Promise.all([
      probeKafka(kafkaBrokers, 2000).catch(() => false),
      probeMongo(mongoUrl, 2000).catch(() => false),
    ]);
    return [
      { component: 'kafka', external: !!this.external.kafka, endpoint: kafkaBrokers, pid: this.external.kafka ? null : this.kafka.pid(), ready: kafkaReady },
      { component: 'ferretdb', external: !!this.external.mongo, endpoint: mongoUrl, pid: this.external.mongo ? null : this.ferret.pid(), ready: mongoReady },
    ];
  }

  private async awaitExternalKafka(): Promise<void> {
    if (!(await probeKafka(this.external.kafka!, 10_000).catch(() => false))) {
      throw new InfraError(`KAFKA_BROKERS=${this.external.kafka} does not answer a metadata request`);
    }
    this.progress(`using Kafka at ${this.external.kafka}`);
  }

  private async awaitExternalMongo(): Promise<void> {
    if (!(await probeMongo(this.external.mongo!, 10_000).catch(() => false))) {
      throw new InfraError(`MONGO_URL=${this.external.mongo} does not answer ping`);
    }
    this.progress(`using the store at ${this.external.mongo}`);
  }
}

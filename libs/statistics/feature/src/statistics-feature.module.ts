import { Inject, Injectable, Logger, Module, type DynamicModule } from '@nestjs/common';
import { ensureTopics, eventTopicSpec, type Kafka } from '@vdx/messaging';
import { pipelineMetrics } from '@vdx/observability';
import { FeatureLifecycle, KAFKA, METRICS_REGISTRY, MONGO_DB, featureModule, pipelineLogger } from '@vdx/service-kit';
import type { Account, LoginThrottleOptions } from '@vdx/statistics-domain';
import type { Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import { StatisticsAccess } from './statistics-access';
import { StatisticsConsoleController } from './statistics-console.controller';
import { STATISTICS_DOCUMENTS, StatisticsDocumentsController } from './statistics-documents.controller';
import { StatisticsDocuments, type DeliveryPort } from './statistics-documents';
import { IdentityLogin, type IdentityProviderSettings } from './identity-login';
import { StatisticsIdentityController, STATISTICS_IDENTITY } from './identity-login.controller';
import { StatisticsController, StatisticsDocsController, STATISTICS_ACCESS, STATISTICS_REPORTS } from './statistics.controller';
import { StatisticsReports } from './statistics-reports';
import { StatisticsRunner } from './statistics-runner';
import { STATISTICS_COLLECTIONS, STATISTICS_PROJECTION, STATISTICS_TOPICS, statisticsProjection, type StatisticsCollections, type StatisticsTopics } from './statistics.projection';

export interface StatisticsFeatureOptions {
  /** Defaults: the production event topics; tests use their own. */
  readonly topics?: StatisticsTopics;
  readonly collections?: StatisticsCollections;
  /** Defaults `statistics` (consumer group `projection.statistics`). */
  readonly projectionName?: string;
  /** Records per consumed partition batch. */
  readonly batchSize: number;
  /**
   * Records per group of partition batches handled together (default `batchSize`): a group's
   * writes to one document are one guarded upsert, whatever partitions they came from.
   */
  readonly groupRecords?: number;
  /** Delivery facts kept in memory; the others are read from the store by `_id` when needed. */
  readonly factCache: number;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Who may read (docs/adr/0017-console-access.md); none: no accounts, the API is open. */
  readonly access?: {
    readonly accounts: readonly Account[];
    /** The session cookie's HMAC key; none: a random one per boot (sessions end at restart). */
    readonly sessionSecret?: string;
    readonly sessionTtlMs: number;
    readonly secureCookie: boolean;
    /** Failed log-ins allowed per user name and per client address within a window; none: no limit. */
    readonly loginLimits?: LoginThrottleOptions;
    /** Users also log in through this OpenID Connect provider (docs/adr/0028-console-openid-connect.md). */
    readonly identityProvider?: IdentityProviderSettings;
  };
  /**
   * The delivery service's `delivery.v1` (a `DeliveryClient` with the service's identity), behind
   * the document traces and the dead letters; none: traces show the lookup only and the dead
   * letters answer 503 `STATISTICS.DELIVERY_UNAVAILABLE`. Closed at shutdown when it can be.
   */
  readonly delivery?: DeliveryPort & { close?(): void };
}

/** Who may read, and how they log in: the local accounts, and the identity provider when one is configured. */
function loginsOf(options: StatisticsFeatureOptions): { access: StatisticsAccess; identity: IdentityLogin | null } {
  const logger = new Logger('statistics');
  const a = options.access ?? { accounts: [], sessionTtlMs: 8 * 3600_000, secureCookie: false };
  const idp = a.identityProvider;
  if (a.accounts.length === 0 && !idp) logger.warn('no accounts configured (STATISTICS_ACCOUNTS) and no identity provider (STATISTICS_OIDC_ISSUER): the reporting API and the console are open to anyone who reaches them');
  let secret = a.sessionSecret;
  if (secret === undefined) {
    secret = randomBytes(32).toString('base64url');
    if (a.accounts.length > 0 || idp) logger.warn('STATISTICS_SESSION_SECRET is not set: sessions are signed with a key generated at boot and end when the process restarts');
  }
  if (idp) logger.log(`users also log in through the identity provider ${idp.issuer.href} (client ${idp.clientId})`);
  const access = new StatisticsAccess({ accounts: a.accounts, sessionSecret: secret, sessionTtlMs: a.sessionTtlMs, secureCookie: a.secureCookie, identityProvider: idp !== undefined, ...(a.loginLimits ? { loginLimits: a.loginLimits } : {}) });
  return { access, identity: idp ? new IdentityLogin(idp, secret) : null };
}

const OPTIONS = Symbol('vdx.statistics.options');
const LOGINS = Symbol('vdx.statistics.logins');

/** Creates the topics it reads if missing (a fresh cluster), then keeps the read models current. */
@Injectable()
class StatisticsLifecycle extends FeatureLifecycle {
  protected readonly logger = new Logger('statistics');

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(OPTIONS) private readonly options: StatisticsFeatureOptions,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {
    super();
  }

  protected async start(): Promise<void> {
    // The delivery client the documents' view asks (its channel), closed last.
    this.stopLater('the delivery client', () => this.options.delivery?.close?.());
    const { partitions, replicationFactor } = this.options;
    const projection = statisticsProjection({
      name: this.options.projectionName ?? STATISTICS_PROJECTION,
      topics: this.options.topics ?? STATISTICS_TOPICS,
      collections: this.options.collections ?? STATISTICS_COLLECTIONS,
      factCache: this.options.factCache,
    });
    // Reading a topic needs it to exist; the writers create theirs the same way (never altered).
    await ensureTopics(this.kafka, projection.topics.map((t) => eventTopicSpec(t, partitions, replicationFactor)));
    const runner = new StatisticsRunner(this.kafka, this.db, projection, { maxBatchSize: this.options.batchSize, maxGroupRecords: this.options.groupRecords ?? this.options.batchSize, logger: pipelineLogger(this.logger), metrics: pipelineMetrics(this.registry) });
    await runner.start();
    this.started('the statistics projection', runner);
    this.logger.log(`folding ${projection.topics.length} topics into ${projection.collections.join(', ')} (group projection.${projection.name})`);
  }
}

/** The statistics service's work: the read models and the reporting API over them. */
@Module({})
export class StatisticsFeatureModule {
  static forRoot(options: StatisticsFeatureOptions): DynamicModule {
    return featureModule(StatisticsFeatureModule, OPTIONS, options, StatisticsLifecycle, {
      controllers: [StatisticsController, StatisticsIdentityController, StatisticsDocumentsController, StatisticsDocsController, StatisticsConsoleController],
      providers: [
        { provide: STATISTICS_REPORTS, inject: [MONGO_DB], useFactory: (db: Db) => new StatisticsReports(db, options.collections ?? STATISTICS_COLLECTIONS) },
        { provide: LOGINS, useFactory: () => loginsOf(options) },
        { provide: STATISTICS_ACCESS, inject: [LOGINS], useFactory: (logins: ReturnType<typeof loginsOf>) => logins.access },
        { provide: STATISTICS_IDENTITY, inject: [LOGINS], useFactory: (logins: ReturnType<typeof loginsOf>) => logins.identity },
        { provide: STATISTICS_DOCUMENTS, inject: [MONGO_DB], useFactory: (db: Db) => new StatisticsDocuments(db, (options.collections ?? STATISTICS_COLLECTIONS).documents, options.delivery ?? null) },
      ],
    });
  }
}

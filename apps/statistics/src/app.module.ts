import { Module, type DynamicModule } from '@nestjs/common';
import { DeliveryClient } from '@vdx/delivery-client';
import { ServiceKitModule, loadServiceIdentity } from '@vdx/service-kit';
import { StatisticsFeatureModule } from '@vdx/statistics-feature';
import { identityProviderOf, type StatisticsConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: StatisticsConfig): DynamicModule {
    // Its identity is read (and the boot fails without a valid one) only when it calls delivery.v1.
    const delivery = config.DELIVERY_GRPC_URL === '' ? undefined : new DeliveryClient(config.DELIVERY_GRPC_URL, loadServiceIdentity(config, 'statistics'));
    const identityProvider = identityProviderOf(config);
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'statistics', config }),
        StatisticsFeatureModule.forRoot({
          batchSize: config.STATISTICS_BATCH_SIZE,
          groupRecords: config.STATISTICS_GROUP_RECORDS,
          factCache: config.STATISTICS_FACT_CACHE,
          partitions: config.TOPIC_PARTITIONS,
          replicationFactor: config.TOPIC_REPLICATION_FACTOR,
          topics: {
            gateway: config.GATEWAY_EVENTS_TOPIC,
            signature: config.SIGNATURE_EVENTS_TOPIC,
            routing: config.ROUTING_EVENTS_TOPIC,
            delivery: config.DELIVERY_EVENTS_TOPIC,
            directory: config.DIRECTORY_EVENTS_TOPIC,
          },
          projectionName: config.STATISTICS_PROJECTION,
          ...(delivery ? { delivery } : {}),
          access: {
            accounts: config.STATISTICS_ACCOUNTS,
            sessionSecret: config.STATISTICS_SESSION_SECRET,
            sessionTtlMs: config.STATISTICS_SESSION_TTL_MIN * 60_000,
            secureCookie: config.STATISTICS_COOKIE_SECURE,
            loginLimits: {
              maxFailuresPerUser: config.STATISTICS_LOGIN_MAX_FAILURES,
              maxFailuresPerAddress: config.STATISTICS_LOGIN_MAX_FAILURES_PER_ADDRESS,
              windowMs: config.STATISTICS_LOGIN_WINDOW_MIN * 60_000,
            },
            ...(identityProvider ? { identityProvider } : {}),
          },
        }),
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { DeliveryFeatureModule } from '@vdx/delivery-feature';
import { ServiceKitModule } from '@vdx/service-kit';
import type { DeliveryConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: DeliveryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'delivery', config }),
        DeliveryFeatureModule.forRoot({
          kafkaBrokers: config.KAFKA_BROKERS,
          routingTopic: config.ROUTING_EVENTS_TOPIC,
          eventsTopic: config.DELIVERY_EVENTS_TOPIC,
          ...(config.DELIVERY_COMMANDS_TOPIC ? { commandsTopic: config.DELIVERY_COMMANDS_TOPIC } : {}),
          ...(config.DELIVERY_REPLIES_TOPIC ? { repliesTopic: config.DELIVERY_REPLIES_TOPIC } : {}),
          instanceId: config.INSTANCE_ID,
          partitions: config.TOPIC_PARTITIONS,
          replicationFactor: config.TOPIC_REPLICATION_FACTOR,
          maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
          pushEveryMs: config.DELIVERY_PUSH_EVERY_MS,
          pushTimeoutMs: config.DELIVERY_PUSH_TIMEOUT_MS,
          holidays: config.DELIVERY_HOLIDAYS,
          ...(config.BLOB_DIR ? { blobDir: config.BLOB_DIR } : {}),
        }),
      ],
    };
  }
}

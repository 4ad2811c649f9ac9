import { Module, type DynamicModule } from '@nestjs/common';
import { RoutingFeatureModule } from '@vdx/routing-feature';
import { ServiceKitModule } from '@vdx/service-kit';
import type { RoutingConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: RoutingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'routing', config }),
        RoutingFeatureModule.forRoot({
          kafkaBrokers: config.KAFKA_BROKERS,
          signatureTopic: config.SIGNATURE_EVENTS_TOPIC,
          eventsTopic: config.ROUTING_EVENTS_TOPIC,
          directorySnapshotTopic: config.DIRECTORY_SNAPSHOT_TOPIC,
          instanceId: config.INSTANCE_ID,
          partitions: config.TOPIC_PARTITIONS,
          replicationFactor: config.TOPIC_REPLICATION_FACTOR,
          ...(config.BLOB_DIR ? { blobDir: config.BLOB_DIR } : {}),
        }),
      ],
    };
  }
}

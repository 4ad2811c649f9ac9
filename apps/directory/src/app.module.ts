import { Module, type DynamicModule } from '@nestjs/common';
import { DirectoryFeatureModule } from '@vdx/directory-feature';
import { ServiceKitModule } from '@vdx/service-kit';
import type { DirectoryConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: DirectoryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'directory', config }),
        DirectoryFeatureModule.forRoot({
          kafkaBrokers: config.KAFKA_BROKERS,
          eventsTopic: config.DIRECTORY_EVENTS_TOPIC,
          snapshotTopic: config.DIRECTORY_SNAPSHOT_TOPIC,
          partitions: config.TOPIC_PARTITIONS,
          replicationFactor: config.TOPIC_REPLICATION_FACTOR,
        }),
      ],
    };
  }
}

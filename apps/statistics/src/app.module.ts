import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@vdx/service-kit';
import { StatisticsFeatureModule } from '@vdx/statistics-feature';
import type { StatisticsConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: StatisticsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'statistics', config }),
        StatisticsFeatureModule.forRoot({
          batchSize: config.STATISTICS_BATCH_SIZE,
          factCache: config.STATISTICS_FACT_CACHE,
          partitions: config.TOPIC_PARTITIONS,
          replicationFactor: config.TOPIC_REPLICATION_FACTOR,
        }),
      ],
    };
  }
}

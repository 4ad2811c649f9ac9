import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@vdx/service-kit';
import type { StatisticsConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: StatisticsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'statistics', config })],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@vdx/service-kit';
import type { DeliveryConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: DeliveryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'delivery', config })],
    };
  }
}

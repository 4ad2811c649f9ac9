import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@vdx/service-kit';
import type { GatewayConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'gateway', config })],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@vdx/service-kit';
import type { SignatureConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: SignatureConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'signature', config })],
    };
  }
}

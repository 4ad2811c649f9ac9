import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@vdx/service-kit';
import type { DirectoryConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: DirectoryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'directory', config })],
    };
  }
}

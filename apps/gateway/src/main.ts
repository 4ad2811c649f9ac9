import 'reflect-metadata';
import { runService } from '@vdx/service-kit';
import { AppModule } from './app.module';
import { gatewayConfigSchema } from './config';

void runService({
  service: 'gateway',
  configSchema: gatewayConfigSchema,
  module: (config) => AppModule.forRoot(config),
});

import 'reflect-metadata';
import { runService } from '@vdx/service-kit';
import { AppModule } from './app.module';
import { deliveryConfigSchema } from './config';

void runService({
  service: 'delivery',
  configSchema: deliveryConfigSchema,
  module: (config) => AppModule.forRoot(config),
});

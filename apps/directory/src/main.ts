import 'reflect-metadata';
import { directoryGrpcOptions } from '@vdx/directory-feature';
import { runService } from '@vdx/service-kit';
import { AppModule } from './app.module';
import { directoryConfigSchema } from './config';

void runService({
  service: 'directory',
  configSchema: directoryConfigSchema,
  module: (config) => AppModule.forRoot(config),
  microservices: (config) => [directoryGrpcOptions(config.GRPC_URL)],
});

import '@vdx/observability/tracing'; // first: starts the OpenTelemetry SDK (when configured) before what it instruments loads
import 'reflect-metadata';
import { directoryGrpcOptions } from '@vdx/directory-feature';
import { loadServiceIdentity, runService } from '@vdx/service-kit';
import { AppModule } from './app.module';
import { directoryConfigSchema } from './config';

void runService({
  service: 'directory',
  configSchema: directoryConfigSchema,
  module: (config) => AppModule.forRoot(config),
  // Served over mutual TLS with the directory's own identity; a missing or wrong one fails the boot.
  microservices: (config) => [directoryGrpcOptions(config.GRPC_URL, loadServiceIdentity(config, 'directory'))],
});

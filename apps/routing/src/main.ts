import '@vdx/observability/tracing'; // first: starts the OpenTelemetry SDK (when configured) before what it instruments loads
import 'reflect-metadata';
import { runService } from '@vdx/service-kit';
import { AppModule } from './app.module';
import { routingConfigSchema } from './config';

void runService({
  service: 'routing',
  configSchema: routingConfigSchema,
  module: (config) => AppModule.forRoot(config),
});

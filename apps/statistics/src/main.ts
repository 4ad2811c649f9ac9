import '@vdx/observability/tracing'; // first: starts the OpenTelemetry SDK (when configured) before what it instruments loads
import 'reflect-metadata';
import { runService } from '@vdx/service-kit';
import { AppModule } from './app.module';
import { statisticsConfigSchema } from './config';

void runService({
  service: 'statistics',
  configSchema: statisticsConfigSchema,
  module: (config) => AppModule.forRoot(config),
  // Read side only: statistics writes no events, so it owns no topic.
  ownsTopic: false,
});

import '@vdx/observability/tracing'; // first: starts the OpenTelemetry SDK (when configured) before what it instruments loads
import 'reflect-metadata';
import { runService } from '@vdx/service-kit';
import { AppModule } from './app.module';
import { legacyEdgeConfigSchema } from './config';

// The legacy edge owns vdx.legacy-edge.events.v1 (the systems' secrets), created at boot.
void runService({
  service: 'legacy-edge',
  configSchema: legacyEdgeConfigSchema,
  module: (config) => AppModule.forRoot(config),
});

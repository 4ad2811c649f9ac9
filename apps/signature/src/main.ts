import '@vdx/observability/tracing'; // first: starts the OpenTelemetry SDK (when configured) before what it instruments loads
import 'reflect-metadata';
import { runService } from '@vdx/service-kit';
import { AppModule } from './app.module';
import { signatureConfigSchema } from './config';

void runService({
  service: 'signature',
  configSchema: signatureConfigSchema,
  module: (config) => AppModule.forRoot(config),
});

import '@vdx/observability/tracing'; // first: starts the OpenTelemetry SDK (when configured) before what it instruments loads
import 'reflect-metadata';
import { deliveryGrpcOptions } from '@vdx/delivery-feature';
import { loadServiceIdentity, runService } from '@vdx/service-kit';
import { AppModule } from './app.module';
import { deliveryConfigSchema } from './config';

void runService({
  service: 'delivery',
  configSchema: deliveryConfigSchema,
  module: (config) => AppModule.forRoot(config),
  // Served over mutual TLS with the delivery's own identity; a missing or wrong one fails the boot.
  microservices: (config) => [deliveryGrpcOptions(config.GRPC_URL, loadServiceIdentity(config, 'delivery'))],
});

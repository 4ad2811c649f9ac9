import 'reflect-metadata';
import { deliveryGrpcOptions } from '@vdx/delivery-feature';
import { runService } from '@vdx/service-kit';
import { AppModule } from './app.module';
import { deliveryConfigSchema } from './config';

void runService({
  service: 'delivery',
  configSchema: deliveryConfigSchema,
  module: (config) => AppModule.forRoot(config),
  microservices: (config) => [deliveryGrpcOptions(config.GRPC_URL)],
});

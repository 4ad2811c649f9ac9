import '@vdx/observability/tracing'; // first: starts the OpenTelemetry SDK (when configured) before what it instruments loads
import 'reflect-metadata';
import { gatewayGrpcOptions } from '@vdx/gateway-feature';
import { loadCredentialFiles } from '@vdx/pki';
import { runService } from '@vdx/service-kit';
import { resolve } from 'node:path';
import { AppModule } from './app.module';
import { gatewayConfigSchema } from './config';

void runService({
  service: 'gateway',
  configSchema: gatewayConfigSchema,
  module: (config) => AppModule.forRoot(config),
  microservices: (config) => {
    const dir = resolve(config.PKI_DIR);
    let tls: ReturnType<typeof loadCredentialFiles>;
    try {
      tls = loadCredentialFiles(dir, 'server');
    } catch (err) {
      throw new Error(`${(err as Error).message}: the gateway needs its server certificate in ${dir}; create it with \`npm run vdx -- pki init --dir ${config.PKI_DIR}\``);
    }
    return [gatewayGrpcOptions(config.GRPC_URL, tls)];
  },
});

import { Module, type DynamicModule } from '@nestjs/common';
import { GatewayFeatureModule } from '@vdx/gateway-feature';
import { ServiceKitModule, loadServiceIdentity } from '@vdx/service-kit';
import type { GatewayConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'gateway', config }),
        GatewayFeatureModule.forRoot({
          kafkaBrokers: config.KAFKA_BROKERS,
          eventsTopic: config.GATEWAY_EVENTS_TOPIC,
          directorySnapshotTopic: config.DIRECTORY_SNAPSHOT_TOPIC,
          partitions: config.TOPIC_PARTITIONS,
          replicationFactor: config.TOPIC_REPLICATION_FACTOR,
          maxBodyBytes: config.GATEWAY_MAX_BODY_MB * 1024 * 1024,
          maxSendsInFlight: config.GATEWAY_MAX_SENDS_IN_FLIGHT,
          strictFindings: config.GATEWAY_STRICT_FINDINGS,
          deliveryUrl: config.DELIVERY_GRPC_URL,
          deliveryIdentity: loadServiceIdentity(config, 'gateway'),
          ...(config.BLOB_DIR ? { blobDir: config.BLOB_DIR } : {}),
          signatureTopic: config.SIGNATURE_EVENTS_TOPIC,
          routingTopic: config.ROUTING_EVENTS_TOPIC,
          deliveryTopic: config.DELIVERY_EVENTS_TOPIC,
        }),
      ],
    };
  }
}

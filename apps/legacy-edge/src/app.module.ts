import { Module, type DynamicModule } from '@nestjs/common';
import { LegacyEdgeModule } from '@vdx/legacy-edge-feature';
import { ServiceKitModule, loadServiceIdentity } from '@vdx/service-kit';
import type { LegacyEdgeConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: LegacyEdgeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'legacy-edge', config }),
        LegacyEdgeModule.forRoot({
          kafkaBrokers: config.KAFKA_BROKERS,
          gatewayUrl: config.GATEWAY_GRPC_URL,
          directoryUrl: config.DIRECTORY_GRPC_URL,
          directoryIdentity: loadServiceIdentity(config, 'legacy-edge'),
          pkiDir: config.PKI_DIR,
          secretKey: config.LEGACY_SECRET_KEY,
          host: config.LEGACY_HOST,
          port: config.LEGACY_PORT,
          maxBodyBytes: config.LEGACY_MAX_BODY_MB * 1024 * 1024 + 2,
          eventsTopic: config.LEGACY_EDGE_EVENTS_TOPIC,
          directorySnapshotTopic: config.DIRECTORY_SNAPSHOT_TOPIC,
          partitions: config.TOPIC_PARTITIONS,
          replicationFactor: config.TOPIC_REPLICATION_FACTOR,
        }),
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@vdx/service-kit';
import { SignatureFeatureModule } from '@vdx/signature-feature';
import { verificationSettingsOf, type SignatureConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: SignatureConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'signature', config }),
        SignatureFeatureModule.forRoot({
          gatewayTopic: config.GATEWAY_EVENTS_TOPIC,
          eventsTopic: config.SIGNATURE_EVENTS_TOPIC,
          instanceId: config.INSTANCE_ID,
          partitions: config.TOPIC_PARTITIONS,
          replicationFactor: config.TOPIC_REPLICATION_FACTOR,
          verification: verificationSettingsOf(config),
          ...(config.BLOB_DIR ? { blobDir: config.BLOB_DIR } : {}),
        }),
      ],
    };
  }
}

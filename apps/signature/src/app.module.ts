import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@vdx/service-kit';
import { SignatureFeatureModule, VerificationConfigError, type VerificationSettings } from '@vdx/signature-feature';
import type { SignatureConfig } from './config';

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
          verification: verificationOf(config),
        }),
      ],
    };
  }
}

function verificationOf(config: SignatureConfig): VerificationSettings {
  if (config.SIGNATURE_VERIFIER === 'integrity') return { mode: 'integrity' };
  if (!config.SIGNATURE_TRUST_ANCHORS_PATH) throw new VerificationConfigError('SIGNATURE_VERIFIER=cryptographic needs SIGNATURE_TRUST_ANCHORS_PATH');
  return {
    mode: 'cryptographic',
    trustAnchorsPath: config.SIGNATURE_TRUST_ANCHORS_PATH,
    ...(config.SIGNATURE_INTERMEDIATES_PATH ? { intermediatesPath: config.SIGNATURE_INTERMEDIATES_PATH } : {}),
    ...(config.SIGNATURE_RULES_PATH ? { rulesPath: config.SIGNATURE_RULES_PATH } : {}),
    refuse: config.SIGNATURE_REFUSE,
    requireTimestamp: config.SIGNATURE_REQUIRE_TIMESTAMP,
    maxBytesInMemory: config.SIGNATURE_MAX_VERIFY_MB * 1024 * 1024,
    allowedHosts: config.SIGNATURE_NETWORK_ALLOWED_HOSTS,
    requestTimeoutMs: config.SIGNATURE_NETWORK_TIMEOUT_MS,
    packageBudgetMs: config.SIGNATURE_PACKAGE_BUDGET_MS,
    keepEvidence: config.SIGNATURE_KEEP_EVIDENCE,
  };
}

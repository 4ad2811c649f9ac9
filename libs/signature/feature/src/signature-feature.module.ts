import { Inject, Injectable, Logger, Module, type DynamicModule } from '@nestjs/common';
import { openBlobStore } from '@vdx/blob-store';
import { eventTopic, laneTopic, withLanes } from '@vdx/contracts';
import { ensureTopics, eventTopicSpec, type Kafka } from '@vdx/messaging';
import { pipelineMetrics } from '@vdx/observability';
import { FeatureLifecycle, KAFKA, METRICS_REGISTRY, MONGO_DB, featureModule, startTransactionalStep } from '@vdx/service-kit';
import type { Registry } from 'prom-client';
import type { Db } from 'mongodb';
import { createVerifier, type VerificationSettings } from './verifier-factory';
import { verifyAccepted } from './verify-accepted';

export interface SignatureFeatureOptions {
  /** Defaults `vdx.gateway.events.v1` and `vdx.signature.events.v1`; tests use their own. */
  readonly gatewayTopic?: string;
  readonly eventsTopic?: string;
  /** Stable per instance across restarts: a restarted instance fences its predecessor. */
  readonly instanceId: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Default `integrity`. */
  readonly verification?: VerificationSettings;
  /** Package bodies (and evidence records) as files under this directory, shared with the gateway and delivery; default the document store. */
  readonly blobDir?: string;
}

const OPTIONS = Symbol('SIGNATURE_OPTIONS');
export const SIGNATURE_GROUP = 'signature';

/** Runs the verification step: consume accepted packages, append verdicts, exactly once. */
@Injectable()
class SignatureLifecycle extends FeatureLifecycle {
  protected readonly logger = new Logger('signature');

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(OPTIONS) private readonly options: SignatureFeatureOptions,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {
    super();
  }

  protected async start(): Promise<void> {
    const input = this.options.gatewayTopic ?? eventTopic('gateway');
    const output = this.options.eventsTopic ?? eventTopic('signature');
    const { partitions, replicationFactor } = this.options;
    const blobs = openBlobStore(this.db, { dir: this.options.blobDir });
    // First: an unusable configuration (SIGNATURE.BAD_CONFIG) stops the boot before anything is created.
    const verifier = createVerifier(this.options.verification, blobs, this.logger);
    await ensureTopics(this.kafka, withLanes([input, output]).map((t) => eventTopicSpec(t, partitions, replicationFactor)));
    const step = await startTransactionalStep(this.kafka, verifyAccepted(blobs, verifier, output), {
      group: SIGNATURE_GROUP,
      input,
      // The urgent lane beside it: the consumer fetches from both, so a backlog cannot hold it back.
      moreInputs: [laneTopic(input, 'urgent')],
      defaultInput: eventTopic('gateway'),
      instanceId: this.options.instanceId,
      replicationFactor,
      logger: this.logger,
      metrics: pipelineMetrics(this.registry),
    });
    this.started('the verification step', step.processor);
    this.logger.log(`verifying packages from ${input} into ${output} (group ${step.group}) with ${verifier.name}`);
    if (!this.options.verification || this.options.verification.mode === 'integrity') {
      this.logger.warn(`${verifier.name} checks each package's integrity only: no signature is verified (every verdict cryptographic: not-performed); a deployment runs the cryptographic verifier`);
    }
  }
}

/** The signature service's work: the integrity gate between the gateway and routing. */
@Module({})
export class SignatureFeatureModule {
  static forRoot(options: SignatureFeatureOptions): DynamicModule {
    return featureModule(SignatureFeatureModule, OPTIONS, options, SignatureLifecycle);
  }
}

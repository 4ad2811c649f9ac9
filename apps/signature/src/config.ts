import { blobStoreConfigShape, serviceConfigSchema } from '@vdx/service-kit';
import { VerificationConfigError, type VerificationSettings } from '@vdx/signature-feature';
import { z } from 'zod';
import { tracingConfigShape } from '@vdx/observability';

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name');
const flag = (byDefault: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(byDefault)
    .transform((v) => v === 'true');
const list = () =>
  z
    .string()
    .default('')
    .transform((s) => s.split(',').map((v) => v.trim()).filter((v) => v !== ''));

/** The signature service's environment, validated at boot; HTTP serves health and metrics on 3003 by default. */
export const signatureConfigSchema = serviceConfigSchema(3003).extend({
  /** Stable per instance (e.g. the pod ordinal): a restarted instance fences its predecessor's transactions. */
  INSTANCE_ID: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/).default('0'),
  ...blobStoreConfigShape,
  /** Overrides for isolated runs (tests, benchmarks); production keeps the defaults. */
  GATEWAY_EVENTS_TOPIC: topicName.default('vdx.gateway.events.v1'),
  SIGNATURE_EVENTS_TOPIC: topicName.default('vdx.signature.events.v1'),
  /**
   * `integrity` (the body and attachments only) or `cryptographic` (also every PDF, .p7s and
   * XML-DSig signature). Every deployment sets `cryptographic` (k8s/base/config/signature.env,
   * `npm start`); the default stays `integrity` because only the deployment knows where its trust
   * anchors are, and it is what tests get (the service warns at boot that nothing is verified).
   */
  SIGNATURE_VERIFIER: z.enum(['integrity', 'cryptographic']).default('integrity'),
  /** PEM bundle of trust anchors; required by the cryptographic verifier. */
  SIGNATURE_TRUST_ANCHORS_PATH: z.string().min(1).optional(),
  /** PEM bundle of the TSA trust anchors: timestamps are checked against these alone; unset, against SIGNATURE_TRUST_ANCHORS_PATH's. */
  SIGNATURE_TSA_TRUST_ANCHORS_PATH: z.string().min(1).optional(),
  /** PEM bundle of intermediates asked before AIA. */
  SIGNATURE_INTERMEDIATES_PATH: z.string().min(1).optional(),
  /** JSON array of Decree 30 classification rules. */
  SIGNATURE_RULES_PATH: z.string().min(1).optional(),
  /** Package statuses that stop a package: any of `invalid`, `indeterminate`, `unsigned`, comma-separated. */
  SIGNATURE_REFUSE: list().pipe(z.array(z.enum(['invalid', 'indeterminate', 'unsigned']))),
  SIGNATURE_REQUIRE_TIMESTAMP: flag('false'),
  /** Attachment bytes held in memory for verification, per package; larger attachments are spooled to files. */
  SIGNATURE_MAX_VERIFY_MB: z.coerce.number().int().min(1).max(1024).default(64),
  /** Where attachments beyond SIGNATURE_MAX_VERIFY_MB are spooled while verified (removed after); default the system's temporary directory. */
  SIGNATURE_SPOOL_DIR: z.string().min(1).optional(),
  /** Hosts OCSP, CRL and caIssuers URLs may name, comma-separated (`*.example.vn` for a domain); empty: any. */
  SIGNATURE_NETWORK_ALLOWED_HOSTS: list(),
  SIGNATURE_NETWORK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  SIGNATURE_PACKAGE_BUDGET_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  SIGNATURE_KEEP_EVIDENCE: flag('true'),
  // OTEL_*: the OpenTelemetry SDK's settings (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  ...tracingConfigShape,
}).superRefine((c, ctx) => {
  if (c.SIGNATURE_VERIFIER === 'cryptographic' && !c.SIGNATURE_TRUST_ANCHORS_PATH) {
    ctx.addIssue({ code: 'custom', path: ['SIGNATURE_TRUST_ANCHORS_PATH'], message: 'required when SIGNATURE_VERIFIER=cryptographic (a PEM bundle of trust anchors)' });
  }
});

export type SignatureConfig = z.infer<typeof signatureConfigSchema>;

/** The verifier settings of a validated configuration (the files are read later, by the verifier factory). */
export function verificationSettingsOf(config: SignatureConfig): VerificationSettings {
  if (config.SIGNATURE_VERIFIER === 'integrity') return { mode: 'integrity' };
  // The schema refuses this; a caller that built the config another way gets the coded error.
  if (!config.SIGNATURE_TRUST_ANCHORS_PATH) throw new VerificationConfigError('SIGNATURE_VERIFIER=cryptographic needs SIGNATURE_TRUST_ANCHORS_PATH');
  return {
    mode: 'cryptographic',
    trustAnchorsPath: config.SIGNATURE_TRUST_ANCHORS_PATH,
    ...(config.SIGNATURE_TSA_TRUST_ANCHORS_PATH ? { tsaTrustAnchorsPath: config.SIGNATURE_TSA_TRUST_ANCHORS_PATH } : {}),
    ...(config.SIGNATURE_INTERMEDIATES_PATH ? { intermediatesPath: config.SIGNATURE_INTERMEDIATES_PATH } : {}),
    ...(config.SIGNATURE_RULES_PATH ? { rulesPath: config.SIGNATURE_RULES_PATH } : {}),
    refuse: config.SIGNATURE_REFUSE,
    requireTimestamp: config.SIGNATURE_REQUIRE_TIMESTAMP,
    maxBytesInMemory: config.SIGNATURE_MAX_VERIFY_MB * 1024 * 1024,
    ...(config.SIGNATURE_SPOOL_DIR ? { spoolDir: config.SIGNATURE_SPOOL_DIR } : {}),
    allowedHosts: config.SIGNATURE_NETWORK_ALLOWED_HOSTS,
    requestTimeoutMs: config.SIGNATURE_NETWORK_TIMEOUT_MS,
    packageBudgetMs: config.SIGNATURE_PACKAGE_BUDGET_MS,
    keepEvidence: config.SIGNATURE_KEEP_EVIDENCE,
  };
}

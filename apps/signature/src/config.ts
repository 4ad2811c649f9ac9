import { serviceConfigSchema } from '@vdx/service-kit';
import { z } from 'zod';

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
  /** Overrides for isolated runs (tests, benchmarks); production keeps the defaults. */
  GATEWAY_EVENTS_TOPIC: topicName.default('vdx.gateway.events.v1'),
  SIGNATURE_EVENTS_TOPIC: topicName.default('vdx.signature.events.v1'),
  /** `integrity` (the body and attachments only) or `cryptographic` (also every PDF and .p7s signature). */
  SIGNATURE_VERIFIER: z.enum(['integrity', 'cryptographic']).default('integrity'),
  /** PEM bundle of trust anchors; required by the cryptographic verifier. */
  SIGNATURE_TRUST_ANCHORS_PATH: z.string().min(1).optional(),
  /** PEM bundle of intermediates asked before AIA. */
  SIGNATURE_INTERMEDIATES_PATH: z.string().min(1).optional(),
  /** JSON array of Decree 30 classification rules. */
  SIGNATURE_RULES_PATH: z.string().min(1).optional(),
  /** Package statuses that stop a package: any of `invalid`, `indeterminate`, `unsigned`, comma-separated. */
  SIGNATURE_REFUSE: list().pipe(z.array(z.enum(['invalid', 'indeterminate', 'unsigned']))),
  SIGNATURE_REQUIRE_TIMESTAMP: flag('false'),
  /** Attachment bytes held in memory for verification, per package. */
  SIGNATURE_MAX_VERIFY_MB: z.coerce.number().int().min(1).max(1024).default(64),
  /** Hosts OCSP, CRL and caIssuers URLs may name, comma-separated (`*.example.vn` for a domain); empty: any. */
  SIGNATURE_NETWORK_ALLOWED_HOSTS: list(),
  SIGNATURE_NETWORK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  SIGNATURE_PACKAGE_BUDGET_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  SIGNATURE_KEEP_EVIDENCE: flag('true'),
});

export type SignatureConfig = z.infer<typeof signatureConfigSchema>;

import { serviceConfigSchema } from '@vdx/service-kit';
import { z } from 'zod';

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name');

/** The signature service's environment, validated at boot; HTTP serves health and metrics on 3003 by default. */
export const signatureConfigSchema = serviceConfigSchema(3003).extend({
  /** Stable per instance (e.g. the pod ordinal): a restarted instance fences its predecessor's transactions. */
  INSTANCE_ID: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/).default('0'),
  /** Overrides for isolated runs (tests, benchmarks); production keeps the defaults. */
  GATEWAY_EVENTS_TOPIC: topicName.default('vdx.gateway.events.v1'),
  SIGNATURE_EVENTS_TOPIC: topicName.default('vdx.signature.events.v1'),
});

export type SignatureConfig = z.infer<typeof signatureConfigSchema>;

import { parseStrictFindings } from '@vdx/gateway-feature';
import { blobStoreConfigShape, internalTlsConfigShape, serviceConfigSchema } from '@vdx/service-kit';
import { z } from 'zod';
import { tracingConfigShape } from '@vdx/observability';

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name');

/** The gateway's environment, validated at boot: HTTP (health, metrics) on 3001, gRPC exchange.v1 (mutual TLS) on 5001. */
export const gatewayConfigSchema = serviceConfigSchema(3001).extend({
  GRPC_URL: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'GRPC_URL must be host:port, e.g. 127.0.0.1:5001')
    .default('127.0.0.1:5001'),
  /** The delivery service's internal gRPC API, behind the inbox calls. */
  DELIVERY_GRPC_URL: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'DELIVERY_GRPC_URL must be host:port, e.g. 127.0.0.1:5005')
    .default('127.0.0.1:5005'),
  /** INTERNAL_TLS_CERT, INTERNAL_TLS_KEY, INTERNAL_TLS_CA: its identity as a client of delivery.v1 (mutual TLS, docs/adr/0024-internal-mtls.md). */
  ...internalTlsConfigShape('gateway'),
  /** Where `vdx pki init` put the CA and the server certificate (ca.crt, server.crt, server.key). */
  PKI_DIR: z.string().min(1).default('.local/pki'),
  ...blobStoreConfigShape,
  /** Largest package body accepted, in MiB. */
  GATEWAY_MAX_BODY_MB: z.coerce.number().int().min(1).max(1024).default(128),
  /** `SendPackage` calls carried at once; one more is refused with `EXCHANGE.OVERLOADED` (RESOURCE_EXHAUSTED). 0 admits all. */
  GATEWAY_MAX_SENDS_IN_FLIGHT: z.coerce.number().int().min(0).max(100_000).default(256),
  /**
   * Finding codes refused although the axis could carry them: `CODE` for every sender,
   * `CODE@<agency code>` for one; comma-separated. Empty (the default) carries them all.
   */
  GATEWAY_STRICT_FINDINGS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const parsed = parseStrictFindings(text);
      if (parsed.ok) return parsed.policy;
      for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }),
  /** Overrides for isolated runs (tests, benchmarks); production keeps the defaults. */
  GATEWAY_EVENTS_TOPIC: topicName.default('vdx.gateway.events.v1'),
  DIRECTORY_SNAPSHOT_TOPIC: topicName.default('vdx.directory.snapshot.v1'),
  SIGNATURE_EVENTS_TOPIC: topicName.default('vdx.signature.events.v1'),
  ROUTING_EVENTS_TOPIC: topicName.default('vdx.routing.events.v1'),
  DELIVERY_EVENTS_TOPIC: topicName.default('vdx.delivery.events.v1'),
  // OTEL_*: the OpenTelemetry SDK's settings (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  ...tracingConfigShape,
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

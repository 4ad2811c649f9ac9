import { internalTlsConfigShape, serviceConfigSchema } from '@vdx/service-kit';
import { z } from 'zod';
import { tracingConfigShape } from '@vdx/observability';

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name');
const hostPort = (name: string, example: string) => z.string().regex(/^[\w.-]+:\d{1,5}$/, `${name} must be host:port, e.g. ${example}`);

/** The legacy edge's environment, validated at boot: HTTP (health, metrics) on 3007, the legacy VXP API on 5007. */
export const legacyEdgeConfigSchema = serviceConfigSchema(3007).extend({
  /** Address and port of the legacy VXP HTTP API the reference client calls. */
  LEGACY_HOST: z.string().min(1).default('127.0.0.1'),
  LEGACY_PORT: z.coerce.number().int().min(0).max(65535).default(5007),
  /** The gateway's gRPC exchange.v1 (mutual TLS, with each legacy system's certificate). */
  GATEWAY_GRPC_URL: hostPort('GATEWAY_GRPC_URL', '127.0.0.1:5001').default('127.0.0.1:5001'),
  /** The directory's gRPC directory.v1. */
  DIRECTORY_GRPC_URL: hostPort('DIRECTORY_GRPC_URL', '127.0.0.1:5002').default('127.0.0.1:5002'),
  /** INTERNAL_TLS_CERT, INTERNAL_TLS_KEY, INTERNAL_TLS_CA: its identity as a client of directory.v1 (mutual TLS, docs/adr/0024-internal-mtls.md). */
  ...internalTlsConfigShape('legacy-edge'),
  /** Where `vdx pki init` put ca.crt, and `vdx pki issue` the systems' certificates. */
  PKI_DIR: z.string().min(1).default('.local/pki'),
  /** AES-256-GCM key sealing the systems' secrets: 64 hex digits, or base64 of 32 bytes. */
  LEGACY_SECRET_KEY: z
    .string()
    .refine((v) => /^[0-9a-fA-F]{64}$/.test(v.trim()) || Buffer.from(v.trim(), 'base64').length === 32, 'LEGACY_SECRET_KEY must be 64 hex digits or base64 of 32 bytes'),
  /** Largest sendEdoc file accepted, in MiB (the gateway's own limit still applies). */
  LEGACY_MAX_BODY_MB: z.coerce.number().int().min(1).max(1024).default(128),
  /** Overrides for isolated runs (tests); production keeps the defaults. */
  LEGACY_EDGE_EVENTS_TOPIC: topicName.default('vdx.legacy-edge.events.v1'),
  DIRECTORY_SNAPSHOT_TOPIC: topicName.default('vdx.directory.snapshot.v1'),
  // OTEL_*: the OpenTelemetry SDK's settings (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  ...tracingConfigShape,
});

export type LegacyEdgeConfig = z.infer<typeof legacyEdgeConfigSchema>;

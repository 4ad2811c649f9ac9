import { internalTlsConfigShape, serviceConfigSchema } from '@vdx/service-kit';
import { z } from 'zod';
import { tracingConfigShape } from '@vdx/observability';

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name');

/** The directory's environment, validated at boot: HTTP (health, metrics) on 3002, gRPC directory.v1 on 5002. */
export const directoryConfigSchema = serviceConfigSchema(3002).extend({
  GRPC_URL: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'GRPC_URL must be host:port, e.g. 127.0.0.1:5002')
    .default('127.0.0.1:5002'),
  /** INTERNAL_TLS_CERT, INTERNAL_TLS_KEY, INTERNAL_TLS_CA: its identity on directory.v1 (mutual TLS, docs/adr/0024-internal-mtls.md). */
  ...internalTlsConfigShape('directory'),
  /** Overrides for isolated runs (tests, benchmarks); production keeps the defaults. */
  DIRECTORY_EVENTS_TOPIC: topicName.default('vdx.directory.events.v1'),
  DIRECTORY_SNAPSHOT_TOPIC: topicName.default('vdx.directory.snapshot.v1'),
  // OTEL_*: the OpenTelemetry SDK's settings (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  ...tracingConfigShape,
});

export type DirectoryConfig = z.infer<typeof directoryConfigSchema>;

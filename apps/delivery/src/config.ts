import { blobStoreConfigShape, internalTlsConfigShape, serviceConfigSchema } from '@vdx/service-kit';
import { z } from 'zod';
import { tracingConfigShape } from '@vdx/observability';

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name');

/** The delivery service's environment, validated at boot: HTTP (health, metrics) on 3005, internal gRPC delivery.v1 on 5005. */
export const deliveryConfigSchema = serviceConfigSchema(3005).extend({
  GRPC_URL: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'GRPC_URL must be host:port, e.g. 127.0.0.1:5005')
    .default('127.0.0.1:5005'),
  /** INTERNAL_TLS_CERT, INTERNAL_TLS_KEY, INTERNAL_TLS_CA: its identity on delivery.v1 (mutual TLS, docs/adr/0024-internal-mtls.md). */
  ...internalTlsConfigShape('delivery'),
  /** Stable per instance (e.g. the pod ordinal): a restarted instance fences its predecessor's transactions. */
  INSTANCE_ID: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/).default('0'),
  /** Push attempts before a delivery is dead-lettered. */
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  DELIVERY_PUSH_EVERY_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  DELIVERY_PUSH_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  ...blobStoreConfigShape,
  /** Public holidays for Decree 30 deadlines: comma-separated yyyy-MM-dd. */
  DELIVERY_HOLIDAYS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((d) => d.trim()).filter((d) => d !== ''))
    .pipe(z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'holidays must be yyyy-MM-dd'))),
  /** Overrides for isolated runs (tests, benchmarks); production keeps the defaults. */
  ROUTING_EVENTS_TOPIC: topicName.default('vdx.routing.events.v1'),
  DELIVERY_EVENTS_TOPIC: topicName.default('vdx.delivery.events.v1'),
  /** Default `vdx.delivery.commands.v1`, or `<DELIVERY_EVENTS_TOPIC>.commands` when that is overridden. */
  DELIVERY_COMMANDS_TOPIC: topicName.optional(),
  /** Default `vdx.delivery.replies.v1`, or `<DELIVERY_EVENTS_TOPIC>.replies` when that is overridden. */
  DELIVERY_REPLIES_TOPIC: topicName.optional(),
  // OTEL_*: the OpenTelemetry SDK's settings (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  ...tracingConfigShape,
});

export type DeliveryConfig = z.infer<typeof deliveryConfigSchema>;

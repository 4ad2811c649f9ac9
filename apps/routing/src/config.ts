import { blobStoreConfigShape, serviceConfigSchema } from '@vdx/service-kit';
import { z } from 'zod';
import { tracingConfigShape } from '@vdx/observability';

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name');

/** The routing service's environment, validated at boot; HTTP serves health and metrics on 3004 by default. */
export const routingConfigSchema = serviceConfigSchema(3004).extend({
  /** Stable per instance (e.g. the pod ordinal): a restarted instance fences its predecessor's transactions. */
  INSTANCE_ID: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/).default('0'),
  /** Overrides for isolated runs (tests, benchmarks); production keeps the defaults. */
  SIGNATURE_EVENTS_TOPIC: topicName.default('vdx.signature.events.v1'),
  ROUTING_EVENTS_TOPIC: topicName.default('vdx.routing.events.v1'),
  DIRECTORY_SNAPSHOT_TOPIC: topicName.default('vdx.directory.snapshot.v1'),
  // Updates' receiver lists and replacements' lists are read from the package bodies.
  ...blobStoreConfigShape,
  // OTEL_*: the OpenTelemetry SDK's settings (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  ...tracingConfigShape,
});

export type RoutingConfig = z.infer<typeof routingConfigSchema>;

import { z } from 'zod';

/**
 * The tracing settings every service reads (its `src/config.ts` extends its schema with them, and
 * `@vdx/observability/tracing` validates them before anything else loads). Standard OpenTelemetry
 * names; tracing is off, and costs nothing, unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
 */
export const tracingConfigShape = {
  /** Where spans are exported over OTLP, e.g. `http://127.0.0.1:4318` (HTTP) or `http://127.0.0.1:4317` (gRPC); unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s):// URL, e.g. http://127.0.0.1:4318')
    .optional(),
  /** `http/protobuf` (spans posted to `<endpoint>/v1/traces`) or `grpc`. */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'grpc']).default('http/protobuf'),
  /** Share of new traces kept (0–1); a caller's sampled trace is always continued (parent-based). */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** The `service.name` of the spans; default the app (`apps/<name>/src/main.ts`). */
  OTEL_SERVICE_NAME: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,64}$/, 'OTEL_SERVICE_NAME must be 1 to 64 letters, digits, dots, dashes or underscores')
    .optional(),
};

export const tracingConfigSchema = z.object(tracingConfigShape);
export type TracingConfig = z.infer<typeof tracingConfigSchema>;

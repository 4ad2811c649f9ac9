// `import '@vdx/observability/tracing'`: the first line of every service's main.ts. Starts the
// OpenTelemetry SDK (when OTEL_EXPORTER_OTLP_ENDPOINT is set) before Nest, gRPC, HTTP and the
// MongoDB driver are loaded, so their instrumentations can patch them.
import { startTracing } from './start';

export { serviceOfEntry, startTracing, type StartTracingOptions, type TracingHandle } from './start';

startTracing();

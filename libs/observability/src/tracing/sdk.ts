// Loaded only when tracing is configured (start.ts requires it then): with tracing off, none of
// the SDK, exporters or instrumentations is even read from disk.
import { context, propagation, trace, type Attributes, type Context, type Link, type SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ParentBasedSampler, SamplingDecision, TraceIdRatioBasedSampler, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { hostname } from 'node:os';

export interface SdkSettings {
  readonly service: string;
  readonly endpoint: string;
  readonly protocol: 'http/protobuf' | 'grpc';
  readonly ratio: number;
}

export interface TracingHandle {
  readonly service: string;
  readonly instance: string;
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops recording. */
  shutdown(): Promise<void>;
}

/** Kubernetes probes and Prometheus scrapes: a span each would bury the traces worth reading. */
export function isProbePath(path: string | undefined): boolean {
  return path !== undefined && (path === '/metrics' || path.startsWith('/metrics?') || path.startsWith('/health/') || path === '/health');
}

/**
 * Drops the root spans of probes and scrapes (the Nest handler span of `/health/ready` has no HTTP
 * parent, since the HTTP span of a probe is not made at all) and the boot span of Nest, which
 * would otherwise be the parent of whatever a provider starts while it is constructed; everything
 * else goes to `inner` (parent-based, a ratio for new traces).
 */
export class QuietSampler implements Sampler {
  constructor(private readonly inner: Sampler) {}

  shouldSample(ctx: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    if (!trace.getSpanContext(ctx)) {
      const url = attributes['url.full'] ?? attributes['http.target'] ?? attributes['http.route'];
      if (name === 'Create Nest App' || isProbePath(typeof url === 'string' ? url : undefined)) return { decision: SamplingDecision.NOT_RECORD };
    }
    return this.inner.shouldSample(ctx, traceId, name, kind, attributes, links);
  }

  toString(): string {
    return `QuietSampler{${this.inner.toString()}}`;
  }
}

/**
 * Starts the OpenTelemetry SDK: gRPC, HTTP, MongoDB and Nest instrumentations, W3C trace context,
 * parent-based sampling with `ratio` for new traces, and an OTLP exporter behind a batch
 * processor. Only traces: metrics stay with prom-client (`/metrics`), logs with the logger.
 */
export function startSdk(s: SdkSettings): TracingHandle {
  // `@vdx/observability` registered a context manager and the W3C propagator when it loaded; the
  // SDK registers its own (the same kinds), so those are taken down first.
  context.disable();
  propagation.disable();
  const instance = `${hostname()}/${process.pid}`;
  const base = s.endpoint.replace(/\/+$/, '');
  const exporter = s.protocol === 'grpc' ? new GrpcTraceExporter({ url: base }) : new ProtoTraceExporter({ url: `${base}/v1/traces` });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': s.service,
      'service.namespace': 'vdx',
      'service.instance.id': instance,
      'host.name': hostname(),
      'process.pid': process.pid,
    }),
    autoDetectResources: false,
    contextManager: new AsyncLocalStorageContextManager(),
    textMapPropagator: new W3CTraceContextPropagator(),
    sampler: new QuietSampler(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(s.ratio) })),
    // A batch leaves every second or every 512 spans, whichever comes first; a full queue drops spans, never blocks.
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 8192, maxExportBatchSize: 512, scheduledDelayMillis: 1000 })],
    // Only traces: without these the SDK would also start OTLP metric and log exporters.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => isProbePath(req.url) }),
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
      // No query text in spans (it holds agency codes and ids), and no span without a parent.
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
      new NestInstrumentation(),
    ],
  });
  sdk.start();
  const provider = trace.getTracerProvider() as { forceFlush?: () => Promise<void> } & { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  const flush = async () => {
    const real = provider.getDelegate?.() ?? provider;
    await real.forceFlush?.();
  };
  return { service: s.service, instance, flush, shutdown: () => sdk.shutdown() };
}

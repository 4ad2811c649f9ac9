import { ROOT_CONTEXT, SpanKind, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor, type Sampler } from '@opentelemetry/sdk-trace-base';
import { disableTracing, enableTracing, inTraceOf, tracingEnabled } from './spans';
import { newRootTrace } from './trace-context';
import { tracingConfigSchema } from './tracing-config';
import { QuietSampler, isProbePath } from './tracing/sdk';
import { serviceOfEntry, startTracing } from './tracing/start';

describe('tracing settings', () => {
  it('is off by default, with parent-based sampling of every new trace over HTTP/protobuf', () => {
    expect(tracingConfigSchema.parse({})).toEqual({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_TRACES_SAMPLER_ARG: 1 });
    expect(tracingConfigSchema.parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_TRACES_SAMPLER_ARG: '0.25', OTEL_SERVICE_NAME: 'gateway' })).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_TRACES_SAMPLER_ARG: 0.25,
      OTEL_SERVICE_NAME: 'gateway',
    });
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', '127.0.0.1:4318', 'must be an http(s):// URL'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5', 'OTEL_TRACES_SAMPLER_ARG'],
    ['OTEL_SERVICE_NAME', 'a gateway', 'OTEL_SERVICE_NAME must be'],
  ])('refuses %s=%s', (name, value, message) => {
    const parsed = tracingConfigSchema.safeParse({ [name]: value });
    expect(parsed.success).toBe(false);
    const issues = parsed.success ? [] : parsed.error.issues;
    expect(issues.map((i) => i.path.join('.'))).toEqual([name]);
    expect(`${name}: ${issues[0]!.message}`).toContain(message);
  });

  it('starts nothing without an endpoint', () => {
    expect(startTracing({ env: {} })).toBeNull();
    expect(tracingEnabled()).toBe(false);
  });

  it('names the service after the app of the entry point', () => {
    expect(serviceOfEntry('/srv/vdx/apps/gateway/src/main.ts')).toBe('gateway');
    expect(serviceOfEntry('/app/apps/legacy-edge/src/main.js')).toBe('legacy-edge');
    expect(serviceOfEntry('/srv/vdx/tools/cli/vdx.ts')).toBeNull();
    expect(serviceOfEntry(undefined)).toBeNull();
  });
});

describe('the sampler', () => {
  const inner: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD_AND_SAMPLED }), toString: () => 'inner' };
  const sampler = new QuietSampler(inner);
  const decide = (name: string, attributes: Record<string, string>, ctx = ROOT_CONTEXT) => sampler.shouldSample(ctx, 'a'.repeat(32), name, SpanKind.INTERNAL, attributes, []).decision;

  it('drops the root spans of probes, scrapes and the Nest boot; keeps the rest', () => {
    expect(['/health/ready', '/health/live', '/metrics', '/metrics?x=1'].map(isProbePath)).toEqual([true, true, true, true]);
    expect(['/healthz', '/v1/traces', undefined].map(isProbePath)).toEqual([false, false, false]);
    expect(decide('HealthController.ready', { 'url.full': '/health/ready' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('MetricsController.metrics', { 'http.route': '/metrics' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('Create Nest App', {})).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('grpc.vdx.exchange.v1.ExchangeService/SendPackage', {})).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 });
    expect(decide('HealthController.ready', { 'url.full': '/health/ready' }, parent)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});

describe('work for an earlier message in its trace (inTraceOf)', () => {
  const exporter = new InMemorySpanExporter();
  afterEach(() => {
    disableTracing();
    exporter.reset();
  });

  it('runs as is with tracing off or without the message\'s trace', async () => {
    await expect(inTraceOf('t', 'Fetch', newRootTrace(), {}, async () => 'off')).resolves.toBe('off');
    enableTracing(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    await expect(inTraceOf('t', 'Fetch', null, {}, async () => 'none')).resolves.toBe('none');
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('makes a span in the message\'s trace, linked to the caller\'s, active while the work runs', async () => {
    enableTracing(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    const message = newRootTrace();
    const caller = trace.getTracer('t').startSpan('call');
    const inner = await context.with(trace.setSpan(ROOT_CONTEXT, caller), () =>
      inTraceOf('t', 'FetchPackage', message, { 'vdx.delivery.id': 'd-1' }, async () => trace.getSpan(context.active())!.spanContext()),
    );
    caller.end();
    const span = exporter.getFinishedSpans().find((s) => s.name === 'FetchPackage')!;
    const [, traceId, spanId] = message.traceparent.split('-');
    expect(span.spanContext()).toEqual(inner);
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe(spanId);
    expect(span.links.map((l) => l.context.spanId)).toEqual([caller.spanContext().spanId]);
    expect(span.attributes).toEqual({ 'vdx.delivery.id': 'd-1' });
    await expect(inTraceOf('t', 'FetchPackage', message, {}, async () => Promise.reject(new Error('gone')))).rejects.toThrow('gone');
    expect(exporter.getFinishedSpans().at(-1)!.status.message).toBe('gone');
  });
});

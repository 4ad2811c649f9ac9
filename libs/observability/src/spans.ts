import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Link, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { extractTraceContext, type TraceHeaders } from './trace-context';

let enabled = false;

/**
 * Whether spans are recorded: true once `@vdx/observability/tracing` started the SDK (or a test
 * registered its own provider with {@link enableTracing}). Code that makes spans of its own (the
 * messaging layer) asks this first, so with tracing off it does no work at all.
 */
export function tracingEnabled(): boolean {
  return enabled;
}

/** Turns span recording on, registering `provider` as the global one when given (tests); the SDK registers its own. */
export function enableTracing(provider?: TracerProvider): void {
  if (provider) trace.setGlobalTracerProvider(provider);
  enabled = true;
}

/** Turns span recording off again and forgets the global provider (tests). */
export function disableTracing(): void {
  enabled = false;
  trace.disable();
}

/** The tracer the project's own spans use (instrumentation scope `@vdx/<part>`). */
export function vdxTracer(scope: string): Tracer {
  return trace.getTracer(scope);
}

/** Ends `span` with an error status and the error recorded. */
export function failSpan(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : new Error(String(err)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/**
 * Runs `fn` in a new span of the trace that `headers` carry (a message's, a delivery's), linked to
 * the span active now (the caller's own trace), so work that one request does for an earlier
 * message joins that message's trace. Runs `fn` as is when tracing is off or `headers` is empty.
 */
export async function inTraceOf<T>(scope: string, name: string, headers: TraceHeaders | null | undefined, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!enabled || !headers) return fn();
  const parent = extractTraceContext({ traceparent: headers.traceparent, tracestate: headers.tracestate ?? undefined });
  if (!trace.getSpanContext(parent)) return fn();
  const caller = trace.getSpanContext(context.active());
  const links: Link[] = caller && trace.isSpanContextValid(caller) ? [{ context: caller }] : [];
  const span = vdxTracer(scope).startSpan(name, { kind: SpanKind.SERVER, attributes, links }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), fn);
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

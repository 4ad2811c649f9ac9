import { ROOT_CONTEXT, context, propagation, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { randomBytes } from 'node:crypto';

/** W3C trace context headers, as carried in Kafka headers and in the event envelope. */
export interface TraceHeaders {
  traceparent: string;
  tracestate?: string | null;
}

const propagator = new W3CTraceContextPropagator();
type Carrier = Record<string, string | Buffer | undefined>;

const getter: TextMapGetter<Carrier> = {
  keys: (c) => Object.keys(c),
  get: (c, key) => {
    const v = c[key];
    return v === undefined ? undefined : typeof v === 'string' ? v : v.toString('utf8');
  },
};
const setter: TextMapSetter<Record<string, string>> = {
  set: (c, key, value) => {
    c[key] = value;
  },
};

// Without an SDK the global propagator is a no-op; the W3C one is what every hop speaks.
propagation.setGlobalPropagator(propagator);
// Lets the trace of a consumed message follow the async work it causes (no SDK required).
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** The OpenTelemetry context a message's headers carry (root context when they carry none). */
export function extractTraceContext(headers: Carrier): Context {
  return propagator.extract(ROOT_CONTEXT, headers, getter);
}

/** The trace headers of a context, or null when it carries no valid span. */
export function traceHeadersOf(ctx: Context): TraceHeaders | null {
  const out: Record<string, string> = {};
  propagator.inject(ctx, out, setter);
  if (!out['traceparent']) return null;
  return { traceparent: out['traceparent'], tracestate: out['tracestate'] ?? null };
}

/**
 * The trace context to stamp on a new event: the active span's when there is one, otherwise a
 * fresh sampled root, so every event can be followed even before tracing is switched on.
 */
export function currentTraceHeaders(): TraceHeaders {
  return traceHeadersOf(context.active()) ?? newRootTrace();
}

/** A new random `traceparent` (version 00, sampled). */
export function newRootTrace(): TraceHeaders {
  return { traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`, tracestate: null };
}

/** Runs `fn` with the span context of `headers` active, so events it produces continue that trace. */
export function withTraceHeaders<T>(headers: TraceHeaders | null, fn: () => T): T {
  if (!headers) return fn();
  const ctx = extractTraceContext({ traceparent: headers.traceparent, tracestate: headers.tracestate ?? undefined });
  return context.with(ctx, fn);
}

/** The trace id of a traceparent, for logs. */
export function traceIdOf(headers: TraceHeaders | null): string | null {
  const span = headers ? trace.getSpanContext(extractTraceContext({ traceparent: headers.traceparent })) : undefined;
  return span?.traceId ?? null;
}

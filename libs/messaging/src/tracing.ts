import { ROOT_CONTEXT, SpanKind, context, trace, type Context, type Link, type Span } from '@opentelemetry/api';
import type { EventEnvelope } from '@vdx/contracts';
import { extractTraceContext, failSpan, traceHeadersOf, tracingEnabled, vdxTracer } from '@vdx/observability';
import type { Outgoing } from './event-producer';
import type { ConsumedEvent, ConsumedRecord } from './records';

// The spans of the Kafka hops (docs/adr/0023-opentelemetry.md). No instrumentation covers the
// Confluent client's transactional sends, so the layer makes its own: a PRODUCER span per record
// appended, whose context the record carries (`traceparent` header and the envelope's `trace`),
// and a CONSUMER span per record handled, whose parent is the record's `traceparent`. With
// tracing off (`tracingEnabled()` false) nothing here is called: records keep the trace context
// their events were given, as before.

const SCOPE = '@vdx/messaging';
/** At most this many links on a batch span (the SDK's default limit). */
const MAX_LINKS = 128;

/** The context a record's headers carry (the root context when none). */
function recordContext(record: ConsumedRecord): Context {
  return extractTraceContext(record.headers);
}

/**
 * The parent of a record about to be appended: `decidedIn` (the context of the consumer span or
 * the call the record was decided in) when given with a span; else the active context when it
 * holds a live, recording span (a gRPC call's); else the trace its event carries; else a new
 * trace. An unsampled caller thus stays unsampled downstream, and a span that has ended cannot
 * capture what a timer appends later.
 */
export function parentOf(event: EventEnvelope, decidedIn?: Context): Context {
  if (decidedIn && trace.getSpanContext(decidedIn)) return decidedIn;
  const active = context.active();
  if (trace.getSpan(active)?.isRecording()) return active;
  if (event.trace) return extractTraceContext({ traceparent: event.trace.traceparent, tracestate: event.trace.tracestate ?? undefined });
  return ROOT_CONTEXT;
}

/** The active context when it holds a live span (what a caller's work descends from), else the root context. */
export function liveContext(): Context {
  const active = context.active();
  return trace.getSpan(active)?.isRecording() ? active : ROOT_CONTEXT;
}

/** A record being appended in a span of its own, with its event re-stamped with that span's context. */
export interface TracedOutgoing {
  readonly outgoing: Outgoing;
  readonly span: Span;
}

/**
 * Starts a PRODUCER span for each record (`send <topic>`) under its parent (see {@link parentOf};
 * `decidedIn[i]` is where record `i` was decided) and returns the records with their events
 * carrying that span's context, so the consumer's span becomes its child. End them with
 * {@link endSpans}.
 */
export function startProducerSpans(items: readonly Outgoing[], decidedIn?: readonly (Context | undefined)[], transactional = false): TracedOutgoing[] {
  const tracer = vdxTracer(SCOPE);
  return items.map((o, i) => {
    const parent = parentOf(o.event, decidedIn?.[i]);
    const span = tracer.startSpan(
      `send ${o.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': o.topic,
          'messaging.message.id': o.event.eventId,
          'vdx.event.type': o.event.type,
          'vdx.transactional': transactional,
        },
      },
      parent,
    );
    const headers = traceHeadersOf(trace.setSpan(parent, span));
    return { outgoing: headers ? { ...o, event: { ...o.event, trace: headers } } : o, span };
  });
}

/** Ends spans, with the error when the append failed. */
export function endSpans(spans: readonly { span: Span }[], err?: unknown): void {
  for (const { span } of spans) {
    if (err !== undefined) failSpan(span, err);
    span.end();
  }
}

/**
 * Runs `fn` in a CONSUMER span (`process <topic>`) whose parent is the record's `traceparent`;
 * `fn` is told the span's context (what its outputs descend from). `handled` false (a dead
 * letter) marks the span failed.
 */
export async function inConsumerSpan<T extends boolean>(item: ConsumedEvent, group: string, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const { record, event } = item;
  const parent = recordContext(record);
  const span = vdxTracer(SCOPE).startSpan(
    `process ${record.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': record.topic,
        'messaging.destination.partition.id': String(record.partition),
        'messaging.kafka.offset': Number(record.offset),
        'messaging.consumer.group.name': group,
        'messaging.message.id': event.eventId,
        'vdx.event.type': event.type,
      },
    },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  try {
    const handled = await context.with(ctx, () => fn(ctx));
    if (!handled) failSpan(span, new Error('dead-lettered'));
    return handled;
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Runs a batch handler in one CONSUMER span linked to every record's trace (at most
 * {@link MAX_LINKS}): one span per batch, not per record, where one write serves many parents.
 */
export async function inBatchSpan<T>(items: readonly ConsumedEvent[], group: string, fn: () => Promise<T>): Promise<T> {
  const first = items[0]!.record;
  const links: Link[] = [];
  for (const { record } of items) {
    if (links.length >= MAX_LINKS) break;
    const linked = trace.getSpanContext(recordContext(record));
    if (linked) links.push({ context: linked });
  }
  const span = vdxTracer(SCOPE).startSpan(
    `process ${first.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': first.topic,
        'messaging.destination.partition.id': String(first.partition),
        'messaging.consumer.group.name': group,
        'messaging.batch.message_count': items.length,
      },
    },
    ROOT_CONTEXT,
  );
  try {
    return await context.with(trace.setSpan(ROOT_CONTEXT, span), fn);
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

export { tracingEnabled };

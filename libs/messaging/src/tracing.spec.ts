import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createEvent, PackageRejectedEvent, type EventEnvelope } from '@vdx/contracts';
import { disableTracing, enableTracing, newRootTrace, traceIdOf } from '@vdx/observability';
import type { ConsumedEvent } from './records';
import { endSpans, inBatchSpan, inConsumerSpan, liveContext, parentOf, startProducerSpans } from './tracing';

const exporter = new InMemorySpanExporter();

function event(trace: EventEnvelope['trace']): EventEnvelope {
  return createEvent(PackageRejectedEvent, {
    aggregateId: 'p-1',
    aggregateSeq: 1,
    actor: { kind: 'agency', id: '000.00.00.G22' },
    correlationId: 'p-1',
    trace,
    payload: { packageId: 'p-1', senderCode: '000.00.00.G22', systemId: 's', errorCode: 'EDXML.MALFORMED', reason: 'x', findings: [], bodySha256: 'a'.repeat(64), bodySize: 1, clientRef: null },
  });
}

function consumed(traceparent: string | undefined, offset = '7'): ConsumedEvent {
  const e = event(traceparent ? { traceparent, tracestate: null } : null);
  return {
    event: e,
    record: { topic: 't.events', partition: 1, offset, key: 'p-1', value: null, headers: traceparent ? { traceparent: Buffer.from(traceparent) } : {} },
  };
}

const idsOf = (traceparent: string) => {
  const [, traceId, spanId, flags] = traceparent.split('-');
  return { traceId, spanId, flags };
};

describe('the spans of the Kafka hops', () => {
  beforeAll(() => enableTracing(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })));
  afterAll(() => disableTracing());
  beforeEach(() => exporter.reset());

  it('appends each record in a PRODUCER span under the trace its event carries, and stamps the record with that span', () => {
    const given = newRootTrace();
    const traced = startProducerSpans([{ topic: 'vdx.gateway.events.v1', event: event(given) }]);
    endSpans(traced);
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({ name: 'send vdx.gateway.events.v1', kind: SpanKind.PRODUCER });
    expect(span!.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': 'vdx.gateway.events.v1', 'vdx.event.type': PackageRejectedEvent.type });
    expect(span!.spanContext().traceId).toBe(traceIdOf(given));
    expect(span!.parentSpanContext?.spanId).toBe(idsOf(given.traceparent).spanId);
    // The record now carries the producer span's context, not the one it was given.
    const stamped = traced[0]!.outgoing.event.trace!;
    expect(idsOf(stamped.traceparent)).toEqual({ traceId: span!.spanContext().traceId, spanId: span!.spanContext().spanId, flags: '01' });
  });

  it('prefers the live span of the caller, then the context a record was decided in; an unsampled caller stays unsampled', () => {
    const tracer = trace.getTracer('test');
    const call = tracer.startSpan('call');
    const inCall = context.with(trace.setSpan(ROOT_CONTEXT, call), () => startProducerSpans([{ topic: 't', event: event(newRootTrace()) }]));
    expect(trace.getSpan(parentOf(event(null), trace.setSpan(ROOT_CONTEXT, call)))).toBe(call);
    endSpans(inCall);
    call.end();
    const decided = tracer.startSpan('decided');
    decided.end();
    // The context a record was decided in parents it even once that span ended; an ended span
    // that is merely active (a timer started under a finished call) parents nothing.
    const later = context.with(trace.setSpan(ROOT_CONTEXT, decided), () => startProducerSpans([{ topic: 't', event: event(null) }, { topic: 't', event: event(null) }], [trace.setSpan(ROOT_CONTEXT, decided)]));
    endSpans(later);
    const unsampled = startProducerSpans([{ topic: 't', event: event({ traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`, tracestate: null }) }]);
    endSpans(unsampled);
    const finished = exporter.getFinishedSpans().filter((s) => s.name === 'send t');
    expect(finished.map((s) => s.parentSpanContext?.spanId)).toEqual([call.spanContext().spanId, decided.spanContext().spanId, undefined]);
    // The unsampled one is not recorded (not among the finished), and what it stamps says so.
    expect(idsOf(unsampled[0]!.outgoing.event.trace!.traceparent)).toMatchObject({ traceId: 'a'.repeat(32), flags: '00' });
    expect(liveContext()).toBe(ROOT_CONTEXT);
  });

  it('starts a new trace for a record with no trace and no caller, and marks spans of a failed append', () => {
    const traced = startProducerSpans([{ topic: 't', event: event(null) }]);
    endSpans(traced, new Error('broker gone'));
    const [span] = exporter.getFinishedSpans();
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'broker gone' });
    expect(traced[0]!.outgoing.event.trace!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('handles a record in a CONSUMER span whose parent is its traceparent, active while the handler runs', async () => {
    const given = newRootTrace();
    let inside: string | undefined;
    const handled = await inConsumerSpan(consumed(given.traceparent), 'g', async (ctx) => {
      inside = trace.getSpan(context.active())?.spanContext().spanId;
      expect(trace.getSpan(ctx)?.spanContext().spanId).toBe(inside);
      return true;
    });
    expect(handled).toBe(true);
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({ name: 'process t.events', kind: SpanKind.CONSUMER });
    expect(span!.spanContext().spanId).toBe(inside);
    expect(span!.parentSpanContext?.spanId).toBe(idsOf(given.traceparent).spanId);
    expect(span!.attributes).toMatchObject({ 'messaging.consumer.group.name': 'g', 'messaging.destination.partition.id': '1', 'messaging.kafka.offset': 7 });
  });

  it('marks the span of a dead-lettered or failing record', async () => {
    await inConsumerSpan(consumed(newRootTrace().traceparent), 'g', async () => false);
    await expect(inConsumerSpan(consumed(undefined), 'g', async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(exporter.getFinishedSpans().map((s) => [s.status.message, s.parentSpanContext?.spanId])).toEqual([
      ['dead-lettered', expect.any(String)],
      ['store down', undefined],
    ]);
  });

  it('handles a batch in one CONSUMER span linked to each record\'s trace', async () => {
    const a = newRootTrace();
    const b = newRootTrace();
    await inBatchSpan([consumed(a.traceparent, '1'), consumed(b.traceparent, '2'), consumed(undefined, '3')], 'g', async () => undefined);
    const [span] = exporter.getFinishedSpans();
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.attributes['messaging.batch.message_count']).toBe(3);
    expect(span!.links.map((l) => l.context.spanId)).toEqual([idsOf(a.traceparent).spanId, idsOf(b.traceparent).spanId]);
  });
});

import { ROOT_CONTEXT, SpanKind, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ProbeRecordedEvent, createEvent, eventTopic, type EventEnvelope } from '@vdx/contracts';
import { disableTracing, enableTracing, newRootTrace } from '@vdx/observability';
import { probeEvents, testEnv, uniqueName, waitUntil } from '@vdx/testing';
import { EventConsumer } from './event-consumer';
import { EventProducer } from './event-producer';
import { createKafka } from './kafka-client';
import { textHeaders, type ConsumedEvent } from './records';
import { ensureTopics, eventTopicSpec } from './topic-admin';
import { TransactionalProcessor } from './transactional-processor';

const N = 3;

/** The event a step decides from `input`: a new event that keeps the input's trace, as the services' steps do. */
function next(input: EventEnvelope, note: string): EventEnvelope {
  return createEvent(ProbeRecordedEvent, {
    aggregateId: note,
    aggregateSeq: 1,
    payload: { probeId: note, seq: 1, note, weight: 1 },
    actor: { kind: 'system', id: 'tests' },
    correlationId: input.correlationId,
    trace: input.trace,
  });
}

const spanIdOf = (traceparent: string | undefined) => traceparent?.split('-')[2];

describe('trace context across Kafka hops (real Kafka)', () => {
  const env = testEnv();
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'tracing-int' });
  const exporter = new InMemorySpanExporter();

  afterEach(() => {
    disableTracing();
    exporter.reset();
  });

  it('chains producer, exactly-once step and consumer spans through the records\' own headers, local work included', async () => {
    enableTracing(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    const tracer = trace.getTracer('tracing-int');
    const input = eventTopic(uniqueName('tracing-in'));
    const middle = eventTopic(uniqueName('tracing-mid'));
    const step = uniqueName('tracing-step');
    const reader = uniqueName('tracing-reader');
    await ensureTopics(kafka, [eventTopicSpec(input, 1, 1), eventTopicSpec(middle, 1, 1)]);

    // A caller (a gRPC call) appends three events.
    const caller = tracer.startSpan('caller');
    const producer = new EventProducer(kafka);
    await producer.connect();
    await context.with(trace.setSpan(ROOT_CONTEXT, caller), () => producer.publish(probeEvents(N, N, uniqueName('in')).map((event) => ({ topic: input, event }))));
    caller.end();
    await producer.disconnect();

    const processor = new TransactionalProcessor(kafka, async ({ event }) => [{ topic: middle, event: next(event, `from-${event.eventId}`) }], { groupId: step, topics: [input], transactionalId: `${step}.0` });
    const received: ConsumedEvent[] = [];
    const consumer = new EventConsumer(kafka, { handle: async (item) => void received.push(item) }, { groupId: reader, topics: [middle] });
    await processor.start();
    await consumer.start();
    let local: ReturnType<typeof tracer.startSpan>;
    try {
      await waitUntil(`${N} records through the step`, () => received.length >= N || undefined, { timeoutMs: 45_000 });
      // Work the step's owner decides for a call of its own, with no record before it.
      local = tracer.startSpan('local caller');
      await context.with(trace.setSpan(ROOT_CONTEXT, local), () =>
        processor.runLocal({ partition: 0, decide: () => ({ outputs: [{ topic: middle, event: next(probeEvents(1, 1, 'local')[0]!, 'local') }], answer: true }) }),
      );
      local.end();
      await waitUntil('the local work\'s record consumed', () => received.length >= N + 1 || undefined, { timeoutMs: 30_000 });
    } finally {
      await consumer.stop();
      await processor.stop();
    }

    const spans = exporter.getFinishedSpans();
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => (s.parentSpanContext ? byId.get(s.parentSpanContext.spanId) : undefined);
    const of = (name: string, kind: SpanKind) => spans.filter((s) => s.name === name && s.kind === kind);
    const appended = of(`send ${input}`, SpanKind.PRODUCER);
    const decided = of(`process ${input}`, SpanKind.CONSUMER);
    const stepOutputs = of(`send ${middle}`, SpanKind.PRODUCER);
    const handled = of(`process ${middle}`, SpanKind.CONSUMER);
    expect([appended.length, decided.length, stepOutputs.length, handled.length]).toEqual([N, N, N + 1, N + 1]);
    expect(appended.every((s) => s.parentSpanContext?.spanId === caller.spanContext().spanId)).toBe(true);
    // Each record's consumer span is the child of the span that appended it; the step's outputs are
    // children of the consumer span of their input, in the transaction (no client instrumentation sees that send).
    for (const d of decided) expect(appended).toContain(parentOf(d));
    expect(stepOutputs.map((s) => s.attributes['vdx.transactional'])).toEqual(Array(N + 1).fill(true));
    const fromLocal = stepOutputs.filter((s) => parentOf(s)?.name === 'local caller');
    expect(fromLocal).toHaveLength(1);
    for (const o of stepOutputs.filter((s) => !fromLocal.includes(s))) expect(decided).toContain(parentOf(o));
    for (const h of handled) expect(stepOutputs).toContain(parentOf(h));
    // The records carry the producer spans' context in their own headers and in the envelope.
    for (const item of received) {
      const header = textHeaders(item.record.headers)['traceparent'];
      expect(item.event.trace?.traceparent).toBe(header);
      expect(stepOutputs.map((s) => s.spanContext().spanId)).toContain(spanIdOf(header));
    }
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([caller.spanContext().traceId, local!.spanContext().traceId]));
  });

  it('leaves the trace context of every record as its event gives it when tracing is off', async () => {
    const topic = eventTopic(uniqueName('tracing-off'));
    const group = uniqueName('tracing-off-reader');
    await ensureTopics(kafka, [eventTopicSpec(topic, 1, 1)]);
    const given = newRootTrace();
    const producer = new EventProducer(kafka);
    await producer.connect();
    await producer.publish([{ topic, event: next(probeEvents(1, 1, 'off')[0]!, 'off') }, { topic, event: { ...next(probeEvents(1, 1, 'off')[0]!, 'off-2'), trace: given } }]);
    await producer.disconnect();
    const received: ConsumedEvent[] = [];
    const consumer = new EventConsumer(kafka, { handle: async (item) => void received.push(item) }, { groupId: group, topics: [topic] });
    await consumer.start();
    try {
      await waitUntil('both records consumed', () => received.length >= 2 || undefined, { timeoutMs: 30_000 });
    } finally {
      await consumer.stop();
    }
    expect(received.map((r) => [r.event.trace?.traceparent ?? null, textHeaders(r.record.headers)['traceparent'] ?? null])).toEqual([
      [null, null],
      [given.traceparent, given.traceparent],
    ]);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

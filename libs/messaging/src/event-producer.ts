import { EventCodec, catalogue, type EventEnvelope } from '@vdx/contracts';
import type { PipelineMetrics } from '@vdx/observability';
import type { Kafka, KafkaProducer } from './kafka-client';
import { MessagingError } from './messaging.error';
import { endSpans, startProducerSpans, tracingEnabled } from './tracing';

/** An event and the topic it belongs to. */
export interface Outgoing {
  readonly topic: string;
  readonly event: EventEnvelope;
  /**
   * The record key, which picks the partition; the event's aggregate id when absent. Events about
   * one document share its key across topics (`documentKey`), so one partition holds them all.
   */
  readonly key?: string;
}

/** Producer settings every event writer uses: nothing is acknowledged before all in-sync replicas have it. */
export const DURABLE_PRODUCER_CONFIG = {
  'enable.idempotence': true,
  acks: -1,
  'compression.type': 'lz4',
  'linger.ms': 5,
  // A broker that stays away fails the append after 30 s (librdkafka's default is 5 min), so a
  // caller waiting on it hears UNAVAILABLE while it still waits, and may send again.
  'message.timeout.ms': 30_000,
} as const;

/**
 * Appends events durably (idempotent producer, `acks=all`). `publish` resolves only once every
 * event is in the log: callers acknowledge to agencies after it, never before.
 */
export class EventProducer {
  private producer: KafkaProducer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly codec = new EventCodec(catalogue),
    private readonly metrics?: PipelineMetrics,
  ) {}

  async connect(): Promise<void> {
    if (this.producer) return;
    const p = this.kafka.producer(DURABLE_PRODUCER_CONFIG);
    await p.connect();
    this.producer = p;
  }

  async publish(items: readonly Outgoing[]): Promise<void> {
    if (items.length === 0) return;
    if (!this.producer) throw new MessagingError('MESSAGING.NOT_CONNECTED', 'EventProducer.publish before connect()');
    // With tracing on, a PRODUCER span per record, whose context the record carries (tracing.ts).
    const traced = tracingEnabled() ? startProducerSpans(items) : null;
    try {
      await this.send(this.producer, traced ? traced.map((t) => t.outgoing) : items);
    } catch (err) {
      if (traced) endSpans(traced, err);
      throw err;
    }
    if (traced) endSpans(traced);
  }

  private async send(producer: KafkaProducer, items: readonly Outgoing[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
    for (const { topic, event, key } of items) {
      const list = byTopic.get(topic) ?? [];
      const encoded = this.codec.encode(event);
      list.push(key === undefined ? encoded : { ...encoded, key });
      byTopic.set(topic, list);
    }
    try {
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    } catch (err) {
      this.metrics?.kafkaErrors.inc({ op: 'produce' });
      throw new MessagingError('MESSAGING.PRODUCE_FAILED', `could not append ${items.length} event(s): ${(err as Error).message}`, { cause: err });
    }
    for (const [topic, messages] of byTopic) this.metrics?.produced.inc({ topic }, messages.length);
  }

  async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    await p?.disconnect();
  }
}

import { EventCodec, catalogue } from '@vdx/contracts';
import type { Outgoing } from './event-producer';
import type { Kafka, KafkaProducer } from './kafka-client';
import { MessagingError } from './messaging.error';
import { endSpans, startProducerSpans, tracingEnabled } from './tracing';

/** A keyed record that is not an event (a snapshot entry of a compacted topic). */
export interface KeyedRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The single writer of a command-side service: appends events, and the snapshot records derived
 * from them, in one Kafka transaction, so readers with `read_committed` see both or neither.
 * Its `transactional.id` fences an older instance: once a new one connects, the old one's
 * commits fail with MESSAGING.FENCED and it must stop writing.
 */
export class TransactionalAppender {
  private producer: KafkaProducer | null = null;
  private fencedBy: string | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly transactionalId: string,
    private readonly codec = new EventCodec(catalogue),
  ) {}

  async connect(): Promise<void> {
    if (this.producer) return;
    const p = this.kafka.producer({ 'transactional.id': this.transactionalId, 'enable.idempotence': true, acks: -1, 'linger.ms': 5, 'compression.type': 'lz4' });
    await p.connect();
    this.producer = p;
  }

  /** Resolves once everything is committed; on failure nothing of it is visible to readers. */
  async append(events: readonly Outgoing[], records: readonly KeyedRecord[] = []): Promise<void> {
    if (events.length === 0 && records.length === 0) return;
    if (!this.producer) throw new MessagingError('MESSAGING.NOT_CONNECTED', 'TransactionalAppender.append before connect()');
    // A fenced producer stays fenced: fail at once rather than with a confusing client error.
    if (this.fencedBy !== null) throw new MessagingError('MESSAGING.FENCED', `another instance took over ${this.transactionalId}: ${this.fencedBy}`);
    const byTopic = new Map<string, { key: string; value: Buffer; headers?: Record<string, string> }[]>();
    const add = (topic: string, m: { key: string; value: Buffer; headers?: Record<string, string> }): void => {
      const list = byTopic.get(topic);
      if (list) list.push(m);
      else byTopic.set(topic, [m]);
    };
    // With tracing on, a PRODUCER span per event, whose context the event carries (tracing.ts).
    const traced = tracingEnabled() && events.length > 0 ? startProducerSpans(events, undefined, true) : null;
    try {
      for (const { topic, event } of traced ? traced.map((t) => t.outgoing) : events) add(topic, this.codec.encode(event));
      for (const r of records) add(r.topic, { key: r.key, value: r.value, ...(r.headers ? { headers: { ...r.headers } } : {}) });
      await this.commit(this.producer, byTopic, events.length, records.length);
    } catch (err) {
      if (traced) endSpans(traced, err);
      throw err;
    }
    if (traced) endSpans(traced);
  }

  private async commit(producer: KafkaProducer, byTopic: ReadonlyMap<string, { key: string; value: Buffer; headers?: Record<string, string> }[]>, events: number, records: number): Promise<void> {
    const txn = await producer.transaction();
    try {
      await txn.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      await txn.commit();
    } catch (err) {
      // When fenced, the send fails with whatever the client reports first (often "purged in
      // queue"); the abort then fails with the fatal fencing error itself.
      const abortError: unknown = await txn.abort().then(
        () => undefined,
        (e: unknown) => e,
      );
      const message = (err as Error).message;
      const causes = [err, abortError].map((e) => (e instanceof Error ? e.message : '')).join('; ');
      const fenced = [err, abortError].some((e) => (e as { type?: unknown } | undefined)?.type === 'ERR__FENCED') || /fenced/i.test(causes);
      if (fenced) {
        this.fencedBy = causes;
        throw new MessagingError('MESSAGING.FENCED', `another instance took over ${this.transactionalId}: ${causes}`, { cause: err });
      }
      throw new MessagingError('MESSAGING.PRODUCE_FAILED', `could not append ${events} event(s) and ${records} record(s): ${message}`, { cause: err });
    }
  }

  async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    await p?.disconnect();
  }
}

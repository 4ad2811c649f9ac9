import { catalogue, EventCodec, type EventEnvelope } from '@vdx/contracts';
import { EventProducer, TopicFollower, type Kafka, type KafkaSettings } from '@vdx/messaging';
import type { SecretsPort } from '../ports';
import { SecretBook } from './secret-book';
import type { SecretCipher } from './secret-cipher';

/** `vdx.legacy-edge.events.v1`: the record of the systems' legacy-API secrets (never expires, never compacted). */
export const LEGACY_EDGE_EVENTS_TOPIC = 'vdx.legacy-edge.events.v1';

/**
 * The secrets as the log has them: follows the legacy edge's event topic from offset zero
 * (no group, like the directory cache) and folds every `SystemSecretIssued` into a
 * {@link SecretBook}. `start` resolves once everything committed before it is in.
 */
export class SecretRecord implements SecretsPort {
  readonly book: SecretBook;
  private readonly follower: TopicFollower;
  private readonly codec = new EventCodec(catalogue);
  private undecodable = 0;

  constructor(settings: KafkaSettings, cipher: SecretCipher, topic = LEGACY_EDGE_EVENTS_TOPIC, onError?: (err: Error) => void) {
    this.book = new SecretBook(cipher);
    this.follower = new TopicFollower(
      settings,
      topic,
      (records) => {
        for (const r of records) {
          if (!r.value) continue;
          try {
            this.book.apply(this.codec.decode(r.value, r.headers));
          } catch (err) {
            this.undecodable += 1;
            onError?.(err as Error);
          }
        }
      },
      onError ? { onError } : {},
    );
  }

  async start(): Promise<void> {
    await this.follower.start();
    await this.follower.caughtUp;
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  /** Records that could not be decoded and were skipped. */
  get skipped(): number {
    return this.undecodable;
  }

  secretsOf(systemId: string, now: Date): readonly string[] {
    return this.book.secretsOf(systemId, now);
  }
}

/** Appends one event to the secrets' record, durably (acks=all), keyed by the system id. */
export async function appendSecretEvent(kafka: Kafka, event: EventEnvelope, topic = LEGACY_EDGE_EVENTS_TOPIC): Promise<void> {
  const producer = new EventProducer(kafka);
  await producer.connect();
  try {
    await producer.publish([{ topic, event, key: event.aggregateId }]);
  } finally {
    await producer.disconnect();
  }
}

import { DeliveryQueuedEvent, EventCodec, catalogue, isEvent, laneTopics, type DeliveryQueued } from '@vdx/contracts';
import { TopicFollower, type ConsumedRecord, type KafkaSettings } from '@vdx/messaging';
import { tracingEnabled, type TraceHeaders } from '@vdx/observability';

/** A delivery as it was queued: what a watcher is sent. */
export type QueuedDelivery = DeliveryQueued & { readonly queuedAt: string };

type Listener = (d: QueuedDelivery) => void;

/** What never changes about a delivery once queued: whom it is for and which body it hands over. */
export interface DeliveryAddress {
  readonly deliveryId: string;
  readonly recipientCode: string;
  readonly systemId: string;
  readonly bodySha256: string;
  /** With tracing on, the trace context its `DeliveryQueued` carried: a fetch joins that trace. */
  readonly trace?: TraceHeaders | null;
}

/** How many recently queued deliveries the feed remembers (about 200 bytes each). */
const REMEMBERED = 100_000;

/**
 * The deliveries queued from now on, as the delivery service appends them: the gateway follows
 * its event topic from the end (no consumer group, nothing committed) and hands each
 * `DeliveryQueued` to the `WatchInbox` streams that listen, so a watcher hears of an item as it
 * is queued and the store is not polled for it. Both lanes are followed, each on its own.
 *
 * It also remembers the address of the deliveries queued since it started (the most recent
 * {@link REMEMBERED}), so a fetch or acknowledgement soon after queueing is authorised without
 * asking the delivery service for the delivery first.
 */
export class InboxFeed {
  private readonly listeners = new Set<Listener>();
  private readonly recent = new Map<string, DeliveryAddress>();
  private followers: TopicFollower[] = [];
  private readonly codec = new EventCodec(catalogue);

  constructor(
    private readonly settings: KafkaSettings,
    private readonly topic: string,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    for (const topic of laneTopics(this.topic)) {
      const follower = new TopicFollower(this.settings, topic, (records) => this.hand(records), { fromEnd: true, onError: this.onError });
      this.followers.push(follower);
      await follower.start();
    }
  }

  private hand(records: readonly ConsumedRecord[]): void {
    for (const r of records) {
      let event;
      try {
        event = this.codec.decode(r.value, r.headers);
      } catch {
        continue; // dead-lettered by the topic's consumers
      }
      if (!isEvent(DeliveryQueuedEvent, event)) continue;
      const queued = { ...event.payload, queuedAt: event.occurredAt };
      this.remember({
        deliveryId: queued.deliveryId,
        recipientCode: queued.recipientCode,
        systemId: queued.systemId,
        bodySha256: queued.package.bodySha256,
        ...(tracingEnabled() ? { trace: event.trace } : {}),
      });
      for (const l of this.listeners) l(queued);
    }
  }

  private remember(a: DeliveryAddress): void {
    // Oldest first out: a Map keeps insertion order.
    if (this.recent.size >= REMEMBERED) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(a.deliveryId, a);
  }

  /** The address of a delivery queued since the feed started, if it is still remembered. */
  addressOf(deliveryId: string): DeliveryAddress | undefined {
    return this.recent.get(deliveryId);
  }

  /** Calls `listener` with every delivery queued until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    const followers = this.followers;
    this.followers = [];
    await Promise.all(followers.map((f) => f.stop()));
  }
}

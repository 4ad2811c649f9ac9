import { isUrgentLane } from '@vdx/contracts';
import type { Kafka, KafkaAdmin, KafkaConsumer } from './kafka-client';

export interface LaneGovernorOptions {
  /** How often, at most, the urgent lane's lag is looked up while normal batches flow. */
  readonly checkEveryMs?: number;
  /** How often, while the normal lane is paused, the urgent lane is looked at again. */
  readonly resumeCheckMs?: number;
}

type TopicPartition = { readonly topic: string; readonly partition: number };

/** Partitions grouped by topic, as the client's pause and resume take them. */
const byTopic = (tps: readonly TopicPartition[]) => [...new Set(tps.map((tp) => tp.topic))].map((topic) => ({ topic, partitions: tps.filter((tp) => tp.topic === topic).map((tp) => tp.partition) }));

/**
 * Keeps a consumer of both priority lanes (docs/adr/0008-priority-lanes.md) from serving the
 * normal lane while urgent records wait. The client fetches ahead and serves one partition's
 * records until that partition runs dry, so an urgent record fetched after a backlog would
 * wait for the whole backlog. Before a normal batch is decided, the governor looks (at most
 * every `checkEveryMs`) whether any urgent partition this member holds has records past the
 * group's committed offset; if so it pauses the normal lane's partitions, the batch is left
 * undecided (the client serves it again after the resume), and the urgent records are served
 * next. Once every urgent partition is caught up, the normal lane resumes.
 *
 * Pausing costs nothing to correctness: a batch left undecided is neither committed nor
 * applied, and the client reads it again from the same offset.
 */
export class LaneGovernor {
  private readonly urgent: readonly string[];
  private readonly normal: readonly string[];
  private admin: KafkaAdmin | null = null;
  private consumer: KafkaConsumer | null = null;
  private paused: TopicPartition[] | null = null;
  private lastCheck = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    topics: readonly string[],
    private readonly opts: LaneGovernorOptions = {},
  ) {
    this.urgent = topics.filter(isUrgentLane);
    const twins = new Set(this.urgent.map((t) => t.slice(0, -'.urgent'.length)));
    this.normal = topics.filter((t) => twins.has(t));
  }

  /** Whether the consumer reads both lanes of some topic (else the governor does nothing). */
  get active(): boolean {
    return this.urgent.length > 0 && this.normal.length > 0;
  }

  /** The consumer's options with the governor told of every rebalance (when it is active). */
  watching<O extends { readonly onRebalance?: (change: 'assigned' | 'revoked', partitions: readonly TopicPartition[]) => void }>(opts: O): O {
    if (!this.active) return opts;
    const told = opts.onRebalance;
    return {
      ...opts,
      onRebalance: (change: 'assigned' | 'revoked', partitions: readonly TopicPartition[]) => {
        this.onRebalance();
        told?.(change, partitions);
      },
    };
  }

  async start(consumer: KafkaConsumer): Promise<void> {
    if (!this.active) return;
    this.consumer = consumer;
    this.admin = this.kafka.admin();
    await this.admin.connect();
  }

  /** Whether `topic` is a normal lane this governor may pause. */
  governs(topic: string): boolean {
    return this.active && this.normal.includes(topic);
  }

  /**
   * Called before a batch of `topic` is decided. True when the batch must be left undecided:
   * urgent records are waiting and the normal lane has just been paused for them.
   */
  async yieldsTo(topic: string): Promise<boolean> {
    if (!this.governs(topic) || this.paused !== null) return this.paused !== null && this.governs(topic);
    const now = Date.now();
    if (now - this.lastCheck < (this.opts.checkEveryMs ?? 100)) return false;
    this.lastCheck = now;
    if (!(await this.urgentWaiting())) return false;
    await this.pauseNormal();
    return this.paused !== null;
  }

  private held(): TopicPartition[] {
    try {
      return (this.consumer?.assignment() ?? []) as TopicPartition[];
    } catch {
      return []; // not connected (stopping)
    }
  }

  /** Whether an urgent partition held by this member has committed records past the group's offset. */
  private async urgentWaiting(): Promise<boolean> {
    const admin = this.admin;
    const held = this.held().filter((tp) => this.urgent.includes(tp.topic));
    if (!admin || held.length === 0) return false;
    const committed = new Map<string, bigint>();
    for (const t of await admin.fetchOffsets({ groupId: this.groupId, topics: [...new Set(held.map((tp) => tp.topic))], timeout: 10_000 })) {
      for (const p of t.partitions) committed.set(`${t.topic}/${p.partition}`, BigInt(p.offset));
    }
    for (const topic of new Set(held.map((tp) => tp.topic))) {
      for (const o of await admin.fetchTopicOffsets(topic, { timeout: 10_000, isolationLevel: 1 })) {
        if (!held.some((tp) => tp.topic === topic && tp.partition === o.partition)) continue;
        const done = committed.get(`${topic}/${o.partition}`) ?? -1n;
        if (BigInt(o.high) > (done < BigInt(o.low) ? BigInt(o.low) : done)) return true;
      }
    }
    return false;
  }

  /**
   * Pauses the normal lane's partitions and seeks each to the group's committed offset. Every
   * batch this member decided is committed before the next one starts, so the committed offset
   * is where undecided work begins; the client alone would drop what it had fetched ahead for
   * a partition it had not served yet.
   */
  private async pauseNormal(): Promise<void> {
    const consumer = this.consumer;
    const admin = this.admin;
    const normal = this.held().filter((tp) => this.normal.includes(tp.topic));
    if (!consumer || !admin || normal.length === 0) return;
    const topics = [...new Set(normal.map((tp) => tp.topic))];
    const committed = new Map<string, bigint>();
    for (const t of await admin.fetchOffsets({ groupId: this.groupId, topics, timeout: 10_000 })) {
      for (const p of t.partitions) committed.set(`${t.topic}/${p.partition}`, BigInt(p.offset));
    }
    const low = new Map<string, bigint>();
    for (const topic of topics) for (const o of await admin.fetchTopicOffsets(topic, { timeout: 10_000, isolationLevel: 1 })) low.set(`${topic}/${o.partition}`, BigInt(o.low));
    consumer.pause(byTopic(normal));
    for (const tp of normal) {
      const key = `${tp.topic}/${tp.partition}`;
      const done = committed.get(key) ?? -1n;
      const start = low.get(key) ?? 0n;
      consumer.seek({ topic: tp.topic, partition: tp.partition, offset: String(done >= start ? done : start) });
    }
    this.paused = normal;
    this.scheduleResumeCheck();
  }

  private scheduleResumeCheck(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.urgentWaiting()
        .catch(() => true)
        .then((waiting) => {
          if (waiting && !this.stopped) this.scheduleResumeCheck();
          else this.resumeNormal();
        });
    }, this.opts.resumeCheckMs ?? 100);
  }

  private resumeNormal(): void {
    const paused = this.paused;
    this.paused = null;
    if (!paused || !this.consumer) return;
    try {
      this.consumer.resume(byTopic(paused));
    } catch {
      // stopping: nothing to resume
    }
  }

  /**
   * A rebalance ends a pause: the partitions this member holds afterwards are resumed (a pause
   * must not outlive the urgent records it made way for), and the next normal batch looks again.
   */
  onRebalance(): void {
    if (this.paused === null) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    setTimeout(() => {
      const consumer = this.consumer;
      this.paused = null;
      const normal = this.held().filter((tp) => this.normal.includes(tp.topic));
      if (!consumer || normal.length === 0) return;
      try {
        consumer.resume(byTopic(normal));
      } catch {
        // stopping: nothing to resume
      }
    }, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const admin = this.admin;
    this.admin = null;
    this.consumer = null;
    await admin?.disconnect().catch(() => undefined);
  }
}

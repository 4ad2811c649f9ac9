import { isUrgentLane } from '@vdx/contracts';
import type { Kafka, KafkaAdmin, KafkaConsumer } from './kafka-client';

export interface LaneGovernorOptions {
  /** How often, at most, the urgent lane's end offsets are looked up while normal batches flow. */
  readonly checkEveryMs?: number;
  /** The normal lane resumes once no urgent batch has come for this long. */
  readonly quietMs?: number;
  /** …or after this long in any case, so a steady urgent stream cannot starve the normal lane. */
  readonly maxPauseMs?: number;
}

type TopicPartition = { readonly topic: string; readonly partition: number };

/** How long the governor waits for the broker's answer before it lets the batch go on unpaused. */
const ADMIN_TIMEOUT_MS = 3000;

/**
 * `p`, or a rejection once `ms` have passed. The admin client's own timeouts are not enough: a
 * request made while the broker is away can stay unsettled after it comes back, and a batch, or
 * a shutdown, must never wait on the governor.
 */
function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

const tpKey = (tp: TopicPartition): string => `${tp.topic}/${tp.partition}`;

/** Partitions grouped by topic, as the client's pause and resume take them. */
const byTopic = (tps: readonly TopicPartition[]) => [...new Set(tps.map((tp) => tp.topic))].map((topic) => ({ topic, partitions: tps.filter((tp) => tp.topic === topic).map((tp) => tp.partition) }));

/**
 * Keeps a consumer of both priority lanes (docs/adr/0008-priority-lanes.md) from serving the
 * normal lane while urgent records wait. The client fetches ahead and serves one partition's
 * records until that partition runs dry, so an urgent record fetched after a backlog would
 * wait for the whole backlog.
 *
 * Before a normal batch is decided (at most every `checkEveryMs`), the governor compares each
 * urgent partition's end offset with the group's committed offset. An end past it may be new
 * urgent records, or only the marker a transaction leaves at its end (it takes an offset no
 * consumer ever commits past). So the governor pauses the normal lane, leaves the batch in hand
 * undecided, and lets the client serve whatever the urgent lane holds. Once no urgent batch has
 * come for `quietMs` (or after `maxPauseMs`), the normal lane resumes, and the end offsets seen
 * are remembered as settled: only an end beyond them pauses again.
 *
 * Pausing costs nothing to correctness. A batch left undecided is neither committed nor applied.
 * Paused partitions are sought to the group's committed offset, where undecided work begins: the
 * client alone would drop what it had fetched ahead for a partition it had not served yet.
 */
export class LaneGovernor {
  private readonly urgent: readonly string[];
  private readonly normal: readonly string[];
  private admin: KafkaAdmin | null = null;
  private consumer: KafkaConsumer | null = null;
  private paused: TopicPartition[] | null = null;
  private pausedAt = 0;
  private lastUrgentBatch = 0;
  /** End offsets of urgent partitions that pausing found nothing more to serve below. */
  private readonly settled = new Map<string, bigint>();
  /** End offsets that made the current pause: settled once it ends. */
  private pending = new Map<string, bigint>();
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
    await withDeadline(this.admin.connect(), 30_000, 'the governor connecting');
  }

  /** The admin client, a new one after a failure (one that saw the broker go away may not recover). */
  private async adminClient(): Promise<KafkaAdmin | null> {
    if (this.admin !== null || this.stopped || this.consumer === null) return this.admin;
    const admin = this.kafka.admin();
    await withDeadline(admin.connect(), ADMIN_TIMEOUT_MS, 'the governor reconnecting').catch((err: unknown) => {
      void withDeadline(admin.disconnect(), 5000, 'the governor disconnecting').catch(() => undefined);
      throw err;
    });
    this.admin = admin;
    return admin;
  }

  /** Drops the admin client after a failed request; the next look makes a new one. */
  private dropAdmin(): void {
    const admin = this.admin;
    this.admin = null;
    if (admin) void withDeadline(admin.disconnect(), 5000, 'the governor disconnecting').catch(() => undefined);
  }

  /**
   * Called before a batch of `topic` is decided. True when the batch must be left undecided:
   * urgent records may be waiting and the normal lane has been paused for them.
   */
  async yieldsTo(topic: string): Promise<boolean> {
    if (!this.active) return false;
    if (this.urgent.includes(topic)) {
      this.lastUrgentBatch = Date.now();
      return false;
    }
    if (!this.normal.includes(topic)) return false;
    if (this.paused !== null) return true;
    const now = Date.now();
    if (now - this.lastCheck < (this.opts.checkEveryMs ?? 100)) return false;
    this.lastCheck = now;
    try {
      const waiting = await this.urgentEnds();
      if (waiting.size === 0) return false;
      this.pending = waiting;
      await this.pauseNormal();
    } catch {
      // The broker does not answer the governor (an outage): the batch goes on in arrival order,
      // and the next look, with a new admin client, tries again.
      this.dropAdmin();
      return this.paused !== null;
    }
    return this.paused !== null;
  }

  private held(): TopicPartition[] {
    try {
      return (this.consumer?.assignment() ?? []) as TopicPartition[];
    } catch {
      return []; // not connected (stopping)
    }
  }

  /** The group's committed offset of each partition of `topics`, by `<topic>/<partition>` (-1 when none). */
  private async committedOffsets(admin: KafkaAdmin, topics: readonly string[]): Promise<Map<string, bigint>> {
    const committed = new Map<string, bigint>();
    for (const t of await withDeadline(admin.fetchOffsets({ groupId: this.groupId, topics: [...topics], timeout: ADMIN_TIMEOUT_MS }), ADMIN_TIMEOUT_MS + 1000, 'committed offsets')) {
      for (const p of t.partitions) committed.set(tpKey({ topic: t.topic, partition: p.partition }), BigInt(p.offset));
    }
    return committed;
  }

  /** The urgent partitions held here whose end is past the group's committed offset and not settled, with that end. */
  private async urgentEnds(): Promise<Map<string, bigint>> {
    const admin = await this.adminClient();
    const held = this.held().filter((tp) => this.urgent.includes(tp.topic));
    const out = new Map<string, bigint>();
    if (!admin || held.length === 0) return out;
    const topics = [...new Set(held.map((tp) => tp.topic))];
    const committed = await this.committedOffsets(admin, topics);
    for (const topic of topics) {
      for (const o of await withDeadline(admin.fetchTopicOffsets(topic, { timeout: ADMIN_TIMEOUT_MS, isolationLevel: 1 }), ADMIN_TIMEOUT_MS + 1000, 'end offsets')) {
        const key = tpKey({ topic, partition: o.partition });
        if (!held.some((tp) => tpKey(tp) === key)) continue;
        const end = BigInt(o.high);
        const low = BigInt(o.low);
        const done = committed.get(key) ?? -1n;
        if (end > (done < low ? low : done) && end !== this.settled.get(key)) out.set(key, end);
      }
    }
    return out;
  }

  private async pauseNormal(): Promise<void> {
    const consumer = this.consumer;
    const admin = await this.adminClient();
    const normal = this.held().filter((tp) => this.normal.includes(tp.topic));
    if (!consumer || !admin || normal.length === 0) return;
    const topics = [...new Set(normal.map((tp) => tp.topic))];
    const committed = await this.committedOffsets(admin, topics);
    const low = new Map<string, bigint>();
    for (const topic of topics) for (const o of await withDeadline(admin.fetchTopicOffsets(topic, { timeout: ADMIN_TIMEOUT_MS, isolationLevel: 1 }), ADMIN_TIMEOUT_MS + 1000, 'end offsets')) low.set(tpKey({ topic, partition: o.partition }), BigInt(o.low));
    consumer.pause(byTopic(normal));
    // Held as paused first: whatever happens next, the quiet check resumes them.
    this.paused = normal;
    this.pausedAt = Date.now();
    this.scheduleQuietCheck();
    for (const tp of normal) {
      const done = committed.get(tpKey(tp)) ?? -1n;
      const start = low.get(tpKey(tp)) ?? 0n;
      consumer.seek({ topic: tp.topic, partition: tp.partition, offset: String(done >= start ? done : start) });
    }
  }

  private scheduleQuietCheck(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = Date.now();
      const quiet = now - Math.max(this.pausedAt, this.lastUrgentBatch) >= (this.opts.quietMs ?? 200);
      if (quiet || now - this.pausedAt >= (this.opts.maxPauseMs ?? 2000)) this.resumeNormal(quiet);
      else this.scheduleQuietCheck();
    }, 25);
  }

  private resumeNormal(settle: boolean): void {
    const paused = this.paused;
    this.paused = null;
    // The normal lane gets at least a check interval of batches before the next look.
    this.lastCheck = Date.now();
    if (settle) for (const [key, end] of this.pending) this.settled.set(key, end);
    this.pending = new Map();
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
    this.settled.clear();
    if (this.paused === null) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    setTimeout(() => {
      const consumer = this.consumer;
      this.paused = null;
      this.pending = new Map();
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
    if (admin) await withDeadline(admin.disconnect(), 5000, 'the governor disconnecting').catch(() => undefined);
  }
}

import { Logger } from '@nestjs/common';
import type { BlobStore } from '@vdx/blob-store';
import { laneOf } from '@vdx/contracts';
import { isDue, type Delivery } from '@vdx/delivery-domain';
import type { CommandMeta, SubmittedCommand } from './delivery-commands';
import type { OwnedDelivery } from './delivery-owner';

export type Push = (delivery: Delivery, body: AsyncIterable<Uint8Array>, timeoutMs: number) => Promise<void>;

/** What the scheduler works on: the deliveries this instance owns, and where its results go. */
export interface SchedulerPorts {
  /** The deliveries of the partitions this instance owns right now. */
  readonly owned: () => Iterable<OwnedDelivery>;
  /** Submits commands to the owner of each delivery (this instance, unless a rebalance moved it). */
  readonly submit: (commands: readonly { command: SubmittedCommand; meta: CommandMeta }[]) => Promise<void>;
  readonly blobs: BlobStore;
  readonly push: Push;
  /** Told, each deadline round, of the deliveries owned at that moment (the service's delivery gauges). */
  readonly report?: (owned: Iterable<OwnedDelivery>, now: Date) => void;
}

export interface SchedulerOptions {
  /** How often due pushes are looked for. */
  readonly pushEveryMs: number;
  /** How often missed deadlines are looked for. */
  readonly deadlinesEveryMs: number;
  readonly pushTimeoutMs: number;
  /** Pushes at once, at most. */
  readonly batch: number;
  readonly clock?: () => Date;
}

const SYSTEM = { kind: 'system', id: 'delivery-scheduler' } as const;

/**
 * The delivery service's clock-driven work, on the deliveries this instance owns and on no
 * others: owning a partition is the claim, so each due item is handled by one instance. Pushes
 * queued deliveries whose next attempt is due and submits the outcome as a command (the
 * backoff and the dead letter are the decider's); submits a deadline flag for each one still
 * waiting past its Decree 30 deadline. A delivery whose outcome is on its way is not picked
 * again until its state has moved (or the outcome was lost with a rebalance, after a grace).
 * Each round runs to completion before the next is scheduled; `stop` waits for the one in flight.
 */
export class DeliveryScheduler {
  private readonly logger = new Logger('delivery-scheduler');
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** `<round>:<delivery id>` → the version the delivery had when picked, and when. */
  private readonly picked = new Map<string, { version: number; at: number }>();

  constructor(
    private readonly ports: SchedulerPorts,
    private readonly opts: SchedulerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.loop(() => this.pushDue(), this.opts.pushEveryMs);
    this.loop(() => this.flagOverdue(), this.opts.deadlinesEveryMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await this.running;
  }

  private loop(round: () => Promise<number>, everyMs: number): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.running
        .then(round)
        .catch((err: unknown) => {
          this.logger.warn(`round failed (${(err as Error).message}); retrying next round`);
          return 0;
        })
        .then((done) => {
          // Work left over: go again soon, else wait.
          if (!this.stopped) this.timers.push(setTimeout(tick, done >= this.opts.batch ? 10 : everyMs));
        });
    };
    this.timers.push(setTimeout(tick, 0));
  }

  private now(): Date {
    return (this.opts.clock ?? (() => new Date()))();
  }

  /** Whether the delivery is waiting for an outcome already submitted. */
  private pending(round: string, o: OwnedDelivery, now: number): boolean {
    const k = `${round}:${o.delivery.deliveryId}`;
    const p = this.picked.get(k);
    if (!p) return false;
    if (p.version !== o.delivery.version || now - p.at > this.opts.pushTimeoutMs + 60_000) {
      this.picked.delete(k);
      return false;
    }
    return true;
  }

  /** Up to a batch of owned deliveries that pass `test`: the urgent lane's first, then the normal one's. */
  private select(round: 'push' | 'deadline', test: (o: OwnedDelivery) => boolean): OwnedDelivery[] {
    const now = this.now().getTime();
    const out: OwnedDelivery[] = [];
    for (const lane of ['urgent', 'normal'] as const) {
      for (const o of this.ports.owned()) {
        if (out.length >= this.opts.batch) break;
        if (laneOf(o.delivery.package.priority) === lane && test(o) && !this.pending(round, o, now)) out.push(o);
      }
    }
    for (const o of out) this.picked.set(`${round}:${o.delivery.deliveryId}`, { version: o.delivery.version, at: now });
    return out;
  }

  private meta(o: OwnedDelivery): CommandMeta {
    return { actor: SYSTEM, correlationId: o.correlationId, key: o.key };
  }

  /** Pushes what is due; returns how many were attempted. */
  async pushDue(): Promise<number> {
    const now = this.now();
    const due = this.select('push', (o) => isDue(o.delivery, now));
    const results = await Promise.all(
      due.map(async (o): Promise<SubmittedCommand> => {
        const d = o.delivery;
        try {
          const body = (await this.ports.blobs.get(d.package.bodySha256)) as AsyncIterable<Uint8Array>;
          await this.ports.push(d, body, this.opts.pushTimeoutMs);
          return { kind: 'RecordPushSuccess', deliveryId: d.deliveryId };
        } catch (err) {
          return { kind: 'RecordPushFailure', deliveryId: d.deliveryId, error: (err as Error).message };
        }
      }),
    );
    await this.ports.submit(results.map((command, i) => ({ command, meta: this.meta(due[i]!) })));
    return due.length;
  }

  /** Flags deliveries past their deadline; returns how many. */
  async flagOverdue(): Promise<number> {
    const now = this.now().getTime();
    this.ports.report?.(this.ports.owned(), new Date(now));
    const overdue = this.select('deadline', ({ delivery: d }) => (d.state === 'queued' || d.state === 'dead') && !d.deadlineMissed && Date.parse(d.deadline) <= now);
    await this.ports.submit(overdue.map((o) => ({ command: { kind: 'FlagMissedDeadline', deliveryId: o.delivery.deliveryId } as const, meta: this.meta(o) })));
    return overdue.length;
  }
}

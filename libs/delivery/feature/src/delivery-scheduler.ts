import { Logger } from '@nestjs/common';
import type { BlobStore } from '@vdx/blob-store';
import { newEventId } from '@vdx/contracts';
import type { Delivery } from '@vdx/delivery-domain';
import type { DeliveryCommands } from './delivery-commands';
import type { DeliveryStore } from './delivery-store';

export type Push = (delivery: Delivery, body: AsyncIterable<Uint8Array>, timeoutMs: number) => Promise<void>;

export interface SchedulerOptions {
  /** How often due pushes are looked for. */
  readonly pushEveryMs: number;
  /** How often missed deadlines are looked for. */
  readonly deadlinesEveryMs: number;
  readonly pushTimeoutMs: number;
  readonly batch: number;
  readonly clock?: () => Date;
}

const SYSTEM = { kind: 'system', id: 'delivery-scheduler' } as const;

/**
 * The delivery service's clock-driven work: push queued deliveries whose next attempt is due to
 * their systems' endpoints (the backoff and the dead letter are the decider's), and flag the
 * ones still waiting past their Decree 30 deadline. Each round runs to completion before the next
 * is scheduled; `stop` waits for the round in flight.
 */
export class DeliveryScheduler {
  private readonly logger = new Logger('delivery-scheduler');
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: DeliveryStore,
    private readonly commands: DeliveryCommands,
    private readonly blobs: BlobStore,
    private readonly push: Push,
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
          // Work left over: go again at once, else wait.
          if (!this.stopped) this.timers.push(setTimeout(tick, done >= this.opts.batch ? 0 : everyMs));
        });
    };
    this.timers.push(setTimeout(tick, 0));
  }

  /** Pushes what is due; returns how many were attempted. */
  async pushDue(): Promise<number> {
    const now = (this.opts.clock ?? (() => new Date()))();
    const due = await this.store.due(now, this.opts.batch);
    await Promise.all(
      due.map(async (d) => {
        const meta = { actor: SYSTEM, correlationId: newEventId() };
        try {
          const body = (await this.blobs.get(d.package.bodySha256)) as AsyncIterable<Uint8Array>;
          await this.push(d, body, this.opts.pushTimeoutMs);
          await this.commands.execute({ kind: 'RecordPushSuccess', deliveryId: d.deliveryId }, meta);
        } catch (err) {
          const { events } = await this.commands.execute({ kind: 'RecordPushFailure', deliveryId: d.deliveryId, error: (err as Error).message }, meta);
          if (events.some((e) => e.type === 'vdx.delivery.DeliveryDeadLettered')) this.logger.warn(`delivery ${d.deliveryId} dead-lettered after ${d.attempts + 1} attempts: ${(err as Error).message}`);
        }
      }),
    );
    return due.length;
  }

  /** Flags deliveries past their deadline; returns how many. */
  async flagOverdue(): Promise<number> {
    const now = (this.opts.clock ?? (() => new Date()))();
    const overdue = await this.store.overdue(now, this.opts.batch);
    for (const d of overdue) await this.commands.execute({ kind: 'FlagMissedDeadline', deliveryId: d.deliveryId }, { actor: SYSTEM, correlationId: newEventId() });
    return overdue.length;
  }
}

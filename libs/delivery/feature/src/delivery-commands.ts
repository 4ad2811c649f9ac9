import { createEvent, type EventDefinition, type EventEnvelope } from '@vdx/contracts';
import { DELIVERY_EVENT_DEFINITIONS, DeliveryError, decide, evolve, type Delivery, type DeliveryCommand, type DeliveryEvent, type DeliveryPolicy } from '@vdx/delivery-domain';
import type { DeliveryStore } from './delivery-store';

/** Appends events durably (acks=all) before resolving. */
export type AppendEvents = (events: readonly EventEnvelope[]) => Promise<void>;

export interface CommandMeta {
  readonly actor: { readonly kind: 'agency' | 'operator' | 'system'; readonly id: string };
  readonly correlationId: string;
}

/** What a command did: the events appended (none when it changed nothing) and the state after. */
export interface CommandResult {
  readonly events: readonly DeliveryEvent[];
  readonly delivery: Delivery;
}

/** One envelope per event, numbered after `fromVersion`. */
export function envelopesOf(deliveryId: string, events: readonly DeliveryEvent[], fromVersion: number, meta: CommandMeta, now: Date): EventEnvelope[] {
  return events.map((e, i) =>
    createEvent(DELIVERY_EVENT_DEFINITIONS[e.type] as EventDefinition<unknown>, {
      aggregateId: deliveryId,
      aggregateSeq: fromVersion + i + 1,
      payload: e.payload,
      actor: meta.actor,
      correlationId: meta.correlationId,
      occurredAt: now,
    }),
  );
}

/**
 * The delivery service's command side for fetch, acknowledge, push results, redrive and deadline
 * flags: load the delivery, decide, append the events, then move the stored state forward.
 * Commands on one delivery run one at a time in this process. If the process dies between the
 * append and the store write, a retry decides against the older state and may append an event
 * again with the same aggregate sequence; readers keep one event per (delivery, sequence).
 */
export class DeliveryCommands {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: DeliveryStore,
    private readonly append: AppendEvents,
    private readonly opts: { clock?: () => Date; policy?: DeliveryPolicy } = {},
  ) {}

  execute(command: Exclude<DeliveryCommand, { kind: 'Queue' }>, meta: CommandMeta): Promise<CommandResult> {
    const id = command.deliveryId;
    const previous = this.locks.get(id) ?? Promise.resolve();
    const run = previous.then(() => this.run(command, meta));
    const settled = run.catch(() => undefined);
    this.locks.set(id, settled);
    void settled.then(() => {
      if (this.locks.get(id) === settled) this.locks.delete(id);
    });
    return run;
  }

  private async run(command: Exclude<DeliveryCommand, { kind: 'Queue' }>, meta: CommandMeta): Promise<CommandResult> {
    const state = await this.store.get(command.deliveryId);
    const now = (this.opts.clock ?? (() => new Date()))();
    const events = decide(command, state, { now, ...(this.opts.policy ? { policy: this.opts.policy } : {}) });
    if (!state) throw new DeliveryError('DELIVERY.UNKNOWN_DELIVERY', 'deliveryId', `no delivery ${command.deliveryId}`);
    if (events.length === 0) return { events, delivery: state };
    await this.append(envelopesOf(command.deliveryId, events, state.version, meta, now));
    const next = events.reduce<Delivery>((s, e) => evolve(s, e, now.toISOString()) ?? s, state);
    await this.store.advance(next, state.version);
    return { events, delivery: next };
  }
}

import { DeliveryCommandAnsweredEvent, DeliveryCommandSubmittedEvent, createEvent, isEvent, newEventId, type Actor, type DeliveryCommandSubmitted, type EventEnvelope, type TraceContext } from '@vdx/contracts';
import { DeliveryError, type DeliveryErrorCode } from '@vdx/delivery-domain';
import { NotOwnedHere, type EventHandler, type Outgoing } from '@vdx/messaging';
import type { StoredDelivery } from './delivery-store';

/** Appends records durably (acks=all) before resolving. */
export type Publish = (items: readonly Outgoing[]) => Promise<void>;

/** The commands a caller may submit on a delivery (queueing is the owner's own). */
export type SubmittedCommand =
  | { readonly kind: 'Fetch'; readonly deliveryId: string; readonly systemId: string }
  | { readonly kind: 'Acknowledge'; readonly deliveryId: string; readonly systemId: string; readonly result: 'done' | 'fail'; readonly reason?: string }
  | { readonly kind: 'Redrive'; readonly deliveryId: string; readonly operator: string }
  | { readonly kind: 'RecordPushSuccess'; readonly deliveryId: string }
  | { readonly kind: 'RecordPushFailure'; readonly deliveryId: string; readonly error: string }
  | { readonly kind: 'FlagMissedDeadline'; readonly deliveryId: string };

export interface CommandMeta {
  readonly actor: Actor;
  /** The correlation id of the send the delivery belongs to. */
  readonly correlationId: string;
  /** The record key of the delivery (its document's key): the command reaches the partition's owner. */
  readonly key: string;
  readonly trace?: TraceContext | null;
}

/**
 * Decides a command on this instance when it owns the delivery (committing its events in the
 * owner's own transaction) and resolves with the delivery after it; null, or a rejection with
 * `NotOwnedHere`, when another instance owns it.
 */
export type LocalCommands = (command: DeliveryCommandSubmitted, actor: Actor) => Promise<StoredDelivery> | null;

export interface DeliveryCommandsOptions {
  readonly commandsTopic: string;
  /** This instance's name on the answers it waits for. */
  readonly replyTo: string;
  /** How long a caller waits for the owner's answer. */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly resolve: (d: StoredDelivery) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Submits commands to the partition that owns the delivery and, for callers that wait (the
 * gRPC API), hands them the owner's answer: the delivery after the command, or its coded
 * refusal. Nothing here decides anything; any instance may submit, exactly one decides.
 */
export class DeliveryCommands {
  private readonly pending = new Map<string, Pending>();
  private local: LocalCommands | null = null;

  constructor(
    private readonly publish: Publish,
    private readonly opts: DeliveryCommandsOptions,
  ) {}

  /** The owner of this instance's partitions, once it runs: its deliveries' commands are decided here. */
  attachLocal(local: LocalCommands): void {
    this.local = local;
  }

  /**
   * Decides the command on this instance when it owns the delivery; else submits it to the
   * owner through the command topic and waits for the answer (`DELIVERY.UNAVAILABLE` after the
   * timeout). Either way exactly one instance decides, in the partition's turn.
   */
  async execute(command: SubmittedCommand, meta: CommandMeta): Promise<StoredDelivery> {
    const commandId = newEventId();
    const here = this.local?.(payloadOf(commandId, command, null), meta.actor);
    if (here) {
      try {
        return await here;
      } catch (err) {
        if (err instanceof DeliveryError) throw err;
        if (!(err instanceof NotOwnedHere)) throw new DeliveryError('DELIVERY.UNAVAILABLE', `the command could not be recorded (${(err as Error).message}); nothing changed, retry`, { path: 'delivery_id' });
        // Owned no longer (a rebalance) or not yet fenced here: the owner decides it through the topic.
      }
    }
    const answered = new Promise<StoredDelivery>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(commandId);
        reject(new DeliveryError('DELIVERY.UNAVAILABLE', `no answer about delivery ${command.deliveryId} within ${this.timeoutMs} ms; retry (a command is applied at most once)`, { path: 'delivery_id' }));
      }, this.timeoutMs);
      this.pending.set(commandId, { resolve, reject, timer });
    });
    try {
      await this.publish([this.record(commandId, command, meta, this.opts.replyTo)]);
    } catch (err) {
      const p = this.pending.get(commandId);
      if (p) clearTimeout(p.timer);
      this.pending.delete(commandId);
      throw new DeliveryError('DELIVERY.UNAVAILABLE', `the command could not be recorded (${(err as Error).message}); nothing changed`, { path: 'delivery_id' });
    }
    return answered;
  }

  /** Submits without waiting (the scheduler's push results and deadline flags). */
  async submit(commands: readonly { command: SubmittedCommand; meta: CommandMeta }[]): Promise<void> {
    await this.publish(commands.map(({ command, meta }) => this.record(newEventId(), command, meta, null)));
  }

  /** Hands an answer to the caller waiting for it; answers for other instances, or late ones, are ignored. */
  answer(event: EventEnvelope): void {
    if (!isEvent(DeliveryCommandAnsweredEvent, event)) return;
    const a = event.payload;
    const p = this.pending.get(a.commandId);
    if (!p) return;
    this.pending.delete(a.commandId);
    clearTimeout(p.timer);
    if (a.ok && a.delivery) p.resolve(JSON.parse(a.delivery) as StoredDelivery);
    else p.reject(new DeliveryError((a.errorCode ?? 'DELIVERY.UNKNOWN_DELIVERY') as DeliveryErrorCode, a.message ?? 'refused', { path: a.errorPath ?? 'delivery_id' }));
  }

  /** The consumer handler that feeds {@link answer}. */
  get handler(): EventHandler {
    return {
      handle: async ({ event }) => this.answer(event),
      handleBatch: async (items) => {
        for (const { event } of items) this.answer(event);
      },
    };
  }

  /** Fails every caller still waiting (shutdown). */
  close(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new DeliveryError('DELIVERY.UNAVAILABLE', 'the delivery service is shutting down; retry', { path: 'delivery_id' }));
      this.pending.delete(id);
    }
  }

  private get timeoutMs(): number {
    return this.opts.timeoutMs ?? 30_000;
  }

  private record(commandId: string, c: SubmittedCommand, meta: CommandMeta, replyTo: string | null): Outgoing {
    const event = createEvent(DeliveryCommandSubmittedEvent, {
      aggregateId: c.deliveryId,
      aggregateSeq: 1,
      actor: meta.actor,
      correlationId: meta.correlationId,
      trace: meta.trace ?? null,
      payload: payloadOf(commandId, c, replyTo),
    });
    return { topic: this.opts.commandsTopic, event, key: meta.key };
  }
}

function payloadOf(commandId: string, c: SubmittedCommand, replyTo: string | null): DeliveryCommandSubmitted {
  return {
    commandId,
    kind: c.kind,
    deliveryId: c.deliveryId,
    systemId: 'systemId' in c ? c.systemId : null,
    result: 'result' in c ? c.result : null,
    reason: 'reason' in c && c.reason !== undefined ? c.reason : null,
    operator: 'operator' in c ? c.operator : null,
    error: 'error' in c ? c.error : null,
    replyTo,
  };
}

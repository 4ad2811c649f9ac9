import { laneTopics, type DeliveryCommandAnswered, type EventEnvelope } from '@vdx/contracts';
import type { DeliveryPolicy } from '@vdx/delivery-domain';
import type { Outgoing } from '@vdx/messaging';
import { DeliveryCommands, type CommandMeta, type SubmittedCommand } from '../delivery-commands';
import { DeliveryOwner, type OwnedDelivery } from '../delivery-owner';

/** The topics of the harness's owner. */
export const EVENTS = 'test.delivery.events';
export const REPLIES = 'test.delivery.replies';
export const COMMANDS = 'test.delivery.commands';

export interface OwnerHarnessOptions {
  /** The owner's clock until a test moves `now`; default 2026-11-30 09:00 in Vietnam (a Monday). */
  readonly now?: Date;
  /** The owner's delivery policy; default the owner's own. */
  readonly policy?: DeliveryPolicy;
}

/**
 * The owner of partition 0 with its log in memory, for the owner's unit specs: each input is
 * decided in a "transaction" that either commits (its events, in either lane, join `log`; its
 * answers go to `replies` and to the command bus `commands`, whose submissions are decided the
 * same way) or is abandoned.
 */
export class OwnerHarness {
  readonly log: EventEnvelope[] = [];
  readonly replies: EventEnvelope<DeliveryCommandAnswered>[] = [];
  now: Date;
  owner: DeliveryOwner;
  readonly commands: DeliveryCommands;
  private readonly policy: DeliveryPolicy | undefined;

  constructor(options: OwnerHarnessOptions = {}) {
    this.now = options.now ?? new Date('2026-11-30T02:00:00Z');
    this.policy = options.policy;
    this.owner = this.newOwner();
    this.commands = new DeliveryCommands(async (items) => {
      for (const o of items) await this.decide(o.event);
    }, { commandsTopic: COMMANDS, replyTo: 'test-instance', timeoutMs: 1000 });
  }

  /** Another owner of the same log (a restart, a rebalance). */
  newOwner(): DeliveryOwner {
    return new DeliveryOwner({
      eventsTopic: EVENTS,
      repliesTopic: REPLIES,
      readPartition: async (_p, onEvents) => {
        onEvents([...this.log]);
        return this.log.length;
      },
      clock: () => this.now,
      ...(this.policy ? { policy: this.policy } : {}),
    });
  }

  async decide(event: EventEnvelope, commit = true): Promise<Outgoing[]> {
    await this.owner.ready(0);
    const out = [...(await this.owner.process({ event, record: { topic: 'in', partition: 0, offset: '0', key: null, value: null, headers: {} } }))];
    this.owner.settle(0, commit);
    if (commit) {
      for (const o of out) {
        if (laneTopics(EVENTS).includes(o.topic)) this.log.push(o.event);
        if (o.topic === REPLIES) {
          this.replies.push(o.event as EventEnvelope<DeliveryCommandAnswered>);
          this.commands.answer(o.event);
        }
      }
    }
    return out;
  }

  get(id: string): OwnedDelivery {
    const found = [...this.owner.owned()].find((o) => o.delivery.deliveryId === id);
    if (!found) throw new Error(`no ${id}`);
    return found;
  }

  /** The delivery's state, or undefined when the owner has none with that id. */
  state(id: string): string | undefined {
    return [...this.owner.owned()].find((o) => o.delivery.deliveryId === id)?.delivery.state;
  }

  meta(id: string): CommandMeta {
    const o = this.get(id);
    return { actor: { kind: 'system', id: 'test' }, correlationId: o.correlationId, key: o.key };
  }

  exec(command: SubmittedCommand) {
    return this.commands.execute(command, this.meta(command.deliveryId));
  }
}

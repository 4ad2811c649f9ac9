import {
  DeliveryAcknowledgedEvent,
  DeliveryAttemptFailedEvent,
  DeliveryDeadLetteredEvent,
  DeliveryDeadlineMissedEvent,
  DeliveryFetchedEvent,
  DeliveryQueuedEvent,
  DeliveryRedrivenEvent,
  DeliveryWithdrawnEvent,
} from '@vdx/contracts';
import type { Delivery, DeliveryEvent, DeliveryState } from './delivery';
import type { DeliveryCommand } from './commands';
import { workingDayDeadline } from './deadline';
import { DeliveryError } from './delivery.error';
import { MAX_REASON_LENGTH, identifier, optionalText, pushError, requiredText } from './fields';
import { DEFAULT_DELIVERY_POLICY, backoffDelayMs, checkPolicy, type DeliveryPolicy } from './policy';

/** What a decision may look at besides the delivery's own state. */
export interface DecideContext {
  readonly now: Date;
  /** Retry policy; {@link DEFAULT_DELIVERY_POLICY} when absent. */
  readonly policy?: DeliveryPolicy;
  /** Public holidays (`yyyy-MM-dd`, Vietnam) for the Decree 30 deadline. */
  readonly holidays?: readonly string[];
}

function existing(state: DeliveryState, deliveryId: string): Delivery {
  if (state === null) throw new DeliveryError('DELIVERY.UNKNOWN_DELIVERY', `delivery ${deliveryId} is not known`, { path: 'deliveryId' });
  return state;
}

function bySystem(delivery: Delivery, systemId: string): void {
  if (systemId !== delivery.systemId) {
    throw new DeliveryError('DELIVERY.WRONG_SYSTEM', `delivery ${delivery.deliveryId} is for system ${delivery.systemId}, not ${systemId}`, { path: 'systemId' });
  }
}

function notWithdrawn(delivery: Delivery): void {
  if (delivery.state === 'withdrawn') {
    throw new DeliveryError('DELIVERY.WITHDRAWN', `delivery ${delivery.deliveryId} was withdrawn`, { path: 'deliveryId' });
  }
}

/**
 * The Delivery aggregate's decider: checks a command against the delivery's state and returns
 * the events that record it. Pure: the clock and the policy come in through the context. A
 * refused command throws a {@link DeliveryError}; a command that would change nothing (a second
 * Queue, a fetch again, the same acknowledgement, a push result that arrives after the delivery
 * moved on) returns `[]`, so redelivered commands are harmless.
 */
export function decide(command: DeliveryCommand, state: DeliveryState, ctx: DecideContext): DeliveryEvent[] {
  const now = ctx.now;
  switch (command.kind) {
    case 'Queue': {
      const r = command.routed;
      const deliveryId = identifier(r.deliveryId, 'routed.deliveryId');
      const systemId = identifier(r.systemId, 'routed.systemId');
      const recipientCode = identifier(r.recipientCode, 'routed.recipientCode');
      const deliverToCode = identifier(r.deliverToCode, 'routed.deliverToCode');
      identifier(command.package.packageId, 'package.packageId');
      if (state !== null) return [];
      const deadline = workingDayDeadline(now, { holidays: ctx.holidays ?? [] }).toISOString();
      return [
        {
          type: DeliveryQueuedEvent.type,
          payload: {
            deliveryId,
            package: command.package,
            recipientCode,
            deliverToCode,
            systemId,
            endpoint: r.endpoint ?? null,
            route: r.route,
            via: [...r.via],
            deadline,
          },
        },
      ];
    }
    case 'RecordPushFailure': {
      const delivery = existing(state, command.deliveryId);
      const policy = checkPolicy(ctx.policy ?? DEFAULT_DELIVERY_POLICY);
      const error = pushError(command.error);
      // A push result that arrives after the delivery moved on (fetched meanwhile, withdrawn, …).
      if (delivery.state !== 'queued') return [];
      const deliveryId = delivery.deliveryId;
      const attempt = delivery.attempts + 1;
      if (attempt >= policy.maxAttempts) {
        return [
          { type: DeliveryAttemptFailedEvent.type, payload: { deliveryId, attempt, error, nextAttemptAt: null } },
          { type: DeliveryDeadLetteredEvent.type, payload: { deliveryId, attempts: attempt, lastError: error } },
        ];
      }
      const nextAttemptAt = new Date(now.getTime() + backoffDelayMs(attempt, policy)).toISOString();
      return [{ type: DeliveryAttemptFailedEvent.type, payload: { deliveryId, attempt, error, nextAttemptAt } }];
    }
    case 'RecordPushSuccess': {
      const delivery = existing(state, command.deliveryId);
      // A late success wins over dead: the recipient has the package after all.
      if (delivery.state !== 'queued' && delivery.state !== 'dead') return [];
      return [{ type: DeliveryFetchedEvent.type, payload: { deliveryId: delivery.deliveryId, systemId: delivery.systemId, via: 'push' } }];
    }
    case 'Fetch': {
      const delivery = existing(state, command.deliveryId);
      bySystem(delivery, command.systemId);
      notWithdrawn(delivery);
      if (delivery.state !== 'queued' && delivery.state !== 'dead') return [];
      return [{ type: DeliveryFetchedEvent.type, payload: { deliveryId: delivery.deliveryId, systemId: delivery.systemId, via: 'fetch' } }];
    }
    case 'Acknowledge': {
      const delivery = existing(state, command.deliveryId);
      bySystem(delivery, command.systemId);
      const result = command.result;
      if (result !== 'done' && result !== 'fail') {
        throw new DeliveryError('DELIVERY.INVALID_FIELD', `result must be done or fail, not ${JSON.stringify(result)}`, { path: 'result' });
      }
      const reason =
        result === 'fail' ? requiredText(command.reason, 'reason', MAX_REASON_LENGTH) : optionalText(command.reason, 'reason', MAX_REASON_LENGTH);
      notWithdrawn(delivery);
      if (delivery.state === 'queued' || delivery.state === 'dead') {
        throw new DeliveryError('DELIVERY.NOT_FETCHED', `delivery ${delivery.deliveryId} has not been fetched yet`, { path: 'deliveryId' });
      }
      if (delivery.state === 'acknowledged' || delivery.state === 'failed') {
        if (delivery.ackResult === result) return [];
        throw new DeliveryError(
          'DELIVERY.ALREADY_ACKNOWLEDGED',
          `delivery ${delivery.deliveryId} was already acknowledged with result ${delivery.ackResult ?? 'unknown'}`,
          { path: 'result' },
        );
      }
      return [{ type: DeliveryAcknowledgedEvent.type, payload: { deliveryId: delivery.deliveryId, systemId: delivery.systemId, result, reason } }];
    }
    case 'Redrive': {
      const delivery = existing(state, command.deliveryId);
      const operator = requiredText(command.operator, 'operator', MAX_REASON_LENGTH);
      if (delivery.state !== 'dead') {
        throw new DeliveryError('DELIVERY.NOT_DEAD', `delivery ${delivery.deliveryId} is ${delivery.state}, not dead`, { path: 'deliveryId' });
      }
      return [{ type: DeliveryRedrivenEvent.type, payload: { deliveryId: delivery.deliveryId, operator } }];
    }
    case 'FlagMissedDeadline': {
      const delivery = existing(state, command.deliveryId);
      if (delivery.state !== 'queued' && delivery.state !== 'dead') return [];
      if (delivery.deadlineMissed || Date.parse(delivery.deadline) > now.getTime()) return [];
      return [{ type: DeliveryDeadlineMissedEvent.type, payload: { deliveryId: delivery.deliveryId, deadline: delivery.deadline } }];
    }
    case 'Withdraw': {
      const delivery = existing(state, command.deliveryId);
      const byPackageId = identifier(command.byPackageId, 'byPackageId');
      if (delivery.state === 'withdrawn') return [];
      return [{ type: DeliveryWithdrawnEvent.type, payload: { deliveryId: delivery.deliveryId, byPackageId } }];
    }
  }
}

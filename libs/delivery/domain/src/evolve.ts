import {
  DeliveryAcknowledgedEvent,
  DeliveryAttemptFailedEvent,
  DeliveryDeadLetteredEvent,
  DeliveryDeadlineMissedEvent,
  DeliveryFetchedEvent,
  DeliveryQueuedEvent,
  DeliveryRedrivenEvent,
  DeliveryStatusRecordedEvent,
  DeliveryWithdrawnEvent,
} from '@vdx/contracts';
import type { Delivery, DeliveryEvent, DeliveryState } from './delivery';

/**
 * Folds one event into the delivery's state. `occurredAt` is the envelope's time (ISO-8601); it
 * stamps `queuedAt`, `fetchedAt` and `acknowledgedAt`. Pure and total: an event that cannot apply
 * (anything but DeliveryQueued on an unknown delivery) leaves the state as it is, so a replay
 * never stops.
 */
export function evolve(state: DeliveryState, event: DeliveryEvent, occurredAt: string): DeliveryState {
  if (event.type === DeliveryQueuedEvent.type) {
    const p = event.payload;
    return {
      deliveryId: p.deliveryId,
      packageId: p.package.packageId,
      recipientCode: p.recipientCode,
      deliverToCode: p.deliverToCode,
      systemId: p.systemId,
      endpoint: p.endpoint,
      route: p.route,
      via: p.via,
      state: 'queued',
      attempts: 0,
      nextAttemptAt: null,
      lastError: null,
      deadline: p.deadline,
      deadlineMissed: false,
      queuedAt: occurredAt,
      fetchedAt: null,
      acknowledgedAt: null,
      ackResult: null,
      ackReason: null,
      package: p.package,
      version: (state?.version ?? 0) + 1,
    };
  }
  if (state === null) return null;
  const next = (changes: Partial<Delivery>): Delivery => ({ ...state, ...changes, version: state.version + 1 });
  switch (event.type) {
    case DeliveryAttemptFailedEvent.type: {
      const p = event.payload;
      return next({ attempts: p.attempt, nextAttemptAt: p.nextAttemptAt, lastError: p.error });
    }
    case DeliveryDeadLetteredEvent.type: {
      const p = event.payload;
      return next({ state: 'dead', attempts: p.attempts, lastError: p.lastError, nextAttemptAt: null });
    }
    case DeliveryFetchedEvent.type:
      return next({ state: 'fetched', fetchedAt: state.fetchedAt ?? occurredAt, nextAttemptAt: null });
    case DeliveryAcknowledgedEvent.type: {
      const p = event.payload;
      const done = p.result === 'done';
      return next({ state: done ? 'acknowledged' : 'failed', ackResult: done ? 'done' : 'fail', ackReason: p.reason, acknowledgedAt: occurredAt });
    }
    case DeliveryRedrivenEvent.type:
      return next({ state: 'queued', attempts: 0, nextAttemptAt: null });
    case DeliveryDeadlineMissedEvent.type:
      return next({ deadlineMissed: true });
    case DeliveryWithdrawnEvent.type:
      return next({ state: 'withdrawn', nextAttemptAt: null });
    case DeliveryStatusRecordedEvent.type:
      return next({});
  }
}

/** The state after every event, in order, each stamped with the same `occurredAt`. */
export function fold(events: readonly DeliveryEvent[], occurredAt: string, initial: DeliveryState = null): DeliveryState {
  return events.reduce<DeliveryState>((state, event) => evolve(state, event, occurredAt), initial);
}

/**
 * The push scheduler's question: should it push this delivery now? Yes when it is queued, its
 * system has an endpoint, and its next attempt is due (`nextAttemptAt` null means "now").
 */
export function isDue(state: DeliveryState, now: Date): boolean {
  if (state === null || state.state !== 'queued' || state.endpoint === null) return false;
  return state.nextAttemptAt === null || Date.parse(state.nextAttemptAt) <= now.getTime();
}

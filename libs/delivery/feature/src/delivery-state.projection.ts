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
  documentKey,
  isEvent,
  type EventEnvelope,
} from '@vdx/contracts';
import type { Projection, ReadModelWrite } from '@vdx/event-sourcing';

export const DELIVERIES_COLLECTION = 'delivery_state';

/** `statuses.<packageId>-<code>`: one entry per status package and code, so recording again changes nothing. */
export function statusField(packageId: string, code: string): string {
  return `statuses.${packageId.replace(/\./g, '_')}-${code}`;
}

/**
 * Each delivery's current state, one document per delivery id, folded from the delivery
 * service's events alone: every event sets the fields it changes (the writer's guard applies
 * each event once, in order). The document also keeps the correlation id of the send and the
 * key its commands are submitted under. `vdx replay delivery-state` rebuilds it from offset zero.
 */
export function deliveryStateProjection(topic: string, name = 'delivery-state', collection = DELIVERIES_COLLECTION): Projection {
  return {
    name,
    topics: [topic],
    collections: [collection],
    project(event: EventEnvelope): ReadModelWrite[] {
      const write = (id: string, $set: Record<string, unknown>, creates = false): ReadModelWrite[] => [
        { collection, id, ...(creates ? { creates } : {}), update: { $set: { ...$set, version: event.aggregateSeq } } },
      ];
      if (isEvent(DeliveryQueuedEvent, event)) {
        const p = event.payload;
        return write(
          p.deliveryId,
          {
            deliveryId: p.deliveryId,
            packageId: p.package.packageId,
            recipientCode: p.recipientCode,
            deliverToCode: p.deliverToCode,
            systemId: p.systemId,
            endpoint: p.endpoint,
            route: p.route,
            via: [...p.via],
            state: 'queued',
            attempts: 0,
            nextAttemptAt: null,
            lastError: null,
            deadline: p.deadline,
            deadlineMissed: false,
            queuedAt: event.occurredAt,
            fetchedAt: null,
            acknowledgedAt: null,
            ackResult: null,
            ackReason: null,
            package: p.package,
            correlationId: event.correlationId,
            commandKey: documentKey(p.package),
          },
          true,
        );
      }
      if (isEvent(DeliveryAttemptFailedEvent, event)) {
        const p = event.payload;
        return write(p.deliveryId, { attempts: p.attempt, nextAttemptAt: p.nextAttemptAt, lastError: p.error });
      }
      if (isEvent(DeliveryDeadLetteredEvent, event)) {
        const p = event.payload;
        return write(p.deliveryId, { state: 'dead', attempts: p.attempts, lastError: p.lastError, nextAttemptAt: null });
      }
      if (isEvent(DeliveryFetchedEvent, event)) {
        // Fetched only ever follows queued or dead, where fetchedAt is still null.
        return write(event.payload.deliveryId, { state: 'fetched', fetchedAt: event.occurredAt, nextAttemptAt: null });
      }
      if (isEvent(DeliveryAcknowledgedEvent, event)) {
        const p = event.payload;
        const done = p.result === 'done';
        return write(p.deliveryId, { state: done ? 'acknowledged' : 'failed', ackResult: done ? 'done' : 'fail', ackReason: p.reason, acknowledgedAt: event.occurredAt });
      }
      if (isEvent(DeliveryRedrivenEvent, event)) {
        return write(event.payload.deliveryId, { state: 'queued', attempts: 0, nextAttemptAt: null });
      }
      if (isEvent(DeliveryDeadlineMissedEvent, event)) {
        return write(event.payload.deliveryId, { deadlineMissed: true });
      }
      if (isEvent(DeliveryWithdrawnEvent, event)) {
        return write(event.payload.deliveryId, { state: 'withdrawn', nextAttemptAt: null });
      }
      if (isEvent(DeliveryStatusRecordedEvent, event)) {
        const p = event.payload;
        return write(p.deliveryId, { [statusField(p.packageId, p.code)]: { code: p.code, at: p.at, description: p.description, packageId: p.packageId } });
      }
      return [];
    },
  };
}

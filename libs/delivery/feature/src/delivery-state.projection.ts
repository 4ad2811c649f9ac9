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
  isUrgentLane,
  laneTopics,
  type EventEnvelope,
  type Lane,
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
    topics: [...laneTopics(topic)],
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
            // A fetch of the delivery continues the send's trace (vdx.delivery.v1 Delivery.traceparent).
            trace: event.trace,
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

export const INBOX_COLLECTION = 'delivery_inbox';

/** The recipient of a delivery: its id is `<packageId>/<recipientCode>` (routing's contract). */
export function recipientOfDelivery(deliveryId: string): string {
  return deliveryId.slice(deliveryId.lastIndexOf('/') + 1);
}

/** The agency codes and delivery ids the inbox keys are built from never contain it. */
const INBOX_KEY_SEPARATOR = '|';

/** `<recipientCode>|<0 urgent, 1 normal>|`: where a recipient's open inbox (or one lane of it) starts. */
export function inboxPrefix(recipientCode: string, lane?: Lane): string {
  return `${recipientCode}${INBOX_KEY_SEPARATOR}${lane === undefined ? '' : `${lane === 'urgent' ? '0' : '1'}${INBOX_KEY_SEPARATOR}`}`;
}

/**
 * `<recipientCode>|<0 urgent, 1 normal>|<deliveryId>`: an open delivery's entry in its
 * recipient's inbox. A page of the inbox is then a range of `_id`s, urgent first, then by
 * delivery id (which starts with the package's UUIDv7), answered from the `_id` index.
 */
export function inboxEntryId(recipientCode: string, lane: Lane, deliveryId: string): string {
  return `${inboxPrefix(recipientCode, lane)}${deliveryId}`;
}

/** Leaving these states takes a delivery out of the open inbox. */
const CLOSING = new Set<string>([DeliveryAcknowledgedEvent.type, DeliveryWithdrawnEvent.type]);

/**
 * Each recipient's open inbox, one document per open delivery ({@link inboxEntryId}), so a
 * listing reads one `_id` range per recipient. An entry holds the delivery as `delivery_state`
 * does while it is queued, fetched or dead, and is deleted once it is acknowledged (done or fail)
 * or withdrawn: that is the last event that writes it. The entries are written by the same rules
 * as `delivery_state` (each event sets the fields it changes), without the business statuses.
 * The lane is the topic's: a delivery's events all travel the lane it was queued in.
 */
export function deliveryInboxProjection(topic: string, name = 'delivery-inbox', collection = INBOX_COLLECTION): Projection {
  const state = deliveryStateProjection(topic, `${name}-entries`, 'unused');
  return {
    name,
    topics: [...laneTopics(topic)],
    collections: [collection],
    project(event: EventEnvelope, position): ReadModelWrite[] {
      const deliveryId = (event.payload as { deliveryId?: unknown }).deliveryId;
      if (typeof deliveryId !== 'string' || !deliveryId.includes('/')) return [];
      const id = inboxEntryId(recipientOfDelivery(deliveryId), isUrgentLane(position.topic) ? 'urgent' : 'normal', deliveryId);
      if (CLOSING.has(event.type)) return [{ collection, id, deletes: true, update: {} }];
      // Statuses mostly come after the acknowledgement, when the entry is gone: the inbox leaves
      // them (and the version they bump) to delivery_state, so they never bring an entry back.
      if (event.type === DeliveryStatusRecordedEvent.type) return [];
      return state.project(event, position).map((w) => ({ ...w, collection, id }));
    },
  };
}

export const DEAD_COLLECTION = 'delivery_dead';

/**
 * After these a dead-lettered delivery is no longer dead: its entry in `delivery_dead` goes. Not
 * the acknowledgement: it only ever follows a fetch (`DELIVERY.NOT_FETCHED`), which already took
 * the entry away, so every acknowledgement would add a delete of nothing to the batch.
 */
const REVIVING = new Set<string>([DeliveryFetchedEvent.type, DeliveryRedrivenEvent.type, DeliveryWithdrawnEvent.type]);

/**
 * The dead-lettered deliveries, one small document per delivery (`_id` its delivery id), so
 * `ListDead` pages through an `_id` range of a collection as small as the dead letters are few,
 * instead of filtering every delivery. An entry is written when its delivery is dead-lettered
 * and deleted when it is fetched, redriven or withdrawn; one dead-lettered again
 * gets a new entry. Entries point into `delivery_state`, where the listing reads the deliveries.
 * A redelivered event may bring an entry back for a moment: the events after it, redelivered
 * too, delete it again (the listing only shows deliveries `delivery_state` has as dead).
 */
export function deliveryDeadProjection(topic: string, name = 'delivery-dead', collection = DEAD_COLLECTION): Projection {
  return {
    name,
    topics: [...laneTopics(topic)],
    collections: [collection],
    project(event: EventEnvelope): ReadModelWrite[] {
      if (isEvent(DeliveryDeadLetteredEvent, event)) {
        const p = event.payload;
        return [{ collection, id: p.deliveryId, creates: true, update: { $set: { deadAt: event.occurredAt, attempts: p.attempts, version: event.aggregateSeq } } }];
      }
      const deliveryId = (event.payload as { deliveryId?: unknown }).deliveryId;
      if (REVIVING.has(event.type) && typeof deliveryId === 'string') return [{ collection, id: deliveryId, deletes: true, update: {} }];
      return [];
    },
  };
}

/** The physical collections of the delivery read models. */
export interface DeliveryReadModelCollections {
  readonly state: string;
  readonly inbox: string;
  readonly dead: string;
}

export const DELIVERY_READ_MODELS: DeliveryReadModelCollections = { state: DELIVERIES_COLLECTION, inbox: INBOX_COLLECTION, dead: DEAD_COLLECTION };

/**
 * The delivery read models from one consumer group, so they never drift apart: each batch
 * writes `delivery_state` first, then `delivery_inbox` and `delivery_dead`, so an item listed in
 * an inbox or among the dead letters is always known by its id. `vdx replay delivery-state`
 * rebuilds all three.
 */
export function deliveryReadModelsProjection(topic: string, name = 'delivery-state', collections: DeliveryReadModelCollections = DELIVERY_READ_MODELS): Projection {
  const state = deliveryStateProjection(topic, name, collections.state);
  const inbox = deliveryInboxProjection(topic, name, collections.inbox);
  const dead = deliveryDeadProjection(topic, name, collections.dead);
  return {
    name,
    topics: [...laneTopics(topic)],
    collections: [collections.state, collections.inbox, collections.dead],
    project: (event, position) => [...state.project(event, position), ...inbox.project(event, position), ...dead.project(event, position)],
  };
}

import type { PackageRef, RoutedDelivery } from '@vdx/contracts';
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
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import type { Decider } from '@vdx/event-sourcing';
import { DeciderSpecification } from '@vdx/event-sourcing/testing';
import type { DeliveryCommand } from '../commands';
import { decide, type DecideContext } from '../decide';
import type { DeliveryEvent, DeliveryState } from '../delivery';
import { DeliveryError } from '../delivery.error';
import { evolve } from '../evolve';

/** Fixed clock of the scenarios: Wednesday 07:00 in Vietnam. */
export const NOW = new Date('2026-07-01T00:00:00.000Z');
/** 17:00 Vietnam time on NOW's day. */
export const DEADLINE = '2026-07-01T10:00:00.000Z';
/** Envelope time of the events in a history. */
export const AT = '2026-07-01T00:00:00.000Z';

export const PACKAGE_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
export const RECIPIENT = '000.00.32.H53';
export const DELIVERY_ID = `${PACKAGE_ID}/${RECIPIENT}`;
export const SYSTEM = 'qlvb-so-tc';
export const ENDPOINT = 'https://qlvb.sotc.tayninh.gov.vn/edxml';

export const PKG: PackageRef = packageRefWith({
  packageId: PACKAGE_ID,
  senderCode: '000.00.00.H53',
  systemId: 'qlvb-ubnd',
  recipientCodes: [RECIPIENT],
  documentId: '000.00.00.H53,2026/07/01,123/UBND-VP',
  businessDocType: '0',
  subject: 'Về việc triển khai trục liên thông',
  priority: '0',
  bodySha256: 'ab'.repeat(32),
  bodySize: 4096,
  acceptedAt: '2026-06-30T23:59:00.000Z',
});

export const ROUTED: RoutedDelivery = {
  deliveryId: DELIVERY_ID,
  requestedCode: RECIPIENT,
  recipientCode: RECIPIENT,
  deliverToCode: RECIPIENT,
  systemId: SYSTEM,
  endpoint: ENDPOINT,
  route: 'direct',
  via: [],
};

/**
 * The Delivery aggregate as a {@link Decider}: the history's events are all stamped {@link AT}
 * (the envelope time `evolve` records as `queuedAt`, `fetchedAt`, `acknowledgedAt`).
 */
export const deliveryDecider: Decider<DeliveryCommand, DeliveryEvent, DeliveryState, DecideContext> = {
  decide,
  evolve: (state, event) => evolve(state, event, AT),
  initialState: () => null,
};

/**
 * Given/when/then for the decider: `given` holds the delivery's past events; `when` runs a
 * command at {@link NOW} unless its context says otherwise; a refusal is a {@link DeliveryError}
 * at `deliveryId` unless the scenario names another path.
 */
export const delivery = DeciderSpecification.for(deliveryDecider, { context: { now: NOW }, refusal: { type: DeliveryError, fields: { path: 'deliveryId' } } });

export const queued = (changes: { endpoint?: string | null; deadline?: string } = {}): DeliveryEvent => ({
  type: DeliveryQueuedEvent.type,
  payload: {
    deliveryId: DELIVERY_ID,
    package: PKG,
    recipientCode: RECIPIENT,
    deliverToCode: RECIPIENT,
    systemId: SYSTEM,
    endpoint: changes.endpoint === undefined ? ENDPOINT : changes.endpoint,
    route: 'direct',
    via: [],
    deadline: changes.deadline ?? DEADLINE,
  },
});

export const attemptFailed = (attempt: number, nextAttemptAt: string | null = '2026-07-01T00:00:02.000Z', error = 'ECONNREFUSED'): DeliveryEvent => ({
  type: DeliveryAttemptFailedEvent.type,
  payload: { deliveryId: DELIVERY_ID, attempt, error, nextAttemptAt },
});

export const deadLettered = (attempts = 8, lastError = 'ECONNREFUSED'): DeliveryEvent => ({
  type: DeliveryDeadLetteredEvent.type,
  payload: { deliveryId: DELIVERY_ID, attempts, lastError },
});

/** The history of a delivery whose pushes all failed (default policy: 8 attempts). */
export const dead = (attempts = 8): DeliveryEvent[] => [
  queued(),
  ...Array.from({ length: attempts - 1 }, (_, i) => attemptFailed(i + 1)),
  attemptFailed(attempts, null),
  deadLettered(attempts),
];

export const fetched = (via: 'fetch' | 'push' = 'fetch'): DeliveryEvent => ({
  type: DeliveryFetchedEvent.type,
  payload: { deliveryId: DELIVERY_ID, systemId: SYSTEM, via },
});

export const acknowledged = (result: 'done' | 'fail' = 'done', reason: string | null = null): DeliveryEvent => ({
  type: DeliveryAcknowledgedEvent.type,
  payload: { deliveryId: DELIVERY_ID, systemId: SYSTEM, result, reason },
});

export const redriven = (operator = 'ops.nguyen'): DeliveryEvent => ({ type: DeliveryRedrivenEvent.type, payload: { deliveryId: DELIVERY_ID, operator } });

export const deadlineMissed = (deadline = DEADLINE): DeliveryEvent => ({ type: DeliveryDeadlineMissedEvent.type, payload: { deliveryId: DELIVERY_ID, deadline } });

export const withdrawn = (byPackageId = '0190a1b2-0000-7000-8000-000000000015'): DeliveryEvent => ({
  type: DeliveryWithdrawnEvent.type,
  payload: { deliveryId: DELIVERY_ID, byPackageId },
});

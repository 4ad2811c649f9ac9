import type { PackageRef, RoutedDelivery } from '@vdx/contracts';
import type { DeliveryCommand } from './commands';
import { decide, type DecideContext } from './decide';
import type { DeliveryEvent } from './delivery';
import { DeliveryError } from './delivery.error';
import { fold } from './evolve';

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

export const PKG: PackageRef = {
  packageId: PACKAGE_ID,
  kind: 'edoc',
  senderCode: '000.00.00.H53',
  systemId: 'qlvb-ubnd',
  recipientCodes: [RECIPIENT],
  documentId: '000.00.00.H53,2026/07/01,123/UBND-VP',
  businessDocType: '0',
  relatedDocumentId: null,
  statusCode: null,
  subject: 'Về việc triển khai trục liên thông',
  priority: '0',
  dueDate: null,
  bodySha256: 'ab'.repeat(32),
  bodySize: 4096,
  acceptedAt: '2026-06-30T23:59:00.000Z',
};

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
 * Given/when/then for the decider: `given` holds the delivery's past events (all stamped
 * {@link AT}); `when` runs a command at {@link NOW} unless the context says otherwise.
 */
export function given(history: readonly DeliveryEvent[] = []) {
  const state = fold(history, AT);
  return {
    when(command: DeliveryCommand, ctx: Partial<DecideContext> = {}) {
      const run = () => decide(command, state, { now: NOW, ...ctx });
      return {
        then(expected: readonly DeliveryEvent[]): void {
          expect(run()).toEqual(expected);
        },
        thenRefused(code: string, path = 'deliveryId'): DeliveryError {
          let error: unknown;
          try {
            run();
          } catch (err) {
            error = err;
          }
          expect(error).toBeInstanceOf(DeliveryError);
          expect({ code: (error as DeliveryError).code, path: (error as DeliveryError).path }).toEqual({ code, path });
          return error as DeliveryError;
        },
      };
    },
  };
}

export const queued = (changes: { endpoint?: string | null; deadline?: string } = {}): DeliveryEvent => ({
  type: 'vdx.delivery.DeliveryQueued',
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
  type: 'vdx.delivery.DeliveryAttemptFailed',
  payload: { deliveryId: DELIVERY_ID, attempt, error, nextAttemptAt },
});

export const deadLettered = (attempts = 8, lastError = 'ECONNREFUSED'): DeliveryEvent => ({
  type: 'vdx.delivery.DeliveryDeadLettered',
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
  type: 'vdx.delivery.DeliveryFetched',
  payload: { deliveryId: DELIVERY_ID, systemId: SYSTEM, via },
});

export const acknowledged = (result: 'done' | 'fail' = 'done', reason: string | null = null): DeliveryEvent => ({
  type: 'vdx.delivery.DeliveryAcknowledged',
  payload: { deliveryId: DELIVERY_ID, systemId: SYSTEM, result, reason },
});

export const redriven = (operator = 'ops.nguyen'): DeliveryEvent => ({ type: 'vdx.delivery.DeliveryRedriven', payload: { deliveryId: DELIVERY_ID, operator } });

export const deadlineMissed = (deadline = DEADLINE): DeliveryEvent => ({ type: 'vdx.delivery.DeliveryDeadlineMissed', payload: { deliveryId: DELIVERY_ID, deadline } });

export const withdrawn = (byPackageId = '0190a1b2-0000-7000-8000-000000000015'): DeliveryEvent => ({
  type: 'vdx.delivery.DeliveryWithdrawn',
  payload: { deliveryId: DELIVERY_ID, byPackageId },
});

import type {
  DeliveryAcknowledged,
  DeliveryAttemptFailed,
  DeliveryDeadLettered,
  DeliveryDeadlineMissed,
  DeliveryFetched,
  DeliveryQueued,
  DeliveryRedriven,
  DeliveryStatusRecorded,
  DeliveryWithdrawn,
  EventDefinition,
  PackageRef,
} from '@vdx/contracts';
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

/**
 * Transport state of one delivery:
 * `queued` (waiting in the inbox, pushes pending), `fetched` (the recipient system has it),
 * `acknowledged` (it confirmed `done`), `failed` (it confirmed `fail`), `dead` (pushing gave
 * up; an operator may redrive it, a fetch still works), `withdrawn` (recalled).
 */
export type TransportState = 'queued' | 'fetched' | 'acknowledged' | 'failed' | 'dead' | 'withdrawn';

/** Everything the delivery service knows about one recipient's copy of a package. */
export interface Delivery {
  /** `<packageId>/<recipientCode>`: the aggregate id. */
  readonly deliveryId: string;
  readonly packageId: string;
  readonly recipientCode: string;
  /** The agency whose connected system receives it. */
  readonly deliverToCode: string;
  /** The only system that may fetch and acknowledge it. */
  readonly systemId: string;
  /** Push endpoint, when the system takes pushes. */
  readonly endpoint: string | null;
  /** How routing reached the recipient: `direct`, `successor`, `ancestor`, `successor+ancestor`. */
  readonly route: string;
  /** Codes routing passed: retired codes followed, then ancestors climbed. */
  readonly via: readonly string[];
  readonly state: TransportState;
  /** Failed push attempts since it was (re)queued. */
  readonly attempts: number;
  /** When the next push is due; null means "now" (or never, when not queued). */
  readonly nextAttemptAt: string | null;
  readonly lastError: string | null;
  /** Decree 30 deadline (ISO-8601). */
  readonly deadline: string;
  readonly deadlineMissed: boolean;
  readonly queuedAt: string;
  readonly fetchedAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly ackResult: 'done' | 'fail' | null;
  readonly ackReason: string | null;
  readonly package: PackageRef;
  /** Number of events folded so far: the aggregate sequence of the latest one. */
  readonly version: number;
}

/** `null` until the delivery is queued. */
export type DeliveryState = Delivery | null;

/** The events of the Delivery aggregate, as decide returns them and evolve folds them. */
export type DeliveryEvent =
  | { readonly type: typeof DeliveryQueuedEvent.type; readonly payload: DeliveryQueued }
  | { readonly type: typeof DeliveryAttemptFailedEvent.type; readonly payload: DeliveryAttemptFailed }
  | { readonly type: typeof DeliveryFetchedEvent.type; readonly payload: DeliveryFetched }
  | { readonly type: typeof DeliveryAcknowledgedEvent.type; readonly payload: DeliveryAcknowledged }
  | { readonly type: typeof DeliveryDeadLetteredEvent.type; readonly payload: DeliveryDeadLettered }
  | { readonly type: typeof DeliveryRedrivenEvent.type; readonly payload: DeliveryRedriven }
  | { readonly type: typeof DeliveryDeadlineMissedEvent.type; readonly payload: DeliveryDeadlineMissed }
  | { readonly type: typeof DeliveryWithdrawnEvent.type; readonly payload: DeliveryWithdrawn }
  /** A business status about the delivered document, recorded on it (changes no transport state). */
  | { readonly type: typeof DeliveryStatusRecordedEvent.type; readonly payload: DeliveryStatusRecorded };

export type DeliveryEventType = DeliveryEvent['type'];

/** The contract definition (schemas and versions) behind each event type. */
export const DELIVERY_EVENT_DEFINITIONS: {
  readonly [T in DeliveryEventType]: EventDefinition<Extract<DeliveryEvent, { type: T }>['payload'], T>;
} = {
  [DeliveryQueuedEvent.type]: DeliveryQueuedEvent,
  [DeliveryAttemptFailedEvent.type]: DeliveryAttemptFailedEvent,
  [DeliveryFetchedEvent.type]: DeliveryFetchedEvent,
  [DeliveryAcknowledgedEvent.type]: DeliveryAcknowledgedEvent,
  [DeliveryDeadLetteredEvent.type]: DeliveryDeadLetteredEvent,
  [DeliveryRedrivenEvent.type]: DeliveryRedrivenEvent,
  [DeliveryDeadlineMissedEvent.type]: DeliveryDeadlineMissedEvent,
  [DeliveryWithdrawnEvent.type]: DeliveryWithdrawnEvent,
  [DeliveryStatusRecordedEvent.type]: DeliveryStatusRecordedEvent,
};

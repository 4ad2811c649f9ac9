import type { Schema } from 'avsc';
import { defineEvent } from '../catalogue';
import { withPackageRefVersions, type PackageRef } from './package-ref';

// Events of the delivery service (aggregate id = delivery id `<packageId>/<recipientCode>`,
// topic `vdx.delivery.events.v1`). Transport state only: business statuses (01…16) are
// packages of their own.

const ns = 'vdx.delivery.v1';
const optionalString = ['null', 'string'];

/** A package waits in a recipient's inbox. */
export interface DeliveryQueued {
  readonly deliveryId: string;
  readonly package: PackageRef;
  readonly recipientCode: string;
  readonly deliverToCode: string;
  readonly systemId: string;
  readonly endpoint: string | null;
  readonly route: string;
  readonly via: readonly string[];
  /** Decree 30: when it must have been taken in (end of the working day, ISO-8601). */
  readonly deadline: string;
}

const deliveryQueuedSchema = (packageRef: Schema): Schema => ({
  type: 'record',
  name: 'DeliveryQueued',
  namespace: ns,
  fields: [
    { name: 'deliveryId', type: 'string' },
    { name: 'package', type: packageRef },
    { name: 'recipientCode', type: 'string' },
    { name: 'deliverToCode', type: 'string' },
    { name: 'systemId', type: 'string' },
    { name: 'endpoint', type: optionalString, default: null },
    { name: 'route', type: 'string' },
    { name: 'via', type: { type: 'array', items: 'string' } },
    { name: 'deadline', type: 'string' },
  ],
});

export const DeliveryQueuedEvent = defineEvent<'vdx.delivery.DeliveryQueued', DeliveryQueued>('vdx.delivery.DeliveryQueued', withPackageRefVersions(ns, deliveryQueuedSchema));

/** A push to the recipient system's endpoint failed; another follows at `nextAttemptAt` unless null. */
export interface DeliveryAttemptFailed {
  readonly deliveryId: string;
  readonly attempt: number;
  readonly error: string;
  readonly nextAttemptAt: string | null;
}

export const DeliveryAttemptFailedEvent = defineEvent<'vdx.delivery.DeliveryAttemptFailed', DeliveryAttemptFailed>('vdx.delivery.DeliveryAttemptFailed', [
  {
    type: 'record',
    name: 'DeliveryAttemptFailed',
    namespace: ns,
    fields: [
      { name: 'deliveryId', type: 'string' },
      { name: 'attempt', type: 'int' },
      { name: 'error', type: 'string' },
      { name: 'nextAttemptAt', type: optionalString, default: null },
    ],
  },
]);

/** The recipient system has the package: it fetched it, or its endpoint took a push. */
export interface DeliveryFetched {
  readonly deliveryId: string;
  readonly systemId: string;
  /** `fetch` or `push` */
  readonly via: string;
}

export const DeliveryFetchedEvent = defineEvent<'vdx.delivery.DeliveryFetched', DeliveryFetched>('vdx.delivery.DeliveryFetched', [
  {
    type: 'record',
    name: 'DeliveryFetched',
    namespace: ns,
    fields: [
      { name: 'deliveryId', type: 'string' },
      { name: 'systemId', type: 'string' },
      { name: 'via', type: 'string' },
    ],
  },
]);

/** The recipient system confirmed the delivery: `done` (taken in) or `fail` (with a reason). */
export interface DeliveryAcknowledged {
  readonly deliveryId: string;
  readonly systemId: string;
  readonly result: string;
  readonly reason: string | null;
}

export const DeliveryAcknowledgedEvent = defineEvent<'vdx.delivery.DeliveryAcknowledged', DeliveryAcknowledged>('vdx.delivery.DeliveryAcknowledged', [
  {
    type: 'record',
    name: 'DeliveryAcknowledged',
    namespace: ns,
    fields: [
      { name: 'deliveryId', type: 'string' },
      { name: 'systemId', type: 'string' },
      { name: 'result', type: 'string' },
      { name: 'reason', type: optionalString, default: null },
    ],
  },
]);

/** Pushing gave up after the maximum number of attempts; an operator may redrive it. */
export interface DeliveryDeadLettered {
  readonly deliveryId: string;
  readonly attempts: number;
  readonly lastError: string;
}

export const DeliveryDeadLetteredEvent = defineEvent<'vdx.delivery.DeliveryDeadLettered', DeliveryDeadLettered>('vdx.delivery.DeliveryDeadLettered', [
  {
    type: 'record',
    name: 'DeliveryDeadLettered',
    namespace: ns,
    fields: [
      { name: 'deliveryId', type: 'string' },
      { name: 'attempts', type: 'int' },
      { name: 'lastError', type: 'string' },
    ],
  },
]);

/** An operator sent a dead-lettered delivery back to the queue. */
export interface DeliveryRedriven {
  readonly deliveryId: string;
  readonly operator: string;
}

export const DeliveryRedrivenEvent = defineEvent<'vdx.delivery.DeliveryRedriven', DeliveryRedriven>('vdx.delivery.DeliveryRedriven', [
  {
    type: 'record',
    name: 'DeliveryRedriven',
    namespace: ns,
    fields: [
      { name: 'deliveryId', type: 'string' },
      { name: 'operator', type: 'string' },
    ],
  },
]);

/** Decree 30: the package was not taken in by its deadline. */
export interface DeliveryDeadlineMissed {
  readonly deliveryId: string;
  readonly deadline: string;
}

export const DeliveryDeadlineMissedEvent = defineEvent<'vdx.delivery.DeliveryDeadlineMissed', DeliveryDeadlineMissed>('vdx.delivery.DeliveryDeadlineMissed', [
  {
    type: 'record',
    name: 'DeliveryDeadlineMissed',
    namespace: ns,
    fields: [
      { name: 'deliveryId', type: 'string' },
      { name: 'deadline', type: 'string' },
    ],
  },
]);

/**
 * The recipient's copy is withdrawn: the sender recalled it (13) and the recipient agreed (15),
 * or the sender revoked, updated (removing the recipient) or replaced the document.
 */
export interface DeliveryWithdrawn {
  readonly deliveryId: string;
  /** The package id of the agreeing status, or of the revoke, update or replacement. */
  readonly byPackageId: string;
}

export const DeliveryWithdrawnEvent = defineEvent<'vdx.delivery.DeliveryWithdrawn', DeliveryWithdrawn>('vdx.delivery.DeliveryWithdrawn', [
  {
    type: 'record',
    name: 'DeliveryWithdrawn',
    namespace: ns,
    fields: [
      { name: 'deliveryId', type: 'string' },
      { name: 'byPackageId', type: 'string' },
    ],
  },
]);


/** A business status (01…06, 13, 15, 16) reported about the delivered document, recorded on this delivery. */
export interface DeliveryStatusRecorded {
  readonly deliveryId: string;
  readonly code: string;
  /** When the status package was accepted (ISO-8601). */
  readonly at: string;
  readonly description: string;
  /** The status package's id. */
  readonly packageId: string;
}

export const DeliveryStatusRecordedEvent = defineEvent<'vdx.delivery.DeliveryStatusRecorded', DeliveryStatusRecorded>('vdx.delivery.DeliveryStatusRecorded', [
  {
    type: 'record',
    name: 'DeliveryStatusRecorded',
    namespace: ns,
    fields: [
      { name: 'deliveryId', type: 'string' },
      { name: 'code', type: 'string' },
      { name: 'at', type: 'string' },
      { name: 'description', type: 'string' },
      { name: 'packageId', type: 'string' },
    ],
  },
]);

/**
 * A command on a delivery, as submitted to the partition that owns it (topic
 * `vdx.delivery.commands.v1`, keyed like the delivery's events). The owner decides it against the
 * delivery's state and answers on `vdx.delivery.replies.v1` when `replyTo` is set.
 */
export interface DeliveryCommandSubmitted {
  readonly commandId: string;
  /** `Fetch`, `Acknowledge`, `Redrive`, `RecordPushSuccess`, `RecordPushFailure` or `FlagMissedDeadline`. */
  readonly kind: string;
  readonly deliveryId: string;
  readonly systemId: string | null;
  readonly result: string | null;
  readonly reason: string | null;
  readonly operator: string | null;
  readonly error: string | null;
  /** The instance waiting for the answer; null when nobody waits (the scheduler). */
  readonly replyTo: string | null;
}

export const DeliveryCommandSubmittedEvent = defineEvent<'vdx.delivery.DeliveryCommandSubmitted', DeliveryCommandSubmitted>('vdx.delivery.DeliveryCommandSubmitted', [
  {
    type: 'record',
    name: 'DeliveryCommandSubmitted',
    namespace: ns,
    fields: [
      { name: 'commandId', type: 'string' },
      { name: 'kind', type: 'string' },
      { name: 'deliveryId', type: 'string' },
      { name: 'systemId', type: optionalString, default: null },
      { name: 'result', type: optionalString, default: null },
      { name: 'reason', type: optionalString, default: null },
      { name: 'operator', type: optionalString, default: null },
      { name: 'error', type: optionalString, default: null },
      { name: 'replyTo', type: optionalString, default: null },
    ],
  },
]);

/** How the owner decided a submitted command: the delivery after it (JSON), or the coded refusal. */
export interface DeliveryCommandAnswered {
  readonly commandId: string;
  readonly replyTo: string;
  readonly deliveryId: string;
  readonly ok: boolean;
  readonly errorCode: string | null;
  readonly errorPath: string | null;
  readonly message: string | null;
  /** The delivery's state after the command, as JSON; null when refused. */
  readonly delivery: string | null;
}

export const DeliveryCommandAnsweredEvent = defineEvent<'vdx.delivery.DeliveryCommandAnswered', DeliveryCommandAnswered>('vdx.delivery.DeliveryCommandAnswered', [
  {
    type: 'record',
    name: 'DeliveryCommandAnswered',
    namespace: ns,
    fields: [
      { name: 'commandId', type: 'string' },
      { name: 'replyTo', type: 'string' },
      { name: 'deliveryId', type: 'string' },
      { name: 'ok', type: 'boolean' },
      { name: 'errorCode', type: optionalString, default: null },
      { name: 'errorPath', type: optionalString, default: null },
      { name: 'message', type: optionalString, default: null },
      { name: 'delivery', type: optionalString, default: null },
    ],
  },
]);

/** Commands and answers: the owner's traffic, not facts about a delivery. */
export const DELIVERY_COMMAND_EVENTS = [DeliveryCommandSubmittedEvent, DeliveryCommandAnsweredEvent] as const;

export const DELIVERY_EVENTS = [
  DeliveryQueuedEvent,
  DeliveryAttemptFailedEvent,
  DeliveryFetchedEvent,
  DeliveryAcknowledgedEvent,
  DeliveryDeadLetteredEvent,
  DeliveryRedrivenEvent,
  DeliveryDeadlineMissedEvent,
  DeliveryWithdrawnEvent,
  DeliveryStatusRecordedEvent,
] as const;

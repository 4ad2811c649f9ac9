import type { Schema } from 'avsc';
import { defineEvent } from '../catalogue';
import { packageRefSchema, withPackageRefVersions, type PackageRef } from './package-ref';

// Decisions of the routing service (aggregate id = package id, topic `vdx.routing.events.v1`).

const ns = 'vdx.routing.v1';
const optionalString = ['null', 'string'];

/** One recipient's delivery, and how routing reached it. */
export interface RoutedDelivery {
  /** `<packageId>/<recipientCode>`: the delivery's aggregate id downstream. */
  readonly deliveryId: string;
  /** The code the package named. */
  readonly requestedCode: string;
  /** The agency the document is for now (the successor when the requested one was retired). */
  readonly recipientCode: string;
  /** The agency whose connected system receives it (the recipient, or its nearest connected ancestor). */
  readonly deliverToCode: string;
  readonly systemId: string;
  /** Push endpoint of that system, when it has one. */
  readonly endpoint: string | null;
  /** `direct`, `successor`, `ancestor`, or `successor+ancestor`. */
  readonly route: string;
  /** Codes passed: retired codes followed to the successor, then ancestors climbed. */
  readonly via: readonly string[];
}

/** A recipient routing could not reach. */
export interface UnroutableRecipient {
  readonly requestedCode: string;
  /** e.g. `ROUTING.UNKNOWN_RECIPIENT`, `ROUTING.RETIRED_WITHOUT_SUCCESSOR`, `ROUTING.NOT_CONNECTED` */
  readonly errorCode: string;
  readonly reason: string;
}

const unroutableSchema: Schema = {
  type: 'array',
  items: {
    type: 'record',
    name: 'UnroutableRecipient',
    namespace: ns,
    fields: [
      { name: 'requestedCode', type: 'string' },
      { name: 'errorCode', type: 'string' },
      { name: 'reason', type: 'string' },
    ],
  },
};

/** The package goes to these recipients (and, when listed, not to those). */
export interface PackageRouted {
  readonly package: PackageRef;
  readonly deliveries: readonly RoutedDelivery[];
  readonly unroutable: readonly UnroutableRecipient[];
}

const packageRoutedSchema = (packageRef: Schema): Schema => ({
  type: 'record',
  name: 'PackageRouted',
  namespace: ns,
  fields: [
    { name: 'package', type: packageRef },
    {
      name: 'deliveries',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'RoutedDelivery',
          namespace: ns,
          fields: [
            { name: 'deliveryId', type: 'string' },
            { name: 'requestedCode', type: 'string' },
            { name: 'recipientCode', type: 'string' },
            { name: 'deliverToCode', type: 'string' },
            { name: 'systemId', type: 'string' },
            { name: 'endpoint', type: optionalString, default: null },
            { name: 'route', type: 'string' },
            { name: 'via', type: { type: 'array', items: 'string' } },
          ],
        },
      },
    },
    { name: 'unroutable', type: unroutableSchema },
  ],
});

export const PackageRoutedEvent = defineEvent<'vdx.routing.PackageRouted', PackageRouted>('vdx.routing.PackageRouted', withPackageRefVersions(ns, packageRoutedSchema));

/** No recipient could be reached, or the package may not be routed at all (e.g. a status about a document the sender never received). */
export interface RoutingRejected {
  readonly package: PackageRef;
  readonly errorCode: string;
  readonly reason: string;
  readonly unroutable: readonly UnroutableRecipient[];
}

const routingRejectedSchema = (packageRef: Schema): Schema => ({
  type: 'record',
  name: 'RoutingRejected',
  namespace: ns,
  fields: [
    { name: 'package', type: packageRef },
    { name: 'errorCode', type: 'string' },
    { name: 'reason', type: 'string' },
    { name: 'unroutable', type: unroutableSchema },
  ],
});

export const RoutingRejectedEvent = defineEvent<'vdx.routing.RoutingRejected', RoutingRejected>('vdx.routing.RoutingRejected', withPackageRefVersions(ns, routingRejectedSchema));

/** One recipient's business-status progress on a document. */
export interface RecipientProgressEntry {
  readonly recipientCode: string;
  /** The last processing status (01…06), null before any. */
  readonly last: string | null;
  /** `none`, `requested` (13), `agreed` (15) or `refused` (16). */
  readonly recall: string;
}

/**
 * What routing knows of a document after a decision (aggregate id = DocumentId, record key = the
 * DocumentId): its issuer, the recipients it went to, each one's progress. The whole state,
 * so the latest event of a document is its state.
 */
export interface DocumentChanged {
  readonly documentId: string;
  readonly senderCode: string;
  readonly recipientCodes: readonly string[];
  readonly progress: readonly RecipientProgressEntry[];
  /** The package whose routing changed it. */
  readonly packageId: string;
}

export const DocumentChangedEvent = defineEvent<'vdx.routing.DocumentChanged', DocumentChanged>('vdx.routing.DocumentChanged', [
  {
    type: 'record',
    name: 'DocumentChanged',
    namespace: ns,
    fields: [
      { name: 'documentId', type: 'string' },
      { name: 'senderCode', type: 'string' },
      { name: 'recipientCodes', type: { type: 'array', items: 'string' } },
      {
        name: 'progress',
        type: {
          type: 'array',
          items: {
            type: 'record',
            name: 'RecipientProgressEntry',
            fields: [
              { name: 'recipientCode', type: 'string' },
              { name: 'last', type: optionalString, default: null },
              { name: 'recall', type: 'string' },
            ],
          },
        },
      },
      { name: 'packageId', type: 'string' },
    ],
  },
]);

/**
 * Routing decided that a revoke (1), an update's receiver list (2) or a replacement (3) withdraws
 * an earlier document at some of its recipients (docs/domain.md §4). Aggregate id = the package
 * id of the revoke, update or replacement (its decisions: PackageRouted is sequence 1, these
 * follow); record key = the withdrawn document's DocumentId, so the delivery owner of that
 * document's copies decides each withdrawal against the copy's own state. Always in the normal
 * lane, with the withdrawn document's own records.
 */
export interface DocumentWithdrawn {
  /** The earlier document whose copies are withdrawn. */
  readonly documentId: string;
  /** Its recipients (as routing registered them) whose copies are withdrawn. */
  readonly recipientCodes: readonly string[];
  /** The revoke, update or replacement that withdraws it. */
  readonly package: PackageRef;
}

export const DocumentWithdrawnEvent = defineEvent<'vdx.routing.DocumentWithdrawn', DocumentWithdrawn>('vdx.routing.DocumentWithdrawn', [
  {
    type: 'record',
    name: 'DocumentWithdrawn',
    namespace: ns,
    fields: [
      { name: 'documentId', type: 'string' },
      { name: 'recipientCodes', type: { type: 'array', items: 'string' } },
      { name: 'package', type: packageRefSchema(ns) },
    ],
  },
]);

export const ROUTING_EVENTS = [PackageRoutedEvent, RoutingRejectedEvent, DocumentChangedEvent, DocumentWithdrawnEvent] as const;

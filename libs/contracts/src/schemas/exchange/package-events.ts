import type { Schema } from 'avsc';
import { defineEvent } from '../catalogue';
import { packageFieldsSchema, type PackageFields } from './package-ref';

// Events of the gateway, the edge of the axis (aggregate id = package id, topic
// `vdx.gateway.events.v1`). Bytes never travel here: the package body is in the blob store
// under its SHA-256.

const ns = 'vdx.exchange.v1';
const optionalString = ['null', 'string'];

/** One attachment as the gateway decoded it while streaming the body. */
export interface AttachmentSummary {
  readonly contentId: string | null;
  readonly name: string | null;
  readonly contentType: string | null;
  readonly size: number;
  readonly sha256: string;
}

/** A validation finding (`@vdx/edxml`) kept with the package: warnings on acceptance, errors on rejection. */
export interface PackageFinding {
  readonly code: string;
  readonly path: string;
  readonly severity: string;
  readonly message: string;
}

const findingSchema: Schema = {
  type: 'record',
  name: 'PackageFinding',
  namespace: ns,
  fields: [
    { name: 'code', type: 'string' },
    { name: 'path', type: 'string' },
    { name: 'severity', type: 'string' },
    { name: 'message', type: 'string' },
  ],
};

/**
 * The gateway took a package in: the body is stored, the edXML is readable and valid enough to
 * route, and the sending system may act for `senderCode`. Downstream, the signature service
 * checks it and routing delivers it.
 */
export interface PackageAccepted extends PackageFields {
  readonly attachments: readonly AttachmentSummary[];
  readonly warnings: readonly PackageFinding[];
  /** What identifies a resend of the same package (docs/architecture.md invariant 8). */
  readonly idempotencyKey: string;
  /** The client's own id for the send, when it gave one. */
  readonly clientRef: string | null;
}

export const PackageAcceptedEvent = defineEvent<'vdx.gateway.PackageAccepted', PackageAccepted>('vdx.gateway.PackageAccepted', [
  {
    type: 'record',
    name: 'PackageAccepted',
    namespace: ns,
    fields: [
      ...packageFieldsSchema(),
      {
        name: 'attachments',
        type: {
          type: 'array',
          items: {
            type: 'record',
            name: 'AttachmentSummary',
            namespace: ns,
            fields: [
              { name: 'contentId', type: optionalString, default: null },
              { name: 'name', type: optionalString, default: null },
              { name: 'contentType', type: optionalString, default: null },
              { name: 'size', type: 'long' },
              { name: 'sha256', type: 'string' },
            ],
          },
        },
      },
      { name: 'warnings', type: { type: 'array', items: findingSchema } },
      { name: 'idempotencyKey', type: 'string' },
      { name: 'clientRef', type: optionalString, default: null },
    ],
  },
]);

/**
 * The gateway refused a package it could read the sender of: unreadable or invalid edXML, a
 * body over the limits. The bytes are kept (when any arrived) as evidence.
 */
export interface PackageRejected {
  readonly packageId: string;
  readonly senderCode: string | null;
  readonly systemId: string;
  readonly errorCode: string;
  readonly reason: string;
  readonly findings: readonly PackageFinding[];
  readonly bodySha256: string | null;
  readonly bodySize: number;
  readonly clientRef: string | null;
}

export const PackageRejectedEvent = defineEvent<'vdx.gateway.PackageRejected', PackageRejected>('vdx.gateway.PackageRejected', [
  {
    type: 'record',
    name: 'PackageRejected',
    namespace: ns,
    fields: [
      { name: 'packageId', type: 'string' },
      { name: 'senderCode', type: optionalString, default: null },
      { name: 'systemId', type: 'string' },
      { name: 'errorCode', type: 'string' },
      { name: 'reason', type: 'string' },
      { name: 'findings', type: { type: 'array', items: findingSchema } },
      { name: 'bodySha256', type: optionalString, default: null },
      { name: 'bodySize', type: 'long' },
      { name: 'clientRef', type: optionalString, default: null },
    ],
  },
]);

/** Every gateway event definition, in the order they were introduced. */
export const GATEWAY_EVENTS = [PackageAcceptedEvent, PackageRejectedEvent] as const;

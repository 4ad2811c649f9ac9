import { defineEvent } from '../catalogue';

// Events of the directory's Agency aggregate (aggregate id = agency code, topic
// `vdx.directory.events.v1`). Types are chosen once; changes are additive (new versions).

const ns = 'vdx.directory.v1';
const optionalString = ['null', 'string'];

/** A new agency code enters the directory. `parentCode` is null for level 1. */
export interface AgencyRegistered {
  readonly code: string;
  readonly name: string;
  readonly parentCode: string | null;
  readonly email: string | null;
  /** Who answers for the unit (the hub's "in charge" column: a place or a person). */
  readonly inCharge: string | null;
  /** ISO-8601 instant from which the code is valid. */
  readonly validFrom: string;
}

export const AgencyRegisteredEvent = defineEvent<'vdx.directory.AgencyRegistered', AgencyRegistered>('vdx.directory.AgencyRegistered', [
  {
    type: 'record',
    name: 'AgencyRegistered',
    namespace: ns,
    fields: [
      { name: 'code', type: 'string' },
      { name: 'name', type: 'string' },
      { name: 'parentCode', type: optionalString, default: null },
      { name: 'email', type: optionalString, default: null },
      { name: 'inCharge', type: optionalString, default: null },
      { name: 'validFrom', type: 'string' },
    ],
  },
]);

/** The agency's profile changed; the payload holds the whole new profile. */
export interface AgencyUpdated {
  readonly code: string;
  readonly name: string;
  readonly email: string | null;
  readonly inCharge: string | null;
}

export const AgencyUpdatedEvent = defineEvent<'vdx.directory.AgencyUpdated', AgencyUpdated>('vdx.directory.AgencyUpdated', [
  {
    type: 'record',
    name: 'AgencyUpdated',
    namespace: ns,
    fields: [
      { name: 'code', type: 'string' },
      { name: 'name', type: 'string' },
      { name: 'email', type: optionalString, default: null },
      { name: 'inCharge', type: optionalString, default: null },
    ],
  },
]);

/**
 * A connected system (an agency's document-management system) is bound to the agency: it may
 * act for it. `credentialFingerprint` is the SHA-256 of its client certificate (hex, lower case).
 */
export interface AgencyConnected {
  readonly code: string;
  readonly systemId: string;
  readonly credentialFingerprint: string;
  /** gRPC endpoint the axis pushes deliveries to, when the system has one. */
  readonly endpoint: string | null;
}

export const AgencyConnectedEvent = defineEvent<'vdx.directory.AgencyConnected', AgencyConnected>('vdx.directory.AgencyConnected', [
  {
    type: 'record',
    name: 'AgencyConnected',
    namespace: ns,
    fields: [
      { name: 'code', type: 'string' },
      { name: 'systemId', type: 'string' },
      { name: 'credentialFingerprint', type: 'string' },
      { name: 'endpoint', type: optionalString, default: null },
    ],
  },
]);

export interface AgencySuspended {
  readonly code: string;
  readonly reason: string;
}

export const AgencySuspendedEvent = defineEvent<'vdx.directory.AgencySuspended', AgencySuspended>('vdx.directory.AgencySuspended', [
  {
    type: 'record',
    name: 'AgencySuspended',
    namespace: ns,
    fields: [
      { name: 'code', type: 'string' },
      { name: 'reason', type: 'string' },
    ],
  },
]);

export interface AgencyReinstated {
  readonly code: string;
}

export const AgencyReinstatedEvent = defineEvent<'vdx.directory.AgencyReinstated', AgencyReinstated>('vdx.directory.AgencyReinstated', [
  { type: 'record', name: 'AgencyReinstated', namespace: ns, fields: [{ name: 'code', type: 'string' }] },
]);

/** The code stops being valid; documents for it go to `successorCode` when there is one. */
export interface AgencyRetired {
  readonly code: string;
  readonly successorCode: string | null;
  /** ISO-8601 instant until which the code was valid. */
  readonly validTo: string;
  readonly reason: string;
}

export const AgencyRetiredEvent = defineEvent<'vdx.directory.AgencyRetired', AgencyRetired>('vdx.directory.AgencyRetired', [
  {
    type: 'record',
    name: 'AgencyRetired',
    namespace: ns,
    fields: [
      { name: 'code', type: 'string' },
      { name: 'successorCode', type: optionalString, default: null },
      { name: 'validTo', type: 'string' },
      { name: 'reason', type: 'string' },
    ],
  },
]);

/** Every directory event definition, in the order they were introduced. */
export const AGENCY_EVENTS = [
  AgencyRegisteredEvent,
  AgencyUpdatedEvent,
  AgencyConnectedEvent,
  AgencySuspendedEvent,
  AgencyReinstatedEvent,
  AgencyRetiredEvent,
] as const;

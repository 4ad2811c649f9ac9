import type {
  AgencyConnected,
  AgencyRegistered,
  AgencyReinstated,
  AgencyRetired,
  AgencySuspended,
  AgencyUpdated,
  EventDefinition,
} from '@vdx/contracts';
import {
  AgencyConnectedEvent,
  AgencyRegisteredEvent,
  AgencyReinstatedEvent,
  AgencyRetiredEvent,
  AgencySuspendedEvent,
  AgencyUpdatedEvent,
} from '@vdx/contracts';

export type AgencyStatus = 'active' | 'suspended' | 'retired';

/** A document-management system bound to an agency: it may send and receive for it. */
export interface ConnectedSystem {
  readonly systemId: string;
  /** SHA-256 of the system's client certificate, lower-case hex. */
  readonly credentialFingerprint: string;
  /** Where the axis pushes deliveries, when the system takes pushes. */
  readonly endpoint: string | null;
}

/** Everything the directory knows about one agency code, folded from its events. */
export interface Agency {
  readonly code: string;
  readonly name: string;
  readonly parentCode: string | null;
  readonly email: string | null;
  readonly inCharge: string | null;
  readonly status: AgencyStatus;
  readonly suspendedReason: string | null;
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly successorCode: string | null;
  readonly systems: readonly ConnectedSystem[];
  /** Number of events folded so far: the aggregate sequence of the latest one. */
  readonly version: number;
}

/** `null` until the code is registered. A registered code is never forgotten. */
export type AgencyState = Agency | null;

/** The events of the Agency aggregate, as decide returns them and evolve folds them. */
export type AgencyEvent =
  | { readonly type: typeof AgencyRegisteredEvent.type; readonly payload: AgencyRegistered }
  | { readonly type: typeof AgencyUpdatedEvent.type; readonly payload: AgencyUpdated }
  | { readonly type: typeof AgencyConnectedEvent.type; readonly payload: AgencyConnected }
  | { readonly type: typeof AgencySuspendedEvent.type; readonly payload: AgencySuspended }
  | { readonly type: typeof AgencyReinstatedEvent.type; readonly payload: AgencyReinstated }
  | { readonly type: typeof AgencyRetiredEvent.type; readonly payload: AgencyRetired };

export type AgencyEventType = AgencyEvent['type'];

/** The contract definition (schemas and versions) behind each event type. */
export const AGENCY_EVENT_DEFINITIONS: { readonly [T in AgencyEventType]: EventDefinition<Extract<AgencyEvent, { type: T }>['payload']> } = {
  [AgencyRegisteredEvent.type]: AgencyRegisteredEvent,
  [AgencyUpdatedEvent.type]: AgencyUpdatedEvent,
  [AgencyConnectedEvent.type]: AgencyConnectedEvent,
  [AgencySuspendedEvent.type]: AgencySuspendedEvent,
  [AgencyReinstatedEvent.type]: AgencyReinstatedEvent,
  [AgencyRetiredEvent.type]: AgencyRetiredEvent,
};

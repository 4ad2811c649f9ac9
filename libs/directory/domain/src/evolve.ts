import {
  AgencyConnectedEvent,
  AgencyRegisteredEvent,
  AgencyReinstatedEvent,
  AgencyRetiredEvent,
  AgencySuspendedEvent,
  AgencyUpdatedEvent,
} from '@vdx/contracts';
import type { Agency, AgencyEvent, AgencyState, ConnectedSystem } from './agency';

/**
 * Folds one event into the agency's state. Pure and total: an event that cannot apply (an
 * update for a code never registered) leaves the state as it is, so a replay never stops.
 */
export function evolve(state: AgencyState, event: AgencyEvent): AgencyState {
  if (event.type === AgencyRegisteredEvent.type) {
    const p = event.payload;
    return {
      code: p.code,
      name: p.name,
      parentCode: p.parentCode,
      email: p.email,
      inCharge: p.inCharge,
      status: 'active',
      suspendedReason: null,
      validFrom: p.validFrom,
      validTo: null,
      successorCode: null,
      systems: [],
      version: (state?.version ?? 0) + 1,
    };
  }
  if (state === null) return null;
  const next = (changes: Partial<Agency>): Agency => ({ ...state, ...changes, version: state.version + 1 });
  switch (event.type) {
    case AgencyUpdatedEvent.type: {
      const p = event.payload;
      return next({ name: p.name, email: p.email, inCharge: p.inCharge });
    }
    case AgencyConnectedEvent.type: {
      const p = event.payload;
      const system: ConnectedSystem = { systemId: p.systemId, credentialFingerprint: p.credentialFingerprint, endpoint: p.endpoint };
      return next({ systems: [...state.systems.filter((s) => s.systemId !== p.systemId), system] });
    }
    case AgencySuspendedEvent.type:
      return next({ status: 'suspended', suspendedReason: event.payload.reason });
    case AgencyReinstatedEvent.type:
      return next({ status: 'active', suspendedReason: null });
    case AgencyRetiredEvent.type: {
      const p = event.payload;
      return next({ status: 'retired', suspendedReason: null, successorCode: p.successorCode, validTo: p.validTo });
    }
  }
}

/** The state after every event, in order. */
export function fold(events: readonly AgencyEvent[], initial: AgencyState = null): AgencyState {
  return events.reduce<AgencyState>(evolve, initial);
}

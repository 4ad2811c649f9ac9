import {
  AgencyConnectedEvent,
  AgencyRegisteredEvent,
  AgencyReinstatedEvent,
  AgencyRetiredEvent,
  AgencySuspendedEvent,
  AgencyUpdatedEvent,
} from '@vdx/contracts';
import type { Agency, AgencyEvent, AgencyState } from './agency';
import type { AgencyCommand } from './commands';
import { DirectoryError } from './directory.error';
import {
  MAX_NAME_LENGTH,
  MAX_REASON_LENGTH,
  agencyCode,
  fingerprint,
  optionalEmail,
  optionalEndpoint,
  optionalText,
  requiredText,
  systemId,
} from './fields';

/** What a decision may look at besides the agency's own state. */
export interface DecideContext {
  readonly now: Date;
  /** Current state of another agency (parent, successor); null when the code is unknown. */
  readonly agency: (code: string) => AgencyState;
}

function existing(state: AgencyState, code: string): Agency {
  if (state === null) throw new DirectoryError('DIRECTORY.UNKNOWN_AGENCY', `agency ${code} is not in the directory`, { path: 'code' });
  return state;
}

function notRetired(state: AgencyState, code: string): Agency {
  const agency = existing(state, code);
  if (agency.status === 'retired') {
    const successor = agency.successorCode ? `; its successor is ${agency.successorCode}` : '';
    throw new DirectoryError('DIRECTORY.AGENCY_RETIRED', `agency ${code} was retired on ${agency.validTo}${successor}`, { path: 'code' });
  }
  return agency;
}

/**
 * The Agency aggregate's decider: checks a command against the agency's state (and, through
 * the context, its parent or successor) and returns the events that record it. Pure. A refused
 * command throws a {@link DirectoryError}; a command that would change nothing returns `[]`, so
 * repeating an update, a connection or an import is harmless.
 */
export function decide(command: AgencyCommand, state: AgencyState, ctx: DecideContext): AgencyEvent[] {
  const code = agencyCode(command.code).toString();
  switch (command.kind) {
    case 'RegisterAgency': {
      const name = requiredText(command.name, 'name', MAX_NAME_LENGTH);
      const email = optionalEmail(command.email);
      const inCharge = optionalText(command.inCharge, 'inCharge', MAX_NAME_LENGTH);
      if (state !== null) {
        const when = state.status === 'retired' ? ` and retired on ${state.validTo}; a code is never reused` : '';
        throw new DirectoryError('DIRECTORY.DUPLICATE_CODE', `agency ${code} is already registered${when}`, { path: 'code' });
      }
      const parentCode = agencyCode(code).parent?.toString() ?? null;
      if (parentCode !== null) {
        const parent = ctx.agency(parentCode);
        if (parent === null) {
          throw new DirectoryError('DIRECTORY.PARENT_UNKNOWN', `parent ${parentCode} of ${code} is not in the directory; register it first`, { path: 'code' });
        }
        if (parent.status === 'retired') {
          throw new DirectoryError('DIRECTORY.PARENT_RETIRED', `parent ${parentCode} of ${code} is retired`, { path: 'code' });
        }
      }
      return [{ type: AgencyRegisteredEvent.type, payload: { code, name, parentCode, email, inCharge, validFrom: ctx.now.toISOString() } }];
    }
    case 'UpdateAgency': {
      const agency = notRetired(state, code);
      const name = command.name === undefined ? agency.name : requiredText(command.name, 'name', MAX_NAME_LENGTH);
      const email = command.email === undefined ? agency.email : optionalEmail(command.email);
      const inCharge = command.inCharge === undefined ? agency.inCharge : optionalText(command.inCharge, 'inCharge', MAX_NAME_LENGTH);
      if (name === agency.name && email === agency.email && inCharge === agency.inCharge) return [];
      return [{ type: AgencyUpdatedEvent.type, payload: { code, name, email, inCharge } }];
    }
    case 'ConnectSystem': {
      const agency = notRetired(state, code);
      const id = systemId(command.systemId);
      const credentialFingerprint = fingerprint(command.credentialFingerprint);
      const endpoint = optionalEndpoint(command.endpoint);
      const bound = agency.systems.find((s) => s.systemId === id);
      if (bound && bound.credentialFingerprint === credentialFingerprint && bound.endpoint === endpoint) return [];
      return [{ type: AgencyConnectedEvent.type, payload: { code, systemId: id, credentialFingerprint, endpoint } }];
    }
    case 'SuspendAgency': {
      const agency = notRetired(state, code);
      const reason = requiredText(command.reason, 'reason', MAX_REASON_LENGTH);
      if (agency.status === 'suspended') {
        throw new DirectoryError('DIRECTORY.ALREADY_SUSPENDED', `agency ${code} is already suspended (${agency.suspendedReason ?? 'no reason given'})`, { path: 'code' });
      }
      return [{ type: AgencySuspendedEvent.type, payload: { code, reason } }];
    }
    case 'ReinstateAgency': {
      const agency = notRetired(state, code);
      if (agency.status !== 'suspended') throw new DirectoryError('DIRECTORY.NOT_SUSPENDED', `agency ${code} is not suspended`, { path: 'code' });
      return [{ type: AgencyReinstatedEvent.type, payload: { code } }];
    }
    case 'RetireAgency': {
      notRetired(state, code);
      const reason = requiredText(command.reason, 'reason', MAX_REASON_LENGTH);
      const successorCode = command.successorCode ? agencyCode(command.successorCode, 'successorCode').toString() : null;
      if (successorCode !== null) checkSuccessor(code, successorCode, ctx);
      return [{ type: AgencyRetiredEvent.type, payload: { code, successorCode, validTo: ctx.now.toISOString(), reason } }];
    }
  }
}

// A successor must be a current agency, so a chain of successors always ends at one: since
// only current agencies can be named, no chain can loop back, and naming oneself is the only
// cycle left to refuse.
function checkSuccessor(code: string, successorCode: string, ctx: DecideContext): void {
  if (successorCode === code) {
    throw new DirectoryError('DIRECTORY.SUCCESSOR_CYCLE', `agency ${code} cannot succeed itself`, { path: 'successorCode' });
  }
  const successor = ctx.agency(successorCode);
  if (successor === null) {
    throw new DirectoryError('DIRECTORY.SUCCESSOR_UNKNOWN', `successor ${successorCode} is not in the directory`, { path: 'successorCode' });
  }
  if (successor.status === 'retired') {
    const chain = resolveSuccessor(successorCode, ctx.agency);
    const hint = chain && chain.code !== successorCode ? `; name its current successor ${chain.code} instead` : '';
    throw new DirectoryError('DIRECTORY.SUCCESSOR_RETIRED', `successor ${successorCode} is itself retired${hint}`, { path: 'successorCode' });
  }
}

/** Longest successor chain followed before giving up (a guard against corrupt history). */
export const MAX_SUCCESSOR_CHAIN = 32;

/**
 * Follows a retired agency's successors to the current agency that now stands for it. `via`
 * lists the retired codes passed, in order. Undefined when the code is unknown or the chain
 * ends at a retired agency without a successor.
 */
export function resolveSuccessor(code: string, agency: (code: string) => AgencyState): { code: string; via: string[] } | undefined {
  const via: string[] = [];
  let current = agency(code);
  while (current !== null && current.status === 'retired') {
    if (current.successorCode === null || via.includes(current.code) || via.length >= MAX_SUCCESSOR_CHAIN) return undefined;
    via.push(current.code);
    current = agency(current.successorCode);
  }
  return current === null ? undefined : { code: current.code, via };
}

import { AgencyRegisteredEvent, AgencyRetiredEvent, AgencySuspendedEvent } from '@vdx/contracts';
import type { Decider } from '@vdx/event-sourcing';
import { DeciderSpecification } from '@vdx/event-sourcing/testing';
import type { AgencyEvent, AgencyState } from '../agency';
import type { AgencyCommand } from '../commands';
import { decide } from '../decide';
import { DirectoryError } from '../directory.error';
import { evolve } from '../evolve';

/** Fixed clock of the scenarios. */
export const NOW = new Date('2026-07-01T00:00:00.000Z');

/** The whole directory as its single writer holds it: every agency's state, by code. */
export type DirectoryState = ReadonlyMap<string, AgencyState>;

/**
 * The Agency aggregate as a {@link Decider} over the whole directory, as `AgencyWriter` runs it:
 * each event folds into the agency it names (`payload.code`), and a command is decided against
 * its agency's state with every other agency (a parent, a successor) looked up in the same state.
 */
export const directoryDecider: Decider<AgencyCommand, AgencyEvent, DirectoryState, { readonly now: Date }> = {
  decide: (command, agencies, { now }) => decide(command, agencies.get(command.code) ?? null, { now, agency: (code) => agencies.get(code) ?? null }),
  evolve: (agencies, event) => new Map(agencies).set(event.payload.code, evolve(agencies.get(event.payload.code) ?? null, event)),
  initialState: () => new Map(),
};

/**
 * Given/when/then for the decider: `given` holds the past events of the agency under test and
 * of the parents or successors its command looks at, in any order across agencies; `when` runs
 * at {@link NOW}; a refusal is a {@link DirectoryError} at `code` unless the scenario names another path.
 */
export const directory = DeciderSpecification.for(directoryDecider, { context: { now: NOW }, refusal: { type: DirectoryError, fields: { path: 'code' } } });

export const registered = (code: string, name = `Đơn vị ${code}`, parentCode: string | null = null): AgencyEvent => ({
  type: AgencyRegisteredEvent.type,
  payload: { code, name, parentCode, email: null, inCharge: null, validFrom: '2026-01-01T00:00:00.000Z' },
});

export const retired = (code: string, successorCode: string | null): AgencyEvent => ({
  type: AgencyRetiredEvent.type,
  payload: { code, successorCode, validTo: '2026-03-01T00:00:00.000Z', reason: 'sáp nhập' },
});

export const suspended = (code: string, reason = 'chứng thư hết hạn'): AgencyEvent => ({ type: AgencySuspendedEvent.type, payload: { code, reason } });

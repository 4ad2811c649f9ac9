import type { AgencyEvent, AgencyState } from './agency';
import type { AgencyCommand } from './commands';
import { decide } from './decide';
import { DirectoryError } from './directory.error';
import { fold } from './evolve';

/** Fixed clock of the scenarios. */
export const NOW = new Date('2026-07-01T00:00:00.000Z');

export type History = Readonly<Record<string, readonly AgencyEvent[]>>;

/**
 * Given/when/then for the decider: `given` holds every agency's past events (the agency under
 * test and the parents or successors its command looks at).
 */
export function given(history: History = {}) {
  const agency = (code: string): AgencyState => fold(history[code] ?? []);
  return {
    when(command: AgencyCommand) {
      const run = () => decide(command, agency(command.code), { now: NOW, agency });
      return {
        then(expected: readonly AgencyEvent[]): void {
          expect(run()).toEqual(expected);
        },
        thenRefused(code: string, path = 'code'): DirectoryError {
          let error: unknown;
          try {
            run();
          } catch (err) {
            error = err;
          }
          expect(error).toBeInstanceOf(DirectoryError);
          expect({ code: (error as DirectoryError).code, path: (error as DirectoryError).path }).toEqual({ code, path });
          return error as DirectoryError;
        },
      };
    },
  };
}

export const registered = (code: string, name = `Đơn vị ${code}`, parentCode: string | null = null): AgencyEvent => ({
  type: 'vdx.directory.AgencyRegistered',
  payload: { code, name, parentCode, email: null, inCharge: null, validFrom: '2026-01-01T00:00:00.000Z' },
});

export const retired = (code: string, successorCode: string | null): AgencyEvent => ({
  type: 'vdx.directory.AgencyRetired',
  payload: { code, successorCode, validTo: '2026-03-01T00:00:00.000Z', reason: 'sáp nhập' },
});

export const suspended = (code: string, reason = 'chứng thư hết hạn'): AgencyEvent => ({ type: 'vdx.directory.AgencySuspended', payload: { code, reason } });

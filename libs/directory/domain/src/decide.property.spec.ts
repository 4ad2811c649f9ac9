import { AgencyRegisteredEvent } from '@vdx/contracts';
import fc from 'fast-check';
import type { Agency, AgencyEvent } from './agency';
import type { AgencyCommand } from './commands';
import { decide, resolveSuccessor } from './decide';
import { DirectoryError } from './directory.error';
import { evolve } from './evolve';

// A small world of codes (a province, two departments, a unit under each) so random command
// sequences hit parents, successors and repeats often.
const CODES = ['000.00.00.H53', '000.00.00.H40', '000.00.32.H53', '000.00.18.H53', '000.20.32.H53', '000.01.18.H53', '000.00.05.H40'];
const code = fc.constantFrom(...CODES);
const text = fc.constantFrom('Sở Nội vụ', 'UBND', ' Phòng Tư pháp ', '');
const command: fc.Arbitrary<AgencyCommand> = fc.oneof(
  fc.record({ kind: fc.constant('RegisterAgency' as const), code, name: text }),
  fc.record({ kind: fc.constant('UpdateAgency' as const), code, name: text }),
  fc.record({ kind: fc.constant('ConnectSystem' as const), code, systemId: fc.constantFrom('qlvb', 'eoffice'), credentialFingerprint: fc.constantFrom('ab'.repeat(32), 'cd'.repeat(32)) }),
  fc.record({ kind: fc.constant('SuspendAgency' as const), code, reason: fc.constantFrom('audit', '') }),
  fc.record({ kind: fc.constant('ReinstateAgency' as const), code }),
  fc.record({ kind: fc.constant('RetireAgency' as const), code, successorCode: fc.option(code, { nil: null }), reason: fc.constant('sáp nhập') }),
);

function run(commands: readonly AgencyCommand[]) {
  const states = new Map<string, Agency>();
  const counts = new Map<string, number>();
  const registeredOrder: string[] = [];
  const accepted: { command: AgencyCommand; events: AgencyEvent[] }[] = [];
  const now = new Date('2026-07-01T00:00:00Z');
  for (const c of commands) {
    const agency = (k: string) => states.get(k) ?? null;
    let events: AgencyEvent[];
    try {
      events = decide(c, agency(c.code), { now, agency });
    } catch (err) {
      if (!(err instanceof DirectoryError)) throw err;
      continue;
    }
    for (const e of events) {
      const next = evolve(agency(e.payload.code), e);
      if (next) states.set(next.code, next);
      counts.set(e.payload.code, (counts.get(e.payload.code) ?? 0) + 1);
      if (e.type === AgencyRegisteredEvent.type) registeredOrder.push(e.payload.code);
    }
    accepted.push({ command: c, events });
  }
  return { states, counts, registeredOrder, accepted, agency: (k: string) => states.get(k) ?? null };
}

describe('Agency decider properties', () => {
  it('only ever refuses with a DirectoryError, and keeps the directory consistent', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        const world = run(commands);
        for (const [k, state] of world.states) {
          // versions count the events folded
          expect(state.version).toBe(world.counts.get(k));
          // every unit's parent was registered before it
          if (state.parentCode !== null) {
            expect(world.registeredOrder.indexOf(state.parentCode)).toBeLessThan(world.registeredOrder.indexOf(k));
          }
          // every successor chain ends at a current agency
          if (state.status === 'retired' && state.successorCode !== null) {
            const end = resolveSuccessor(k, world.agency);
            expect(end).toBeDefined();
            expect(world.agency(end!.code)!.status).not.toBe('retired');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('repeating an accepted update or connection changes nothing', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const world = run(commands);
        const last = world.accepted.at(-1);
        if (!last || (last.command.kind !== 'UpdateAgency' && last.command.kind !== 'ConnectSystem')) return;
        expect(decide(last.command, world.agency(last.command.code), { now: new Date(), agency: world.agency })).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

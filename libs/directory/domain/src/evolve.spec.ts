import { AgencyConnectedEvent, AgencyReinstatedEvent, AgencyUpdatedEvent } from '@vdx/contracts';
import type { AgencyEvent } from './agency';
import { resolveSuccessor } from './decide';
import { registered, retired, suspended } from './test-fixtures/decider';
import { evolve, fold } from './evolve';

const H53 = '000.00.00.H53';
const FP = 'ab'.repeat(32);

describe('evolve', () => {
  it('folds an agency’s whole life, counting versions', () => {
    const connect = (fp: string): AgencyEvent => ({ type: AgencyConnectedEvent.type, payload: { code: H53, systemId: 'qlvb', credentialFingerprint: fp, endpoint: null } });
    const state = fold([
      registered(H53, 'UBND'),
      { type: AgencyUpdatedEvent.type, payload: { code: H53, name: 'UBND Tỉnh', email: 'a@b.vn', inCharge: 'Tây Ninh' } },
      connect(FP),
      connect('cd'.repeat(32)),
      suspended(H53, 'audit'),
      { type: AgencyReinstatedEvent.type, payload: { code: H53 } },
      retired(H53, '000.00.00.H40'),
    ]);
    expect(state).toEqual({
      code: H53,
      name: 'UBND Tỉnh',
      parentCode: null,
      email: 'a@b.vn',
      inCharge: 'Tây Ninh',
      status: 'retired',
      suspendedReason: null,
      validFrom: '2026-01-01T00:00:00.000Z',
      validTo: '2026-03-01T00:00:00.000Z',
      successorCode: '000.00.00.H40',
      systems: [{ systemId: 'qlvb', credentialFingerprint: 'cd'.repeat(32), endpoint: null }],
      version: 7,
    });
  });

  it('ignores events for a code never registered, so a replay never stops', () => {
    expect(evolve(null, suspended(H53))).toBeNull();
  });
});

describe('resolveSuccessor', () => {
  const history: Record<string, AgencyEvent[]> = {
    '000.00.00.H41': [registered('000.00.00.H41'), retired('000.00.00.H41', '000.00.00.H40')],
    '000.00.00.H40': [registered('000.00.00.H40'), retired('000.00.00.H40', H53)],
    [H53]: [registered(H53)],
    '000.00.00.H30': [registered('000.00.00.H30'), retired('000.00.00.H30', null)],
  };
  const agency = (code: string) => fold(history[code] ?? []);

  it('follows a chain of mergers to the current agency', () => {
    expect(resolveSuccessor('000.00.00.H41', agency)).toEqual({ code: H53, via: ['000.00.00.H41', '000.00.00.H40'] });
    expect(resolveSuccessor(H53, agency)).toEqual({ code: H53, via: [] });
  });

  it('is undefined for an unknown code or a chain ending without a successor', () => {
    expect(resolveSuccessor('000.00.00.H99', agency)).toBeUndefined();
    expect(resolveSuccessor('000.00.00.H30', agency)).toBeUndefined();
  });

  it('stops on a corrupt history that loops', () => {
    const loop: Record<string, AgencyEvent[]> = {
      A: [registered('000.00.00.A01'), retired('000.00.00.A01', 'B')],
      B: [registered('000.00.00.A02'), retired('000.00.00.A02', 'A')],
    };
    expect(resolveSuccessor('A', (c) => fold(loop[c] ?? []))).toBeUndefined();
  });
});

import type { AgencySnapshot } from '@vdx/contracts';
import { MAX_SUCCESSION_CHAIN, nearestConnected, resolveSuccessor } from './succession';

const agency = (code: string, over: Partial<AgencySnapshot> = {}): AgencySnapshot => ({
  code,
  name: code,
  parentCode: null,
  email: null,
  inCharge: null,
  status: 'active',
  validFrom: '2025-01-01T00:00:00.000Z',
  validTo: null,
  successorCode: null,
  systems: [],
  version: 1,
  ...over,
});
const lookup = (agencies: readonly AgencySnapshot[]) => {
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  return (code: string) => byCode.get(code);
};
const SYSTEM = { systemId: 'qlvb', credentialFingerprint: 'ab'.repeat(32), endpoint: null };

describe('resolveSuccessor', () => {
  it('follows retired codes to the agency receiving for them now, naming the codes passed', () => {
    const get = lookup([agency('000.00.02.H53', { status: 'retired', successorCode: '000.00.03.H53' }), agency('000.00.03.H53', { status: 'retired', successorCode: '000.00.04.H53' }), agency('000.00.04.H53')]);
    expect(resolveSuccessor(get, '000.00.02.H53')).toEqual({ code: '000.00.04.H53', via: ['000.00.02.H53', '000.00.03.H53'] });
    expect(resolveSuccessor(get, '000.00.04.H53')).toEqual({ code: '000.00.04.H53', via: [] });
  });

  it('finds nothing for an unknown code, a retirement without successor, a cycle or a chain too long', () => {
    expect(resolveSuccessor(lookup([]), '000.00.02.H53')).toBeUndefined();
    expect(resolveSuccessor(lookup([agency('000.00.02.H53', { status: 'retired' })]), '000.00.02.H53')).toBeUndefined();
    const cycle = lookup([agency('000.00.02.H53', { status: 'retired', successorCode: '000.00.03.H53' }), agency('000.00.03.H53', { status: 'retired', successorCode: '000.00.02.H53' })]);
    expect(resolveSuccessor(cycle, '000.00.02.H53')).toBeUndefined();
    const long = Array.from({ length: MAX_SUCCESSION_CHAIN + 1 }, (_, i) => agency(`c${i}`, { status: 'retired', successorCode: `c${i + 1}` }));
    expect(resolveSuccessor(lookup([...long, agency(`c${MAX_SUCCESSION_CHAIN + 1}`)]), 'c0')).toBeUndefined();
  });
});

describe('nearestConnected', () => {
  it('answers the agency itself when active with a system, else its nearest such ancestor', () => {
    const get = lookup([
      agency('000.00.00.H53', { systems: [SYSTEM] }),
      agency('000.00.32.H53', { parentCode: '000.00.00.H53' }),
      agency('000.32.01.H53', { parentCode: '000.00.32.H53', status: 'suspended', systems: [SYSTEM] }),
    ]);
    expect(nearestConnected(get, '000.00.00.H53')?.code).toBe('000.00.00.H53');
    expect(nearestConnected(get, '000.32.01.H53')?.code).toBe('000.00.00.H53');
    expect(nearestConnected(get, '000.00.01.G22')).toBeUndefined();
  });
});

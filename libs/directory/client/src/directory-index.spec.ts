import type { AgencySnapshot } from '@vdx/contracts';
import { DirectoryIndex } from './directory-index';

const HUB_FP = 'a'.repeat(64);
const UNIT_FP = 'b'.repeat(64);

function agency(code: string, changes: Partial<AgencySnapshot> = {}): AgencySnapshot {
  return {
    code,
    name: code,
    parentCode: null,
    email: null,
    inCharge: null,
    status: 'active',
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: null,
    successorCode: null,
    systems: [],
    version: 1,
    ...changes,
  };
}

function tayNinh(): DirectoryIndex {
  const index = new DirectoryIndex();
  index.put(agency('000.00.00.H53', { systems: [{ systemId: 'hub', credentialFingerprint: HUB_FP, endpoint: null }] }));
  index.put(agency('000.00.32.H53', { parentCode: '000.00.00.H53' }));
  index.put(agency('000.20.32.H53', { parentCode: '000.00.32.H53' }));
  index.put(agency('000.00.05.H53', { parentCode: '000.00.00.H53', systems: [{ systemId: 'so-5', credentialFingerprint: UNIT_FP, endpoint: null }] }));
  index.put(agency('000.00.06.H53', { parentCode: '000.00.00.H53', status: 'suspended' }));
  return index;
}

describe('DirectoryIndex', () => {
  it('lets a hub act for units without their own system, and a unit only for itself', () => {
    const index = tayNinh();
    expect(index.mayActFor(HUB_FP, '000.00.00.H53')).toBe(true);
    expect(index.mayActFor(HUB_FP, '000.20.32.H53')).toBe(true);
    expect(index.mayActFor(HUB_FP, '000.00.05.H53')).toBe(false); // connected itself
    expect(index.mayActFor(UNIT_FP, '000.00.05.H53')).toBe(true);
    expect(index.mayActFor(UNIT_FP, '000.00.00.H53')).toBe(false);
  });

  it('never lets anyone act for an unknown, suspended or retired agency', () => {
    const index = tayNinh();
    expect(index.mayActFor(HUB_FP, '000.00.99.H53')).toBe(false);
    expect(index.mayActFor(HUB_FP, '000.00.06.H53')).toBe(false);
    index.put(agency('000.00.32.H53', { parentCode: '000.00.00.H53', status: 'retired', successorCode: '000.00.05.H53', version: 2 }));
    expect(index.mayActFor(HUB_FP, '000.00.32.H53')).toBe(false);
  });

  it('finds the agencies of a credential, and forgets a rotated one', () => {
    const index = tayNinh();
    expect(index.agenciesOfCredential(UNIT_FP).map((a) => a.code)).toEqual(['000.00.05.H53']);
    const rotated = 'c'.repeat(64);
    index.put(agency('000.00.05.H53', { parentCode: '000.00.00.H53', systems: [{ systemId: 'so-5', credentialFingerprint: rotated, endpoint: null }], version: 2 }));
    expect(index.agenciesOfCredential(UNIT_FP)).toEqual([]);
    expect(index.mayActFor(UNIT_FP, '000.00.05.H53')).toBe(false);
    expect(index.mayActFor(rotated, '000.00.05.H53')).toBe(true);
  });

  it('keeps the newest version when an older snapshot arrives late', () => {
    const index = tayNinh();
    index.put(agency('000.00.32.H53', { parentCode: '000.00.00.H53', name: 'new', version: 3 }));
    expect(index.put(agency('000.00.32.H53', { parentCode: '000.00.00.H53', name: 'old', version: 2 }))).toBe(false);
    expect(index.get('000.00.32.H53')?.name).toBe('new');
  });

  it('resolves successor chains and the nearest connected ancestor', () => {
    const index = tayNinh();
    index.put(agency('000.00.32.H53', { parentCode: '000.00.00.H53', status: 'retired', successorCode: '000.00.05.H53', version: 2 }));
    expect(index.resolveSuccessor('000.00.32.H53')).toEqual({ code: '000.00.05.H53', via: ['000.00.32.H53'] });
    expect(index.resolveSuccessor('000.00.99.H53')).toBeUndefined();
    expect(index.nearestConnected('000.20.32.H53')?.code).toBe('000.00.00.H53');
  });
});

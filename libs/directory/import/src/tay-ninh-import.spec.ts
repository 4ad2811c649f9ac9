import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImportErrorCode, planImport, readAgencyFile } from '@vdx/directory-import';

// A real provincial export, vendored in test-fixtures/ (see its README).
const FIXTURE = join(__dirname, '../../../../test-fixtures/directory/tay-ninh-agencies.csv');

// Codes seen more than once, counted independently of the importer (the first field of each
// line; no code in the file is quoted).
function duplicatedCodes(): string[] {
  const counts = new Map<string, number>();
  const lines = readFileSync(FIXTURE, 'utf8').split(/\r?\n/).slice(1).filter((l) => l !== '');
  for (const line of lines) {
    const code = line.split(',')[0] ?? '';
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([code]) => code).sort();
}

describe('importing the Tây Ninh directory', () => {
  it('finds the fixture', () => {
    expect(existsSync(FIXTURE)).toBe(true);
  });

  it('reads 455 rows, rejects the malformed code and the 7 repeated codes, keeps 447', async () => {
    const plan = await planImport(readAgencyFile(FIXTURE));
    expect(plan.total).toBe(455);
    expect(plan.rejected).toHaveLength(8);
    expect(plan.rows).toHaveLength(447);

    const malformed = plan.rejected.filter((r) => r.errorCode === ImportErrorCode.MALFORMED_CODE);
    expect(malformed).toEqual([
      expect.objectContaining({ line: 183, code: '000.1137.H53', errorCode: 'IMPORT.MALFORMED_CODE' }),
    ]);
    expect(malformed[0]?.reason).toContain('000.1137.H53');

    const duplicates = plan.rejected.filter((r) => r.errorCode === ImportErrorCode.DUPLICATE_CODE);
    expect(duplicates).toHaveLength(7);
    const expected = duplicatedCodes();
    expect(expected).toHaveLength(7);
    expect(duplicates.map((r) => r.code).sort()).toEqual(expected);
    expect(expected).toEqual([
      '000.00.00.G15',
      '000.00.20.G14',
      '000.00.22.G14',
      '000.00.23.G14',
      '000.00.25.G14',
      '000.00.26.G14',
      '000.00.29.G14',
    ]);
    for (const d of duplicates) expect(d.reason).toMatch(/already appears on line \d+/);
    expect(plan.rejected.map((r) => r.line)).toEqual([...plan.rejected.map((r) => r.line)].sort((a, b) => a - b));
  });

  it('orders accepted rows parents first', async () => {
    const plan = await planImport(readAgencyFile(FIXTURE));
    const position = new Map(plan.rows.map((r, i) => [r.code, i]));
    expect(position.size).toBe(plan.rows.length);
    plan.rows.forEach((row, i) => {
      if (row.level === 1) {
        expect(row.parentCode).toBeNull();
        return;
      }
      expect(row.parentCode).not.toBeNull();
      const parentAt = position.get(row.parentCode ?? '');
      expect(parentAt).toBeDefined();
      expect(parentAt ?? Infinity).toBeLessThan(i);
    });
  });
});

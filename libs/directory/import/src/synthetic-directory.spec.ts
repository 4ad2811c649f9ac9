import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAgencyCode } from '@vdx/agency-code';
import { csvField, generateSyntheticDirectory, planImport, readAgencyFile, type SyntheticAgency, toCsv } from '@vdx/directory-import';

function checkTree(agencies: readonly SyntheticAgency[]): Map<number, number> {
  const seen = new Set<string>();
  const levels = new Map<number, number>();
  for (const a of agencies) {
    const parsed = parseAgencyCode(a.code, { whitespace: 'reject' });
    if (!parsed.ok) throw new Error(`invalid code ${a.code}: ${parsed.error.message}`);
    if (seen.has(a.code)) throw new Error(`duplicate code ${a.code}`);
    const parent = parsed.code.parent;
    if (parent !== undefined && !seen.has(parent.toString())) throw new Error(`${a.code} comes before its parent ${parent.toString()}`);
    seen.add(a.code);
    levels.set(parsed.code.level, (levels.get(parsed.code.level) ?? 0) + 1);
  }
  return levels;
}

describe('generateSyntheticDirectory', () => {
  it.each([0, 1, 2, 3, 10, 1000])('generates exactly %i valid agencies, parents first', (count) => {
    const agencies = generateSyntheticDirectory({ count });
    expect(agencies).toHaveLength(count);
    checkTree(agencies);
  });

  it('generates 111,000 agencies over all four levels, quickly', () => {
    const started = Date.now();
    const agencies = generateSyntheticDirectory({ count: 111_000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(agencies).toHaveLength(111_000);
    const levels = checkTree(agencies);
    expect([...levels.keys()].sort()).toEqual([1, 2, 3, 4]);
    const first = agencies[0];
    expect(first?.email).toBe(`${first?.code}@synthetic.vdx.test`);
    expect(agencies.some((a) => /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(a.name))).toBe(true);
  });

  it('is deterministic per seed', () => {
    expect(generateSyntheticDirectory({ count: 1000, seed: 7 })).toEqual(generateSyntheticDirectory({ count: 1000, seed: 7 }));
    expect(generateSyntheticDirectory({ count: 1000 })).toEqual(generateSyntheticDirectory({ count: 1000, seed: 1 }));
    expect(generateSyntheticDirectory({ count: 1000, seed: 2 })).not.toEqual(generateSyntheticDirectory({ count: 1000, seed: 1 }));
  });

  it('refuses a count that is not a non-negative integer', () => {
    expect(() => generateSyntheticDirectory({ count: -1 })).toThrow(RangeError);
    expect(() => generateSyntheticDirectory({ count: 1.5 })).toThrow(RangeError);
  });
});

describe('toCsv', () => {
  it('quotes only when needed and ends with a newline', () => {
    expect(csvField('plain')).toBe('plain');
    expect(toCsv([{ code: '000.00.00.H53', name: 'UBND "tỉnh", Tây Ninh', inCharge: 'Tây\nNinh', email: 'a@b.vn' }])).toBe(
      'code,name,in_charge,email\n000.00.00.H53,"UBND ""tỉnh"", Tây Ninh","Tây\nNinh",a@b.vn\n',
    );
    expect(toCsv([])).toBe('code,name,in_charge,email\n');
  });

  it('round-trips through readAgencyFile and planImport with no rejections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vdx-synthetic-'));
    try {
      const agencies = generateSyntheticDirectory({ count: 2000, seed: 3 });
      const path = join(dir, 'synthetic.csv');
      writeFileSync(path, toCsv(agencies), 'utf8');
      const plan = await planImport(readAgencyFile(path));
      expect(plan.total).toBe(2000);
      expect(plan.rejected).toEqual([]);
      expect(plan.rows).toHaveLength(2000);
      const byCode = new Map(plan.rows.map((r) => [r.code, r]));
      for (const [i, a] of agencies.entries()) {
        expect(byCode.get(a.code)).toEqual(expect.objectContaining({ line: i + 2, name: a.name, inCharge: a.inCharge, email: a.email }));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { planImport, type RawAgencyRow } from '@vdx/directory-import';

const row = (line: number, code: string, name = `agency ${line}`): RawAgencyRow => ({ line, fields: { code, name } });

describe('planImport', () => {
  it('orders parents first by level then line, and keeps the first of repeated codes', async () => {
    const plan = await planImport([
      row(2, '000.01.01.H53'),
      row(3, '000.00.01.H53'),
      row(4, '000.00.00.H53'),
      row(5, '000.00.01.H53', 'again'),
      row(6, 'bad'),
      row(7, '001.01.01.H53'),
    ]);
    expect(plan.total).toBe(6);
    expect(plan.rows.map((r) => r.line)).toEqual([4, 3, 2, 7]);
    expect(plan.rejected).toEqual([
      {
        line: 5,
        code: '000.00.01.H53',
        errorCode: 'IMPORT.DUPLICATE_CODE',
        reason: 'code 000.00.01.H53 already appears on line 3; the first occurrence is kept',
      },
      expect.objectContaining({ line: 6, code: 'bad', errorCode: 'IMPORT.MALFORMED_CODE' }),
    ]);
  });

  it('keeps the first valid occurrence when an earlier one was rejected', async () => {
    const plan = await planImport([row(2, '000.00.00.H53', ''), row(3, '000.00.00.H53')]);
    expect(plan.rows.map((r) => r.line)).toEqual([3]);
    expect(plan.rejected.map((r) => r.errorCode)).toEqual(['IMPORT.MISSING_NAME']);
  });

  it('accepts orphans by default', async () => {
    const plan = await planImport([row(2, '000.00.05.H53')]);
    expect(plan.rows).toHaveLength(1);
    expect(plan.rejected).toEqual([]);
  });

  it('with requireParents, rejects rows whose parent is neither in the file nor known, and their descendants', async () => {
    const known = new Set(['000.00.00.H53']);
    const plan = await planImport(
      (async function* () {
        yield row(2, '000.00.01.H53');
        yield row(3, '000.01.02.H53');
        yield row(4, '001.01.02.H53');
        yield row(5, '000.00.00.G01');
      })(),
      { requireParents: true, knownCode: (code) => known.has(code) },
    );
    expect(plan.rows.map((r) => r.code)).toEqual(['000.00.00.G01', '000.00.01.H53']);
    expect(plan.rejected.map((r) => [r.line, r.errorCode])).toEqual([
      [3, 'IMPORT.MISSING_PARENT'],
      [4, 'IMPORT.MISSING_PARENT'],
    ]);
    expect(plan.rejected[0]?.reason).toContain('000.00.02.H53');
  });
});

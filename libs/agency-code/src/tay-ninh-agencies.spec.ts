import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AgencyCode, AgencyCodeErrorCode, parseAgencyCode } from '@vdx/agency-code';

// A real provincial export, vendored in test-fixtures/ (see its README).
const FIXTURE = join(__dirname, '../../../test-fixtures/directory/tay-ninh-agencies.csv');

// RFC 4180 enough for this file: quoted fields with commas and doubled quotes, one record a line.
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (quoted) {
      if (ch === '"' && line.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

interface Row {
  readonly line: number;
  readonly code: string;
  readonly name: string;
}

function readRows(): Row[] {
  const [header, ...lines] = readFileSync(FIXTURE, 'utf8').split(/\r?\n/);
  expect(header).toBe('code,name,in_charge,email');
  return lines
    .map((text, i) => ({ text, line: i + 2 }))
    .filter(({ text }) => text !== '')
    .map(({ text, line }) => {
      const [code = '', name = ''] = parseCsvLine(text);
      return { line, code, name };
    });
}

describe('Tây Ninh agency directory fixture', () => {
  const rows = readRows();
  const results = rows.map((row) => ({ row, result: parseAgencyCode(row.code, { whitespace: 'reject' }) }));
  const valid = results.flatMap(({ row, result }) => (result.ok ? [{ row, code: result.code }] : []));

  it('has 455 records', () => {
    expect(rows).toHaveLength(455);
  });

  it('has exactly one malformed code, reported precisely', () => {
    const malformed = results.flatMap(({ row, result }) => (result.ok ? [] : [{ row, error: result.error }]));
    expect(malformed.map(({ row, error }) => ({ line: row.line, code: row.code, error: error.code }))).toEqual([
      { line: 183, code: '000.1137.H53', error: AgencyCodeErrorCode.WRONG_LENGTH },
    ]);
    expect(malformed[0]?.error.message).toBe(
      'Agency code "000.1137.H53": has 12 characters, expected 13 (L4.L3.L2.L1 as 000.00.00.G22)',
    );
    expect(malformed[0]?.row.name).toBe('Phòng Y tế huyện Tân Châu');
    expect(valid).toHaveLength(454);
  });

  it('has 447 distinct valid codes (448 distinct strings with the malformed one); 7 appear twice', () => {
    const lines = new Map<string, number[]>();
    for (const { row, code } of valid) lines.set(code.toString(), [...(lines.get(code.toString()) ?? []), row.line]);
    expect(lines.size).toBe(447);
    expect(new Set(rows.map((r) => r.code)).size).toBe(448);
    const duplicates = [...lines].filter(([, at]) => at.length > 1).map(([code, at]) => ({ code, at }));
    expect(duplicates).toEqual([
      { code: '000.00.00.G15', at: [386, 449] },
      { code: '000.00.20.G14', at: [420, 455] },
      { code: '000.00.22.G14', at: [422, 453] },
      { code: '000.00.23.G14', at: [423, 454] },
      { code: '000.00.25.G14', at: [425, 451] },
      { code: '000.00.26.G14', at: [426, 456] },
      { code: '000.00.29.G14', at: [427, 450] },
    ]);
  });

  it('has no gaps and no surrounding whitespace', () => {
    const codes = results.flatMap(({ result }) => (result.ok ? [] : [result.error.code]));
    expect(codes).not.toContain(AgencyCodeErrorCode.GAP);
    expect(codes).not.toContain(AgencyCodeErrorCode.WHITESPACE);
    // Independent of the parser: no row has a used level below a zero one.
    const gapped = rows.filter(({ code }) => {
      const [l4 = '', l3 = '', l2 = ''] = code.split('.');
      return (l2 === '00' && (l3 !== '00' || l4 !== '000')) || (l3 === '00' && l4 !== '000');
    });
    expect(gapped).toEqual([]);
  });

  it('covers all four levels, H53 and ministries (G)', () => {
    const byLevel = countBy(valid.map(({ code }) => code), (c) => String(c.level));
    expect(byLevel).toEqual({ '1': 27, '2': 108, '3': 318, '4': 1 });
    const byKind = countBy(valid.map(({ code }) => code), (c) => c.kind);
    expect(byKind).toEqual({ 'provincial-people-committee': 371, government: 83 });
  });

  it('is closed under parent: every valid code’s parent is in the file', () => {
    const known = new Set(valid.map(({ code }) => code.toString()));
    const orphans = valid.filter(({ code }) => code.parent !== undefined && !known.has(code.parent.toString()));
    expect(orphans).toEqual([]);
  });
});

function countBy(codes: readonly AgencyCode[], key: (c: AgencyCode) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of codes) counts[key(c)] = (counts[key(c)] ?? 0) + 1;
  return counts;
}

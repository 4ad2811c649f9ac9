import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportFileError, planImport, readAgencyFile, type RawAgencyRow } from '@vdx/directory-import';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vdx-directory-import-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content, 'utf8');
  return path;
}

async function readAll(path: string, opts?: Parameters<typeof readAgencyFile>[1]): Promise<RawAgencyRow[]> {
  const rows: RawAgencyRow[] = [];
  for await (const row of readAgencyFile(path, opts)) rows.push(row);
  return rows;
}

async function fileError(iterable: AsyncIterable<RawAgencyRow>): Promise<ImportFileError> {
  try {
    for await (const _row of iterable) {
      // drain
    }
  } catch (err: unknown) {
    if (err instanceof ImportFileError) return err;
    throw err;
  }
  throw new Error('expected an ImportFileError');
}

describe('readAgencyFile: CSV', () => {
  it('handles quoting, a BOM, CRLF, alias headers and empty lines, with physical line numbers', async () => {
    const path = file(
      'quoted.csv',
      '\uFEFF Code ,NAME,In Charge,Mail,PCode\r\n' +
        '000.00.00.H53,"UBND tỉnh, ""Tây Ninh""",Tây Ninh,,\r\n' +
        '\r\n' +
        '000.00.01.H53,"Văn phòng\r\nUBND",Tây Ninh,vp@tayninh.gov.vn,000.00.00.H53\r\n' +
        '000.01.01.H53,Ban Tiếp Công dân,Tây Ninh,btcd@tayninh.gov.vn,000.00.01.H53\r\n',
    );
    const rows = await readAll(path);
    expect(rows.map((r) => r.line)).toEqual([2, 4, 6]);
    expect(rows[0]?.fields).toEqual({ code: '000.00.00.H53', name: 'UBND tỉnh, "Tây Ninh"', inCharge: 'Tây Ninh', email: '', parentCode: '' });
    expect(rows[1]?.fields['name']).toBe('Văn phòng\r\nUBND');

    const plan = await planImport(readAgencyFile(path));
    expect(plan.rejected).toEqual([]);
    expect(plan.rows[0]).toEqual({
      line: 2,
      code: '000.00.00.H53',
      name: 'UBND tỉnh, "Tây Ninh"',
      email: null,
      inCharge: 'Tây Ninh',
      level: 1,
      parentCode: null,
    });
    expect(plan.rows.map((r) => r.code)).toEqual(['000.00.00.H53', '000.00.01.H53', '000.01.01.H53']);
  });

  it('maps the other header aliases and keeps short rows', async () => {
    const path = file('aliases.csv', 'code,name,incharge,email,parent_code\n000.00.00.H53,UBND\n000.00.01.H53,VP,Tây Ninh,vp@x.vn,000.00.00.H53\n');
    const rows = await readAll(path);
    expect(rows).toEqual([
      { line: 2, fields: { code: '000.00.00.H53', name: 'UBND' } },
      { line: 3, fields: { code: '000.00.01.H53', name: 'VP', inCharge: 'Tây Ninh', email: 'vp@x.vn', parentCode: '000.00.00.H53' } },
    ]);
  });

  it('turns an unclosed quote into IMPORT.MALFORMED_FILE', async () => {
    const err = await fileError(readAgencyFile(file('broken.csv', 'code,name\n000.00.00.H53,"UBND\n')));
    expect(err.code).toBe('IMPORT.MALFORMED_FILE');
  });
});

describe('readAgencyFile: JSON and JSON Lines', () => {
  it('reads a JSON array, numbering records from 1', async () => {
    const path = file(
      'agencies.json',
      JSON.stringify([
        { code: '000.00.00.H53', name: 'UBND', in_charge: 'Tây Ninh', email: 'ubnd@x.vn' },
        { Code: '000.00.01.H53', Name: 'VP', Mail: '' },
        42,
      ]),
    );
    const rows = await readAll(path);
    expect(rows.slice(0, 2)).toEqual([
      { line: 1, fields: { code: '000.00.00.H53', name: 'UBND', inCharge: 'Tây Ninh', email: 'ubnd@x.vn' } },
      { line: 2, fields: { code: '000.00.01.H53', name: 'VP', email: '' } },
    ]);
    const plan = await planImport(readAgencyFile(path));
    expect(plan.total).toBe(3);
    expect(plan.rows).toHaveLength(2);
    expect(plan.rejected).toEqual([expect.objectContaining({ line: 3, code: '', errorCode: 'IMPORT.MALFORMED_ROW' })]);
  });

  it('reads JSON Lines; a broken line is rejected and does not stop the others', async () => {
    const path = file(
      'agencies.jsonl',
      [
        JSON.stringify({ code: '000.00.00.H53', name: 'UBND' }),
        '{"code": "000.00.01.H53", "name": ',
        '',
        '[1, 2]',
        JSON.stringify({ code: '000.00.01.H53', name: 'VP', email: 'vp@x.vn' }),
      ].join('\r\n'),
    );
    const plan = await planImport(readAgencyFile(path));
    expect(plan.total).toBe(4);
    expect(plan.rows.map((r) => [r.line, r.code])).toEqual([
      [1, '000.00.00.H53'],
      [5, '000.00.01.H53'],
    ]);
    expect(plan.rejected.map((r) => [r.line, r.errorCode])).toEqual([
      [2, 'IMPORT.MALFORMED_ROW'],
      [4, 'IMPORT.MALFORMED_ROW'],
    ]);
    expect(plan.rejected[0]?.reason).toContain('not valid JSON');
  });

  it('takes .ndjson as JSON Lines and honours an explicit format', async () => {
    const line = JSON.stringify({ code: '000.00.00.H53', name: 'UBND' });
    expect(await readAll(file('a.ndjson', line))).toHaveLength(1);
    expect(await readAll(file('a.txt', line), { format: 'jsonl' })).toHaveLength(1);
  });

  it('turns malformed JSON into IMPORT.MALFORMED_FILE with the parser message', async () => {
    const err = await fileError(readAgencyFile(file('bad.json', '[{"code": "000.00.00.H53",]')));
    expect(err).toBeInstanceOf(ImportFileError);
    expect(err.code).toBe('IMPORT.MALFORMED_FILE');
    expect(err.message).toMatch(/malformed JSON: .+/);
  });

  it('rejects a JSON document that is not an array', async () => {
    const err = await fileError(readAgencyFile(file('object.json', '{"code": "000.00.00.H53"}')));
    expect(err.code).toBe('IMPORT.MALFORMED_FILE');
  });
});

describe('readAgencyFile: file errors', () => {
  it('refuses an unknown extension with IMPORT.UNKNOWN_FORMAT', async () => {
    const err = await fileError(readAgencyFile(file('agencies.xlsx', 'x')));
    expect(err.code).toBe('IMPORT.UNKNOWN_FORMAT');
  });

  it('reports a missing file with IMPORT.FILE_NOT_FOUND', async () => {
    const err = await fileError(readAgencyFile(join(dir, 'missing.csv')));
    expect(err.code).toBe('IMPORT.FILE_NOT_FOUND');
    await expect(planImport(readAgencyFile(join(dir, 'missing.json')))).rejects.toMatchObject({ code: 'IMPORT.FILE_NOT_FOUND' });
  });
});

import { MAX_NAME_LENGTH, validateAgencyRow, type Rejection } from '@vdx/directory-import';

function rejection(fields: Record<string, unknown>): Rejection {
  const result = validateAgencyRow({ line: 7, fields });
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.row)}`);
  return result.rejection;
}

describe('validateAgencyRow', () => {
  it('accepts a valid row, trimming text and turning empty email and inCharge into null', () => {
    expect(validateAgencyRow({ line: 3, fields: { code: '000.20.32.H53', name: '  Phòng Y tế  ', email: '', inCharge: '   ' } })).toEqual({
      ok: true,
      row: { line: 3, code: '000.20.32.H53', name: 'Phòng Y tế', email: null, inCharge: null, level: 3, parentCode: '000.00.32.H53' },
    });
    const full = validateAgencyRow({ line: 4, fields: { code: '000.00.00.H53', name: 'UBND', email: ' ubnd@tayninh.gov.vn ', inCharge: 'Tây Ninh', parentCode: 'ignored' } });
    expect(full).toEqual({
      ok: true,
      row: { line: 4, code: '000.00.00.H53', name: 'UBND', email: 'ubnd@tayninh.gov.vn', inCharge: 'Tây Ninh', level: 1, parentCode: null },
    });
  });

  it('rejects a malformed, missing or padded code with IMPORT.MALFORMED_CODE and the agency-code message', () => {
    expect(rejection({ code: '000.1137.H53', name: 'x' })).toEqual({
      line: 7,
      code: '000.1137.H53',
      errorCode: 'IMPORT.MALFORMED_CODE',
      reason: 'Agency code "000.1137.H53": has 12 characters, expected 13 (L4.L3.L2.L1 as 000.00.00.G22)',
    });
    expect(rejection({ code: ' 000.00.00.H53', name: 'x' }).reason).toMatch(/surrounding whitespace/);
    expect(rejection({ name: 'x' })).toMatchObject({ code: '', errorCode: 'IMPORT.MALFORMED_CODE', reason: 'Agency code is empty' });
    expect(rejection({ code: '001.00.05.H53', name: 'x' }).errorCode).toBe('IMPORT.MALFORMED_CODE');
  });

  it('rejects a missing or blank name with IMPORT.MISSING_NAME', () => {
    expect(rejection({ code: '000.00.00.H53' }).errorCode).toBe('IMPORT.MISSING_NAME');
    expect(rejection({ code: '000.00.00.H53', name: '  ' }).errorCode).toBe('IMPORT.MISSING_NAME');
  });

  it('rejects a name over the limit with IMPORT.NAME_TOO_LONG, counting characters not UTF-16 units', () => {
    expect(rejection({ code: '000.00.00.H53', name: 'ấ'.repeat(MAX_NAME_LENGTH + 1) }).errorCode).toBe('IMPORT.NAME_TOO_LONG');
    expect(validateAgencyRow({ line: 1, fields: { code: '000.00.00.H53', name: 'ấ'.repeat(MAX_NAME_LENGTH) } }).ok).toBe(true);
    expect(validateAgencyRow({ line: 1, fields: { code: '000.00.00.H53', name: '😀'.repeat(MAX_NAME_LENGTH) } }).ok).toBe(true);
  });

  it.each(['no-at-sign', 'two@@x.vn', 'a@b@c', '@x.vn', 'user@', 'us er@x.vn'])('rejects email %p with IMPORT.INVALID_EMAIL', (email) => {
    expect(rejection({ code: '000.00.00.H53', name: 'x', email })).toMatchObject({ errorCode: 'IMPORT.INVALID_EMAIL', code: '000.00.00.H53' });
  });

  it('rejects non-string values with IMPORT.MALFORMED_ROW', () => {
    expect(rejection({ code: 123, name: 'x' })).toMatchObject({ code: '', errorCode: 'IMPORT.MALFORMED_ROW' });
    expect(rejection({ code: '000.00.00.H53', name: ['x'] }).errorCode).toBe('IMPORT.MALFORMED_ROW');
    expect(rejection({ code: '000.00.00.H53', name: 'x', email: false }).errorCode).toBe('IMPORT.MALFORMED_ROW');
    expect(rejection({ code: '000.00.00.H53', name: 'x', inCharge: {} }).errorCode).toBe('IMPORT.MALFORMED_ROW');
  });

  it('treats null email and inCharge as absent', () => {
    const result = validateAgencyRow({ line: 1, fields: { code: '000.00.00.H53', name: 'x', email: null, inCharge: null } });
    expect(result).toMatchObject({ ok: true, row: { email: null, inCharge: null } });
  });
});

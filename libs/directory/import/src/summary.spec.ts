import { formatSummary } from '@vdx/directory-import';

describe('formatSummary', () => {
  it('prints a count line and one line per rejection', () => {
    const text = formatSummary({
      total: 455,
      created: 440,
      updated: 5,
      unchanged: 2,
      rejected: [
        { line: 183, code: '000.1137.H53', errorCode: 'IMPORT.MALFORMED_CODE', reason: 'Agency code "000.1137.H53": has 12 characters' },
        { line: 449, code: '000.00.00.G15', errorCode: 'IMPORT.DUPLICATE_CODE', reason: 'code 000.00.00.G15 already appears on line 386' },
        { line: 460, code: '', errorCode: 'IMPORT.MALFORMED_ROW', reason: 'line 460 is not valid JSON' },
      ],
    });
    expect(text).toBe(
      [
        '455 rows: 440 created, 5 updated, 2 unchanged, 3 rejected',
        '  line 183  000.1137.H53  IMPORT.MALFORMED_CODE  Agency code "000.1137.H53": has 12 characters',
        '  line 449  000.00.00.G15  IMPORT.DUPLICATE_CODE  code 000.00.00.G15 already appears on line 386',
        '  line 460  -  IMPORT.MALFORMED_ROW  line 460 is not valid JSON',
      ].join('\n'),
    );
  });

  it('prints only the count line when nothing was rejected', () => {
    expect(formatSummary({ total: 1, created: 1, updated: 0, unchanged: 0, rejected: [] })).toBe('1 row: 1 created, 0 updated, 0 unchanged, 0 rejected');
  });
});

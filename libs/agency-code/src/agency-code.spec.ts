import {
  AGENCY_CODE_ERROR_CODES,
  AgencyCode,
  AgencyCodeError,
  AgencyCodeErrorCode,
  type AgencyCodeSegment,
  formatAgencyCode,
  isValidAgencyCode,
  parseAgencyCode,
  parseAgencyCodeOrThrow,
} from '@vdx/agency-code';

function errorOf(input: string, options?: { whitespace: 'trim' | 'reject' }): AgencyCodeError {
  const result = parseAgencyCode(input, options);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.error;
}

const code = (s: string): AgencyCode => parseAgencyCodeOrThrow(s);

describe('parseAgencyCode', () => {
  it.each([
    ['000.00.00.G22', 'G22', 0, 0, 0, 1],
    ['000.00.18.G12', 'G12', 18, 0, 0, 2],
    ['000.20.32.H53', 'H53', 32, 20, 0, 3],
    ['001.01.07.H53', 'H53', 7, 1, 1, 4],
    ['999.99.99.Z99', 'Z99', 99, 99, 999, 4],
  ])('reads %s lowest level first', (input, level1, level2, level3, level4, level) => {
    const result = parseAgencyCode(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.trimmed).toBe(false);
    expect(result.code).toMatchObject({ level1, level2, level3, level4, level });
    expect(result.code.toString()).toBe(input);
    expect(formatAgencyCode(result.code)).toBe(input);
  });

  it('serialises to the canonical string in JSON', () => {
    expect(JSON.stringify({ to: code('000.00.18.G12') })).toBe('{"to":"000.00.18.G12"}');
  });

  it('gives an immutable value', () => {
    const c = code('000.00.18.G12');
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => {
      (c as unknown as { level2: number }).level2 = 3;
    }).toThrow(TypeError);
  });

  it('compares by value', () => {
    expect(code('000.00.18.G12').equals(code('000.00.18.G12'))).toBe(true);
    expect(code('000.00.18.G12').equals(code('000.00.18.G13'))).toBe(false);
  });

  describe('whitespace', () => {
    it('trims surrounding whitespace by default and reports it', () => {
      for (const input of [' 000.00.18.G12', '000.00.18.G12\n', '\t000.00.18.G12 ', '\uFEFF000.00.18.G12', '\u00A0000.00.18.G12']) {
        const result = parseAgencyCode(input);
        expect(result).toMatchObject({ ok: true, trimmed: true });
        if (result.ok) expect(result.code.toString()).toBe('000.00.18.G12');
      }
    });

    it('rejects surrounding whitespace when asked, pointing at it', () => {
      expect(errorOf('  000.00.18.G12', { whitespace: 'reject' })).toMatchObject({
        code: AgencyCodeErrorCode.WHITESPACE,
        position: 0,
      });
      expect(errorOf('000.00.18.G12 ', { whitespace: 'reject' })).toMatchObject({
        code: AgencyCodeErrorCode.WHITESPACE,
        position: 13,
      });
    });

    it('never accepts whitespace inside a code', () => {
      expect(errorOf('000.00. 8.G12')).toMatchObject({ code: AgencyCodeErrorCode.BAD_FORMAT, position: 7, segment: 'level2' });
    });

    it('reports positions in the input as given, leading whitespace included', () => {
      expect(errorOf('  000.00.1x.G12')).toMatchObject({ code: AgencyCodeErrorCode.BAD_FORMAT, position: 10, segment: 'level2' });
    });
  });

  describe('errors', () => {
    it.each([[''], ['   '], ['\n\t']])('EMPTY for %j', (input) => {
      const error = errorOf(input);
      expect(error.code).toBe(AgencyCodeErrorCode.EMPTY);
      expect(error.position).toBeUndefined();
      expect(error.input).toBe(input);
    });

    it.each([
      ['000.1137.H53', 12],
      ['28.22.H17', 9],
      ['0000.00.00.G22', 14],
      ['G12.18', 6],
    ])('WRONG_LENGTH for %s (%i characters)', (input, length) => {
      const error = errorOf(input);
      expect(error.code).toBe(AgencyCodeErrorCode.WRONG_LENGTH);
      expect(error.message).toContain(`has ${length} characters, expected 13`);
      expect(error.position).toBeUndefined();
    });

    it.each<[string, string, number, AgencyCodeSegment]>([
      ['x00.00.00.G22', AgencyCodeErrorCode.BAD_FORMAT, 0, 'level4'],
      ['000-00.00.G22', AgencyCodeErrorCode.BAD_FORMAT, 3, 'separator'],
      ['000.0a.00.G22', AgencyCodeErrorCode.BAD_FORMAT, 5, 'level3'],
      ['000.00,18.G12', AgencyCodeErrorCode.BAD_FORMAT, 6, 'separator'],
      ['000.00.1８.G12', AgencyCodeErrorCode.BAD_FORMAT, 8, 'level2'],
      ['000.00.18/G12', AgencyCodeErrorCode.BAD_FORMAT, 9, 'separator'],
      ['000.00.00.g22', AgencyCodeErrorCode.BAD_LEVEL1, 10, 'level1'],
      ['000.00.00.122', AgencyCodeErrorCode.BAD_LEVEL1, 10, 'level1'],
      ['000.00.00.GX2', AgencyCodeErrorCode.BAD_LEVEL1, 11, 'level1'],
      ['000.00.00.G2X', AgencyCodeErrorCode.BAD_LEVEL1, 12, 'level1'],
      ['000.00.00.H00', AgencyCodeErrorCode.BAD_LEVEL1, 11, 'level1'],
      ['000.05.00.H53', AgencyCodeErrorCode.GAP, 4, 'level3'],
      ['001.00.05.H53', AgencyCodeErrorCode.GAP, 0, 'level4'],
      ['001.00.00.H53', AgencyCodeErrorCode.GAP, 0, 'level4'],
      ['001.05.00.H53', AgencyCodeErrorCode.GAP, 4, 'level3'],
    ])('%s → %s at %i (%s)', (input, errorCode, position, segment) => {
      const error = errorOf(input);
      expect(error).toBeInstanceOf(AgencyCodeError);
      expect(error).toMatchObject({ code: errorCode, input, position, segment, name: 'AgencyCodeError' });
    });

    it('reports the first wrong character, left to right', () => {
      expect(errorOf('0x0.0y.00.g22')).toMatchObject({ position: 1, segment: 'level4' });
    });

    it('says what was expected and found', () => {
      expect(errorOf('000.00,18.G12').message).toBe(
        'Agency code "000.00,18.G12": expected "." at index 6, found ","',
      );
      expect(errorOf('001.00.05.H53').message).toBe('Agency code "001.00.05.H53": level 4 is used while level 3 is 00');
    });

    it('bounds the quoted input in messages', () => {
      const error = errorOf('9'.repeat(10_000));
      expect(error.message).toContain(`"${'9'.repeat(40)}…"`);
      expect(error.message).not.toContain('9'.repeat(41));
      expect(error.input).toHaveLength(10_000);
    });
  });

  it('lists every error code once, all namespaced', () => {
    expect(new Set(AGENCY_CODE_ERROR_CODES).size).toBe(AGENCY_CODE_ERROR_CODES.length);
    expect(AGENCY_CODE_ERROR_CODES).toEqual([
      'AGENCY_CODE.EMPTY',
      'AGENCY_CODE.WHITESPACE',
      'AGENCY_CODE.WRONG_LENGTH',
      'AGENCY_CODE.BAD_FORMAT',
      'AGENCY_CODE.BAD_LEVEL1',
      'AGENCY_CODE.GAP',
      'AGENCY_CODE.BAD_COMPACT',
    ]);
  });
});

describe('parseAgencyCodeOrThrow', () => {
  it('returns the code', () => {
    expect(parseAgencyCodeOrThrow(' 000.00.18.G12 ').toString()).toBe('000.00.18.G12');
  });

  it('throws the same error the result parser returns', () => {
    expect(() => parseAgencyCodeOrThrow('000.1137.H53')).toThrow(
      expect.objectContaining({ code: AgencyCodeErrorCode.WRONG_LENGTH, input: '000.1137.H53' }),
    );
    expect(() => parseAgencyCodeOrThrow('000.00.18.G12 ', { whitespace: 'reject' })).toThrow(AgencyCodeError);
  });
});

describe('isValidAgencyCode', () => {
  it('accepts only the exact canonical form', () => {
    expect(isValidAgencyCode('000.00.18.G12')).toBe(true);
    expect(isValidAgencyCode(' 000.00.18.G12')).toBe(false);
    expect(isValidAgencyCode('000.1137.H53')).toBe(false);
    expect(isValidAgencyCode('G12.18')).toBe(false);
  });
});

describe('level 1', () => {
  it.each([
    ['000.00.00.G22', 'government', 'G', 22],
    ['000.00.00.H53', 'provincial-people-committee', 'H', 53],
    ['000.00.00.K53', 'provincial-people-council', 'K', 53],
    ['000.00.00.A01', 'party-or-other', 'A', 1],
    ['000.00.00.T10', 'party-or-other', 'T', 10],
  ])('%s is %s', (input, kind, letter, number) => {
    expect(code(input)).toMatchObject({ kind, level1Letter: letter, level1Number: number });
  });
});

describe('hierarchy', () => {
  it('finds the parent by zeroing the lowest used level', () => {
    expect(code('001.20.32.H53').parent?.toString()).toBe('000.20.32.H53');
    expect(code('000.20.32.H53').parent?.toString()).toBe('000.00.32.H53');
    expect(code('000.00.32.H53').parent?.toString()).toBe('000.00.00.H53');
    expect(code('000.00.00.H53').parent).toBeUndefined();
  });

  it('lists ancestors nearest first', () => {
    expect(code('001.20.32.H53').ancestors().map(String)).toEqual(['000.20.32.H53', '000.00.32.H53', '000.00.00.H53']);
    expect(code('000.00.00.H53').ancestors()).toEqual([]);
  });

  it('finds the level-1 root', () => {
    expect(code('001.20.32.H53').root.toString()).toBe('000.00.00.H53');
    const root = code('000.00.00.G22');
    expect(root.root).toBe(root);
  });

  it.each([
    ['000.00.00.H53', '000.20.32.H53', true],
    ['000.00.32.H53', '000.20.32.H53', true],
    ['000.20.32.H53', '001.20.32.H53', true],
    ['000.00.00.H53', '001.20.32.H53', true],
    ['000.20.32.H53', '000.20.32.H53', false],
    ['000.20.32.H53', '000.00.32.H53', false],
    ['000.00.31.H53', '000.20.32.H53', false],
    ['000.21.32.H53', '001.20.32.H53', false],
    ['000.00.00.K53', '000.20.32.H53', false],
    ['000.00.32.G53', '000.20.32.H53', false],
  ])('%s isAncestorOf %s: %s', (ancestor, descendant, expected) => {
    expect(code(ancestor).isAncestorOf(code(descendant))).toBe(expected);
  });
});

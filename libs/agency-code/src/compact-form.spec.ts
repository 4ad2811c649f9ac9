import {
  AgencyCodeError,
  AgencyCodeErrorCode,
  type AgencyCodeSegment,
  formatCompactAgencyCode,
  parseAgencyCodeOrThrow,
  parseCompactAgencyCode,
  parseCompactAgencyCodeOrThrow,
} from '@vdx/agency-code';

function compactErrorOf(input: string, options?: { whitespace: 'trim' | 'reject' }): AgencyCodeError {
  const result = parseCompactAgencyCode(input, options);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.error;
}

describe('compact form (Decision 20/2020)', () => {
  it.each([
    ['000.00.00.G22', 'G22'],
    ['000.00.18.G12', 'G12.18'],
    ['000.20.32.H53', 'H53.32.20'],
    ['001.20.32.H53', 'H53.32.20.001'],
    ['120.01.07.H53', 'H53.07.01.120'],
  ])('%s ⇄ %s', (canonical, compact) => {
    expect(formatCompactAgencyCode(parseAgencyCodeOrThrow(canonical))).toBe(compact);
    const result = parseCompactAgencyCode(compact);
    expect(result).toMatchObject({ ok: true, trimmed: false });
    if (result.ok) expect(result.code.toString()).toBe(canonical);
  });

  it('trims and reports surrounding whitespace like the canonical parser', () => {
    expect(parseCompactAgencyCode(' G12.18\n')).toMatchObject({ ok: true, trimmed: true });
    expect(compactErrorOf(' G12.18', { whitespace: 'reject' })).toMatchObject({
      code: AgencyCodeErrorCode.WHITESPACE,
      position: 0,
    });
  });

  it.each<[string, string, number | undefined, AgencyCodeSegment | undefined]>([
    ['', AgencyCodeErrorCode.EMPTY, undefined, undefined],
    ['  ', AgencyCodeErrorCode.EMPTY, undefined, undefined],
    ['000.00.18.G12', AgencyCodeErrorCode.BAD_LEVEL1, 0, 'level1'],
    ['g12.18', AgencyCodeErrorCode.BAD_LEVEL1, 0, 'level1'],
    ['.18', AgencyCodeErrorCode.BAD_LEVEL1, 0, 'level1'],
    ['G1.18', AgencyCodeErrorCode.BAD_LEVEL1, 2, 'level1'],
    ['G123.18', AgencyCodeErrorCode.BAD_LEVEL1, 3, 'level1'],
    ['GX2.18', AgencyCodeErrorCode.BAD_LEVEL1, 1, 'level1'],
    ['H00.18', AgencyCodeErrorCode.BAD_LEVEL1, 1, 'level1'],
    ['G12.', AgencyCodeErrorCode.BAD_COMPACT, 4, 'level2'],
    ['G12..18', AgencyCodeErrorCode.BAD_COMPACT, 4, 'level2'],
    ['G12.8', AgencyCodeErrorCode.BAD_COMPACT, 4, 'level2'],
    ['G12.018', AgencyCodeErrorCode.BAD_COMPACT, 4, 'level2'],
    ['G12.1x', AgencyCodeErrorCode.BAD_COMPACT, 5, 'level2'],
    ['G12.00', AgencyCodeErrorCode.BAD_COMPACT, 4, 'level2'],
    ['H53.32.00.001', AgencyCodeErrorCode.BAD_COMPACT, 7, 'level3'],
    ['H53.32.20.01', AgencyCodeErrorCode.BAD_COMPACT, 10, 'level4'],
    ['H53.32.20.000', AgencyCodeErrorCode.BAD_COMPACT, 10, 'level4'],
    ['H53.32.20.001.5', AgencyCodeErrorCode.BAD_COMPACT, 13, 'separator'],
    ['H53-32', AgencyCodeErrorCode.BAD_LEVEL1, 3, 'level1'],
    ['  G12.1x', AgencyCodeErrorCode.BAD_COMPACT, 7, 'level2'],
    ['G12.18.😀', AgencyCodeErrorCode.BAD_COMPACT, 7, 'level3'],
  ])('%j → %s at %s (%s)', (input, errorCode, position, segment) => {
    const error = compactErrorOf(input);
    expect(error.code).toBe(errorCode);
    expect(error.position).toBe(position);
    expect(error.segment).toBe(segment);
    expect(error.input).toBe(input);
  });

  it('hints when given the canonical form', () => {
    expect(compactErrorOf('000.00.18.G12').message).toContain('the compact form starts with level 1');
  });

  it('explains why a zero level is refused', () => {
    expect(compactErrorOf('G12.00').message).toBe(
      'Compact agency code "G12.00": level 2 is zero; unused levels are omitted in the compact form',
    );
  });

  it('throws from the throwing variant', () => {
    expect(parseCompactAgencyCodeOrThrow('G12.18').toString()).toBe('000.00.18.G12');
    expect(() => parseCompactAgencyCodeOrThrow('G12.8')).toThrow(AgencyCodeError);
  });
});

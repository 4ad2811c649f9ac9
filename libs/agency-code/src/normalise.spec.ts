import { AgencyCodeErrorCode } from './agency-code.error';
import { normaliseAgencyCode } from './normalise';

describe('normaliseAgencyCode', () => {
  it.each([
    ['000.00.00.G22', '000.00.00.G22', 'canonical'],
    ['  000.20.32.H53\u00a0', '000.20.32.H53', 'canonical'],
    ['G22', '000.00.00.G22', 'compact'],
    ['G12.18', '000.00.18.G12', 'compact'],
    [' H53.32.20.001 ', '001.20.32.H53', 'compact'],
    ['0000000G22', '000.00.00.G22', 'undotted'],
    ['0012032H53', '001.20.32.H53', 'undotted'],
  ])('reads %j as %s (%s)', (input, code, spelling) => {
    const r = normaliseAgencyCode(input);
    expect(r.ok && [r.code.toString(), r.spelling]).toEqual([code, spelling]);
  });

  it.each([
    ['28.22.H17', AgencyCodeErrorCode.WRONG_LENGTH],
    ['000.1137.H53', AgencyCodeErrorCode.WRONG_LENGTH],
    ['g22', AgencyCodeErrorCode.WRONG_LENGTH],
    ['G12.00', AgencyCodeErrorCode.WRONG_LENGTH],
    ['0010005H53', AgencyCodeErrorCode.WRONG_LENGTH],
    ['00000000G22', AgencyCodeErrorCode.WRONG_LENGTH],
    ['', AgencyCodeErrorCode.EMPTY],
  ])('guesses nothing for %j: the canonical parser’s %s', (input, code) => {
    const r = normaliseAgencyCode(input);
    expect(r.ok ? 'accepted' : r.error.code).toBe(code);
  });
});

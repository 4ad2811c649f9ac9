import { isInSubtree, parseAgencyCodeOrThrow } from '@vdx/agency-code';

const code = parseAgencyCodeOrThrow;

describe('isInSubtree', () => {
  it.each([
    ['000.20.32.H53', '000.00.00.H53', true],
    ['000.20.32.H53', '000.00.32.H53', true],
    ['000.20.32.H53', '000.20.32.H53', true],
    ['000.00.00.H53', '000.00.00.H53', true],
    ['000.00.32.H53', '000.20.32.H53', false],
    ['000.20.33.H53', '000.00.32.H53', false],
    ['000.20.32.H53', '000.00.00.G22', false],
  ])('%s in the subtree of %s: %s', (c, root, expected) => {
    expect(isInSubtree(code(c), code(root))).toBe(expected);
  });
});

import fc from 'fast-check';
import {
  AgencyCodeErrorCode,
  formatCompactAgencyCode,
  isInSubtree,
  isValidAgencyCode,
  parseAgencyCode,
  parseAgencyCodeOrThrow,
  parseCompactAgencyCode,
} from '@vdx/agency-code';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const upper = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');

/** Valid canonical codes of every depth: used levels non-zero, unused ones zero, no gaps. */
const validCode = fc
  .record({
    letter: upper,
    number: fc.integer({ min: 1, max: 99 }),
    level: fc.integer({ min: 1, max: 4 }),
    l2: fc.integer({ min: 1, max: 99 }),
    l3: fc.integer({ min: 1, max: 99 }),
    l4: fc.integer({ min: 1, max: 999 }),
  })
  .map(({ letter, number, level, l2, l3, l4 }) =>
    [
      pad(level >= 4 ? l4 : 0, 3),
      pad(level >= 3 ? l3 : 0, 2),
      pad(level >= 2 ? l2 : 0, 2),
      `${letter}${pad(number, 2)}`,
    ].join('.'),
  );

// The spec's pattern plus the two rules it leaves implicit: level 1 number not 00, no gaps.
function oracle(text: string): boolean {
  const m = /^(\d{3})\.(\d{2})\.(\d{2})\.[A-Z](\d{2})$/.exec(text);
  if (!m) return false;
  const [, l4 = '', l3 = '', l2 = '', n = ''] = m;
  if (n === '00') return false;
  const used = [l2, l3, l4].map((s) => Number(s) !== 0);
  return used.every((u, i) => !u || used.slice(0, i).every(Boolean));
}

const noisyChar = fc.constantFrom(...'0123456789.', '0', '0', '.', 'A', 'G', 'H', 'g', ' ', 'x', '-', '\t');
const noisyString = fc.string({ unit: noisyChar, maxLength: 16 });
// Right shape, digits biased to zero: exercises the level-1 00 and the gap rules.
const zeroish = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom('0', '0', '0', '1', '7'), minLength: length, maxLength: length });
const shapedString = fc
  .tuple(zeroish(3), zeroish(2), zeroish(2), fc.constantFrom('G', 'H', 'a'), zeroish(2))
  .map(([l4, l3, l2, letter, n]) => `${l4}.${l3}.${l2}.${letter}${n}`);

// Characters that fit no slot of the canonical form and are not whitespace.
const wrongFor = (slot: 'digit' | 'separator' | 'letter'): fc.Arbitrary<string> =>
  fc.constantFrom(
    ...['x', '-', ',', '/', 'g', 'Đ', '٣', '８'].concat(
      slot === 'digit' ? ['.', 'A'] : slot === 'separator' ? ['0', '9', 'A'] : ['0', '.', 'a'],
    ),
  );

describe('agency code properties', () => {
  it('format(parse(x)) === x for valid codes', () => {
    fc.assert(
      fc.property(validCode, (x) => {
        const result = parseAgencyCode(x);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.code.toString()).toBe(x);
        expect(result.trimmed).toBe(false);
        expect(isValidAgencyCode(x)).toBe(true);
      }),
    );
  });

  it('accepts exactly what the pattern, the non-zero level 1 and the no-gap rule accept', () => {
    fc.assert(
      fc.property(fc.oneof(noisyString, shapedString, validCode), (x) => {
        const result = parseAgencyCode(x);
        expect(result.ok).toBe(oracle(x.trim()));
        if (result.ok) expect(result.code.toString()).toBe(x.trim());
        else expect(result.error.input).toBe(x);
      }),
      { numRuns: 2000 },
    );
  });

  it('points at the exact character when one is wrong', () => {
    const mutation = validCode.chain((x) =>
      fc.integer({ min: 0, max: 12 }).chain((position) => {
        const slot = position === 10 ? 'letter' : [3, 6, 9].includes(position) ? 'separator' : 'digit';
        return wrongFor(slot).map((ch) => ({ x, position, ch }));
      }),
    );
    fc.assert(
      fc.property(mutation, ({ x, position, ch }) => {
        const input = x.slice(0, position) + ch + x.slice(position + 1);
        const result = parseAgencyCode(input);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.error.position).toBe(position);
        expect(result.error.code).toBe(position >= 10 ? AgencyCodeErrorCode.BAD_LEVEL1 : AgencyCodeErrorCode.BAD_FORMAT);
      }),
    );
  });

  it('trims surrounding whitespace and reports it, or rejects it on request', () => {
    const ws = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u00A0', '\uFEFF'), maxLength: 3 });
    fc.assert(
      fc.property(ws, validCode, ws, (before, x, after) => {
        const input = before + x + after;
        const padded = input !== x;
        expect(parseAgencyCode(input)).toMatchObject({ ok: true, trimmed: padded });
        const strict = parseAgencyCode(input, { whitespace: 'reject' });
        expect(strict.ok).toBe(!padded);
        if (!strict.ok) expect(strict.error.code).toBe(AgencyCodeErrorCode.WHITESPACE);
      }),
    );
  });

  it('fromCompact(toCompact(c)) equals c, and accepted compact input is already in compact form', () => {
    fc.assert(
      fc.property(validCode, (x) => {
        const c = parseAgencyCodeOrThrow(x);
        const compact = formatCompactAgencyCode(c);
        expect(compact.split('.')).toHaveLength(c.level);
        const back = parseCompactAgencyCode(compact);
        expect(back.ok).toBe(true);
        if (back.ok) expect(back.code.equals(c)).toBe(true);
      }),
    );
    const noisyCompact = fc.string({ unit: fc.constantFrom(...'0123456789.', '0', '.', 'G', 'H', 'x', 'g', ' '), maxLength: 14 });
    fc.assert(
      fc.property(fc.oneof(noisyCompact, validCode.map((x) => formatCompactAgencyCode(parseAgencyCodeOrThrow(x)))), (s) => {
        const result = parseCompactAgencyCode(s);
        if (result.ok) expect(formatCompactAgencyCode(result.code)).toBe(s.trim());
      }),
      { numRuns: 2000 },
    );
  });

  it('parent chain terminates at level 1 and every ancestor is an ancestor', () => {
    fc.assert(
      fc.property(validCode, (x) => {
        const c = parseAgencyCodeOrThrow(x);
        const ancestors = c.ancestors();
        expect(ancestors).toHaveLength(c.level - 1);
        let child = c;
        for (const ancestor of ancestors) {
          expect(ancestor.level).toBe(child.level - 1);
          expect(child.parent?.equals(ancestor)).toBe(true);
          expect(ancestor.isAncestorOf(c)).toBe(true);
          expect(c.isAncestorOf(ancestor)).toBe(false);
          expect(isInSubtree(c, ancestor)).toBe(true);
          expect(ancestor.root.equals(c.root)).toBe(true);
          child = ancestor;
        }
        expect(child.level).toBe(1);
        expect(child.parent).toBeUndefined();
        expect(child.equals(c.root)).toBe(true);
        expect(c.isAncestorOf(c)).toBe(false);
      }),
    );
  });

  it('an ancestor relation holds only along the parent chain', () => {
    fc.assert(
      fc.property(validCode, validCode, (x, y) => {
        const a = parseAgencyCodeOrThrow(x);
        const b = parseAgencyCodeOrThrow(y);
        const expected = b.ancestors().some((p) => p.equals(a));
        expect(a.isAncestorOf(b)).toBe(expected);
      }),
    );
  });

  it('reports a gap when a used level sits below a zero one', () => {
    const gapped = validCode
      .filter((x) => parseAgencyCodeOrThrow(x).level >= 3)
      .chain((x) => {
        const level = parseAgencyCodeOrThrow(x).level;
        // Zero one used level strictly above the deepest one: level 2 (index 7) or 3 (index 4).
        const holes = level === 4 ? [4, 7] : [7];
        return fc.constantFrom(...holes).map((start) => ({ x, start }));
      });
    fc.assert(
      fc.property(gapped, ({ x, start }) => {
        const input = `${x.slice(0, start)}00${x.slice(start + 2)}`;
        const result = parseAgencyCode(input);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.code).toBe(AgencyCodeErrorCode.GAP);
      }),
    );
  });
});

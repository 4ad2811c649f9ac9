import { resolveRange } from './byte-range';

describe('resolveRange', () => {
  it('is the whole blob without a range', () => {
    expect(resolveRange(10)).toEqual({ start: 0, end: 10 });
  });

  it('clamps like Buffer.subarray', () => {
    expect(resolveRange(10, { start: 3 })).toEqual({ start: 3, end: 10 });
    expect(resolveRange(10, { start: 3, end: 99 })).toEqual({ start: 3, end: 10 });
    expect(resolveRange(10, { start: 12 })).toEqual({ start: 10, end: 10 });
    expect(resolveRange(10, { start: 5, end: 2 })).toEqual({ start: 5, end: 5 });
  });

  it('refuses negative or fractional offsets', () => {
    expect(() => resolveRange(10, { start: -1 })).toThrow(RangeError);
    expect(() => resolveRange(10, { start: 1.5 })).toThrow(RangeError);
    expect(() => resolveRange(10, { start: 0, end: -2 })).toThrow(RangeError);
  });
});

import { DEFAULT_DELIVERY_POLICY, backoffDelayMs } from './policy';

describe('backoffDelayMs', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_DELIVERY_POLICY).toEqual({ maxAttempts: 8, baseDelayMs: 2000, maxDelayMs: 900_000 });
  });

  it('doubles from the base delay and caps at 15 minutes (attempts 1..10)', () => {
    const delays = Array.from({ length: 10 }, (_, i) => backoffDelayMs(i + 1, DEFAULT_DELIVERY_POLICY));
    expect(delays).toEqual([2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 512000, 900000]);
  });

  it('uses the default policy when none is given', () => {
    expect(backoffDelayMs(3)).toBe(8000);
  });

  it('is deterministic (no jitter)', () => {
    expect(backoffDelayMs(5, DEFAULT_DELIVERY_POLICY)).toBe(backoffDelayMs(5, DEFAULT_DELIVERY_POLICY));
  });

  it('treats attempts below 1, fractions and non-numbers as the first attempt or rounds down', () => {
    expect(backoffDelayMs(0, DEFAULT_DELIVERY_POLICY)).toBe(2000);
    expect(backoffDelayMs(-3, DEFAULT_DELIVERY_POLICY)).toBe(2000);
    expect(backoffDelayMs(Number.NaN, DEFAULT_DELIVERY_POLICY)).toBe(2000);
    expect(backoffDelayMs(2.9, DEFAULT_DELIVERY_POLICY)).toBe(4000);
  });

  it('stays at the cap for huge attempt numbers', () => {
    expect(backoffDelayMs(5000, DEFAULT_DELIVERY_POLICY)).toBe(900_000);
    expect(backoffDelayMs(Number.MAX_SAFE_INTEGER, DEFAULT_DELIVERY_POLICY)).toBe(900_000);
  });

  it('follows a custom policy', () => {
    const policy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 3000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, policy))).toEqual([500, 1000, 2000, 3000, 3000]);
  });
});

import { LoginThrottle } from './login-throttle';

const MINUTE = 60_000;

describe('LoginThrottle', () => {
  const throttle = (maxKeys?: number) => new LoginThrottle({ maxFailuresPerUser: 3, maxFailuresPerAddress: 5, windowMs: 10 * MINUTE, ...(maxKeys ? { maxKeys } : {}) });

  it('refuses a user after its failures within the window, from any address, until the oldest leaves it', () => {
    const t = throttle();
    const at = 1_000_000;
    expect(t.attempt('vpcp', '10.0.0.1', at)).toBeNull();
    expect(t.attempt('vpcp', '10.0.0.2', at + MINUTE)).toBeNull();
    expect(t.attempt('vpcp', '10.0.0.3', at + 2 * MINUTE)).toBeNull();
    expect(t.attempt('vpcp', '10.0.0.9', at + 3 * MINUTE)).toEqual({ limit: 'user', retryAfterMs: 7 * MINUTE });
    // A refused attempt counts nothing; another user from those addresses is let through.
    expect(t.attempt('tayninh', '10.0.0.1', at + 3 * MINUTE)).toBeNull();
    // The first failure leaves the window at +10 min: one more try is allowed then, not before.
    expect(t.attempt('vpcp', '10.0.0.9', at + 10 * MINUTE - 1)).toEqual({ limit: 'user', retryAfterMs: 1 });
    expect(t.attempt('vpcp', '10.0.0.9', at + 10 * MINUTE)).toBeNull();
    expect(t.attempt('vpcp', '10.0.0.9', at + 10 * MINUTE)).toMatchObject({ limit: 'user' });
  });

  it('refuses an address that tried too many user names, whatever name it tries next', () => {
    const t = throttle();
    for (let i = 0; i < 5; i++) expect(t.attempt(`user-${i}`, '192.0.2.7', 1000 + i)).toBeNull();
    expect(t.attempt('someone-else', '192.0.2.7', 2000)).toEqual({ limit: 'address', retryAfterMs: 10 * MINUTE + 1000 - 2000 });
    expect(t.attempt('someone-else', '192.0.2.8', 2000)).toBeNull();
  });

  it('counts attempts checked side by side before any of them is settled', () => {
    const t = throttle();
    const outcomes = [0, 1, 2, 3, 4].map(() => t.attempt('vpcp', '10.0.0.1', 500));
    expect(outcomes.filter((o) => o === null)).toHaveLength(3);
    expect(outcomes[3]).toMatchObject({ limit: 'user' });
  });

  it('clears a user’s failures when it logs in, and takes that attempt off its address', () => {
    const t = throttle();
    t.attempt('vpcp', '10.0.0.1', 1);
    t.attempt('vpcp', '10.0.0.1', 2);
    t.attempt('vpcp', '10.0.0.1', 3);
    t.succeeded('vpcp', '10.0.0.1', 3);
    // The user starts afresh; its address keeps the two failures.
    for (const at of [10, 11]) expect(t.attempt('vpcp', '10.0.0.1', at)).toBeNull();
    t.attempt('other', '10.0.0.1', 13);
    // 2 + 2 + 1 failures from the address: the sixth attempt is refused.
    expect(t.attempt('third', '10.0.0.1', 14)).toMatchObject({ limit: 'address' });
    // Many successful log-ins from one address (an office behind one gateway) never add up.
    const office = throttle();
    for (let i = 0; i < 50; i++) {
      expect(office.attempt(`clerk-${i}`, '203.0.113.1', 100 + i)).toBeNull();
      office.succeeded(`clerk-${i}`, '203.0.113.1', 100 + i);
    }
    expect(office.size).toBe(0);
  });

  it('forgets the oldest keys beyond its bound, and whatever left the window', () => {
    const t = throttle(4);
    for (let i = 0; i < 10; i++) t.attempt(`u${i}`, `a${i}`, i);
    expect(t.size).toBe(4);
    const fresh = throttle();
    fresh.attempt('x', 'y', 0);
    expect(fresh.size).toBe(2);
    expect(fresh.attempt('other', 'z', 10 * MINUTE)).toBeNull();
    fresh.succeeded('other', 'z', 10 * MINUTE);
    expect(fresh.attempt('x', 'y', 10 * MINUTE)).toBeNull();
    fresh.succeeded('x', 'y', 10 * MINUTE);
    expect(fresh.size).toBe(0);
  });

  it('refuses limits that are not whole numbers of at least 1', () => {
    expect(() => new LoginThrottle({ maxFailuresPerUser: 0, maxFailuresPerAddress: 5, windowMs: 1 })).toThrow(RangeError);
    expect(() => new LoginThrottle({ maxFailuresPerUser: 1, maxFailuresPerAddress: 1.5, windowMs: 1 })).toThrow(/maxFailuresPerAddress/);
  });
});

// How many failed log-ins the console accepts before it refuses to try more: per user name and
// per client address, each within a sliding window (docs/adr/0017-console-access.md). Pure: the
// clock is passed in; the service keeps one throttle in memory (one instance, ADR 0013 §6).

export interface LoginThrottleOptions {
  /** Failed attempts one user name may have within the window; the next is refused. */
  readonly maxFailuresPerUser: number;
  /** Failed attempts one client address may have within the window, whatever the user names. */
  readonly maxFailuresPerAddress: number;
  readonly windowMs: number;
  /** Keys remembered at most (the oldest forgotten first), so a flood of names cannot exhaust memory. */
  readonly maxKeys?: number;
}

/** Why an attempt is refused before its password is checked, and for how long. */
export interface LoginRefusal {
  /** Which limit it hit. */
  readonly limit: 'user' | 'address';
  /** Milliseconds until the oldest failure counted leaves the window. */
  readonly retryAfterMs: number;
}

const DEFAULT_MAX_KEYS = 100_000;

export class LoginThrottle {
  /** Per key (`u:<user>`, `a:<address>`), the times of its failures within the window, oldest first. */
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: LoginThrottleOptions) {
    for (const [name, n] of [['maxFailuresPerUser', options.maxFailuresPerUser], ['maxFailuresPerAddress', options.maxFailuresPerAddress], ['windowMs', options.windowMs]] as const) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a whole number of at least 1, not ${n}`);
    }
  }

  /**
   * An attempt of `user` from `address` at `nowMs`: null when its password may be checked, and
   * then it counts as a failure against both until `succeeded` says otherwise (so attempts
   * checked side by side cannot pass the limit); else why not, and it counts nothing.
   */
  attempt(user: string, address: string, nowMs: number): LoginRefusal | null {
    const byUser = this.recent(`u:${user}`, nowMs);
    if (byUser.length >= this.options.maxFailuresPerUser) return { limit: 'user', retryAfterMs: this.retryAfter(byUser, this.options.maxFailuresPerUser, nowMs) };
    const byAddress = this.recent(`a:${address}`, nowMs);
    if (byAddress.length >= this.options.maxFailuresPerAddress) return { limit: 'address', retryAfterMs: this.retryAfter(byAddress, this.options.maxFailuresPerAddress, nowMs) };
    this.add(`u:${user}`, nowMs, this.options.maxFailuresPerUser);
    this.add(`a:${address}`, nowMs, this.options.maxFailuresPerAddress);
    return null;
  }

  /**
   * The attempt of `user` from `address` at `attemptMs` logged in: its user's failures are
   * cleared, and the attempt no longer counts against its address (the other names tried from
   * there still do).
   */
  succeeded(user: string, address: string, attemptMs: number): void {
    this.failures.delete(`u:${user}`);
    const key = `a:${address}`;
    const list = this.failures.get(key);
    const i = list?.lastIndexOf(attemptMs) ?? -1;
    if (list === undefined || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.failures.delete(key);
  }

  /** Keys with failures in memory (for tests and the bound). */
  get size(): number {
    return this.failures.size;
  }

  private recent(key: string, nowMs: number): number[] {
    const list = this.failures.get(key);
    if (list === undefined) return [];
    const from = nowMs - this.options.windowMs;
    let drop = 0;
    while (drop < list.length && list[drop]! <= from) drop += 1;
    if (drop > 0) list.splice(0, drop);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }

  /** When the failure that makes the count reach `max` leaves the window, the count is below `max` again. */
  private retryAfter(list: readonly number[], max: number, nowMs: number): number {
    return Math.max(1, list[list.length - max]! + this.options.windowMs - nowMs);
  }

  private add(key: string, nowMs: number, max: number): void {
    const list = this.recent(key, nowMs);
    list.push(nowMs);
    // Only the last `max` failures ever decide anything.
    if (list.length > max) list.splice(0, list.length - max);
    // Re-inserted last: the map's order is then the order of the latest failure, oldest first.
    this.failures.delete(key);
    this.failures.set(key, list);
    const maxKeys = this.options.maxKeys ?? DEFAULT_MAX_KEYS;
    while (this.failures.size > maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }
}

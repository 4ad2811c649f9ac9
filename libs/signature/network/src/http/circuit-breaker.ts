/** Options of {@link CircuitBreakers}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open a host's circuit. Default 5. */
  readonly failureThreshold?: number;
  /** How long an open circuit refuses before one trial request is let through. Default 30 s. */
  readonly cooldownMs?: number;
}

interface HostState {
  failures: number;
  openUntil: number;
  trialInFlight: boolean;
}

/**
 * One circuit per host: after `failureThreshold` consecutive failures the host is not asked
 * for `cooldownMs`; then a single trial request decides (success closes it, failure opens it
 * again). A responder that is down costs each package one refusal, not one timeout per query.
 */
export class CircuitBreakers {
  private readonly hosts = new Map<string, HostState>();
  private readonly threshold: number;
  private readonly cooldownMs: number;

  constructor(
    opts: CircuitBreakerOptions,
    private readonly clock: () => number,
  ) {
    this.threshold = opts.failureThreshold ?? 5;
    this.cooldownMs = opts.cooldownMs ?? 30_000;
  }

  /** Whether a request to `host` may go now; a trial request is counted as in flight. */
  tryAcquire(host: string): boolean {
    const state = this.hosts.get(host);
    if (!state || state.failures < this.threshold) return true;
    if (this.clock() < state.openUntil || state.trialInFlight) return false;
    state.trialInFlight = true;
    return true;
  }

  success(host: string): void {
    this.hosts.delete(host);
  }

  failure(host: string): void {
    const state = this.hosts.get(host) ?? { failures: 0, openUntil: 0, trialInFlight: false };
    state.failures += 1;
    state.trialInFlight = false;
    if (state.failures >= this.threshold) state.openUntil = this.clock() + this.cooldownMs;
    this.hosts.set(host, state);
  }

  /** `closed`, or `open` while requests are refused. */
  state(host: string): 'closed' | 'open' {
    const s = this.hosts.get(host);
    return s && s.failures >= this.threshold && this.clock() < s.openUntil ? 'open' : 'closed';
  }
}

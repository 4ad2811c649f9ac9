import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

/** A dependency check: resolves when the dependency answers, rejects (or hangs) when it does not. */
export interface ReadinessProbe {
  check(): Promise<void>;
}

/** How long a readiness check may take: a dead dependency must fail the check, not hang it. */
export const READINESS_TIMEOUT_MS = 2000;

/** Rejects with a message naming `what` when `p` has not settled within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `probe` under a deadline and turns the outcome into a terminus result for `key`:
 * `up` when it answered, `down` with the reason otherwise. Never throws, so one dead dependency
 * shows as `down` beside the others instead of aborting the whole readiness report.
 */
export async function probeIndicator<const Key extends string>(
  indicators: HealthIndicatorService,
  key: Key,
  probe: ReadinessProbe,
  timeoutMs: number = READINESS_TIMEOUT_MS,
): Promise<HealthIndicatorResult<Key>> {
  const session = indicators.check(key);
  try {
    await withTimeout(probe.check(), timeoutMs, key);
    return session.up();
  } catch (err) {
    return session.down({ message: err instanceof Error ? err.message : String(err) });
  }
}

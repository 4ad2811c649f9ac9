import { DeliveryError } from './delivery.error';

/** How the push scheduler retries. */
export interface DeliveryPolicy {
  /** Failed attempts after which a delivery is dead-lettered. */
  readonly maxAttempts: number;
  /** Delay after the first failure. */
  readonly baseDelayMs: number;
  /** Cap on any delay. */
  readonly maxDelayMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 15 * 60_000,
});

/**
 * Delay before the attempt that follows failed attempt number `attempt` (1-based):
 * `baseDelayMs * 2^(attempt - 1)`, capped at `maxDelayMs`. Attempts below 1 count as 1.
 *
 * Deterministic on purpose: the decider records `nextAttemptAt` in an event, and a replay must
 * give the same answer. Jitter (to spread a burst of retries to one endpoint) belongs to the push
 * scheduler, which may add a random delay when it picks due deliveries up.
 */
export function backoffDelayMs(attempt: number, policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  // 2^n overflows to Infinity for large n; the cap still applies.
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
}

/** Refuses a policy that cannot work (a bug in configuration, reported as INVALID_FIELD). */
export function checkPolicy(policy: DeliveryPolicy): DeliveryPolicy {
  const positiveInt = (value: number): boolean => Number.isInteger(value) && value >= 1;
  const nonNegative = (value: number): boolean => Number.isFinite(value) && value >= 0;
  if (!positiveInt(policy.maxAttempts)) {
    throw new DeliveryError('DELIVERY.INVALID_FIELD', `policy.maxAttempts must be a positive integer, not ${policy.maxAttempts}`, { path: 'policy.maxAttempts' });
  }
  if (!nonNegative(policy.baseDelayMs)) {
    throw new DeliveryError('DELIVERY.INVALID_FIELD', `policy.baseDelayMs must be a non-negative number, not ${policy.baseDelayMs}`, { path: 'policy.baseDelayMs' });
  }
  if (!nonNegative(policy.maxDelayMs)) {
    throw new DeliveryError('DELIVERY.INVALID_FIELD', `policy.maxDelayMs must be a non-negative number, not ${policy.maxDelayMs}`, { path: 'policy.maxDelayMs' });
  }
  return policy;
}

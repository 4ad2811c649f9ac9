import { consumerDispositionOf } from '@vdx/contracts/errors';

/** How a consumer retries a failing message before it dead-letters it. */
export interface RetryPolicy {
  /** Attempts for an error that is not transient, the first included. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 5000 };

/** Exponential backoff with full jitter, capped. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * An outage, not bad input: retried without limit (the message waits for the store or broker
 * to come back) rather than dead-lettered. What counts as one is `ERROR_MAP` of
 * `@vdx/contracts/errors` (a code whose consumer disposition is `retry`), or a store driver's or
 * socket's network error.
 */
export function isTransient(err: unknown): boolean {
  return err instanceof Error && consumerDispositionOf(err) === 'retry';
}

/**
 * True when retrying cannot help: the error says so itself (`retryable: false`, a
 * `PoisonMessageError`) or its code is dead-lettered at once in `ERROR_MAP`.
 */
export function isPoison(err: unknown): boolean {
  return consumerDispositionOf(err) === 'dead-letter';
}

/** The stable code of an error when it carries one. */
export function errorCode(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'MESSAGING.HANDLER_FAILED';
}

export const delay = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

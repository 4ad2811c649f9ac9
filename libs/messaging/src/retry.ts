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

const TRANSIENT_NAMES = /^(MongoNetworkError|MongoNetworkTimeoutError|MongoServerSelectionError|MongoNotConnectedError|MongoTopologyClosedError|MongoWriteConcernError)$/;
// Socket errors, and the project's own coded outages (`BLOB.STORE_UNAVAILABLE`, `EXCHANGE.UNAVAILABLE`).
const TRANSIENT_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|[A-Z]+\.(STORE_)?UNAVAILABLE)$/;

/**
 * An outage, not bad input: retried without limit (the message waits for the store or broker
 * to come back) rather than dead-lettered.
 */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: unknown; retryable?: unknown };
  if (e.retryable === false) return false;
  return TRANSIENT_NAMES.test(e.name) || (typeof e.code === 'string' && TRANSIENT_CODES.test(e.code));
}

/** True for errors that say so themselves: retrying cannot help. */
export function isPoison(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false;
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

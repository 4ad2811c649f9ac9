/** Stable codes of what can go wrong fetching revocation data or certificates. */
export const NetworkErrorCode = {
  /** The URL's scheme or host is not on the allow-list, or it is not a URL at all. */
  URL_NOT_ALLOWED: 'NETWORK.URL_NOT_ALLOWED',
  /** No answer within the per-request timeout. */
  TIMEOUT: 'NETWORK.TIMEOUT',
  /** The package's overall budget for network look-ups is spent. */
  BUDGET_EXHAUSTED: 'NETWORK.BUDGET_EXHAUSTED',
  /** The host failed too often recently; it is not asked until its cool-down ends. */
  CIRCUIT_OPEN: 'NETWORK.CIRCUIT_OPEN',
  /** Connection refused, reset, DNS failure... */
  UNREACHABLE: 'NETWORK.UNREACHABLE',
  /** An HTTP status other than 200. */
  HTTP_STATUS: 'NETWORK.HTTP_STATUS',
  /** The response is larger than allowed. */
  TOO_LARGE: 'NETWORK.TOO_LARGE',
  /** A bad option (a negative timeout, a zero concurrency). */
  BAD_OPTION: 'NETWORK.BAD_OPTION',
} as const;
export type NetworkErrorCode = (typeof NetworkErrorCode)[keyof typeof NetworkErrorCode];

/** The one error class of this library; adapters turn it into "no answer", never into "valid". */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly code: NetworkErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isNetworkError(e: unknown, code?: NetworkErrorCode): e is NetworkError {
  return e instanceof NetworkError && (code === undefined || e.code === code);
}

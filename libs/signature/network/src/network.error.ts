import { CodedError, ERROR_CODES, codeTable, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/** Stable codes of what can go wrong fetching revocation data or certificates (`ERROR_CODES.NETWORK`, where each is described). */
export const NetworkErrorCode = codeTable(ERROR_CODES.NETWORK);
export type NetworkErrorCode = ErrorCodeOf<'NETWORK'>;

/** The one error class of this library; adapters turn it into "no answer", never into "valid". */
export class NetworkError extends CodedError<NetworkErrorCode> {
  override readonly name = 'NetworkError';
  constructor(code: NetworkErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

export function isNetworkError(e: unknown, code?: NetworkErrorCode): e is NetworkError {
  return e instanceof NetworkError && (code === undefined || e.code === code);
}

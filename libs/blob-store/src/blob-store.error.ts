import { CodedError, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/** Stable codes of the blob store (`ERROR_CODES.BLOB`). */
export type BlobStoreErrorCode = ErrorCodeOf<'BLOB'>;

/** The only error the blob store throws on purpose; driver failures keep theirs as `cause`. */
export class BlobStoreError extends CodedError<BlobStoreErrorCode> {
  override readonly name = 'BlobStoreError';
  constructor(code: BlobStoreErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

/** Whether `error` is a BlobStoreError (with the given code, if any). */
export function isBlobStoreError(error: unknown, code?: BlobStoreErrorCode): error is BlobStoreError {
  return error instanceof BlobStoreError && (code === undefined || error.code === code);
}

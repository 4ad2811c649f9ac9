/** Stable codes of the blob store. */
export type BlobStoreErrorCode =
  | 'BLOB.NOT_FOUND'
  | 'BLOB.TOO_LARGE'
  | 'BLOB.INVALID_HASH'
  | 'BLOB.STORE_UNAVAILABLE'
  | 'BLOB.CORRUPT';

/** The only error the blob store throws on purpose; driver failures keep theirs as `cause`. */
export class BlobStoreError extends Error {
  override readonly name = 'BlobStoreError';
  constructor(
    readonly code: BlobStoreErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Whether `error` is a BlobStoreError (with the given code, if any). */
export function isBlobStoreError(error: unknown, code?: BlobStoreErrorCode): error is BlobStoreError {
  return error instanceof BlobStoreError && (code === undefined || error.code === code);
}

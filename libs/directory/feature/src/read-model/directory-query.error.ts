/** Codes the query side refuses with; the gRPC adapter maps them to statuses. */
export type DirectoryQueryErrorCode = 'DIRECTORY.UNKNOWN_AGENCY' | 'DIRECTORY.INVALID_CURSOR' | 'DIRECTORY.MALFORMED_CODE' | 'DIRECTORY.INVALID_FIELD' | 'DIRECTORY.NO_SUCCESSOR';

export class DirectoryQueryError extends Error {
  override readonly name = 'DirectoryQueryError';
  constructor(
    readonly code: DirectoryQueryErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

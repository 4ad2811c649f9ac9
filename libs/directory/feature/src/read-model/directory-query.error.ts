import { CodedError, type CodedErrorOptions } from '@vdx/contracts/errors';

/** Codes the query side refuses with; the gRPC mapper of `@vdx/service-kit` answers them with their statuses. */
export type DirectoryQueryErrorCode = 'DIRECTORY.UNKNOWN_AGENCY' | 'DIRECTORY.INVALID_CURSOR' | 'DIRECTORY.MALFORMED_CODE' | 'DIRECTORY.INVALID_FIELD' | 'DIRECTORY.NO_SUCCESSOR';

export class DirectoryQueryError extends CodedError<DirectoryQueryErrorCode> {
  override readonly name = 'DirectoryQueryError';
  constructor(code: DirectoryQueryErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

import { CodedError, ERROR_CODES, codeTable, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/**
 * Stable machine codes of every PKI error (`ERROR_CODES.PKI` of `@vdx/contracts/errors`, where
 * each is described). Values never change once published: the CLI prints them and callers switch
 * on them.
 */
export const PkiErrorCode = codeTable(ERROR_CODES.PKI);

/** One of the stable PKI error codes. */
export type PkiErrorCode = ErrorCodeOf<'PKI'>;

/** A PKI operation was refused; `code` says why (see {@link PkiErrorCode}). */
export class PkiError extends CodedError<PkiErrorCode> {
  override readonly name = 'PkiError';

  constructor(code: PkiErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

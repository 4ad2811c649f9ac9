import { CodedError, ERROR_CODES, codeTable, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/**
 * Stable codes of the errors the validator throws (`ERROR_CODES.VALIDATOR`, where each is
 * described). It throws only for bad configuration, given once at start-up (an unreadable trust
 * bundle); a hostile document is a verdict, not an error.
 */
export const ValidatorErrorCode = codeTable(ERROR_CODES.VALIDATOR);

/** One of the stable validator error codes. */
export type ValidatorErrorCode = ErrorCodeOf<'VALIDATOR'>;

/** Configuration the validator cannot work with; `code` says why. */
export class ValidatorError extends CodedError<ValidatorErrorCode> {
  override readonly name = 'ValidatorError';

  constructor(code: ValidatorErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

import { CodedError, type CodedErrorOptions } from '../errors/coded-error';
import type { ErrorCodeOf } from '../errors/error-codes';

/** Stable codes for everything that can go wrong turning events into bytes and back (listed in `ERROR_CODES.CONTRACTS`). */
export type ContractErrorCode = ErrorCodeOf<'CONTRACTS'>;

/** Raised by the codec and the catalogue; `path` names the offending field when known. */
export class ContractError extends CodedError<ContractErrorCode> {
  override readonly name = 'ContractError';
  constructor(code: ContractErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

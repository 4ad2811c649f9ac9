import { CodedError, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/**
 * Stable codes of the dead-letter tools (`vdx dlq topics|replay`), described in
 * `ERROR_CODES.DLQ`; `DLQ.COMMAND_MOVED` is the CLI's own.
 */
export type DeadLetterErrorCode = Exclude<ErrorCodeOf<'DLQ'>, 'DLQ.COMMAND_MOVED'>;

/**
 * Refusal of a dead-letter operation, raised before anything is written: a replay that fails
 * with it has sent nothing. `path` names the offending argument.
 */
export class DeadLetterError extends CodedError<DeadLetterErrorCode> {
  override readonly name = 'DeadLetterError';
  constructor(code: DeadLetterErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

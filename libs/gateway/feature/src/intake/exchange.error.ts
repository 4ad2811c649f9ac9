import { CodedError, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/** Why the exchange refused a call (`ERROR_CODES.EXCHANGE`). Codes are stable; clients switch on them. */
export type ExchangeErrorCode = ErrorCodeOf<'EXCHANGE'>;

/** A refused call: nothing was recorded. `path` names the request field at fault. */
export class ExchangeError extends CodedError<ExchangeErrorCode> {
  override readonly name = 'ExchangeError';

  constructor(code: ExchangeErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

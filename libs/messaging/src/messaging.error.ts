import { CodedError, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/** Stable codes of the messaging layer (`ERROR_CODES.MESSAGING`), also written into dead-letter headers. */
export type MessagingErrorCode = ErrorCodeOf<'MESSAGING'>;

/** A failure of the Kafka layer; the client's own error is the `cause`. */
export class MessagingError extends CodedError<MessagingErrorCode> {
  override readonly name = 'MessagingError';
  constructor(code: MessagingErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

/**
 * A handler throws this (or any error with `retryable === false`) for input that will never
 * succeed: it goes to the dead-letter topic at once instead of being retried. Its code is the
 * handler's own reason (`ROUTING.NO_ROUTE`), written into the `vdx-dlq-code` header.
 */
export class PoisonMessageError extends CodedError<string> {
  override readonly name = 'PoisonMessageError';
  readonly retryable = false;
  constructor(code: string, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

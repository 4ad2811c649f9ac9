/** Stable codes of the messaging layer, also written into dead-letter headers. */
export type MessagingErrorCode =
  | 'MESSAGING.HANDLER_FAILED'
  | 'MESSAGING.UNDECODABLE'
  | 'MESSAGING.PRODUCE_FAILED'
  | 'MESSAGING.TOPIC_PROVISIONING_FAILED'
  | 'MESSAGING.NOT_CONNECTED'
  | 'MESSAGING.FENCED'
  | 'MESSAGING.PARTITIONS_MISMATCH'
  | 'MESSAGING.COMMIT_FAILED';

export class MessagingError extends Error {
  override readonly name = 'MessagingError';
  constructor(
    readonly code: MessagingErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/**
 * A handler throws this (or any error with `retryable === false`) for input that will never
 * succeed: it goes to the dead-letter topic at once instead of being retried.
 */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
  readonly retryable = false;
  constructor(
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

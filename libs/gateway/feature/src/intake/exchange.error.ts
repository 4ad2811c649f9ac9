/** Why the exchange refused a call. Codes are stable; clients switch on them. */
export type ExchangeErrorCode =
  | 'EXCHANGE.UNAUTHENTICATED'
  | 'EXCHANGE.NOT_AUTHORISED'
  | 'EXCHANGE.INVALID_ARGUMENT'
  | 'EXCHANGE.NOT_FOUND'
  | 'EXCHANGE.PROTOCOL'
  | 'EXCHANGE.BODY_TOO_LARGE'
  | 'EXCHANGE.SEND_IN_PROGRESS'
  | 'EXCHANGE.UNAVAILABLE';

/** A refused call: nothing was recorded. `path` names the request field at fault. */
export class ExchangeError extends Error {
  override readonly name = 'ExchangeError';

  constructor(
    readonly code: ExchangeErrorCode,
    message: string,
    readonly path = '',
  ) {
    super(message);
  }
}

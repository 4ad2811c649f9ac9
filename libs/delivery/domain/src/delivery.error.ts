/** Why the delivery service refused a command. Codes are stable; clients switch on them. */
export const DELIVERY_ERROR_CODES = [
  'DELIVERY.UNKNOWN_DELIVERY',
  'DELIVERY.NOT_FETCHED',
  'DELIVERY.ALREADY_ACKNOWLEDGED',
  'DELIVERY.NOT_DEAD',
  'DELIVERY.WRONG_SYSTEM',
  'DELIVERY.WITHDRAWN',
  'DELIVERY.INVALID_FIELD',
  /** The partition that owns the delivery did not answer in time; nothing is known to have changed. */
  'DELIVERY.UNAVAILABLE',
] as const;

export type DeliveryErrorCode = (typeof DELIVERY_ERROR_CODES)[number];

/** A refused command: `path` names the command field at fault. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';

  constructor(
    readonly code: DeliveryErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

import { CodedError, ERROR_CODES, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/**
 * Why the delivery service refused a command: `ERROR_CODES.DELIVERY` but `DELIVERY.INTERNAL`
 * (what its gRPC API answers for a failure that is not a refusal). Codes are stable; clients
 * switch on them.
 */
export type DeliveryErrorCode = Exclude<ErrorCodeOf<'DELIVERY'>, 'DELIVERY.INTERNAL'>;

export const DELIVERY_ERROR_CODES: readonly DeliveryErrorCode[] = ERROR_CODES.DELIVERY.filter((c): c is DeliveryErrorCode => c !== 'DELIVERY.INTERNAL');

/** A refused command: `path` names the command field at fault. */
export class DeliveryError extends CodedError<DeliveryErrorCode> {
  override readonly name = 'DeliveryError';

  constructor(code: DeliveryErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

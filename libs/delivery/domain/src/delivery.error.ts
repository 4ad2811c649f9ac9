import { CodedError, ERROR_CODES, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/** Codes of `ERROR_CODES.DELIVERY` no command is refused with: the gRPC API's caller checks, and what it answers for failures. */
type NotACommandRefusal = 'DELIVERY.UNAUTHENTICATED' | 'DELIVERY.PERMISSION_DENIED' | 'DELIVERY.INTERNAL';
const NOT_A_COMMAND_REFUSAL: ReadonlySet<string> = new Set<NotACommandRefusal>(['DELIVERY.UNAUTHENTICATED', 'DELIVERY.PERMISSION_DENIED', 'DELIVERY.INTERNAL']);

/**
 * Why the delivery service refused a command: `ERROR_CODES.DELIVERY` but the caller checks
 * (`DELIVERY.UNAUTHENTICATED`, `DELIVERY.PERMISSION_DENIED`) and `DELIVERY.INTERNAL` (what its
 * gRPC API answers for a failure that is not a refusal). Codes are stable; clients switch on them.
 */
export type DeliveryErrorCode = Exclude<ErrorCodeOf<'DELIVERY'>, NotACommandRefusal>;

export const DELIVERY_ERROR_CODES: readonly DeliveryErrorCode[] = ERROR_CODES.DELIVERY.filter((c): c is DeliveryErrorCode => !NOT_A_COMMAND_REFUSAL.has(c));

/** A refused command: `path` names the command field at fault. */
export class DeliveryError extends CodedError<DeliveryErrorCode> {
  override readonly name = 'DeliveryError';

  constructor(code: DeliveryErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

import { ERROR_CODE_KEY, ERROR_PATH_KEY, GrpcErrors, type GrpcRefusal } from '@vdx/service-kit';

export { ERROR_CODE_KEY, ERROR_PATH_KEY };

/** `ExchangeService`'s answers to failed calls: the one gRPC error mapping of `@vdx/service-kit`, as the gateway words it. */
export const exchangeErrors = new GrpcErrors({
  area: 'EXCHANGE',
  name: 'exchange',
  unavailable: 'the axis cannot reach its store or broker right now; nothing was recorded, send again',
  internal: 'the axis could not complete the call',
});

/**
 * A gRPC error for a refused or failed call: the status, a message that starts with the stable
 * code, and the code and field in trailing metadata. Unexpected errors are logged and answered
 * as INTERNAL without their details.
 */
export function toServiceError(err: unknown): GrpcRefusal {
  return exchangeErrors.toServiceError(err);
}

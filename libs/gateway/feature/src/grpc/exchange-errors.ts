import { Logger } from '@nestjs/common';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ERROR_CODE_KEY, ERROR_PATH_KEY, codedErrorMetadata } from '@vdx/service-kit';
import { ExchangeError, type ExchangeErrorCode } from '../intake/exchange.error';

export { ERROR_CODE_KEY, ERROR_PATH_KEY };

const STATUS: Readonly<Record<ExchangeErrorCode, status>> = {
  'EXCHANGE.UNAUTHENTICATED': status.UNAUTHENTICATED,
  'EXCHANGE.NOT_AUTHORISED': status.PERMISSION_DENIED,
  'EXCHANGE.INVALID_ARGUMENT': status.INVALID_ARGUMENT,
  'EXCHANGE.NOT_FOUND': status.NOT_FOUND,
  'EXCHANGE.PROTOCOL': status.INVALID_ARGUMENT,
  'EXCHANGE.BODY_TOO_LARGE': status.RESOURCE_EXHAUSTED,
  'EXCHANGE.SEND_IN_PROGRESS': status.ABORTED,
  'EXCHANGE.UNAVAILABLE': status.UNAVAILABLE,
};

const logger = new Logger('exchange-grpc');

/** A store or broker outage (not bad input): the blob store's own code, or a driver's network error. */
function isOutage(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown };
  return e.code === 'BLOB.STORE_UNAVAILABLE' || (typeof e.name === 'string' && /^Mongo(Network|NetworkTimeout|ServerSelection|NotConnected|TopologyClosed)Error$/.test(e.name));
}

/**
 * A gRPC error for a refused or failed call: the status, a message that starts with the stable
 * code, and the code and field in trailing metadata. Unexpected errors are logged and answered
 * as INTERNAL without their details.
 */
export function toServiceError(err: unknown): Partial<ServiceError> {
  if (err instanceof ExchangeError) {
    return coded(STATUS[err.code], err.code, `${err.code}: ${err.message}`, err.path);
  }
  // The store or the broker went away: the caller may retry, nothing was recorded.
  if (isOutage(err)) {
    logger.warn(`exchange call failed on an outage: ${err instanceof Error ? err.message : String(err)}`);
    return coded(status.UNAVAILABLE, 'EXCHANGE.UNAVAILABLE', 'EXCHANGE.UNAVAILABLE: the axis cannot reach its store or broker right now; nothing was recorded, send again', '');
  }
  // A coded refusal from a service behind the gateway (delivery): passed through as it is.
  const passed = err as { code?: unknown; path?: unknown; grpcStatus?: unknown; message?: unknown };
  if (typeof passed.code === 'string' && /^[A-Z]+\.[A-Z_]+$/.test(passed.code) && typeof passed.grpcStatus === 'number') {
    return coded(passed.grpcStatus, passed.code, String(passed.message), typeof passed.path === 'string' ? passed.path : '');
  }
  logger.error(`exchange call failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return coded(status.INTERNAL, 'EXCHANGE.INTERNAL', 'EXCHANGE.INTERNAL: the axis could not complete the call', '');
}

/** The code three ways: the message's prefix, `vdx-error-code`/`-path`, and the rich `grpc-status-details-bin`. */
function coded(grpcStatus: status, code: string, message: string, path: string): Partial<ServiceError> {
  return { code: grpcStatus, details: message, metadata: codedErrorMetadata(grpcStatus, code, message, path) };
}

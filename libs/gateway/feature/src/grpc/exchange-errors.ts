import { Logger } from '@nestjs/common';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ExchangeError, type ExchangeErrorCode } from '../intake/exchange.error';

export const ERROR_CODE_KEY = 'vdx-error-code';
export const ERROR_PATH_KEY = 'vdx-error-path';

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

/**
 * A gRPC error for a refused or failed call: the status, a message that starts with the stable
 * code, and the code and field in trailing metadata. Unexpected errors are logged and answered
 * as INTERNAL without their details.
 */
export function toServiceError(err: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  if (err instanceof ExchangeError) {
    metadata.set(ERROR_CODE_KEY, err.code);
    if (err.path) metadata.set(ERROR_PATH_KEY, err.path);
    return { code: STATUS[err.code], details: `${err.code}: ${err.message}`, metadata };
  }
  // A coded refusal from a service behind the gateway (delivery): passed through as it is.
  const coded = err as { code?: unknown; path?: unknown; grpcStatus?: unknown; message?: unknown };
  if (typeof coded.code === 'string' && /^[A-Z]+\.[A-Z_]+$/.test(coded.code) && typeof coded.grpcStatus === 'number') {
    metadata.set(ERROR_CODE_KEY, coded.code);
    if (typeof coded.path === 'string' && coded.path) metadata.set(ERROR_PATH_KEY, coded.path);
    return { code: coded.grpcStatus, details: String(coded.message), metadata };
  }
  logger.error(`exchange call failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  metadata.set(ERROR_CODE_KEY, 'EXCHANGE.INTERNAL');
  return { code: status.INTERNAL, details: 'EXCHANGE.INTERNAL: the axis could not complete the call', metadata };
}

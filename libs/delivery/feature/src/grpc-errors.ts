import { status, type ServiceError } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { codedErrorMetadata } from '@vdx/service-kit';

const STATUS: Readonly<Record<string, status>> = {
  'DELIVERY.UNKNOWN_DELIVERY': status.NOT_FOUND,
  'DELIVERY.INVALID_FIELD': status.INVALID_ARGUMENT,
  'DELIVERY.WRONG_SYSTEM': status.PERMISSION_DENIED,
  'DELIVERY.NOT_FETCHED': status.FAILED_PRECONDITION,
  'DELIVERY.ALREADY_ACKNOWLEDGED': status.FAILED_PRECONDITION,
  'DELIVERY.NOT_DEAD': status.FAILED_PRECONDITION,
  'DELIVERY.WITHDRAWN': status.FAILED_PRECONDITION,
  'DELIVERY.UNAVAILABLE': status.UNAVAILABLE,
};
const logger = new Logger('delivery-grpc');

/** Runs a handler; coded errors become gRPC errors with `vdx-error-code`/`vdx-error-path`, others INTERNAL (logged). */
export async function grpcCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const coded = err as { code?: unknown; path?: unknown; message?: unknown };
    if (typeof coded.code === 'string' && coded.code.includes('.')) {
      const grpcStatus = STATUS[coded.code] ?? (/UNAVAILABLE|FENCED|PRODUCE_FAILED/.test(coded.code) ? status.UNAVAILABLE : status.FAILED_PRECONDITION);
      const message = `${coded.code}: ${String(coded.message)}`;
      const metadata = codedErrorMetadata(grpcStatus, coded.code, message, typeof coded.path === 'string' ? coded.path : '');
      throw new RpcException({ code: grpcStatus, message, metadata } satisfies Partial<ServiceError>);
    }
    logger.error(`delivery call failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const message = 'DELIVERY.INTERNAL: the delivery service could not complete the call';
    throw new RpcException({ code: status.INTERNAL, message, metadata: codedErrorMetadata(status.INTERNAL, 'DELIVERY.INTERNAL', message, '') });
  }
}

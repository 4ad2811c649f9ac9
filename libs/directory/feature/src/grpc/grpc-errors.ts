import { status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERROR_CODE_KEY, ERROR_PATH_KEY, codedErrorMetadata } from '@vdx/service-kit';

export { ERROR_CODE_KEY, ERROR_PATH_KEY };

const logger = new Logger('directory-grpc');

const STATUS_BY_CODE: Readonly<Record<string, status>> = {
  'DIRECTORY.MALFORMED_CODE': status.INVALID_ARGUMENT,
  'DIRECTORY.INVALID_FIELD': status.INVALID_ARGUMENT,
  'DIRECTORY.INVALID_CURSOR': status.INVALID_ARGUMENT,
  'DIRECTORY.UNKNOWN_AGENCY': status.NOT_FOUND,
  'DIRECTORY.DUPLICATE_CODE': status.ALREADY_EXISTS,
  // The writer could not append: another instance took over, or the broker is unreachable.
  'MESSAGING.FENCED': status.UNAVAILABLE,
  'MESSAGING.PRODUCE_FAILED': status.UNAVAILABLE,
  'MESSAGING.NOT_CONNECTED': status.UNAVAILABLE,
};

/** A coded domain error as a gRPC error: status from the code, code and path in trailers. */
export function toRpcException(code: string, path: string, message: string): RpcException {
  const grpcStatus = STATUS_BY_CODE[code] ?? status.FAILED_PRECONDITION;
  const text = `${code}: ${message}`;
  return new RpcException({ code: grpcStatus, message: text, metadata: codedErrorMetadata(grpcStatus, code, text, path) });
}

/** Runs a handler, turning coded errors (anything with a string `code` and `path`) into gRPC ones. */
export async function grpcCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RpcException) throw err;
    const coded = err as { code?: unknown; path?: unknown; message?: unknown };
    if (typeof coded.code === 'string' && coded.code.includes('.')) {
      throw toRpcException(coded.code, typeof coded.path === 'string' ? coded.path : '', String(coded.message));
    }
    // Unexpected: the caller gets a generic answer, the operator the cause.
    logger.error(`gRPC call failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const message = 'DIRECTORY.INTERNAL: the directory could not complete the call';
    throw new RpcException({ code: status.INTERNAL, message, metadata: codedErrorMetadata(status.INTERNAL, 'DIRECTORY.INTERNAL', message, '') });
  }
}

import { Metadata, status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';

/** Error-code metadata keys every vdx gRPC error carries (stable codes, offending field). */
export const ERROR_CODE_KEY = 'vdx-error-code';
export const ERROR_PATH_KEY = 'vdx-error-path';

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
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_KEY, code);
  if (path) metadata.set(ERROR_PATH_KEY, path);
  return new RpcException({ code: STATUS_BY_CODE[code] ?? status.FAILED_PRECONDITION, message: `${code}: ${message}`, metadata });
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
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_KEY, 'DIRECTORY.INTERNAL');
    throw new RpcException({ code: status.INTERNAL, message: 'DIRECTORY.INTERNAL: the directory could not complete the call', metadata });
  }
}

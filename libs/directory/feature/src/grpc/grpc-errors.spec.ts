import { status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { DirectoryError } from '@vdx/directory-domain';
import { ERROR_CODE_KEY, ERROR_PATH_KEY, directoryErrors } from './grpc-errors';

const grpcCall = <T>(fn: () => Promise<T>): Promise<T> => directoryErrors.call(fn);

async function failure(fn: () => Promise<unknown>): Promise<{ code: number; message: string; metadata: { get(key: string): unknown[] } }> {
  const err: unknown = await grpcCall(fn).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RpcException);
  return (err as RpcException).getError() as never;
}

describe('directoryErrors.call', () => {
  it.each([
    ['DIRECTORY.MALFORMED_CODE', status.INVALID_ARGUMENT],
    ['DIRECTORY.UNKNOWN_AGENCY', status.NOT_FOUND],
    ['DIRECTORY.DUPLICATE_CODE', status.ALREADY_EXISTS],
    ['DIRECTORY.PARENT_UNKNOWN', status.FAILED_PRECONDITION],
  ] as const)('maps %s to gRPC status %i with the code and path in metadata', async (code, grpcStatus) => {
    const error = await failure(async () => {
      throw new DirectoryError(code, 'because', { path: 'code' });
    });
    expect(error.code).toBe(grpcStatus);
    expect(error.message).toBe(`${code}: because`);
    expect(error.metadata.get(ERROR_CODE_KEY)).toEqual([code]);
    expect(error.metadata.get(ERROR_PATH_KEY)).toEqual(['code']);
  });

  it('hides an unexpected error behind INTERNAL and logs the cause for the operator', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const error = await failure(async () => {
      throw new TypeError('secret detail');
    });
    expect(error.code).toBe(status.INTERNAL);
    expect(error.message).not.toContain('secret');
    expect(error.metadata.get(ERROR_CODE_KEY)).toEqual(['DIRECTORY.INTERNAL']);
    expect(String(logged.mock.calls[0]?.[0])).toContain('TypeError: secret detail');
    logged.mockRestore();
  });

  it('passes values through', async () => {
    await expect(grpcCall(async () => 42)).resolves.toBe(42);
  });
});

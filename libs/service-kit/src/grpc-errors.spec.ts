import { status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { STATUS_DETAILS_KEY, decodeErrorDetails } from '@vdx/contracts';
import { CallError, CodedError, type ErrorCode } from '@vdx/contracts/errors';
import { ERROR_CODE_KEY, ERROR_PATH_KEY } from './coded-grpc-error';
import { GrpcErrors, type GrpcRefusal } from './grpc-errors';

class ProbeError extends CodedError<ErrorCode> {
  constructor(code: ErrorCode, message: string, path?: string) {
    super(code, message, path === undefined ? {} : { path });
  }
}

const delivery = new GrpcErrors({ area: 'DELIVERY', name: 'delivery', unavailable: 'try again', internal: 'could not complete the call' });
const answer = (e: GrpcRefusal) => ({ status: e.code, details: e.details, code: e.metadata.get(ERROR_CODE_KEY)[0], path: e.metadata.get(ERROR_PATH_KEY)[0] });

describe('GrpcErrors', () => {
  let warned: jest.SpyInstance;
  let logged: jest.SpyInstance;
  beforeEach(() => {
    warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers a refusal with the status of its code, the code three ways and the path', () => {
    const e = delivery.toServiceError(new ProbeError('DELIVERY.WRONG_SYSTEM', 'not yours', 'system_id'));
    expect(answer(e)).toEqual({ status: status.PERMISSION_DENIED, details: 'DELIVERY.WRONG_SYSTEM: not yours', code: 'DELIVERY.WRONG_SYSTEM', path: 'system_id' });
    expect(decodeErrorDetails(e.metadata.get(STATUS_DETAILS_KEY)[0] as Buffer)).toEqual({ grpcStatus: status.PERMISSION_DENIED, code: 'DELIVERY.WRONG_SYSTEM', message: 'DELIVERY.WRONG_SYSTEM: not yours', path: 'system_id' });
  });

  it.each<[ErrorCode, status]>([
    ['DELIVERY.UNKNOWN_DELIVERY', status.NOT_FOUND],
    ['DELIVERY.INVALID_FIELD', status.INVALID_ARGUMENT],
    ['DELIVERY.NOT_FETCHED', status.FAILED_PRECONDITION],
    ['DIRECTORY.PARENT_UNKNOWN', status.FAILED_PRECONDITION],
    ['DIRECTORY.DUPLICATE_CODE', status.ALREADY_EXISTS],
    ['EXCHANGE.SEND_IN_PROGRESS', status.ABORTED],
  ])('answers %s with status %i, whichever service throws it', (code, grpcStatus) => {
    expect(answer(delivery.toServiceError(new ProbeError(code, 'because')))).toEqual({ status: grpcStatus, details: `${code}: because`, code, path: undefined });
  });

  it('keeps the message of its own outage, and hides any other behind <AREA>.UNAVAILABLE', () => {
    expect(answer(delivery.toServiceError(new ProbeError('DELIVERY.UNAVAILABLE', 'no answer within 30000 ms; retry', 'delivery_id')))).toEqual({ status: status.UNAVAILABLE, details: 'DELIVERY.UNAVAILABLE: no answer within 30000 ms; retry', code: 'DELIVERY.UNAVAILABLE', path: 'delivery_id' });
    for (const outage of [
      new ProbeError('BLOB.STORE_UNAVAILABLE', 'blob store unavailable while reading: connect ECONNREFUSED 10.0.0.7'),
      new ProbeError('MESSAGING.FENCED', 'another instance took over delivery.1'),
      Object.assign(new Error('connection 4 to 10.0.0.7:27017 closed'), { name: 'MongoNetworkError' }),
    ]) {
      expect(answer(delivery.toServiceError(outage))).toEqual({ status: status.UNAVAILABLE, details: 'DELIVERY.UNAVAILABLE: try again', code: 'DELIVERY.UNAVAILABLE', path: undefined });
    }
    expect(warned).toHaveBeenCalledTimes(3);
  });

  it('passes on a refusal relayed from a service behind as it is; one that got no code is an outage', () => {
    const relayed = new CallError('DIRECTORY.UNKNOWN_AGENCY', 'DIRECTORY.UNKNOWN_AGENCY: agency 000.00.99.H53 is not in the directory', { path: 'code', grpcStatus: status.NOT_FOUND });
    expect(answer(delivery.toServiceError(relayed))).toEqual({ status: status.NOT_FOUND, details: relayed.message, code: 'DIRECTORY.UNKNOWN_AGENCY', path: 'code' });
    const shaped = Object.assign(new Error('DELIVERY.NOT_FETCHED: fetch it first'), { code: 'DELIVERY.NOT_FETCHED', path: 'delivery_id', grpcStatus: status.FAILED_PRECONDITION });
    expect(answer(delivery.toServiceError(shaped))).toEqual({ status: status.FAILED_PRECONDITION, details: shaped.message, code: 'DELIVERY.NOT_FETCHED', path: 'delivery_id' });
    expect(answer(delivery.toServiceError(new CallError('GRPC.14', 'No connection established', { grpcStatus: status.UNAVAILABLE })))).toMatchObject({ status: status.UNAVAILABLE, code: 'DELIVERY.UNAVAILABLE' });
  });

  it('hides a fault of the service, and anything uncoded, behind <AREA>.INTERNAL and logs it', () => {
    for (const fault of [new ProbeError('BLOB.NOT_FOUND', 'no blob 3f…'), new TypeError('secret detail'), Object.assign(new Error('made up'), { code: 'NOT.IN_THE_CATALOGUE' })]) {
      const e = answer(delivery.toServiceError(fault));
      expect(e).toEqual({ status: status.INTERNAL, details: 'DELIVERY.INTERNAL: could not complete the call', code: 'DELIVERY.INTERNAL', path: undefined });
    }
    expect(logged).toHaveBeenCalledTimes(3);
    expect(String(logged.mock.calls[1]?.[0])).toContain('TypeError: secret detail');
  });

  it('runs a handler: values pass, errors become RpcExceptions, an RpcException passes unchanged', async () => {
    await expect(delivery.call(async () => 42)).resolves.toBe(42);
    const thrown: unknown = await delivery.call(() => Promise.reject(new ProbeError('DELIVERY.NOT_DEAD', 'it is queued'))).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(RpcException);
    expect((thrown as RpcException).getError()).toMatchObject({ code: status.FAILED_PRECONDITION, message: 'DELIVERY.NOT_DEAD: it is queued' });
    const own = new RpcException({ code: status.CANCELLED, message: 'cancelled' });
    await expect(delivery.call(() => Promise.reject(own))).rejects.toBe(own);
  });
});

import { status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { BlobStoreError } from '@vdx/blob-store';
import { STATUS_DETAILS_KEY, decodeErrorDetails } from '@vdx/contracts';
import { ExchangeError } from '../intake/exchange.error';
import { ERROR_CODE_KEY, ERROR_PATH_KEY, toServiceError } from './exchange-errors';

describe('toServiceError', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('maps a refusal to its status, with the code three ways', () => {
    const e = toServiceError(new ExchangeError('EXCHANGE.NOT_AUTHORISED', 'no', { path: 'sender_code' }));
    expect(e.code).toBe(status.PERMISSION_DENIED);
    expect(e.details).toBe('EXCHANGE.NOT_AUTHORISED: no');
    expect(e.metadata!.get(ERROR_CODE_KEY)).toEqual(['EXCHANGE.NOT_AUTHORISED']);
    expect(e.metadata!.get(ERROR_PATH_KEY)).toEqual(['sender_code']);
    expect(decodeErrorDetails(e.metadata!.get(STATUS_DETAILS_KEY)[0] as Buffer)).toMatchObject({ code: 'EXCHANGE.NOT_AUTHORISED', path: 'sender_code' });
  });

  it.each([
    ['the blob store', new BlobStoreError('BLOB.STORE_UNAVAILABLE', 'down')],
    ['a driver network error', Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoServerSelectionError' })],
  ])('answers an outage of %s with UNAVAILABLE and EXCHANGE.UNAVAILABLE', (_, err) => {
    const e = toServiceError(err);
    expect([e.code, e.metadata!.get(ERROR_CODE_KEY)[0]]).toEqual([status.UNAVAILABLE, 'EXCHANGE.UNAVAILABLE']);
  });

  it('passes a coded refusal from the delivery service through', () => {
    const e = toServiceError(Object.assign(new Error('DELIVERY.NOT_FETCHED: fetch it first'), { code: 'DELIVERY.NOT_FETCHED', path: 'delivery_id', grpcStatus: status.FAILED_PRECONDITION }));
    expect([e.code, e.metadata!.get(ERROR_CODE_KEY)[0], e.metadata!.get(ERROR_PATH_KEY)[0]]).toEqual([status.FAILED_PRECONDITION, 'DELIVERY.NOT_FETCHED', 'delivery_id']);
  });

  it('hides anything else behind INTERNAL', () => {
    const e = toServiceError(new TypeError('secret'));
    expect([e.code, e.details]).toEqual([status.INTERNAL, 'EXCHANGE.INTERNAL: the axis could not complete the call']);
  });
});

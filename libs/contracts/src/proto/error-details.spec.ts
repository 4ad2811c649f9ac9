import { ERROR_CODE_KEY, ERROR_PATH_KEY, STATUS_DETAILS_KEY, decodeErrorDetails, encodeErrorDetails, refusalOf, type GrpcClientError } from './error-details';

/** A client error with the given trailers, as `@grpc/grpc-js` hands it over. */
function clientError(code: number, details: string, trailers: Record<string, string | Buffer>): GrpcClientError {
  return { code, details, message: `${code} ${details}`, metadata: { get: (key: string) => (key in trailers ? [trailers[key]] : []) } };
}

describe('rich gRPC error details', () => {
  it('round-trips the stable code, the field at fault and the status', () => {
    const details = { grpcStatus: 7, code: 'EXCHANGE.NOT_AUTHORISED', message: 'EXCHANGE.NOT_AUTHORISED: system x may not act for y', path: 'sender_code' };
    expect(decodeErrorDetails(encodeErrorDetails(details))).toEqual(details);
    expect(decodeErrorDetails(encodeErrorDetails({ ...details, path: '' }))).toEqual({ ...details, path: '' });
  });

  it('answers undefined for bytes that are not a status with an ErrorInfo', () => {
    expect(decodeErrorDetails(Buffer.from('not protobuf at all, surely'))).toBeUndefined();
    expect(decodeErrorDetails(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('refusalOf', () => {
  it('reads the code and path of the rich details first', () => {
    const details = { grpcStatus: 9, code: 'DELIVERY.NOT_FETCHED', message: 'DELIVERY.NOT_FETCHED: fetch it first', path: 'delivery_id' };
    const r = refusalOf(clientError(9, details.message, { [STATUS_DETAILS_KEY]: encodeErrorDetails(details), [ERROR_CODE_KEY]: 'OTHER.CODE' }));
    expect(r).toEqual({ code: 'DELIVERY.NOT_FETCHED', message: details.message, options: { path: 'delivery_id', grpcStatus: 9, details } });
  });

  it('falls back on the vdx-error trailers, then on the bare status', () => {
    expect(refusalOf(clientError(5, 'no', { [ERROR_CODE_KEY]: 'DIRECTORY.UNKNOWN_AGENCY', [ERROR_PATH_KEY]: 'code' }))).toEqual({ code: 'DIRECTORY.UNKNOWN_AGENCY', message: 'no', options: { path: 'code', grpcStatus: 5 } });
    expect(refusalOf(clientError(14, '', {}))).toEqual({ code: 'GRPC.14', message: '14 ', options: { path: '', grpcStatus: 14 } });
  });
});

import { decodeErrorDetails, encodeErrorDetails } from './error-details';

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

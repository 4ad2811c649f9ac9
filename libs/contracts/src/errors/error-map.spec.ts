import { status } from '@grpc/grpc-js';
import { CallError, isRelayedRefusal } from './call-error';
import { CodedError, isCodedError } from './coded-error';
import { ALL_ERROR_CODES, ERROR_CODES, codeTable, isErrorCode, type ErrorArea, type ErrorCode } from './error-codes';
import { ERROR_MAP, GRPC_STATUS, consumerDispositionOf, errorMappingOf, httpStatusOf, isOutage, type ErrorMapping } from './error-map';

class ProbeError extends CodedError<ErrorCode> {
  override readonly name = 'ProbeError';
  constructor(code: ErrorCode, message: string, options?: { path?: string; cause?: unknown }) {
    super(code, message, options);
  }
}

// The map's type is what makes it exhaustive: leaving a code out does not compile.
// @ts-expect-error a map that lacks codes of the catalogue is refused by tsc
const incomplete: { readonly [C in ErrorCode]: ErrorMapping } = { 'EXCHANGE.NOT_FOUND': ERROR_MAP['EXCHANGE.NOT_FOUND'] };
// @ts-expect-error a code outside the catalogue has no place in the map
const stray: { readonly [C in ErrorCode]: ErrorMapping } = { ...ERROR_MAP, 'EXCHANGE.NOT_A_CODE': ERROR_MAP['EXCHANGE.NOT_FOUND'] };

describe('the error catalogue', () => {
  it('names each code once, as AREA.REASON under its own area', () => {
    expect(new Set(ALL_ERROR_CODES).size).toBe(ALL_ERROR_CODES.length);
    for (const [area, codes] of Object.entries(ERROR_CODES) as [ErrorArea, readonly string[]][]) {
      for (const code of codes) expect(code).toMatch(new RegExp(`^${area}\\.[A-Z][A-Z0-9_]*$`));
    }
    expect(isErrorCode('DELIVERY.NOT_FETCHED')).toBe(true);
    expect(isErrorCode('DELIVERY.NOT_A_CODE')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });

  it('keys a table of an area by the codes’ names', () => {
    const table = codeTable(ERROR_CODES.PKI);
    expect(table.INVALID_SYSTEM_ID).toBe('PKI.INVALID_SYSTEM_ID');
    expect(Object.values(table)).toEqual([...ERROR_CODES.PKI]);
    expect(Object.isFrozen(table)).toBe(true);
  });
});

describe('ERROR_MAP', () => {
  it('maps every code of the catalogue, and nothing else', () => {
    expect(Object.keys(ERROR_MAP).sort()).toEqual([...ALL_ERROR_CODES].sort());
    for (const code of ALL_ERROR_CODES) expect(errorMappingOf(code)).toBe(ERROR_MAP[code]);
    expect(incomplete).toBeDefined();
    expect(stray).toBeDefined();
  });

  it('uses the gRPC status numbers of @grpc/grpc-js', () => {
    for (const [name, value] of Object.entries(GRPC_STATUS)) expect([name, value]).toEqual([name, status[name as keyof typeof status]]);
  });

  it.each<[ErrorCode, number, number, string]>([
    ['EXCHANGE.NOT_AUTHORISED', status.PERMISSION_DENIED, 403, 'dead-letter'],
    ['EXCHANGE.UNAUTHENTICATED', status.UNAUTHENTICATED, 401, 'dead-letter'],
    ['EXCHANGE.BODY_TOO_LARGE', status.RESOURCE_EXHAUSTED, 413, 'dead-letter'],
    ['EXCHANGE.SEND_IN_PROGRESS', status.ABORTED, 409, 'retry'],
    ['EXCHANGE.OVERLOADED', status.RESOURCE_EXHAUSTED, 503, 'retry'],
    ['DELIVERY.UNKNOWN_DELIVERY', status.NOT_FOUND, 404, 'retry-bounded'],
    ['DELIVERY.NOT_FETCHED', status.FAILED_PRECONDITION, 400, 'retry-bounded'],
    ['DELIVERY.UNAVAILABLE', status.UNAVAILABLE, 503, 'retry'],
    ['DIRECTORY.DUPLICATE_CODE', status.ALREADY_EXISTS, 409, 'dead-letter'],
    ['DIRECTORY.MALFORMED_CODE', status.INVALID_ARGUMENT, 400, 'dead-letter'],
    ['DIRECTORY.UNAUTHENTICATED', status.UNAUTHENTICATED, 401, 'dead-letter'],
    ['DIRECTORY.PERMISSION_DENIED', status.PERMISSION_DENIED, 403, 'dead-letter'],
    ['DELIVERY.UNAUTHENTICATED', status.UNAUTHENTICATED, 401, 'dead-letter'],
    ['DELIVERY.PERMISSION_DENIED', status.PERMISSION_DENIED, 403, 'dead-letter'],
    ['STATISTICS.LOGIN_REQUIRED', status.UNAUTHENTICATED, 401, 'dead-letter'],
    ['STATISTICS.OUTSIDE_SCOPE', status.PERMISSION_DENIED, 403, 'dead-letter'],
    ['STATISTICS.NOT_FOUND', status.NOT_FOUND, 404, 'dead-letter'],
    ['BLOB.STORE_UNAVAILABLE', status.UNAVAILABLE, 503, 'retry'],
    ['BLOB.NOT_FOUND', status.INTERNAL, 500, 'retry-bounded'],
    ['MESSAGING.PRODUCE_FAILED', status.UNAVAILABLE, 503, 'retry'],
    ['CONTRACTS.UNDECODABLE', status.INTERNAL, 500, 'dead-letter'],
  ])('answers %s with gRPC %i, HTTP %i, and a consumer %s', (code, grpc, http, consumer) => {
    expect(ERROR_MAP[code]).toEqual({ grpc, http, consumer });
    expect(httpStatusOf(code)).toBe(http);
  });

  it('retries every outage in a consumer, and answers no refusal 2xx or 3xx', () => {
    for (const code of ALL_ERROR_CODES) {
      const m = ERROR_MAP[code];
      if (m.grpc === GRPC_STATUS.UNAVAILABLE) expect([code, m.consumer]).toEqual([code, 'retry']);
      expect([code, m.http >= 400 && m.http < 600]).toEqual([code, true]);
      expect([code, m.grpc]).not.toEqual([code, GRPC_STATUS.OK]);
    }
    expect(httpStatusOf('NOT.IN_THE_CATALOGUE')).toBe(500);
  });
});

describe('consumerDispositionOf and isOutage', () => {
  it('follows the map for a code of the catalogue', () => {
    expect(consumerDispositionOf(new ProbeError('BLOB.STORE_UNAVAILABLE', 'down'))).toBe('retry');
    expect(consumerDispositionOf(new ProbeError('CONTRACTS.INVALID_PAYLOAD', 'bad'))).toBe('dead-letter');
    expect(consumerDispositionOf(new ProbeError('DIRECTORY.PARENT_UNKNOWN', 'not yet'))).toBe('retry-bounded');
    expect(isOutage(new ProbeError('MESSAGING.NOT_CONNECTED', 'not yet'))).toBe(true);
    expect(isOutage(new ProbeError('EXCHANGE.INVALID_ARGUMENT', 'bad'))).toBe(false);
  });

  it('dead-letters at once what says it is not retryable, whatever its code', () => {
    expect(consumerDispositionOf(Object.assign(new Error('poison'), { code: 'BLOB.STORE_UNAVAILABLE', retryable: false }))).toBe('dead-letter');
    expect(consumerDispositionOf(Object.assign(new Error('poison'), { code: 'ROUTING.NO_ROUTE', retryable: false }))).toBe('dead-letter');
  });

  it('retries uncoded outages without limit and anything else a few times', () => {
    expect(consumerDispositionOf(Object.assign(new Error('no primary'), { name: 'MongoServerSelectionError' }))).toBe('retry');
    expect(consumerDispositionOf(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('retry');
    expect(consumerDispositionOf(Object.assign(new Error('newer peer'), { code: 'ARCHIVE.UNAVAILABLE' }))).toBe('retry');
    expect(consumerDispositionOf(new CallError('GRPC.14', 'No connection established', { grpcStatus: status.UNAVAILABLE }))).toBe('retry');
    expect(consumerDispositionOf(new CallError('GRPC.13', 'internal', { grpcStatus: status.INTERNAL }))).toBe('retry-bounded');
    expect(consumerDispositionOf(new TypeError('a bug'))).toBe('retry-bounded');
    expect(consumerDispositionOf('a string')).toBe('retry-bounded');
  });
});

describe('CodedError', () => {
  it('carries its code, safe message, path and cause; the path defaults to nothing', () => {
    const cause = new Error('driver detail');
    const e = new ProbeError('DELIVERY.NOT_FETCHED', 'fetch it first', { path: 'delivery_id', cause });
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.message, e.path, e.cause]).toEqual(['ProbeError', 'DELIVERY.NOT_FETCHED', 'fetch it first', 'delivery_id', cause]);
    const bare = new ProbeError('DELIVERY.NOT_FETCHED', 'fetch it first');
    expect([bare.path, 'cause' in bare]).toEqual(['', false]);
    expect(isCodedError(e)).toBe(true);
    expect(isCodedError(e, 'DELIVERY.NOT_FETCHED')).toBe(true);
    expect(isCodedError(e, 'DELIVERY.WITHDRAWN')).toBe(false);
    expect(isCodedError(Object.assign(new Error('x'), { code: 'DELIVERY.NOT_FETCHED' }))).toBe(false);
  });

  it('relays a refusal of another service with its status and details', () => {
    const e = new CallError('DELIVERY.NOT_FETCHED', 'DELIVERY.NOT_FETCHED: fetch it first', { path: 'delivery_id', grpcStatus: status.FAILED_PRECONDITION });
    expect([e.code, e.path, e.grpcStatus, e.details]).toEqual(['DELIVERY.NOT_FETCHED', 'delivery_id', status.FAILED_PRECONDITION, undefined]);
    expect(isRelayedRefusal(e)).toBe(true);
    expect(isRelayedRefusal({ code: 'DELIVERY.NOT_FETCHED', grpcStatus: 9 })).toBe(true);
    expect(isRelayedRefusal(new CallError('GRPC.14', 'unreachable', { grpcStatus: 14 }))).toBe(false);
    expect(isRelayedRefusal(new ProbeError('DELIVERY.NOT_FETCHED', 'local'))).toBe(false);
  });
});

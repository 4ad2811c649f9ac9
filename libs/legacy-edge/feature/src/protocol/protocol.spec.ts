import { createHash } from 'node:crypto';
import { encodeJson, fail, ok } from './json-envelope';
import { fileOfSendBody, hashFileMatches, unpaddedHex } from './hash-file';
import { errorCodeOf, LegacyError } from './legacy-error';
import { authenticate, parseSignedHeaders, signHeader, verifySignature } from './signed-request';
import { clientTimestamp, legacyTime, parseLegacyDate } from './timestamp';

// The test vector of the legacy VXP HTTP API, as vendored in docs/vxp-api.md (established from
// the reference Java client's traffic): secret `test-secret` over this exact `S`.
const VECTOR_S = '{"XroadVnpt-systemid":"sandbox.centre","XroadVnpt-timestamp":"01122026T190030+0875","XroadVnpt-Content-Type":"application/json"}';
const VECTOR_SECRET = 'test-secret';
const VECTOR_HASH = '1b4296b2733f155328ab60ce26ae460f2e419bd8bedebeada45c4b3ebf54cd9f';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as LegacyError).code;
  }
  return 'no error';
};

describe('HMAC of the signed header set', () => {
  it('reproduces the test vector', () => {
    expect(signHeader(VECTOR_SECRET, Buffer.from(VECTOR_S, 'utf8'))).toBe(VECTOR_HASH);
  });

  it('verifies the received bytes, not a re-serialisation', () => {
    // The same object with another key order or other escaping is other bytes: a hash over one
    // does not verify the other.
    const reordered = '{"XroadVnpt-timestamp":"01122026T190030+0875","XroadVnpt-systemid":"sandbox.centre","XroadVnpt-Content-Type":"application/json"}';
    expect(JSON.parse(reordered)).toEqual(JSON.parse(VECTOR_S));
    expect(verifySignature(Buffer.from(VECTOR_S), VECTOR_HASH, [VECTOR_SECRET])).toBe(true);
    expect(verifySignature(Buffer.from(reordered), VECTOR_HASH, [VECTOR_SECRET])).toBe(false);
    const escaped = '{"XroadVnpt-systemid":"sandbox\\u002ecentre","XroadVnpt-timestamp":"01122026T190030+0875","XroadVnpt-Content-Type":"application/json"}';
    expect(verifySignature(Buffer.from(escaped), signHeader(VECTOR_SECRET, Buffer.from(escaped)), [VECTOR_SECRET])).toBe(true);
    expect(parseSignedHeaders(Buffer.from(escaped)).systemId).toBe('sandbox.centre');
  });

  it('accepts any of the valid secrets, and refuses a wrong, short or non-hex hash', () => {
    const bytes = Buffer.from(VECTOR_S);
    expect(verifySignature(bytes, VECTOR_HASH, ['old-secret', VECTOR_SECRET])).toBe(true);
    expect(verifySignature(bytes, VECTOR_HASH.toUpperCase(), [VECTOR_SECRET])).toBe(true);
    expect(verifySignature(bytes, VECTOR_HASH, ['other-secret'])).toBe(false);
    expect(verifySignature(bytes, VECTOR_HASH, [])).toBe(false);
    expect(verifySignature(bytes, VECTOR_HASH.slice(0, 63), [VECTOR_SECRET])).toBe(false);
    expect(verifySignature(bytes, `${VECTOR_HASH.slice(0, 63)}g`, [VECTOR_SECRET])).toBe(false);
    expect(verifySignature(bytes, '0'.repeat(64), [VECTOR_SECRET])).toBe(false);
  });

  it('authenticates with the system named inside S and refuses with coded errors', () => {
    const secrets = (id: string) => (id === 'sandbox.centre' ? [VECTOR_SECRET] : []);
    const auth = authenticate(Buffer.from(VECTOR_S), VECTOR_HASH, secrets);
    expect(auth.systemId).toBe('sandbox.centre');
    expect(auth.params.get('timestamp')).toBe('01122026T190030+0875');
    expect(auth.params.get('Content-Type')).toBe('application/json');
    expect(codeOf(() => authenticate(undefined, VECTOR_HASH, secrets))).toBe('LEGACY.MISSING_SIGNATURE');
    expect(codeOf(() => authenticate(Buffer.from(VECTOR_S), undefined, secrets))).toBe('LEGACY.MISSING_SIGNATURE');
    expect(codeOf(() => authenticate(Buffer.from(VECTOR_S), ' ', secrets))).toBe('LEGACY.MISSING_SIGNATURE');
    expect(codeOf(() => authenticate(Buffer.from('{"XroadVnpt-systemid":'), VECTOR_HASH, secrets))).toBe('LEGACY.MALFORMED_SIGNED_HEADERS');
    expect(codeOf(() => authenticate(Buffer.from('["XroadVnpt-systemid"]'), VECTOR_HASH, secrets))).toBe('LEGACY.MALFORMED_SIGNED_HEADERS');
    expect(codeOf(() => authenticate(Buffer.from('{"XroadVnpt-systemid":{"a":1}}'), VECTOR_HASH, secrets))).toBe('LEGACY.MALFORMED_SIGNED_HEADERS');
    expect(codeOf(() => authenticate(Buffer.from('{"XroadVnpt-timestamp":"x"}'), VECTOR_HASH, secrets))).toBe('LEGACY.UNKNOWN_SYSTEM');
    expect(codeOf(() => authenticate(Buffer.from('{"XroadVnpt-systemid":"stranger"}'), VECTOR_HASH, secrets))).toBe('LEGACY.UNKNOWN_SYSTEM');
    expect(codeOf(() => authenticate(Buffer.from(VECTOR_S), 'f'.repeat(64), secrets))).toBe('LEGACY.BAD_SIGNATURE');
  });

  it('keeps parameter names with their case: docId and docid are two parameters', () => {
    const p = parseSignedHeaders(Buffer.from('{"XroadVnpt-docId":"a","xroadvnpt-docid":"b","XroadVnpt-n":7,"XroadVnpt-blank":"  "}'));
    expect(p.get('docId')).toBe('a');
    expect(p.get('docid')).toBe('b');
    expect(p.get('n')).toBe('7');
    expect(p.get('blank')).toBeUndefined();
  });
});

describe('hash-file and the trailing CRLF of sendEdoc', () => {
  it('renders SHA-256 as the client does, without zero padding per byte', () => {
    expect(unpaddedHex(createHash('sha256').update('abc').digest())).toBe('ba7816bf8f1cfea414140de5dae2223b0361a396177a9cb410ff61f2015ad');
    expect(hashFileMatches('ba7816bf8f1cfea414140de5dae2223b0361a396177a9cb410ff61f2015ad', Buffer.from('abc'))).toBe(true);
    expect(hashFileMatches('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', Buffer.from('abc'))).toBe(true);
    expect(hashFileMatches('BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD', Buffer.from('abc'))).toBe(true);
    expect(hashFileMatches('ba7816bf8f1cfea414140de5dae2223b0361a396177a9cb410ff61f2015ae', Buffer.from('abc'))).toBe(false);
  });

  it('strips one CRLF, and lets hash-file say whether the file itself ended in one', () => {
    const file = Buffer.from('<edXML/>');
    const withCrlf = Buffer.from('<edXML/>\r\n');
    const hashOf = (b: Buffer) => unpaddedHex(createHash('sha256').update(b).digest());
    expect(fileOfSendBody(Buffer.concat([file, Buffer.from('\r\n')]), hashOf(file))).toEqual(file);
    // A file that ends in CRLF, sent by the reference client: two CRLFs, one is taken off.
    expect(fileOfSendBody(Buffer.concat([withCrlf, Buffer.from('\r\n')]), hashOf(withCrlf))).toEqual(withCrlf);
    // Another client posting the file alone, which happens to end in CRLF.
    expect(fileOfSendBody(withCrlf, hashOf(withCrlf))).toEqual(withCrlf);
    expect(fileOfSendBody(file, hashOf(file))).toEqual(file);
    expect(fileOfSendBody(Buffer.concat([file, Buffer.from('\r\n')]), undefined)).toEqual(file);
    expect(fileOfSendBody(file, undefined)).toEqual(file);
    expect(fileOfSendBody(Buffer.concat([file, Buffer.from('\r\n')]), hashOf(Buffer.from('other')))).toBeUndefined();
  });
});

describe('the JSON envelope', () => {
  it('always carries status, ErrorCode and ErrorDesc, never null, in ASCII', () => {
    const text = encodeJson(ok({ DocId: 'x', data: [{ name: 'Sở Tài chính', mail: null, pid: undefined }] })).toString('ascii');
    expect(JSON.parse(text)).toEqual({ status: 'OK', ErrorCode: '0', ErrorDesc: '', DocId: 'x', data: [{ name: 'Sở Tài chính', mail: '', pid: '' }] });
    expect(text).not.toContain('null');
    expect(text).toContain('S\\u1edf T\\u00e0i ch\\u00ednh');
    expect([...Buffer.from(text)].every((b) => b < 0x80)).toBe(true);
  });

  it('a failure keeps the operation fields and never says ErrorCode 0', () => {
    expect(fail('LEGACY.BAD_SIGNATURE', 'wrong', { DocId: '' })).toEqual({ status: 'FAIL', ErrorCode: 'LEGACY.BAD_SIGNATURE', ErrorDesc: 'wrong', DocId: '' });
    expect(fail('0', '')).toMatchObject({ status: 'FAIL', ErrorCode: 'LEGACY.INTERNAL', ErrorDesc: 'LEGACY.INTERNAL' });
  });
});

describe('times', () => {
  it('formats the client timestamp with a literal + and 4-digit milliseconds', () => {
    expect(clientTimestamp({ year: 2026, month: 12, day: 1, hour: 19, minute: 0, second: 30, ms: 875 })).toBe('01122026T190030+0875');
  });

  it('writes list times as dd/MM/yyyy HH:mm:ss in Vietnam time, and reads both date forms', () => {
    expect(legacyTime('2026-03-01T17:30:05.000Z')).toBe('02/03/2026 00:30:05');
    expect(legacyTime('')).toBe('');
    expect(legacyTime('not a time')).toBe('');
    expect(parseLegacyDate('02/03/2026 00:30:05')).toBe(Date.parse('2026-03-01T17:30:05Z'));
    expect(parseLegacyDate('2026-03-02')).toBe(Date.parse('2026-03-01T17:00:00Z'));
    expect(parseLegacyDate('32/01/2026')).toBeUndefined();
    expect(parseLegacyDate('yesterday')).toBeUndefined();
  });
});

describe('errorCodeOf', () => {
  it('passes coded refusals of the axis through and maps the rest', () => {
    expect(errorCodeOf(new LegacyError('LEGACY.NOT_FOUND', 'x'))).toEqual({ code: 'LEGACY.NOT_FOUND', message: 'x' });
    expect(errorCodeOf({ code: 'DELIVERY.NOT_FETCHED', message: 'not yet' })).toEqual({ code: 'DELIVERY.NOT_FETCHED', message: 'not yet' });
    expect(errorCodeOf({ code: 'GRPC.14', message: 'No connection established' }).code).toBe('LEGACY.UNAVAILABLE');
    expect(errorCodeOf({ code: 'GRPC.4', message: 'Deadline exceeded' }).code).toBe('LEGACY.UNAVAILABLE');
    expect(errorCodeOf({ code: 'GRPC.13', message: 'internal' }).code).toBe('LEGACY.INTERNAL');
    expect(errorCodeOf(new Error('boom'))).toEqual({ code: 'LEGACY.INTERNAL', message: 'the request could not be completed; try again' });
    expect(errorCodeOf(undefined).code).toBe('LEGACY.INTERNAL');
  });
});

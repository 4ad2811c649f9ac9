import { createHmac, timingSafeEqual } from 'node:crypto';
import { LegacyError } from './legacy-error';

/** The prefix of every parameter header of the legacy protocol. */
export const PARAM_PREFIX = 'XroadVnpt-';
export const SIGN_HEADER = 'xroadvnpt-sign-header';
export const HASH_HEADER = 'xroadvnpt-hash-header';

/**
 * The signed parameters of one request, taken from the JSON object `S` of
 * `XroadVnpt-sign-header` itself (never from the plain headers), names without the prefix and
 * with their case kept: `docId` and `docid` are different parameters.
 */
export class SignedParams {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  get systemId(): string {
    return this.values.get('systemid') ?? '';
  }

  /** A parameter's value, or undefined when absent; blank values count as absent. */
  get(name: string): string | undefined {
    const v = this.values.get(name);
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  names(): string[] {
    return [...this.values.keys()];
  }
}

/**
 * Reads `S` from the bytes received: a JSON object whose keys are `XroadVnpt-<name>` and whose
 * values are strings (numbers and booleans are read as their text; anything else is refused).
 */
export function parseSignedHeaders(bytes: Buffer): SignedParams {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new LegacyError('LEGACY.MALFORMED_SIGNED_HEADERS', 'XroadVnpt-sign-header is not a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new LegacyError('LEGACY.MALFORMED_SIGNED_HEADERS', 'XroadVnpt-sign-header is not a JSON object');
  }
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    // Header names are case-insensitive on the wire, so the prefix is matched without case.
    const name = key.toLowerCase().startsWith(PARAM_PREFIX.toLowerCase()) ? key.slice(PARAM_PREFIX.length) : key;
    if (typeof value === 'string') values.set(name, value);
    else if (typeof value === 'number' || typeof value === 'boolean') values.set(name, String(value));
    else throw new LegacyError('LEGACY.MALFORMED_SIGNED_HEADERS', `XroadVnpt-sign-header: ${key} is not a string`);
  }
  return new SignedParams(values);
}

/** Lower-case, zero-padded hex of HMAC-SHA256 of `signed` under the secret's UTF-8 bytes. */
export function signHeader(secret: string, signed: Uint8Array): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(signed).digest('hex');
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Whether `hash` is the HMAC of the received bytes under one of `secrets`, compared in
 * constant time. Every secret is tried (no early exit), so timing tells nothing about which
 * one matched or how much of the hash was right.
 */
export function verifySignature(signed: Uint8Array, hash: string, secrets: readonly string[]): boolean {
  const stated = hash.trim().toLowerCase();
  const given = Buffer.from(HEX64.test(stated) ? stated : '0'.repeat(64), 'hex');
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signHeader(secret, signed), 'hex');
    if (timingSafeEqual(expected, given)) matched = true;
  }
  return matched && HEX64.test(stated);
}

export interface AuthenticatedRequest {
  readonly systemId: string;
  readonly params: SignedParams;
}

/**
 * Authenticates a request from the received bytes of `XroadVnpt-sign-header` and the value of
 * `XroadVnpt-hash-header`: the system named inside `S`, its currently valid secrets, the HMAC.
 */
export function authenticate(signHeaderBytes: Buffer | undefined, hashHeader: string | undefined, secretsOf: (systemId: string) => readonly string[]): AuthenticatedRequest {
  if (!signHeaderBytes || signHeaderBytes.length === 0) throw new LegacyError('LEGACY.MISSING_SIGNATURE', 'the request carries no XroadVnpt-sign-header');
  if (hashHeader === undefined || hashHeader.trim() === '') throw new LegacyError('LEGACY.MISSING_SIGNATURE', 'the request carries no XroadVnpt-hash-header');
  const params = parseSignedHeaders(signHeaderBytes);
  const systemId = params.get('systemid');
  if (!systemId) throw new LegacyError('LEGACY.UNKNOWN_SYSTEM', 'XroadVnpt-sign-header names no XroadVnpt-systemid');
  const secrets = secretsOf(systemId);
  if (secrets.length === 0) throw new LegacyError('LEGACY.UNKNOWN_SYSTEM', `system ${systemId} has no credential for this API; ask the operator to issue one`);
  if (!verifySignature(signHeaderBytes, hashHeader, secrets)) {
    throw new LegacyError('LEGACY.BAD_SIGNATURE', `XroadVnpt-hash-header is not the HMAC-SHA256 of XroadVnpt-sign-header under the secret of system ${systemId}`);
  }
  return { systemId, params };
}

import { parseAgencyCode, type AgencyCode } from '@vdx/agency-code';
import { DirectoryError } from './directory.error';

// Field rules shared by the commands. Each returns the normalised value or throws a
// DirectoryError naming the field.

export const MAX_NAME_LENGTH = 500;
export const MAX_REASON_LENGTH = 1000;
const MAX_EMAIL_LENGTH = 254;
const hasControl = (text: string): boolean => [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SYSTEM_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const ENDPOINT_SCHEMES = new Set(['grpc:', 'grpcs:', 'http:', 'https:']);

export function agencyCode(value: string, path = 'code'): AgencyCode {
  const parsed = parseAgencyCode(value, { whitespace: 'reject' });
  if (!parsed.ok) throw new DirectoryError('DIRECTORY.MALFORMED_CODE', parsed.error.message, { path });
  return parsed.code;
}

function invalid(path: string, message: string): never {
  throw new DirectoryError('DIRECTORY.INVALID_FIELD', message, { path });
}

/** Required one-line text: trimmed, not empty, no control characters, at most `max` long. */
export function requiredText(value: string, path: string, max: number): string {
  const text = value.trim();
  if (text === '') invalid(path, `${path} is required`);
  if (text.length > max) invalid(path, `${path} is ${text.length} characters long; at most ${max} are allowed`);
  if (hasControl(text)) invalid(path, `${path} contains a control character`);
  return text;
}

/** Optional one-line text: blank means none. */
export function optionalText(value: string | null | undefined, path: string, max: number): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : requiredText(value, path, max);
}

export function optionalEmail(value: string | null | undefined, path = 'email'): string | null {
  const email = optionalText(value, path, MAX_EMAIL_LENGTH);
  if (email !== null && !EMAIL.test(email)) invalid(path, `${path} ${JSON.stringify(email)} is not an e-mail address`);
  return email;
}

export function systemId(value: string, path = 'systemId'): string {
  if (!SYSTEM_ID.test(value)) {
    invalid(path, `${path} must be 1–128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit`);
  }
  return value;
}

/** A SHA-256 fingerprint, normalised to lower-case hex without separators. */
export function fingerprint(value: string, path = 'credentialFingerprint'): string {
  const hex = value.trim().replace(/:/g, '').toLowerCase();
  if (!FINGERPRINT.test(hex)) invalid(path, `${path} must be a SHA-256 fingerprint: 64 hexadecimal digits`);
  return hex;
}

/** `host:port`, or a grpc(s)/http(s) URL. */
export function optionalEndpoint(value: string | null | undefined, path = 'endpoint'): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const text = value.trim();
  if (HOST_PORT.test(text)) return text;
  try {
    const url = new URL(text);
    if (ENDPOINT_SCHEMES.has(url.protocol) && url.hostname !== '') return text;
  } catch {
    // not a URL: refused below
  }
  return invalid(path, `${path} ${JSON.stringify(text)} is neither host:port nor a grpc, grpcs, http or https URL`);
}

import { randomBytes } from 'node:crypto';
import { PkiError, PkiErrorCode } from './pki.error';

const DAY_MS = 86_400_000;
/** No certificate is issued for longer than this (about 100 years). */
const MAX_VALID_DAYS = 36_500;

/**
 * The validity period of a new certificate: from `now` (to the whole second, as X.509 stores
 * it) for `validDays` days.
 */
export function validityPeriod(now: Date | undefined, validDays: number): { notBefore: Date; notAfter: Date } {
  if (!Number.isInteger(validDays) || validDays < 1 || validDays > MAX_VALID_DAYS) {
    throw new PkiError(PkiErrorCode.INVALID_OPTION, `validDays must be a whole number from 1 to ${MAX_VALID_DAYS}, got ${validDays}`);
  }
  const start = now ?? new Date();
  if (Number.isNaN(start.getTime())) throw new PkiError(PkiErrorCode.INVALID_OPTION, '`now` is not a valid date');
  const notBefore = new Date(Math.floor(start.getTime() / 1000) * 1000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + validDays * DAY_MS) };
}

/** A random positive 128-bit serial number as 32 hex digits (RFC 5280 allows up to 20 octets). */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  // Clear the sign bit and set the next one, so the DER integer is positive and full length.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

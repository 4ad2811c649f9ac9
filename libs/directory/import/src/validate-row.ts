import { parseAgencyCode } from '@vdx/agency-code';
import type { AgencyRow, Rejection } from './agency-row';
import { ImportErrorCode } from './errors';
import { malformedReason, type RawAgencyRow } from './raw-row';

/** Longest accepted name, in Unicode code points after trimming. */
export const MAX_NAME_LENGTH = 500;

/** Result of {@link validateAgencyRow}. */
export type ValidateAgencyRowResult = { readonly ok: true; readonly row: AgencyRow } | { readonly ok: false; readonly rejection: Rejection };

const TEXT_FIELDS = ['code', 'name', 'email', 'inCharge'] as const;

/**
 * Checks one raw record, in order:
 * - the record is an object whose `code`, `name`, `email`, `inCharge` are strings when present
 *   (`null` counts as absent) — else `IMPORT.MALFORMED_ROW`;
 * - `code` is a canonical agency code with no surrounding whitespace — else
 *   `IMPORT.MALFORMED_CODE` with the agency-code error message;
 * - `name` is non-blank (`IMPORT.MISSING_NAME`) and at most {@link MAX_NAME_LENGTH} characters
 *   (`IMPORT.NAME_TOO_LONG`);
 * - `email`, when non-empty, has exactly one `@` with text on both sides and no whitespace —
 *   else `IMPORT.INVALID_EMAIL`.
 *
 * Name, email and inCharge are trimmed; an empty email or inCharge becomes `null`.
 */
export function validateAgencyRow(raw: RawAgencyRow): ValidateAgencyRowResult {
  const { line, fields } = raw;
  const rawCode = fields['code'];
  const code = typeof rawCode === 'string' ? rawCode : '';
  const reject = (errorCode: string, reason: string): ValidateAgencyRowResult => ({
    ok: false,
    rejection: { line, code, errorCode, reason },
  });

  const malformed = malformedReason(raw);
  if (malformed !== undefined) return reject(ImportErrorCode.MALFORMED_ROW, malformed);
  for (const field of TEXT_FIELDS) {
    const value = fields[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return reject(ImportErrorCode.MALFORMED_ROW, `field ${field} is a ${typeof value}, expected a string`);
    }
  }

  const parsed = parseAgencyCode(code, { whitespace: 'reject' });
  if (!parsed.ok) return reject(ImportErrorCode.MALFORMED_CODE, parsed.error.message);

  const name = text(fields['name']);
  if (name === null) return reject(ImportErrorCode.MISSING_NAME, 'name is missing or blank');
  const nameLength = [...name].length;
  if (nameLength > MAX_NAME_LENGTH) {
    return reject(ImportErrorCode.NAME_TOO_LONG, `name has ${nameLength} characters, at most ${MAX_NAME_LENGTH} allowed`);
  }

  const email = text(fields['email']);
  if (email !== null && !looksLikeEmail(email)) {
    return reject(ImportErrorCode.INVALID_EMAIL, `email ${JSON.stringify(email)} is not an email address`);
  }

  const parent = parsed.code.parent;
  return {
    ok: true,
    row: {
      line,
      code: parsed.code.toString(),
      name,
      email,
      inCharge: text(fields['inCharge']),
      level: parsed.code.level,
      parentCode: parent === undefined ? null : parent.toString(),
    },
  };
}

// Trimmed text, or null when absent or blank (types were checked before).
function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed.length === 0 ? null : trimmed;
}

/** Exactly one `@`, text on both sides, no whitespace. Deliberately loose beyond that. */
export function looksLikeEmail(value: string): boolean {
  if (/\s/.test(value)) return false;
  const parts = value.split('@');
  return parts.length === 2 && parts[0] !== '' && parts[1] !== '';
}

import { type AgencyCode, parseAgencyCode } from './agency-code';
import type { AgencyCodeError } from './agency-code.error';
import { parseCompactAgencyCode } from './compact-form';

/** How a code that {@link normaliseAgencyCode} understood was written. */
export type AgencyCodeSpelling =
  /** `000.00.18.G12` (surrounding whitespace allowed) */
  | 'canonical'
  /** the compact form of Decision 20/2020: `G12.18`, `G22` */
  | 'compact'
  /** the canonical form without its dots: `0000018G12` */
  | 'undotted';

export type NormaliseAgencyCodeResult =
  | { readonly ok: true; readonly code: AgencyCode; readonly spelling: AgencyCodeSpelling }
  | { readonly ok: false; readonly error: AgencyCodeError };

const UNDOTTED = /^(\d{3})(\d{2})(\d{2})([A-Z]\d{2})$/;

/**
 * Reads a code written in one of the spellings with a single obvious meaning: the canonical
 * form, the compact form (`G22` → `000.00.00.G22`, `H53.32.20` → `000.20.32.H53`) or the
 * canonical form without dots (`0000000G22`), each with surrounding whitespace trimmed. Nothing
 * else is guessed: `28.22.H17` or `000.1137.H53` fail with the canonical parser's error. For
 * values that arrive from outside (packages, imports) and are carried rather than refused; code
 * that must insist on the canonical form uses {@link parseAgencyCode}.
 */
export function normaliseAgencyCode(input: string): NormaliseAgencyCodeResult {
  const canonical = parseAgencyCode(input);
  if (canonical.ok) return { ok: true, code: canonical.code, spelling: 'canonical' };
  const text = input.trim();
  if (/^[A-Z]/.test(text)) {
    const compact = parseCompactAgencyCode(text);
    if (compact.ok) return { ok: true, code: compact.code, spelling: 'compact' };
  }
  const undotted = UNDOTTED.exec(text);
  if (undotted) {
    const dotted = parseAgencyCode(undotted.slice(1).join('.'));
    if (dotted.ok) return { ok: true, code: dotted.code, spelling: 'undotted' };
  }
  return { ok: false, error: canonical.error };
}

import type { ByteSource } from '../bytes';
import type { ValidationLimits } from '../limits';
import { finding, ReasonCode, type Finding } from '../reason-codes';
import { isWhite } from './pdf-objects';

/**
 * Decodes a signature's /Contents hex string (`start` at its `<`, `end` one past its `>`):
 * hex digits and white space only, an even number of digits, at most `maxCmsBytes` decoded.
 */
export function decodeContents(source: ByteSource, span: { start: number; end: number }, limits: ValidationLimits): { ok: true; bytes: Uint8Array } | { ok: false; finding: Finding } {
  const inner = span.end - span.start - 2;
  if (inner < 0) return { ok: false, finding: finding(ReasonCode.PDF_CONTENTS_MALFORMED, 'invalid', 'signature', '/Contents is not a hex string') };
  if (inner > 2 * limits.maxCmsBytes + 4096) {
    return { ok: false, finding: finding(ReasonCode.CMS_TOO_COMPLEX, 'indeterminate', 'signature', `/Contents holds ${inner} characters, more than the ${limits.maxCmsBytes}-byte limit`) };
  }
  const text = source.readRange(span.start + 1, inner);
  const out = new Uint8Array(Math.ceil(inner / 2));
  let digits = 0;
  let high = 0;
  for (const c of text) {
    if (isWhite(c)) continue;
    const v = hexValue(c);
    if (v < 0) return { ok: false, finding: finding(ReasonCode.PDF_CONTENTS_MALFORMED, 'invalid', 'signature', `/Contents holds a non-hex character 0x${c.toString(16)}`) };
    if (digits % 2 === 0) high = v;
    else out[(digits - 1) / 2] = (high << 4) | v;
    digits++;
  }
  if (digits % 2 !== 0) return { ok: false, finding: finding(ReasonCode.PDF_CONTENTS_MALFORMED, 'invalid', 'signature', '/Contents holds an odd number of hex digits') };
  return { ok: true, bytes: out.subarray(0, digits / 2) };
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

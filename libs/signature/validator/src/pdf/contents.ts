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
  // An indexed loop over a lookup table: a signature's /Contents is tens of kilobytes of hex
  // (placeholders are padded), decoded once per signature on the hot path.
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const v = HEX[c]!;
    if (v === WHITE) continue;
    if (v === NOT_HEX) return { ok: false, finding: finding(ReasonCode.PDF_CONTENTS_MALFORMED, 'invalid', 'signature', `/Contents holds a non-hex character 0x${c.toString(16)}`) };
    if ((digits & 1) === 0) high = v;
    else out[digits >> 1] = (high << 4) | v;
    digits++;
  }
  if (digits % 2 !== 0) return { ok: false, finding: finding(ReasonCode.PDF_CONTENTS_MALFORMED, 'invalid', 'signature', '/Contents holds an odd number of hex digits') };
  return { ok: true, bytes: out.subarray(0, digits / 2) };
}

const WHITE = -2;
const NOT_HEX = -1;
/** Each byte's hex value, {@link WHITE} for PDF white space, {@link NOT_HEX} for anything else. */
const HEX = (() => {
  const t = new Int8Array(256).fill(NOT_HEX);
  for (let b = 0; b < 256; b++) if (isWhite(b)) t[b] = WHITE;
  for (let d = 0; d < 10; d++) t[0x30 + d] = d;
  for (let d = 0; d < 6; d++) {
    t[0x41 + d] = 10 + d;
    t[0x61 + d] = 10 + d;
  }
  return t;
})();

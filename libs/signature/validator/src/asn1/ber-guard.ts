import * as asn1js from 'asn1js';
import { toArrayBuffer } from '../bytes';

/** Why BER was refused: cut short, beyond the limits, or not BER at all. */
export type BerRefusal = 'truncated' | 'too-complex' | 'malformed';

/** Bounds for {@link guardBer}. */
export interface BerLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
}

/** The result of {@link parseBer}. */
export type BerResult =
  | { readonly ok: true; readonly value: asn1js.AsnType; readonly end: number }
  | { readonly ok: false; readonly refusal: BerRefusal; readonly message: string };

class Stop extends Error {
  constructor(
    readonly refusal: BerRefusal,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Walks one BER element at the start of `bytes` without building anything, and returns the
 * offset just past it. It runs before asn1js so an absurd input (a length past the end, ten
 * thousand nested SEQUENCEs, a million tiny elements) is refused in linear time with a reason,
 * rather than failing somewhere inside a parser. Like asn1js, it also looks inside OCTET and
 * BIT STRINGs that hold a complete element, since asn1js parses those too.
 */
export function guardBer(bytes: Uint8Array, limits: BerLimits): { ok: true; end: number } | { ok: false; refusal: BerRefusal; message: string } {
  let elements = 0;

  const element = (start: number, end: number, depth: number): number => {
    if (depth > limits.maxDepth) throw new Stop('too-complex', `ASN.1 nesting deeper than ${limits.maxDepth}`);
    if (++elements > limits.maxElements) throw new Stop('too-complex', `more than ${limits.maxElements} ASN.1 elements`);
    let pos = start;
    if (pos >= end) throw new Stop('truncated', `ASN.1 element expected at offset ${pos}`);
    const tag = bytes[pos++] ?? 0;
    const constructed = (tag & 0x20) !== 0;
    const universal = (tag & 0xc0) === 0;
    let tagNumber = tag & 0x1f;
    if (tagNumber === 0x1f) {
      tagNumber = 0;
      for (let i = 0; ; i++) {
        if (pos >= end) throw new Stop('truncated', 'ASN.1 tag cut short');
        if (i >= 4) throw new Stop('malformed', 'ASN.1 tag number too long');
        const b = bytes[pos++] ?? 0;
        tagNumber = tagNumber * 128 + (b & 0x7f);
        if ((b & 0x80) === 0) break;
      }
    }
    if (pos >= end) throw new Stop('truncated', 'ASN.1 length cut short');
    const first = bytes[pos++] ?? 0;
    if (first === 0x80) {
      if (!constructed) throw new Stop('malformed', 'indefinite length on a primitive ASN.1 element');
      for (;;) {
        if (pos + 1 < end && bytes[pos] === 0 && bytes[pos + 1] === 0) return pos + 2;
        if (pos >= end) throw new Stop('truncated', 'indefinite-length ASN.1 element without end-of-contents');
        pos = element(pos, end, depth + 1);
      }
    }
    let length = first;
    if (first & 0x80) {
      const count = first & 0x7f;
      // Five length bytes or more claim gigabytes: more than any input here holds.
      if (count > 4) throw new Stop('truncated', `ASN.1 length of ${count} bytes`);
      if (pos + count > end) throw new Stop('truncated', 'ASN.1 length cut short');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (bytes[pos++] ?? 0);
    }
    const contentEnd = pos + length;
    if (contentEnd > end) throw new Stop('truncated', `ASN.1 element at offset ${start} claims ${length} bytes, ${end - pos} are left`);
    if (constructed) {
      while (pos < contentEnd) pos = element(pos, contentEnd, depth + 1);
      return contentEnd;
    }
    if (universal && (tagNumber === 4 || tagNumber === 3) && length >= 2) embedded(tagNumber === 3 ? pos + 1 : pos, contentEnd, depth + 1);
    return contentEnd;
  };

  // What asn1js would find inside a string: counted when it is one complete element, ignored
  // (it stays plain bytes) when it is not; only exceeding a limit propagates.
  const embedded = (start: number, end: number, depth: number): void => {
    const before = elements;
    try {
      if (element(start, end, depth) !== end) elements = before;
    } catch (e) {
      if (e instanceof Stop && e.refusal === 'too-complex') throw e;
      elements = before;
    }
  };

  try {
    return { ok: true, end: element(0, bytes.length, 1) };
  } catch (e) {
    if (e instanceof Stop) return { ok: false, refusal: e.refusal, message: e.message };
    if (e instanceof RangeError) return { ok: false, refusal: 'too-complex', message: 'ASN.1 structure too deep to walk' };
    throw e;
  }
}

/**
 * Parses one BER element at the start of `bytes` with asn1js after {@link guardBer} accepted
 * it. asn1js gets limits above the guard's so the guard's coded refusal is the one that shows.
 */
export function parseBer(bytes: Uint8Array, limits: BerLimits): BerResult {
  const guarded = guardBer(bytes, limits);
  if (!guarded.ok) return guarded;
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(toArrayBuffer(bytes.subarray(0, guarded.end)), {
      maxDepth: limits.maxDepth * 2 + 8,
      maxNodes: limits.maxElements * 2 + 16,
      maxContentLength: bytes.length + 1,
    });
  } catch (e) {
    // asn1js throws, rather than reports, on some malformed strings and times.
    return { ok: false, refusal: 'malformed', message: `unreadable ASN.1: ${e instanceof Error ? e.message : 'parse error'}` };
  }
  if (parsed.offset === -1) return { ok: false, refusal: 'malformed', message: `unreadable ASN.1: ${parsed.result.error || 'parse error'}` };
  return { ok: true, value: parsed.result, end: guarded.end };
}

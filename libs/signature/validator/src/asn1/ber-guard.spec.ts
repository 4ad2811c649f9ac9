import { guardBer, parseBer } from './ber-guard';

const LIMITS = { maxDepth: 48, maxElements: 10_000 };

/** DER length octets for n. */
function lengthOf(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}
const tlv = (tag: number, content: readonly number[]): number[] => [tag, ...lengthOf(content.length), ...content];
/** `depth` SEQUENCEs around a NULL, built outside-in in one pass (no quadratic copying). */
function nested(depth: number): Uint8Array {
  const headers: number[][] = [];
  let size = 2;
  for (let i = 0; i < depth; i++) {
    const header = [0x30, ...lengthOf(size)];
    headers.push(header);
    size += header.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const header of headers.reverse()) {
    out.set(header, at);
    at += header.length;
  }
  out.set([0x05, 0x00], at);
  return out;
}

describe('guardBer', () => {
  it('accepts ordinary DER and says where it ends', () => {
    const der = new Uint8Array([...tlv(0x30, [...tlv(0x02, [0x01]), ...tlv(0x04, [0xaa, 0xbb])]), 0, 0]);
    expect(guardBer(der, LIMITS)).toEqual({ ok: true, end: der.length - 2 });
  });

  it('accepts BER indefinite lengths on constructed elements only', () => {
    expect(guardBer(new Uint8Array([0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00]), LIMITS)).toEqual({ ok: true, end: 7 });
    expect(guardBer(new Uint8Array([0x04, 0x80, 0x00, 0x00]), LIMITS)).toMatchObject({ ok: false, refusal: 'malformed' });
    expect(guardBer(new Uint8Array([0x30, 0x80, 0x02, 0x01, 0x05]), LIMITS)).toMatchObject({ ok: false, refusal: 'truncated' });
  });

  it('refuses nesting deeper than the limit in linear time, long before a stack overflow', () => {
    expect(guardBer(nested(40), LIMITS).ok).toBe(true);
    const started = Date.now();
    expect(guardBer(nested(100_000), LIMITS)).toMatchObject({ ok: false, refusal: 'too-complex' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses more elements than the limit', () => {
    const many = tlv(0x30, Array.from({ length: 20_000 }, () => [0x05, 0x00]).flat());
    expect(guardBer(new Uint8Array(many), LIMITS)).toMatchObject({ ok: false, refusal: 'too-complex' });
  });

  it('counts what hides inside an OCTET STRING, as asn1js would parse it', () => {
    const deepInside = new Uint8Array(tlv(0x04, [...nested(60)]));
    expect(guardBer(deepInside, LIMITS)).toMatchObject({ ok: false, refusal: 'too-complex' });
    // Bytes that are not BER inside a string stay bytes.
    expect(guardBer(new Uint8Array(tlv(0x04, [0x30, 0x7f, 0x01])), LIMITS).ok).toBe(true);
  });

  it('refuses lengths past the end and absurd length encodings as truncated', () => {
    expect(guardBer(new Uint8Array([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00]), LIMITS)).toMatchObject({ ok: false, refusal: 'truncated' });
    expect(guardBer(new Uint8Array([0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]), LIMITS)).toMatchObject({ ok: false, refusal: 'truncated' });
    expect(guardBer(new Uint8Array([0x30]), LIMITS)).toMatchObject({ ok: false, refusal: 'truncated' });
    expect(guardBer(new Uint8Array([]), LIMITS)).toMatchObject({ ok: false, refusal: 'truncated' });
    expect(guardBer(new Uint8Array([0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00]), LIMITS)).toMatchObject({ ok: false, refusal: 'malformed' });
  });
});

describe('parseBer', () => {
  it('parses what the guard accepts, and reports its refusal otherwise', () => {
    const ok = parseBer(new Uint8Array(tlv(0x30, tlv(0x02, [0x2a]))), LIMITS);
    expect(ok.ok && ok.end).toBe(5);
    expect(parseBer(nested(1000), LIMITS)).toMatchObject({ ok: false, refusal: 'too-complex' });
  });
});

describe('parseBer on strings asn1js throws on', () => {
  it.each([
    ['a UniversalString of 7 bytes', [0x1c, 0x07, 1, 2, 3, 4, 5, 6, 7]],
    ['a BMPString of 3 bytes', [0x1e, 0x03, 0x00, 0x41, 0x00]],
    ['a GeneralizedTime that is no time', [0x18, 0x03, 0x61, 0x62, 0x63]],
  ])('refuses %s as malformed instead of throwing', (_what, bytes) => {
    expect(parseBer(new Uint8Array(bytes), LIMITS)).toMatchObject({ ok: false, refusal: 'malformed' });
  });
});

import fc from 'fast-check';
import { Base64StreamDecoder } from './base64-decoder';

function decodeAll(parts: readonly string[]): { bytes: Buffer; problem: string | undefined } {
  const d = new Base64StreamDecoder();
  const out: Buffer[] = [];
  for (const p of parts) {
    const b = d.decode(p);
    if (b !== undefined) out.push(b);
  }
  const tail = d.end();
  if (tail !== undefined) out.push(tail);
  return { bytes: Buffer.concat(out), problem: d.problem };
}

describe('Base64StreamDecoder', () => {
  it('decodes any split of any base64, with XML whitespace anywhere', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(400), { maxLength: 6 }), (bytes, cuts) => {
        const text = Buffer.from(bytes).toString('base64').replace(/(.{7})/g, '$1\r\n\t ');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const parts = [0, ...points].map((from, i) => text.slice(from, points[i] ?? text.length));
        const { bytes: decoded, problem } = decodeAll(parts);
        expect(problem).toBeUndefined();
        expect(decoded).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('accepts unpadded input', () => {
    expect(decodeAll(['QUJDRA']).bytes.toString()).toBe('ABCD');
  });

  it.each([
    ['${__StringFromFile(test.txt,,,)}', 'character "$" is not base64'],
    ['QUJD=QUJD', 'data after padding'],
    ['QUJDR', 'truncated input'],
    ['Q===', 'misplaced padding'],
  ])('reports %s and keeps decoding', (input, problem) => {
    expect(decodeAll([input]).problem).toBe(problem);
  });
});

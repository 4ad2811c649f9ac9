import { byteSourceOf, DEFAULT_LIMITS, readPdfSignatures, ReasonCode, type PdfSignatureScan } from '@vdx/signature-validator';
import { addSignaturePlaceholder, embedSignature, minimalPdf } from '../testing/pdf-builder';
import { decodeContents } from './contents';

const latin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const str = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const scan = (pdf: Uint8Array | string, limits = DEFAULT_LIMITS): PdfSignatureScan => readPdfSignatures(byteSourceOf(typeof pdf === 'string' ? latin1(pdf) : pdf), limits);
const codes = (s: PdfSignatureScan): string[] => [...s.findings, ...s.signatures.flatMap((x) => x.findings)].map((f) => f.code).sort();

/** Two signature placeholders in two incremental updates, Contents filled with a fake DER. */
function twoRevisions(): Uint8Array {
  const first = addSignaturePlaceholder(minimalPdf(), { fieldName: 'Personal', contentsSize: 64 });
  const one = embedSignature(first, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
  const second = addSignaturePlaceholder(one, { fieldName: 'Seal', subFilter: 'adbe.pkcs7.detached', contentsSize: 64 });
  return embedSignature(second, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x02]));
}

/** A hand-written PDF with one object per dictionary body; `@@` marks the /Contents hex string. */
function handwritten(...dictionaries: string[]): string {
  let pdf = '%PDF-1.7\n';
  dictionaries.forEach((d, i) => {
    pdf += `${i + 1} 0 obj\n${d}\nendobj\n`;
  });
  return `${pdf}trailer\n<< /Size ${dictionaries.length + 1} >>\n%%EOF\n`;
}

/** Replaces the first byte range with one made of these numbers, keeping the width. */
function withByteRange(pdf: Uint8Array, numbers: readonly [string, string, string, string]): Uint8Array {
  const text = str(pdf);
  const match = /\/ByteRange (\[[^\]]*\])/.exec(text);
  if (!match?.[1]) throw new Error('no byte range');
  const replacement = `[${numbers.join(' ')}]`.padEnd(match[1].length, ' ');
  if (replacement.length !== match[1].length) throw new Error('replacement too wide');
  return latin1(text.replace(match[1], replacement));
}

describe('readPdfSignatures', () => {
  it('finds both signatures across incremental updates, in file order', () => {
    const pdf = twoRevisions();
    const result = scan(pdf);
    expect(result.findings).toEqual([]);
    expect(result.signatures).toHaveLength(2);
    const [first, second] = result.signatures;
    expect(first).toMatchObject({ index: 0, subFilter: 'ETSI.CAdES.detached', filter: 'Adobe.PPKLite', coversWholeFile: false, findings: [] });
    expect(second).toMatchObject({ index: 1, subFilter: 'adbe.pkcs7.detached', coversWholeFile: true, findings: [] });
    // The gap is exactly the /Contents string and the last range ends at the end of the file.
    const [a, b, c, d] = second?.byteRange ?? [0, 0, 0, 0];
    expect(a).toBe(0);
    expect(pdf[b]).toBe(0x3c);
    expect(pdf[c - 1]).toBe(0x3e);
    expect(c + d).toBe(pdf.length);
    expect(second?.contents).toEqual({ start: b, end: c });
  });

  it('reports a byte range that leaves the file: PDF.BYTE_RANGE_OUT_OF_FILE', () => {
    const pdf = twoRevisions();
    const [, b, c] = scan(pdf).signatures[0]?.byteRange ?? [0, 0, 0, 0];
    const result = scan(withByteRange(pdf, ['0', String(b), String(c), '9999999999']));
    expect(result.signatures[0]?.findings.map((f) => f.code)).toEqual([ReasonCode.PDF_BYTE_RANGE_OUT_OF_FILE]);
    expect(result.signatures[0]?.findings[0]?.effect).toBe('invalid');
  });

  it('reports a gap that is not exactly /Contents: PDF.BYTE_RANGE_GAP_MISMATCH', () => {
    const pdf = twoRevisions();
    const [, b, c, d] = scan(pdf).signatures[0]?.byteRange ?? [0, 0, 0, 0];
    const result = scan(withByteRange(pdf, ['0', String(b + 2), String(c), String(d)]));
    expect(result.signatures[0]?.findings.map((f) => f.code)).toEqual([ReasonCode.PDF_BYTE_RANGE_GAP_MISMATCH]);
  });

  it('reports a byte range not starting at 0: PDF.BYTE_RANGE_NOT_AT_START', () => {
    const pdf = twoRevisions();
    const [, b, c, d] = scan(pdf).signatures[0]?.byteRange ?? [0, 0, 0, 0];
    const result = scan(withByteRange(pdf, ['10', String(b - 10), String(c), String(d)]));
    expect(result.signatures[0]?.findings.map((f) => f.code)).toEqual([ReasonCode.PDF_BYTE_RANGE_NOT_AT_START]);
  });

  it.each([
    ['three numbers', '[0 1 2]'],
    ['a negative number', '[0 -1 2 3]'],
    ['a real number', '[0 1.5 2 3]'],
    ['an absurd number', '[0 99999999999999999999 2 3]'],
    ['a reference', '12 0 R'],
  ])('reports a byte range of %s: PDF.BYTE_RANGE_MALFORMED', (_what, range) => {
    const result = scan(handwritten(`<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange ${range} /Contents <3000> >>`));
    expect(codes(result)).toEqual([ReasonCode.PDF_BYTE_RANGE_MALFORMED]);
  });

  it('reads a dictionary whose /Contents comes before /ByteRange, and a direct one inside a field', () => {
    const hex = '<3003020101>';
    const before = `1 0 obj\n<< /Type /Sig /Contents `;
    const start = '%PDF-1.7\n'.length + before.length;
    const end = start + hex.length;
    const body = `%PDF-1.7\n${before}${hex} /SubFilter /adbe.pkcs7.detached /ByteRange [0 ${start} ${end} LEN] >>\nendobj\n`;
    const tail = `2 0 obj\n<< /FT /Sig /T (direct) /V << /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 1 2 3] /Contents <00> >> >>\nendobj\n%%EOF\n`;
    const len = (body + tail).length;
    const pdf = (body + tail).replace('LEN', String(len - end).padStart(3, '0'));
    expect(pdf.length).toBe(len);
    const result = scan(pdf);
    expect(result.signatures).toHaveLength(2);
    expect(result.signatures[0]).toMatchObject({ subFilter: 'adbe.pkcs7.detached', contents: { start, end } });
    expect(result.signatures[0]?.byteRange?.[2]).toBe(end);
    expect(result.signatures[1]).toMatchObject({ subFilter: 'ETSI.CAdES.detached' });
    expect(result.signatures[1]?.findings.map((f) => f.code)).toContain(ReasonCode.PDF_BYTE_RANGE_GAP_MISMATCH);
  });

  it('ignores /ByteRange that is not a key, and refuses one it cannot place in a dictionary', () => {
    expect(scan(handwritten('<< /ByteRanges [0 1 2 3] /Note (/ByteRangeX) >>')).signatures).toEqual([]);
    const inStream = `%PDF-1.7\n1 0 obj\n<< /Length 30 >>\nstream\nq /ByteRange [0 1 2 3] Q\nendstream\nendobj\n%%EOF\n`;
    const result = scan(inStream);
    expect(codes(result)).toEqual([ReasonCode.PDF_SIGNATURE_DICTIONARY_MALFORMED]);
    expect(result.signatures[0]?.findings[0]?.effect).toBe('indeterminate');
  });

  it('refuses /Contents that is not a hex string and a /ByteRange outside a signature type', () => {
    expect(codes(scan(handwritten('<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 1 2 3] /Contents (not hex) >>')))).toEqual([ReasonCode.PDF_CONTENTS_MALFORMED]);
    expect(codes(scan(handwritten('<< /Type /Annot /ByteRange [0 1 2 3] /Contents <00> >>')))).toEqual([ReasonCode.PDF_SIGNATURE_DICTIONARY_MALFORMED]);
  });

  it('reports unsupported formats, including document timestamps: PDF.UNSUPPORTED_SUBFILTER', () => {
    for (const subFilter of ['adbe.x509.rsa_sha1', 'ETSI.RFC3161']) {
      const prepared = addSignaturePlaceholder(minimalPdf(), { fieldName: 'X', subFilter, contentsSize: 16 });
      const result = scan(prepared.pdf);
      expect(result.signatures[0]?.findings.map((f) => [f.code, f.effect])).toEqual([[ReasonCode.PDF_UNSUPPORTED_SUBFILTER, 'indeterminate']]);
    }
  });

  it('reports content after the last signed revision, but not trailing white space', () => {
    const pdf = twoRevisions();
    expect(codes(scan(new Uint8Array([...pdf, ...latin1('\r\n \n')])))).toEqual([]);
    const appended = scan(new Uint8Array([...pdf, ...latin1('1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n')]));
    expect(appended.findings.map((f) => [f.code, f.effect])).toEqual([[ReasonCode.PDF_CONTENT_AFTER_SIGNATURE, 'indeterminate']]);
  });

  it('refuses what is not a PDF and reports a truncated one', () => {
    expect(codes(scan('hello, world'))).toEqual([ReasonCode.PDF_NOT_PDF]);
    expect(codes(scan(new Uint8Array(0)))).toEqual([ReasonCode.PDF_NOT_PDF]);
    const pdf = twoRevisions();
    const cut = scan(pdf.subarray(0, pdf.length - 200));
    // The first revision is intact; what follows it is covered by no readable signature.
    expect(cut.findings.map((f) => f.code)).toEqual([ReasonCode.PDF_TRUNCATED, ReasonCode.PDF_CONTENT_AFTER_SIGNATURE]);
    expect(cut.signatures[0]?.findings).toEqual([]);
    expect(cut.signatures[1]?.findings.map((f) => f.code)).toEqual([ReasonCode.PDF_BYTE_RANGE_OUT_OF_FILE]);
  });

  it('stops at the signature cap: thousands of signature fields give PDF.TOO_MANY_SIGNATURES, quickly', () => {
    const dict = '<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <00> >>';
    const pdf = handwritten(...Array.from({ length: 5000 }, () => dict));
    const started = Date.now();
    const result = scan(pdf);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.signatures).toEqual([]);
    expect(codes(result)).toEqual([ReasonCode.PDF_TOO_MANY_SIGNATURES]);
    // Below the cap each one is read (and each is broken in its own way).
    expect(scan(pdf, { ...DEFAULT_LIMITS, maxSignatures: 5000 }).signatures).toHaveLength(5000);
  });

  it('refuses a signature dictionary larger than the limit without reading on', () => {
    const huge = `<< /Type /Sig /Reason (${'x'.repeat(100_000)}) /ByteRange [0 1 2 3] /Contents <00> >>`;
    expect(codes(scan(handwritten(huge)))).toEqual([ReasonCode.PDF_SIGNATURE_DICTIONARY_MALFORMED]);
  });
});

describe('decodeContents', () => {
  const decode = (hex: string): ReturnType<typeof decodeContents> => decodeContents(byteSourceOf(latin1(hex)), { start: 0, end: hex.length }, DEFAULT_LIMITS);

  it('decodes hex digits across white space, either case', () => {
    const r = decode('<30 0a\n0B0c>');
    expect(r.ok && [...r.bytes]).toEqual([0x30, 0x0a, 0x0b, 0x0c]);
  });

  it.each(['<30g0>', '<303>', '<30>>'])('refuses %j with PDF.CONTENTS_MALFORMED', (hex) => {
    const r = decode(hex);
    expect(r.ok ? null : r.finding.code).toBe(ReasonCode.PDF_CONTENTS_MALFORMED);
  });

  it('refuses /Contents beyond the CMS size limit with CMS.TOO_COMPLEX', () => {
    const hex = `<${'00'.repeat(5000)}>`;
    const r = decodeContents(byteSourceOf(latin1(hex)), { start: 0, end: hex.length }, { ...DEFAULT_LIMITS, maxCmsBytes: 100 });
    expect(r.ok ? null : r.finding.code).toBe(ReasonCode.CMS_TOO_COMPLEX);
  });
});

import type { SigningCredential, SigningHierarchy } from '@vdx/pki';
import { aggregate, ReasonCode, verifyPdf, type FileVerdict, type SignatureVerdict } from '@vdx/signature-validator';
import { findByteRange } from '@signpdf/utils';
import { signDetached, type SignOptions } from '../testing/cms-builder';
import { NOW, sandboxContext, sandboxHierarchy, SIGNED_AT } from '../testing/fixtures';
import { minimalPdf, signPdf } from '../testing/pdf-builder';
import { pdfkitDocument, signWithSignpdf, SUBFILTER_ADOBE_PKCS7_DETACHED, SUBFILTER_ETSI_CADES_DETACHED, type SignpdfResult } from '../testing/signpdf';

// PDFs written by PDFKit and signed by @signpdf (placeholder-plain's incremental updates, signpdf's
// byte range and /Contents), not by the project's pdf-builder.ts: the reader and the verifier must
// give the same verdicts on another implementation's files (ADR 0038). The CMS inside is the
// project's own, signed by the sandbox hierarchy.
const HOUR = 3_600_000;
/** When the organisation seals, an hour after the personal signature. */
const SEALED_AT = new Date(SIGNED_AT.getTime() + HOUR);
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

const codesOf = (s: SignatureVerdict | undefined): string[] => [...new Set((s?.findings ?? []).map((f) => f.code))].sort();
const placeOf = (s: SignatureVerdict): unknown[] => [s.status, s.kind, s.pdf?.index, s.pdf?.subFilter, s.pdf?.coversWholeFile];
/** Where a signature's byte range ends: the end of the revision it signs. */
const rangeEnd = (s: SignatureVerdict): number | undefined => (s.pdf?.byteRange ? s.pdf.byteRange[2] + s.pdf.byteRange[3] : undefined);
/** The byte ranges as @signpdf/utils reads them back from the file (its own parser, not ours). */
const signpdfByteRanges = (pdf: Buffer): number[][] => findByteRange(pdf).byteRangeStrings.map((r) => [...r.matchAll(/\d+/g)].map((m) => Number(m[0])));

describe('verifyPdf on PDFs made by PDFKit and @signpdf', () => {
  let h: SigningHierarchy;
  /** Signed by the personal certificate, timestamped by the sandbox TSA. */
  let personal: SignpdfResult;
  /** The same file sealed by the organisation after it (claimed time only). */
  let pair: SignpdfResult;
  /** An attachment with the organisation's seal only. */
  let attachment: SignpdfResult;

  const cms = (signer: SigningCredential, extra: Partial<SignOptions> = {}): SignOptions => ({ signer, certificates: [signer, h.intermediate], ...extra });

  beforeAll(async () => {
    h = await sandboxHierarchy();
    const base = await pdfkitDocument(['Cong van so 123/UBND-VP', 'V/v trien khai ke hoach nam 2026']);
    personal = await signWithSignpdf(base, {
      signingTime: SIGNED_AT,
      subFilter: SUBFILTER_ADOBE_PKCS7_DETACHED,
      name: 'Nguyen Van A',
      cms: cms(h.personal, { timestamp: { tsa: h.tsa, genTime: SIGNED_AT, certificates: [h.tsa, h.intermediate] } }),
    });
    pair = await signWithSignpdf(personal.pdf, { signingTime: SEALED_AT, subFilter: SUBFILTER_ETSI_CADES_DETACHED, name: 'UBND tinh', cms: cms(h.organisational) });
    attachment = await signWithSignpdf(await pdfkitDocument(['Phu luc 1: Danh sach don vi']), { signingTime: SEALED_AT, subFilter: SUBFILTER_ETSI_CADES_DETACHED, name: 'UBND tinh', cms: cms(h.organisational) });
  });

  it('accepts the personal signature, timestamped, and the organisational one after it, each over its own revision', async () => {
    const v = await verifyPdf(pair.pdf, sandboxContext(h), 'cong-van.pdf');
    expect([v.status, v.findings]).toEqual(['valid', []]);
    expect(v.signatures.map(placeOf)).toEqual([
      ['valid', 'personal', 0, 'adbe.pkcs7.detached', false],
      ['valid', 'organisational', 1, 'ETSI.CAdES.detached', true],
    ]);
    // The byte ranges our reader found are the ones @signpdf wrote; the first ends where the
    // first signed file ended, the second at the end of the file.
    const [first, second] = v.signatures;
    expect(v.signatures.map((s) => s.pdf?.byteRange)).toEqual(signpdfByteRanges(pair.pdf));
    expect(v.signatures.map(rangeEnd)).toEqual([personal.pdf.length, pair.pdf.length]);
    // The CMS read out of the zero-padded /Contents is the one the Signer returned.
    expect(Buffer.from(first?.evidence.signature ?? []).equals(Buffer.from(personal.cms))).toBe(true);
    expect(Buffer.from(second?.evidence.signature ?? []).equals(Buffer.from(pair.cms))).toBe(true);

    expect(v.signatures.map((s) => [s.signer?.fingerprint, s.chain.map((c) => c.fingerprint)])).toEqual([
      [h.personal.fingerprint, [h.personal.fingerprint, h.intermediate.fingerprint, h.root.fingerprint]],
      [h.organisational.fingerprint, [h.organisational.fingerprint, h.intermediate.fingerprint, h.root.fingerprint]],
    ]);
    expect(v.signatures.map((s) => [s.digestAlgorithm, s.signatureAlgorithm, s.claimedSigningTime, s.pdf?.claimedTime])).toEqual([
      ['SHA-256', 'ECDSA/SHA-256', SIGNED_AT, 'D:20260301080000Z'],
      ['SHA-256', 'ECDSA/SHA-256', SEALED_AT, 'D:20260301090000Z'],
    ]);
    expect(first?.timestamp).toEqual({ genTime: SIGNED_AT, statedGenTime: SIGNED_AT, tsa: expect.objectContaining({ fingerprint: h.tsa.fingerprint }) });
    expect(second?.timestamp).toBeUndefined();
    expect(v.signatures.map((s) => [s.checkedAt, codesOf(s)])).toEqual([
      [{ time: SIGNED_AT, source: 'timestamp' }, []],
      [{ time: SEALED_AT, source: 'claimed' }, [ReasonCode.TIME_CLAIMED]],
    ]);
    expect(v.signatures.map((s) => s.evidence.validatedAt)).toEqual([NOW, NOW]);
    expect(aggregate({ main: v }).decree30).toEqual({ compliant: true, mainPersonal: true, mainOrganisational: true, attachmentsWithoutOrganisational: [], findings: [] });
  });

  it('rejects one byte of the page text changed after signing: SIGNATURE.DIGEST_MISMATCH on both signatures', async () => {
    const tampered = Buffer.from(pair.pdf);
    // PDFKit writes the text as hex glyph codes: " 123/" is 203132332f; "123" becomes "193".
    const at = tampered.indexOf('203132332f', 0, 'latin1');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(personal.pdf.length);
    tampered.write('39', at + 4, 'latin1');
    const v = await verifyPdf(tampered, sandboxContext(h));
    expect(v.status).toBe('invalid');
    expect(v.signatures.map((s) => [s.status, s.kind, codesOf(s)])).toEqual([
      ['invalid', 'personal', [ReasonCode.SIGNATURE_DIGEST_MISMATCH]],
      ['invalid', 'organisational', [ReasonCode.SIGNATURE_DIGEST_MISMATCH, ReasonCode.TIME_CLAIMED]],
    ]);
    expect(aggregate({ main: v }).decree30).toMatchObject({ compliant: false, mainPersonal: false, mainOrganisational: false });
  });

  it('rejects a byte changed in the second revision only on the organisational signature', async () => {
    const tampered = Buffer.from(pair.pdf);
    const at = tampered.lastIndexOf('/Location (Ha Noi)', undefined, 'latin1');
    expect(at).toBeGreaterThan(personal.pdf.length);
    tampered.write('h', at + '/Location ('.length, 'latin1');
    const v = await verifyPdf(tampered, sandboxContext(h));
    expect(v.signatures.map((s) => [s.status, codesOf(s)])).toEqual([
      ['valid', []],
      ['invalid', [ReasonCode.SIGNATURE_DIGEST_MISMATCH, ReasonCode.TIME_CLAIMED]],
    ]);
  });

  it('flags an incremental update appended after the last signature: PDF.CONTENT_AFTER_SIGNATURE, indeterminate, the signatures valid', async () => {
    // A well-formed revision: one new object, its xref section, a trailer chained to the last one.
    const object = '\n30 0 obj\n<< /Length 17 >>\nstream\nBT (da sua) Tj ET\nendstream\nendobj\n';
    const prev = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(pair.pdf.toString('latin1'))?.[1];
    const xref = `xref\n30 1\n${String(pair.pdf.length + 1).padStart(10, '0')} 00000 n \ntrailer\n<< /Size 31 /Root 3 0 R /Prev ${prev} >>\nstartxref\n${pair.pdf.length + object.length}\n%%EOF\n`;
    const update = latin1(object + xref);
    const v = await verifyPdf(Buffer.concat([pair.pdf, update]), sandboxContext(h));
    expect(v.status).toBe('indeterminate');
    expect(v.findings.map((f) => [f.code, f.effect, f.target])).toEqual([[ReasonCode.PDF_CONTENT_AFTER_SIGNATURE, 'indeterminate', 'file']]);
    expect(v.findings[0]?.message).toContain(`${update.length} bytes after the last signed revision`);
    expect(v.signatures.map((s) => [s.status, s.pdf?.coversWholeFile])).toEqual([
      ['valid', false],
      ['valid', false],
    ]);
  });

  it('accepts a file signed first by the project\'s own builder, then sealed by @signpdf after it', async () => {
    const ours = await signPdf(minimalPdf(), { fieldName: 'Signature1', signingTime: SIGNED_AT }, (covered) => signDetached(covered, cms(h.personal, { signingTime: SIGNED_AT })));
    const sealed = await signWithSignpdf(Buffer.from(ours), { signingTime: SEALED_AT, subFilter: SUBFILTER_ETSI_CADES_DETACHED, cms: cms(h.organisational) });
    const v = await verifyPdf(sealed.pdf, sandboxContext(h));
    expect([v.status, v.findings]).toEqual(['valid', []]);
    expect(v.signatures.map(placeOf)).toEqual([
      ['valid', 'personal', 0, 'ETSI.CAdES.detached', false],
      ['valid', 'organisational', 1, 'ETSI.CAdES.detached', true],
    ]);
    expect(v.signatures.map(rangeEnd)).toEqual([ours.length, sealed.pdf.length]);
    expect(v.signatures.map((s) => s.pdf?.byteRange)).toEqual(signpdfByteRanges(sealed.pdf));
  });

  it('accepts an attachment sealed by the organisation only, and the package is Decree 30 compliant', async () => {
    const main = await verifyPdf(pair.pdf, sandboxContext(h), 'cong-van.pdf');
    const annex = await verifyPdf(attachment.pdf, sandboxContext(h), 'phu-luc.pdf');
    expect([annex.status, annex.findings]).toEqual(['valid', []]);
    expect(annex.signatures.map(placeOf)).toEqual([['valid', 'organisational', 0, 'ETSI.CAdES.detached', true]]);
    expect(annex.signatures.map((s) => s.pdf?.byteRange)).toEqual(signpdfByteRanges(attachment.pdf));
    expect(annex.signatures[0]?.signer?.fingerprint).toBe(h.organisational.fingerprint);
    const pkg = aggregate({ main, attachments: [annex] });
    expect([pkg.status, pkg.decree30]).toEqual(['valid', { compliant: true, mainPersonal: true, mainOrganisational: true, attachmentsWithoutOrganisational: [], findings: [] }]);
  });

  it('finds the seal missing when the attachment carries only the personal signature: DECREE30.ORGANISATIONAL_MISSING', async () => {
    const main = await verifyPdf(pair.pdf, sandboxContext(h), 'cong-van.pdf');
    const personalOnly = await signWithSignpdf(await pdfkitDocument(['Phu luc 2']), { signingTime: SEALED_AT, cms: cms(h.personal) });
    const annex: FileVerdict = await verifyPdf(personalOnly.pdf, sandboxContext(h), 'phu-luc-2.pdf');
    expect(annex.signatures.map(placeOf)).toEqual([['valid', 'personal', 0, 'adbe.pkcs7.detached', true]]);
    const pkg = aggregate({ main, attachments: [annex] });
    expect(pkg.status).toBe('valid');
    expect(pkg.decree30).toMatchObject({ compliant: false, mainPersonal: true, mainOrganisational: true, attachmentsWithoutOrganisational: [0] });
    expect(pkg.decree30.findings.map((f) => [f.code, f.message])).toEqual([[ReasonCode.DECREE30_ORGANISATIONAL_MISSING, 'attachment #1 (phu-luc-2.pdf) carries no valid organisational signature']]);
  });
});

import { createSigningHierarchy, type SigningHierarchy } from '@vdx/pki';
import { aggregate, ReasonCode, verifyPdf, type VerificationContext } from '@vdx/signature-validator';
import { sandboxContext } from '../testing/fixtures';
import { opensslTimestamp } from '../testing/openssl-tsa';
import { pdfkitDocument, signWithSignpdf, SUBFILTER_ETSI_CADES_DETACHED } from '../testing/signpdf';

// No line of the signed file is the project's own but the CMS: PDFKit writes the document,
// @signpdf places and fills the signatures, OpenSSL's TSA (`openssl ts -reply`) stamps the personal
// signature. The verdict must be the one the project's own material gets (ADR 0038).
describe('verifyPdf on a PDFKit/@signpdf PDF timestamped by openssl ts', () => {
  let h: SigningHierarchy;
  let ctx: VerificationContext;

  beforeAll(async () => {
    // Issued yesterday: OpenSSL stamps the current time.
    h = await createSigningHierarchy({ now: new Date(Date.now() - 24 * 3_600_000) });
    ctx = sandboxContext(h, { now: new Date(Date.now() + 60_000) });
  });

  it('accepts the personal signature dated by the openssl token and the seal after it', async () => {
    const before = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
    const base = await pdfkitDocument(['Quyet dinh so 12/QD-UBND']);
    const personal = await signWithSignpdf(base, {
      signingTime: new Date(),
      cms: { signer: h.personal, certificates: [h.personal, h.intermediate], timestamp: (value) => opensslTimestamp(value, { tsa: h.tsa, chain: [h.intermediate] }) },
    });
    const pair = await signWithSignpdf(personal.pdf, { signingTime: new Date(), subFilter: SUBFILTER_ETSI_CADES_DETACHED, cms: { signer: h.organisational, certificates: [h.organisational, h.intermediate] } });

    const v = await verifyPdf(pair.pdf, ctx, 'quyet-dinh.pdf');
    expect([v.status, v.findings]).toEqual(['valid', []]);
    expect(v.signatures.map((s) => [s.status, s.kind, s.checkedAt.source, s.timestamp?.tsa?.fingerprint, s.findings.map((f) => f.code)])).toEqual([
      ['valid', 'personal', 'timestamp', h.tsa.fingerprint, []],
      ['valid', 'organisational', 'claimed', undefined, [ReasonCode.TIME_CLAIMED]],
    ]);
    const genTime = v.signatures[0]?.timestamp?.genTime?.getTime() ?? 0;
    expect(genTime).toBeGreaterThanOrEqual(before.getTime());
    expect(genTime).toBeLessThanOrEqual(Date.now());
    expect(v.signatures[0]?.evidence.timestamp?.certificates.length).toBe(3);
    expect(aggregate({ main: v }).decree30).toMatchObject({ compliant: true, mainPersonal: true, mainOrganisational: true });

    const tampered = Buffer.from(pair.pdf);
    tampered.write('Z', tampered.indexOf('(Quyet dinh so 12/QD-UBND)', 0, 'latin1') + 1, 'latin1');
    const changed = await verifyPdf(tampered, ctx);
    expect(changed.signatures.map((s) => [s.status, s.findings.filter((f) => f.effect !== 'warning').map((f) => f.code)])).toEqual([
      ['invalid', [ReasonCode.SIGNATURE_DIGEST_MISMATCH]],
      ['invalid', [ReasonCode.SIGNATURE_DIGEST_MISMATCH]],
    ]);
  });
});

import type { AttachmentSummary, PackageRef } from '@vdx/contracts';
import { documentPackage, parseEdxml, statusPackage } from '@vdx/edxml';
import type { SigningHierarchy } from '@vdx/pki';
import { InMemoryRevocationSource } from '@vdx/signature-validator';
import { createHash } from 'node:crypto';
import { CryptographicVerifier, type CryptographicVerifierOptions } from './cryptographic-verifier';
import { signDetached } from '../../validator/src/testing/cms-builder';
import { NOW, sandboxContext, sandboxHierarchy, SIGNED_AT } from '../../validator/src/testing/fixtures';
import { minimalPdf, signPdf } from '../../validator/src/testing/pdf-builder';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
async function* chunks(bytes: Buffer): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
}

function accepted(xml: string): { body: Buffer; input: { ref: PackageRef; attachments: AttachmentSummary[] } } {
  const body = Buffer.from(xml);
  const parsed = parseEdxml(body).package;
  const ref: PackageRef = {
    packageId: 'p1', kind: parsed.kind, senderCode: '000.00.00.H53', systemId: 's', recipientCodes: ['000.00.00.G22'], documentId: null, businessDocType: null,
    relatedDocumentId: null, statusCode: null, subject: null, priority: null, dueDate: null, bodySha256: sha(body), bodySize: body.length, acceptedAt: '2026-03-02T02:00:00.000Z',
  };
  const attachments = parsed.attachments.map((a) => ({ contentId: a.contentId ?? null, name: a.attachmentName ?? null, contentType: a.contentType ?? null, size: a.size, sha256: a.sha256 }));
  return { body, input: { ref, attachments } };
}

const pkg = (attachments: { name: string; bytes: Uint8Array }[]) => documentPackage({ from: '000.00.00.H53', to: ['000.00.00.G22'], codeNumber: '1', codeNotation: 'UBND', subject: 'x', attachments: attachments.map((a) => ({ name: a.name, bytes: Buffer.from(a.bytes) })) }).xml;

describe('CryptographicVerifier', () => {
  let h: SigningHierarchy;
  let signedPdf: Uint8Array;
  let appendix: Uint8Array;
  let appendixP7s: Uint8Array;
  const verifier = (over: Partial<CryptographicVerifierOptions> = {}, revocation = new InMemoryRevocationSource('good')) => new CryptographicVerifier({ context: () => sandboxContext(h, { revocation }), ...over });

  beforeAll(async () => {
    h = await sandboxHierarchy();
    let pdf = minimalPdf();
    pdf = await signPdf(pdf, { fieldName: 'Personal', signingTime: SIGNED_AT }, (c) => signDetached(c, { signer: h.personal, signingTime: SIGNED_AT }));
    signedPdf = await signPdf(pdf, { fieldName: 'Seal', signingTime: SIGNED_AT }, (c) => signDetached(c, { signer: h.organisational, signingTime: SIGNED_AT }));
    appendix = new TextEncoder().encode('Phu luc: danh sach');
    appendixP7s = await signDetached(appendix, { signer: h.organisational, signingTime: SIGNED_AT });
  });

  it('verifies the signed PDF and a .p7s attachment: valid, Decree 30 compliant, integrity checks kept, evidence stored', async () => {
    const { body, input } = accepted(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }, { name: 'phu-luc.txt', bytes: appendix }, { name: 'phu-luc.txt.p7s', bytes: appendixP7s }]));
    const stored: Uint8Array[] = [];
    const verdict = await verifier({ keepEvidence: async (r) => (stored.push(r), sha(r)) }).verify(input, chunks(body));
    expect(verdict).toMatchObject({ ok: true, cryptographic: 'valid', verifier: 'cryptographic/1' });
    expect(verdict.checks.map((c) => [c.name, c.result])).toEqual([
      ['body-hash', 'passed'],
      ['readable', 'passed'],
      ['attachments', 'passed'],
      ['manifest', 'passed'],
      ['signature:cong-van.pdf', 'passed'],
      ['signature:phu-luc.txt', 'passed'],
      ['decree30', 'passed'],
      ['evidence', 'passed'],
    ]);
    expect(verdict.checks[4]?.detail).toContain(`personal by ${h.personal.subject}: valid`);
    const record = JSON.parse(new TextDecoder().decode(stored[0])) as { packageId: string; verdict: { main: { signatures: { evidence: { revocation: { answer: { evidence: { base64: string } } }[] } }[] } } };
    expect(record.packageId).toBe('p1');
    expect(verdict.checks[7]?.detail).toBe(`sha256:${sha(stored[0] ?? new Uint8Array())}`);
    expect(Buffer.from(record.verdict.main.signatures[0]?.evidence.revocation[0]?.answer.evidence.base64 ?? '', 'base64').toString()).toBe('in-memory revocation answer: good');
  });

  it('carries an invalid signature as invalid, and refuses it only when configured to', async () => {
    const tampered = Buffer.from(signedPdf);
    const at = tampered.indexOf('Cong van');
    tampered[at] = 'K'.charCodeAt(0);
    const { body, input } = accepted(pkg([{ name: 'cong-van.pdf', bytes: tampered }]));
    expect(await verifier().verify(input, chunks(body))).toMatchObject({ ok: true, cryptographic: 'invalid' });
    const refused = await verifier({ refuse: ['invalid'] }).verify(input, chunks(body));
    expect(refused).toMatchObject({ ok: false, errorCode: 'SIGNATURE.CRYPTOGRAPHIC_INVALID' });
    expect(refused.checks.find((c) => c.name === 'signature:cong-van.pdf')?.detail).toContain('SIGNATURE.DIGEST_MISMATCH');
  });

  it('is unknown (never valid) without revocation answers, unsigned without signatures', async () => {
    const { body, input } = accepted(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }]));
    const silent = await verifier({}, new InMemoryRevocationSource(null)).verify(input, chunks(body));
    expect(silent).toMatchObject({ ok: true, cryptographic: 'unknown' });
    expect(silent.checks.find((c) => c.name === 'signature:cong-van.pdf')).toMatchObject({ result: 'indeterminate' });
    const plain = accepted(pkg([{ name: 'cong-van.pdf', bytes: minimalPdf() }]));
    const unsigned = await verifier().verify(plain.input, chunks(plain.body));
    expect(unsigned).toMatchObject({ ok: true, cryptographic: 'unsigned' });
    expect(unsigned.checks.find((c) => c.name === 'decree30')?.result).toBe('failed');
    expect(await verifier({ refuse: ['unsigned'] }).verify(plain.input, chunks(plain.body))).toMatchObject({ ok: false, errorCode: 'SIGNATURE.UNSIGNED' });
  });

  it('reports a .p7s without its document, and files too large to hold, as indeterminate', async () => {
    const orphan = accepted(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }, { name: 'missing.docx.p7s', bytes: appendixP7s }]));
    const verdict = await verifier().verify(orphan.input, chunks(orphan.body));
    expect(verdict).toMatchObject({ ok: true, cryptographic: 'unknown' });
    expect(verdict.checks.find((c) => c.name === 'signature:missing.docx.p7s')?.detail).toContain('CMS.MALFORMED');
    const big = accepted(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }]));
    const capped = await verifier({ maxBytesInMemory: 1000 }).verify(big.input, chunks(big.body));
    expect(capped).toMatchObject({ ok: true, cryptographic: 'unknown' });
    expect(capped.checks.find((c) => c.name === 'signature:cong-van.pdf')?.detail).toContain('PDF.TOO_LARGE');
  });

  it('keeps integrity first, and says not-performed for a status package', async () => {
    const { body, input } = accepted(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }]));
    expect(await verifier().verify({ ...input, ref: { ...input.ref, bodySha256: sha('other') } }, chunks(body))).toMatchObject({ ok: false, errorCode: 'SIGNATURE.BODY_HASH_MISMATCH', verifier: 'cryptographic/1' });
    const status = accepted(statusPackage({ from: '000.00.00.G22', documentId: '000.00.00.H53,2026/11/30,1/UBND', documentIssuer: '000.00.00.H53', statusCode: '03' }).xml);
    const verdict = await verifier().verify(status.input, chunks(status.body));
    expect(verdict).toMatchObject({ ok: true, cryptographic: 'not-performed' });
    expect(verdict.checks.at(-1)).toMatchObject({ name: 'signatures', result: 'not-performed' });
    expect(NOW.getTime()).toBeGreaterThan(SIGNED_AT.getTime());
  });
});

import type { AttachmentSummary, PackageRef } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { documentPackage, parseEdxml, statusPackage } from '@vdx/edxml';
import type { SigningHierarchy } from '@vdx/pki';
import { InMemoryRevocationSource } from '@vdx/signature-validator';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CryptographicVerifier, type CryptographicVerifierOptions } from './cryptographic-verifier';
import { EVIDENCE_CONTENT_TYPE } from './evidence-record';
import { signDetached } from '../../validator/src/testing/cms-builder';
import { NOW, sandboxContext, sandboxHierarchy, SIGNED_AT } from '../../validator/src/testing/fixtures';
import { minimalPdf, signPdf } from '../../validator/src/testing/pdf-builder';
import { addSignatureTimestamp, signEnvelopedXml } from '../../validator/src/testing/xml-signer';

const SAMPLES = join(__dirname, '../../../../test-fixtures/edxml/vnpt-sdk-samples');

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
/** A keeper that holds the records in `stored` and answers the reference a blob store would. */
const keeper = (stored: Uint8Array[]) => async (r: Uint8Array) => (stored.push(r), { sha256: sha(r), size: r.length, contentType: EVIDENCE_CONTENT_TYPE });
async function* chunks(bytes: Buffer): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
}

function accepted(xml: string): { body: Buffer; input: { ref: PackageRef; attachments: AttachmentSummary[] } } {
  const body = Buffer.from(xml);
  const parsed = parseEdxml(body).package;
  const ref = packageRefWith({ packageId: 'p1', kind: parsed.kind, senderCode: '000.00.00.H53', systemId: 's', recipientCodes: ['000.00.00.G22'], bodySha256: sha(body), bodySize: body.length, acceptedAt: '2026-03-02T02:00:00.000Z' });
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
    const verdict = await verifier({ keepEvidence: keeper(stored) }).verify(input, chunks(body));
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
    // The verdict names the kept record by its blob reference.
    expect(stored).toHaveLength(1);
    expect(verdict.evidence).toEqual({ sha256: sha(stored[0]!), size: stored[0]!.length, contentType: EVIDENCE_CONTENT_TYPE });
    expect(Buffer.from(record.verdict.main.signatures[0]?.evidence.revocation[0]?.answer.evidence.base64 ?? '', 'base64').toString()).toBe('in-memory revocation answer: good');
  });

  it('carries an invalid signature as invalid, and refuses it only when configured to', async () => {
    const tampered = Buffer.from(signedPdf);
    const at = tampered.indexOf('Cong van');
    tampered[at] = 'K'.charCodeAt(0);
    const { body, input } = accepted(pkg([{ name: 'cong-van.pdf', bytes: tampered }]));
    expect(await verifier().verify(input, chunks(body))).toMatchObject({ ok: true, cryptographic: 'invalid' });
    const stored: Uint8Array[] = [];
    const refused = await verifier({ refuse: ['invalid'], keepEvidence: keeper(stored) }).verify(input, chunks(body));
    expect(refused).toMatchObject({ ok: false, errorCode: 'SIGNATURE.CRYPTOGRAPHIC_INVALID', evidence: { sha256: sha(stored[0]!), size: stored[0]!.length } });
    expect(refused.checks.find((c) => c.name === 'signature:cong-van.pdf')?.detail).toContain('SIGNATURE.DIGEST_MISMATCH');
  });

  it('is unknown (never valid) without revocation answers, unsigned without signatures', async () => {
    const { body, input } = accepted(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }]));
    const silent = await verifier({}, new InMemoryRevocationSource(null)).verify(input, chunks(body));
    expect(silent).toMatchObject({ ok: true, cryptographic: 'unknown' });
    // Nothing kept, nothing named.
    expect(silent).not.toHaveProperty('evidence');
    expect(silent.checks.map((c) => c.name)).not.toContain('evidence');
    expect(silent.checks.find((c) => c.name === 'signature:cong-van.pdf')).toMatchObject({ result: 'indeterminate' });
    const plain = accepted(pkg([{ name: 'cong-van.pdf', bytes: minimalPdf() }]));
    const unsigned = await verifier().verify(plain.input, chunks(plain.body));
    expect(unsigned).toMatchObject({ ok: true, cryptographic: 'unsigned' });
    expect(unsigned.checks.find((c) => c.name === 'decree30')?.result).toBe('failed');
    expect(await verifier({ refuse: ['unsigned'] }).verify(plain.input, chunks(plain.body))).toMatchObject({ ok: false, errorCode: 'SIGNATURE.UNSIGNED' });
  });

  it('reports a .p7s without its document as indeterminate', async () => {
    const orphan = accepted(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }, { name: 'missing.docx.p7s', bytes: appendixP7s }]));
    const verdict = await verifier().verify(orphan.input, chunks(orphan.body));
    expect(verdict).toMatchObject({ ok: true, cryptographic: 'unknown' });
    expect(verdict.checks.find((c) => c.name === 'signature:missing.docx.p7s')?.detail).toContain('CMS.MALFORMED');
  });

  it('spools attachments beyond the memory budget to files, verifies them from there, and removes the files', async () => {
    const spoolDir = await mkdtemp(join(tmpdir(), 'spool-test-'));
    try {
      const { body, input } = accepted(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }, { name: 'phu-luc.txt', bytes: appendix }, { name: 'phu-luc.txt.p7s', bytes: appendixP7s }]));
      const spooled = await verifier({ maxBytesInMemory: 1000, spoolDir }).verify(input, chunks(body));
      expect(spooled).toMatchObject({ ok: true, cryptographic: 'valid' });
      expect(spooled.checks.filter((c) => c.name.startsWith('signature:')).map((c) => c.result)).toEqual(['passed', 'passed']);
      expect(await readdir(spoolDir)).toEqual([]);
      const changed = Buffer.from(signedPdf);
      changed[changed.indexOf('Cong van')] = 'K'.charCodeAt(0);
      const tampered = accepted(pkg([{ name: 'cong-van.pdf', bytes: changed }]));
      expect(await verifier({ maxBytesInMemory: 1000, spoolDir }).verify(tampered.input, chunks(tampered.body))).toMatchObject({ ok: true, cryptographic: 'invalid' });
      expect(await readdir(spoolDir)).toEqual([]);
    } finally {
      await rm(spoolDir, { recursive: true, force: true });
    }
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

  describe('the envelope\'s XML-DSig Signature', () => {
    const signedEnvelope = (xml: string) => signEnvelopedXml(xml, { signer: h.organisational, chain: [h.intermediate] });

    it('verifies a real one and counts it among the main document\'s signatures', async () => {
      const { body, input } = accepted(signedEnvelope(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }])));
      const verdict = await verifier().verify(input, chunks(body));
      expect(verdict).toMatchObject({ ok: true, cryptographic: 'valid' });
      expect(verdict.checks.map((c) => [c.name, c.result])).toEqual([
        ['body-hash', 'passed'],
        ['readable', 'passed'],
        ['attachments', 'passed'],
        ['manifest', 'passed'],
        ['xml-dsig', 'passed'],
        ['signature:cong-van.pdf', 'passed'],
        ['decree30', 'passed'],
      ]);
      expect(verdict.checks[4]?.detail).toBe(`valid; 1 signature(s): organisational by ${h.organisational.subject}: valid`);
      expect(verdict.checks[5]?.detail).toContain(`3 signature(s): personal by ${h.personal.subject}: valid; organisational by ${h.organisational.subject}: valid; organisational by ${h.organisational.subject}: valid`);
    });

    it('fails one that no longer matches (a byte changed before the package was sent), carried unless refused', async () => {
      const signed = signedEnvelope(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }]));
      const { body, input } = accepted(signed.replace('<edXML:Subject>x</edXML:Subject>', '<edXML:Subject>y</edXML:Subject>'));
      const verdict = await verifier().verify(input, chunks(body));
      expect(verdict).toMatchObject({ ok: true, cryptographic: 'invalid' });
      expect(verdict.checks.find((c) => c.name === 'xml-dsig')).toMatchObject({ result: 'failed', detail: expect.stringContaining('SIGNATURE.DIGEST_MISMATCH') });
      expect(await verifier({ refuse: ['invalid'] }).verify(input, chunks(body))).toMatchObject({ ok: false, errorCode: 'SIGNATURE.CRYPTOGRAPHIC_INVALID' });
    });

    it('verifies the Signature of a package larger than it holds as the body streams by', async () => {
      const signed = signedEnvelope(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }]));
      const { body, input } = accepted(signed);
      // Held up to 2 KB only: this package (several KB) is verified streamed.
      expect(body.length).toBeGreaterThan(2048);
      const small = (revocation = new InMemoryRevocationSource('good')) => new CryptographicVerifier({ context: () => sandboxContext(h, { revocation, limits: { maxXmlBytes: 2048 } }) });
      const verdict = await small().verify(input, chunks(body));
      expect(verdict).toMatchObject({ ok: true, cryptographic: 'valid' });
      expect(verdict.checks.find((c) => c.name === 'xml-dsig')).toMatchObject({ result: 'passed', detail: `valid; 1 signature(s): organisational by ${h.organisational.subject}: valid` });
      const changed = accepted(signed.replace('<edXML:Subject>x</edXML:Subject>', '<edXML:Subject>y</edXML:Subject>'));
      const failed = await small().verify(changed.input, chunks(changed.body));
      expect(failed.checks.find((c) => c.name === 'xml-dsig')).toMatchObject({ result: 'failed', detail: expect.stringContaining('SIGNATURE.DIGEST_MISMATCH') });
    });

    it('dates an XAdES B-T signature by its timestamp, so a certificate revoked after signing leaves it valid', async () => {
      // A status package: the envelope is all there is to verify.
      const status = statusPackage({ from: '000.00.00.G22', documentId: '000.00.00.H53,2026/11/30,1/UBND', documentIssuer: '000.00.00.H53', statusCode: '03' }).xml;
      const signed = signEnvelopedXml(status, { signer: h.organisational, chain: [h.intermediate], xades: { signingTime: SIGNED_AT } });
      const { body, input } = accepted(await addSignatureTimestamp(signed, { tsa: h.tsa, genTime: SIGNED_AT, certificates: [h.tsa, h.intermediate] }));
      // Revoked between the signing (timestamped) and the validation.
      const revocation = new InMemoryRevocationSource('good');
      revocation.revoke(h.organisational.fingerprint, new Date((SIGNED_AT.getTime() + NOW.getTime()) / 2));
      const verdict = await verifier({}, revocation).verify(input, chunks(body));
      const xml = verdict.checks.find((c) => c.name === 'xml-dsig');
      expect(verdict).toMatchObject({ ok: true, cryptographic: 'valid' });
      expect(xml?.result).toBe('passed');
      expect(xml?.detail).toBe(`valid; 1 signature(s): organisational by ${h.organisational.subject}: valid, timestamped ${SIGNED_AT.toISOString()}`);
      // Without the timestamp, the same revocation leaves the claimed signing time unproved: indeterminate.
      const { body: plainBody, input: plainInput } = accepted(signed);
      const plain = await verifier({}, revocation).verify(plainInput, chunks(plainBody));
      expect(plain).toMatchObject({ ok: true, cryptographic: 'unknown' });
      expect(plain.checks.find((c) => c.name === 'xml-dsig')?.result).toBe('indeterminate');
    });

    it('verifies a signed status package (no attachment): the envelope is the main document, no Decree 30 check', async () => {
      const status = statusPackage({ from: '000.00.00.G22', documentId: '000.00.00.H53,2026/11/30,1/UBND', documentIssuer: '000.00.00.H53', statusCode: '03' }).xml;
      const { body, input } = accepted(signedEnvelope(status));
      const verdict = await verifier().verify(input, chunks(body));
      expect(verdict).toMatchObject({ ok: true, cryptographic: 'valid' });
      expect(verdict.checks.slice(4).map((c) => [c.name, c.result])).toEqual([
        ['xml-dsig', 'passed'],
        ['signature:edXML', 'passed'],
      ]);
    });

    it.each(['edoc_new.edxml', 'edoc_replacement.edxml', 'edoc_revocation.edxml', 'edoc_update.edxml'])('reports the placeholder Signature of the reference SDK\'s %s as a placeholder and verifies nothing of it', async (file) => {
      const body = await readFile(join(SAMPLES, file));
      const { input } = accepted(body.toString('utf8'));
      const verdict = await verifier().verify(input, chunks(body));
      expect(verdict).toMatchObject({ ok: true, cryptographic: 'unsigned' });
      expect(verdict.checks.find((c) => c.name === 'xml-dsig')).toEqual({ name: 'xml-dsig', result: 'placeholder', detail: 'XMLDSIG.PLACEHOLDER: X509Certificate[1] is not a DER certificate; nothing verified' });
    });

    it('reports the reference SDK\'s edoc.edxml Signature, in the XML-DSig namespace with a real certificate but no SignedInfo, as malformed (indeterminate)', async () => {
      const body = await readFile(join(SAMPLES, 'edoc.edxml'));
      const { input } = accepted(body.toString('utf8'));
      const verdict = await verifier().verify(input, chunks(body));
      expect(verdict).toMatchObject({ ok: true, cryptographic: 'unknown' });
      expect(verdict.checks.find((c) => c.name === 'xml-dsig')).toEqual({ name: 'xml-dsig', result: 'indeterminate', detail: 'indeterminate; 0 signature(s); XMLDSIG.MALFORMED' });
    });

    it('fails a wrapped envelope: the signed one moved behind a forged one the reader would use', async () => {
      const signed = signEnvelopedXml(pkg([{ name: 'cong-van.pdf', bytes: signedPdf }]), { signer: h.organisational, chain: [h.intermediate], reference: 'envelope' });
      const original = /<edXML:edXMLEnvelope Id="_0">[\s\S]*<\/edXML:edXMLEnvelope>/.exec(signed)?.[0] ?? '';
      const forged = original.replace(' Id="_0"', '').replace('<edXML:Subject>x</edXML:Subject>', '<edXML:Subject>forged</edXML:Subject>');
      const { body, input } = accepted(signed.replace(original, `${forged}<edXML:Hidden>${original}</edXML:Hidden>`));
      const verdict = await verifier().verify(input, chunks(body));
      expect(verdict).toMatchObject({ ok: true, cryptographic: 'invalid' });
      expect(verdict.checks.find((c) => c.name === 'xml-dsig')?.detail).toContain('XMLDSIG.WRAPPING');
    });
  });
});

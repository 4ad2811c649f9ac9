import { documentPackage } from '@vdx/edxml';
import type { SigningHierarchy } from '@vdx/pki';
import { InMemoryRevocationSource, MAX_EVENTS_BEFORE_SIGNATURE_BYTES, ReasonCode, StreamedXmlSignature, verifyXmlSignature, type FileVerdict, type VerificationContext } from '@vdx/signature-validator';
import { SIGNED_AT, sandboxContext, sandboxHierarchy } from '../testing/fixtures';
import { addSignatureTimestamp, signEnvelopedXml, type XmlSignOptions } from '../testing/xml-signer';

// The streamed verification (for packages too large for a DOM) must reach the verdict the DOM
// verification reaches, on every kind of signature and every kind of damage; it is fed the
// document a few bytes at a time, so that events and characters are split across chunks.
const PATHS = { signaturePath: ['edXML', 'edXMLEnvelope', 'edXMLHeader', 'Signature'], signedElementPath: ['edXML', 'edXMLEnvelope'] };
const envelopeXml = documentPackage({
  from: '000.00.00.H53',
  to: ['000.00.00.G22'],
  codeNumber: '9',
  codeNotation: 'UBND-VP',
  subject: 'Báo cáo tổng hợp & "số liệu" <năm>',
  attachments: [{ name: 'bao-cao.pdf', bytes: Buffer.from('%PDF-1.7 bao cao '.repeat(50)) }],
}).xml;

async function streamed(xml: string, ctx: VerificationContext, chunk = 97): Promise<FileVerdict> {
  const s = new StreamedXmlSignature(PATHS);
  const bytes = Buffer.from(xml, 'utf8');
  for (let i = 0; i < bytes.length; i += chunk) s.write(bytes.subarray(i, i + chunk));
  return s.finish(ctx, 'edXML');
}

/** What a verdict decided: status, codes, and each signature's algorithm, references and time. */
const decided = (v: FileVerdict) => ({
  status: v.status,
  findings: v.findings.map((f) => f.code),
  signatures: v.signatures.map((s) => ({ status: s.status, codes: s.findings.map((f) => f.code), kind: s.kind, algorithm: s.signatureAlgorithm, checkedAt: s.checkedAt, references: s.xmlDsig?.references, xades: s.xmlDsig?.xades, chain: s.chain.map((c) => c.fingerprint) })),
});

describe('StreamedXmlSignature reaches the verdict of the DOM verification', () => {
  let h: SigningHierarchy;
  let ctx: VerificationContext;
  const sign = (opts: Partial<XmlSignOptions> = {}, xml = envelopeXml): string => signEnvelopedXml(xml, { signer: h.organisational, chain: [h.intermediate], ...opts });
  const same = async (xml: string, c: VerificationContext = ctx): Promise<FileVerdict> => {
    const viaDom = await verifyXmlSignature(new Uint8Array(Buffer.from(xml, 'utf8')), c, PATHS, 'edXML');
    const viaStream = await streamed(xml, c);
    expect(decided(viaStream)).toEqual(decided(viaDom));
    return viaStream;
  };

  beforeAll(async () => {
    h = await sandboxHierarchy();
    ctx = sandboxContext(h);
  });

  it('valid: the whole document (exclusive and inclusive C14N) and the envelope by its Id', async () => {
    expect((await same(sign())).status).toBe('valid');
    expect((await same(sign({ canonicalization: 'inclusive' }))).status).toBe('valid');
    const envelope = await same(sign({ reference: 'envelope', canonicalization: 'inclusive' }));
    expect([envelope.status, envelope.signatures[0]?.xmlDsig?.references[0]?.covers]).toEqual(['valid', 'signed-element']);
    expect((await same(sign({ reference: 'envelope' }))).status).toBe('valid');
  });

  it('valid XAdES B-B and B-T, whose SignedProperties are inside the Signature', async () => {
    expect((await same(sign({ xades: { signingTime: SIGNED_AT } }))).signatures[0]?.xmlDsig?.xades).toEqual({ signedProperties: true, level: 'B-B' });
    const bt = await addSignatureTimestamp(sign({ xades: { signingTime: SIGNED_AT } }), { tsa: h.tsa, genTime: SIGNED_AT, certificates: [h.tsa, h.intermediate] });
    expect((await same(bt)).signatures[0]?.checkedAt.source).toBe('timestamp');
  });

  it('invalid: a byte changed in the header, in an attachment, in the SignatureValue', async () => {
    const signed = sign();
    expect(decided(await same(signed.replace('Báo cáo', 'Bao cao'))).signatures[0]?.codes).toContain(ReasonCode.SIGNATURE_DIGEST_MISMATCH);
    const content = Buffer.from('%PDF-1.7 bao cao '.repeat(50)).toString('base64');
    expect((await same(signed.replace(content, content.replace('JVBER', 'JVBES')))).status).toBe('invalid');
    const value = /<SignatureValue>([^<]+)<\/SignatureValue>/.exec(signed)?.[1] ?? '';
    expect((await same(signed.replace(value, `${value.slice(0, 8)}${value[8] === 'A' ? 'B' : 'A'}${value.slice(9)}`))).status).toBe('invalid');
  });

  it('invalid: wrapping (the envelope moved behind a forged one, an Id carried twice)', async () => {
    const signed = sign({ reference: 'envelope' });
    const original = /<edXML:edXMLEnvelope Id="_0">[\s\S]*<\/edXML:edXMLEnvelope>/.exec(signed)?.[0] ?? '';
    const forged = original.replace(' Id="_0"', '').replace('Báo cáo', 'Giả mạo');
    expect((await same(signed.replace(original, `${forged}\n<edXML:Wrapper>${original}</edXML:Wrapper>`))).status).toBe('invalid');
    expect((await same(signed.replace('<edXML:Subject>', '<edXML:Subject Id="_0">'))).status).toBe('invalid');
  });

  it('the other verdicts like the DOM: a revoked signer, an unknown digest, no Signature, a DOCTYPE', async () => {
    const revocation = new InMemoryRevocationSource('good');
    revocation.revoke(h.organisational.fingerprint, new Date('2026-01-01T00:00:00Z'));
    expect((await same(sign(), sandboxContext(h, { revocation }))).status).toBe('invalid');
    // Rewriting SignedInfo breaks the signature too.
    expect(decided(await same(sign().replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmldsig-more#md5'))).signatures[0]?.codes).toContain(ReasonCode.SIGNATURE_UNSUPPORTED_ALGORITHM);
    expect(await same(envelopeXml)).toMatchObject({ status: 'unsigned', signatures: [] });
    const doctype = await same(sign().replace(/^<\?xml[^>]*\?>\s*/, '<!DOCTYPE edXML:edXML [<!ENTITY a "ha">]>'));
    expect(doctype.findings.map((f) => f.code)).toEqual([ReasonCode.XMLDSIG_MALFORMED]);
  });

  it('says TOO_LARGE when the Signature comes after more than it keeps, and chunking does not matter', async () => {
    const signed = sign();
    for (const chunk of [1, 13, 4096]) expect(decided(await streamed(signed, ctx, chunk))).toEqual(decided(await streamed(signed, ctx)));
    // A Signature placed after a huge element: the events before it are more than it keeps.
    const late = signEnvelopedXml(envelopeXml.replace('<edXML:edXMLHeader>', `<edXML:Pad>${'x'.repeat(MAX_EVENTS_BEFORE_SIGNATURE_BYTES)}</edXML:Pad><edXML:edXMLHeader>`), { signer: h.organisational, chain: [h.intermediate] });
    const v = await streamed(late, ctx, 1 << 20);
    expect([v.status, v.findings.map((f) => f.code)]).toEqual(['indeterminate', [ReasonCode.XMLDSIG_TOO_LARGE]]);
  }, 60_000);
});

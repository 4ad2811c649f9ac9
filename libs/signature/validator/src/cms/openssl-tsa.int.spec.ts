import { createSigningHierarchy, type SigningHierarchy } from '@vdx/pki';
import { DEFAULT_LIMITS, ReasonCode, trustAnchorsFromPem, verifyDetachedCms, verifyXmlSignature, type VerificationContext } from '@vdx/signature-validator';
import { documentPackage } from '@vdx/edxml';
import { signDetached } from '../testing/cms-builder';
import { sandboxContext } from '../testing/fixtures';
import { opensslTimestamp } from '../testing/openssl-tsa';
import { addSignatureTimestamp, signEnvelopedXml } from '../testing/xml-signer';
import { checkTimestamp } from './timestamp';

// Signature timestamps from OpenSSL's TSA (`openssl ts -reply`), not from the project's own token
// builder: the verifier must accept a real TSA's tokens, for a CMS signature and for XAdES B-T.
describe('signature timestamps from openssl ts', () => {
  let h: SigningHierarchy;
  let ctx: VerificationContext;
  const content = new TextEncoder().encode('Quyết định số 12/QĐ-UBND');

  beforeAll(async () => {
    // Issued yesterday: OpenSSL stamps the current time.
    h = await createSigningHierarchy({ now: new Date(Date.now() - 24 * 3_600_000) });
    ctx = sandboxContext(h, { now: new Date(Date.now() + 60_000) });
  });

  it('checks an openssl ts token over the stamped octets: genTime, the TSA, its path', async () => {
    const stamped = new TextEncoder().encode('a signature value');
    const before = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
    const token = await opensslTimestamp(stamped, { tsa: h.tsa, chain: [h.intermediate] });
    const checked = await checkTimestamp(token, stamped, { anchors: trustAnchorsFromPem(h.trustAnchorsPem), revocation: ctx.revocation!, limits: DEFAULT_LIMITS });
    expect(checked.findings.filter((f) => f.effect !== 'warning')).toEqual([]);
    expect(checked.genTime?.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(checked.genTime?.getTime()).toBeLessThanOrEqual(Date.now());
    expect([checked.tsa?.fingerprint, checked.path.map((c) => c.fingerprint)]).toEqual([h.tsa.fingerprint, [h.tsa.fingerprint, h.intermediate.fingerprint, h.root.fingerprint]]);
    const other = await checkTimestamp(token, new TextEncoder().encode('another signature value'), { anchors: trustAnchorsFromPem(h.trustAnchorsPem), revocation: ctx.revocation!, limits: DEFAULT_LIMITS });
    expect([other.genTime, other.findings.map((f) => f.code)]).toEqual([undefined, [ReasonCode.TIMESTAMP_IMPRINT_MISMATCH]]);
  });

  it('dates a detached CMS signature by the openssl ts token over its signature value', async () => {
    const p7s = await signDetached(content, { signer: h.personal, signingTime: new Date(), timestamp: (value) => opensslTimestamp(value, { tsa: h.tsa, chain: [h.intermediate] }) });
    const v = await verifyDetachedCms(content, p7s, ctx, 'quyet-dinh.docx');
    expect([v.status, v.signatures[0]?.checkedAt.source, v.signatures[0]?.timestamp?.tsa?.fingerprint]).toEqual(['valid', 'timestamp', h.tsa.fingerprint]);
    expect(v.signatures[0]?.evidence.timestamp?.token.length).toBeGreaterThan(100);
  });

  it('dates an XAdES B-T edXML signature by the openssl ts token over its SignatureValue', async () => {
    const xml = documentPackage({ from: '000.00.00.H53', to: ['000.00.00.G22'], codeNumber: '12', codeNotation: 'QĐ-UBND', subject: 'Quyết định', attachments: [] }).xml;
    const signed = signEnvelopedXml(xml, { signer: h.organisational, chain: [h.intermediate], xades: { signingTime: new Date() } });
    const stamped = await addSignatureTimestamp(signed, (octets) => opensslTimestamp(octets, { tsa: h.tsa, chain: [h.intermediate] }));
    const v = await verifyXmlSignature(new Uint8Array(Buffer.from(stamped, 'utf8')), ctx, { signaturePath: ['edXML', 'edXMLEnvelope', 'edXMLHeader', 'Signature'], signedElementPath: ['edXML', 'edXMLEnvelope'] }, 'edXML');
    expect([v.status, v.signatures[0]?.checkedAt.source, v.signatures[0]?.xmlDsig?.xades]).toEqual(['valid', 'timestamp', { signedProperties: true, level: 'B-T' }]);
  });
});

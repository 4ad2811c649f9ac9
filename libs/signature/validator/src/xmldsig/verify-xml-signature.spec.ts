import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentPackage } from '@vdx/edxml';
import type { SigningHierarchy } from '@vdx/pki';
import { InMemoryRevocationSource, ReasonCode, trustAnchorsFromPem, verifyXmlSignature, type FileVerdict, type VerificationContext } from '@vdx/signature-validator';
import { NOW, SIGNED_AT, sandboxContext, sandboxHierarchy } from '../testing/fixtures';
import { addSignatureTimestamp, signEnvelopedXml, type XmlSignOptions } from '../testing/xml-signer';

const PATHS = { signaturePath: ['edXML', 'edXMLEnvelope', 'edXMLHeader', 'Signature'], signedElementPath: ['edXML', 'edXMLEnvelope'] };
const SAMPLES = join(__dirname, '../../../../../test-fixtures/edxml/vnpt-sdk-samples');
const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** Every code of a file verdict (file and signature findings), sorted and unique. */
const codes = (v: FileVerdict, effects: readonly string[] = ['invalid', 'indeterminate']): string[] => [...new Set([...v.findings, ...v.signatures.flatMap((s) => s.findings)].filter((f) => effects.includes(f.effect)).map((f) => f.code))].sort();

const envelopeXml = documentPackage({
  from: '000.00.00.H53',
  to: ['000.00.00.G22'],
  codeNumber: '123',
  codeNotation: 'UBND-VP',
  subject: 'Công văn về việc thử chữ ký',
  promulgationDate: '2026/03/01',
  attachments: [{ name: 'phu-luc.pdf', bytes: Buffer.from('%PDF-1.7 phu luc') }],
}).xml;

describe('verifyXmlSignature (enveloped XML-DSig of an edXML envelope)', () => {
  let ec: SigningHierarchy;
  let rsa: SigningHierarchy;
  let ctx: VerificationContext;
  const sign = (opts: Partial<XmlSignOptions> = {}, h: SigningHierarchy = ec): string => signEnvelopedXml(envelopeXml, { signer: h.organisational, chain: [h.intermediate], ...opts });
  const verify = (xml: string, c: VerificationContext = ctx): Promise<FileVerdict> => verifyXmlSignature(utf8(xml), c, PATHS, 'edXML');

  beforeAll(async () => {
    [ec, rsa] = await Promise.all([sandboxHierarchy('ecdsa-p256'), sandboxHierarchy('rsa-2048')]);
    ctx = sandboxContext(ec);
  }, 60_000);

  it('accepts a signature over the whole document (ECDSA, exclusive C14N), with the path, revocation and Decree 30 kind of a CMS signer', async () => {
    const v = await verify(sign());
    expect(v).toMatchObject({ status: 'valid', name: 'edXML', findings: [] });
    const s = v.signatures[0];
    expect(v.signatures).toHaveLength(1);
    expect(s).toMatchObject({ status: 'valid', kind: 'organisational', signatureAlgorithm: 'ECDSA/SHA-256', digestAlgorithm: 'SHA-256', checkedAt: { time: NOW, source: 'none' } });
    expect(s?.findings.map((f) => f.code)).toEqual([ReasonCode.TIME_NONE]);
    expect(s?.chain.map((c) => c.fingerprint)).toEqual([ec.organisational.fingerprint, ec.intermediate.fingerprint, ec.root.fingerprint]);
    expect(s?.xmlDsig).toEqual({
      canonicalization: 'http://www.w3.org/2001/10/xml-exc-c14n#',
      signatureMethod: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
      references: [{ uri: '', digestMethod: 'http://www.w3.org/2001/04/xmlenc#sha256', transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'], covers: 'document' }],
    });
    expect(s?.evidence.certificates).toHaveLength(3);
    expect(s?.evidence.revocation.map((r) => r.answer?.status)).toEqual(['good', 'good']);
    expect(Buffer.from(s?.evidence.signature ?? []).toString()).toMatch(/^<Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">/);
  });

  it('accepts a reference to the envelope by its Id, with inclusive C14N (ancestor namespaces rendered)', async () => {
    const v = await verify(sign({ reference: 'envelope', canonicalization: 'inclusive' }));
    expect(v.status).toBe('valid');
    expect(v.signatures[0]?.xmlDsig?.references.map((r) => [r.uri, r.covers])).toEqual([['#_0', 'signed-element']]);
  });

  it('verifies RSA PKCS#1 v1.5 SHA-512 and RSA-PSS, and reports SHA-1 as weak without failing', async () => {
    const rsaCtx = sandboxContext(rsa);
    const sha512 = await verify(sign({ hash: 'SHA-512' }, rsa), rsaCtx);
    expect([sha512.status, sha512.signatures[0]?.signatureAlgorithm]).toEqual(['valid', 'RSASSA-PKCS1-v1_5/SHA-512']);
    const pss = await verify(sign({ rsaScheme: 'pss' }, rsa), rsaCtx);
    expect([pss.status, pss.signatures[0]?.signatureAlgorithm]).toEqual(['valid', 'RSA-PSS/SHA-256']);
    const sha1 = await verify(sign({ hash: 'SHA-1' }, rsa), rsaCtx);
    expect(sha1.status).toBe('valid');
    expect(sha1.signatures[0]?.findings.filter((f) => f.code === ReasonCode.SIGNATURE_WEAK_DIGEST).map((f) => f.message)).toEqual(['reference #1 (URI ""): the digest is SHA-1', 'the signature uses SHA-1']);
    const ecSha1 = await verify(sign({ hash: 'SHA-1' }));
    expect([ecSha1.status, codes(ecSha1, ['warning'])]).toEqual(['valid', [ReasonCode.SIGNATURE_WEAK_DIGEST, ReasonCode.TIME_NONE]]);
  }, 30_000);

  it('rejects one byte changed after signing: in the header, in an attachment, in the SignatureValue', async () => {
    const signed = sign();
    const header = await verify(signed.replace('thử chữ ký', 'thử chữ kỳ'));
    expect([header.status, codes(header)]).toEqual(['invalid', [ReasonCode.SIGNATURE_DIGEST_MISMATCH]]);
    const content = Buffer.from('%PDF-1.7 phu luc').toString('base64');
    const attachment = await verify(signed.replace(content, Buffer.from('%PDF-1.7 phu lục').toString('base64')));
    expect(codes(attachment)).toEqual([ReasonCode.SIGNATURE_DIGEST_MISMATCH]);
    const value = /<SignatureValue>([^<]+)<\/SignatureValue>/.exec(signed)?.[1] ?? '';
    const flipped = `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`;
    const sig = await verify(signed.replace(value, flipped));
    expect([sig.status, codes(sig)]).toEqual(['invalid', [ReasonCode.SIGNATURE_VERIFICATION_FAILED]]);
    // A reference to the envelope alone does not cover the attachments (their own signatures and the integrity check do).
    const envelopeOnly = sign({ reference: 'envelope' });
    expect((await verify(envelopeOnly.replace(content, Buffer.from('%PDF-1.7 phu lục').toString('base64')))).status).toBe('valid');
  });

  it('rejects signature wrapping: the signed envelope moved behind a forged one, an Id used twice, a reference that misses the envelope', async () => {
    const signed = sign({ reference: 'envelope' });
    const original = /<edXML:edXMLEnvelope Id="_0">[\s\S]*<\/edXML:edXMLEnvelope>/.exec(signed)?.[0] ?? '';
    const forged = original.replace(' Id="_0"', '').replace('thử chữ ký', 'giả mạo');
    const moved = await verify(signed.replace(original, `${forged}\n<edXML:Wrapper>${original}</edXML:Wrapper>`));
    expect([moved.status, codes(moved)]).toEqual(['invalid', [ReasonCode.XMLDSIG_ENVELOPE_NOT_SIGNED, ReasonCode.XMLDSIG_WRAPPING]]);
    expect(moved.signatures[0]?.findings.find((f) => f.code === ReasonCode.XMLDSIG_WRAPPING)?.message).toBe('reference #1 (URI "#_0") signs a edXMLEnvelope element that is not the envelope this document is read by');
    const twice = await verify(signed.replace(original, `${original.replace('thử chữ ký', 'giả mạo')}${original}`));
    expect(codes(twice)).toEqual([ReasonCode.XMLDSIG_ENVELOPE_NOT_SIGNED, ReasonCode.XMLDSIG_WRAPPING]);
    // A reference to an Object of the Signature only signs nothing the axis reads (rewriting SignedInfo also breaks the signature).
    const objectOnly = signed.replace('URI="#_0"', 'URI="#obj"').replace('</Signature>', '<Object Id="obj"/></Signature>');
    expect(codes(await verify(objectOnly))).toEqual([ReasonCode.SIGNATURE_DIGEST_MISMATCH, ReasonCode.SIGNATURE_VERIFICATION_FAILED, ReasonCode.XMLDSIG_ENVELOPE_NOT_SIGNED]);
  });

  it('refuses XML attacks with a code: entity expansion, external entities, undeclared entities, comments in values, unbound prefixes, depth and size', async () => {
    const signed = sign();
    const body = signed.replace(/^<\?xml[^>]*\?>\s*/, '');
    const laughs = `<!DOCTYPE edXML:edXML [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>${body.replace('thử chữ ký', '&b;')}`;
    const external = `<!DOCTYPE edXML:edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>${body.replace('thử chữ ký', '&x;')}`;
    for (const xml of [laughs, external]) {
      const v = await verify(xml);
      expect([v.status, v.signatures, v.findings.map((f) => [f.code, f.message])]).toEqual(['indeterminate', [], [[ReasonCode.XMLDSIG_MALFORMED, 'a DOCTYPE (DTD) is not accepted in a signed document']]]);
    }
    expect((await verify(signed.replace('thử chữ ký', '&nbsp;'))).findings.map((f) => f.code)).toEqual([ReasonCode.XMLDSIG_MALFORMED]);
    const commented = await verify(signed.replace('<DigestValue>', '<DigestValue><!-- -->'));
    expect(commented.signatures[0]?.findings.map((f) => [f.code, f.message])).toEqual([[ReasonCode.XMLDSIG_MALFORMED, 'DigestValue holds something other than text']]);
    expect((await verify(signed.replace('<edXML:Subject>', '<edXML:Subject x:y="1">'))).findings.map((f) => f.code)).toEqual([ReasonCode.XMLDSIG_MALFORMED]);
    const deep = `${'<a>'.repeat(80)}${'</a>'.repeat(80)}`;
    expect((await verify(signed.replace('<edXML:Subject>', `<edXML:Subject>${deep}`))).findings.map((f) => f.code)).toEqual([ReasonCode.XMLDSIG_TOO_COMPLEX]);
    expect((await verify(signed, sandboxContext(ec, { limits: { maxXmlBytes: 1000 } }))).findings.map((f) => f.code)).toEqual([ReasonCode.XMLDSIG_TOO_LARGE]);
  });

  it('refuses what it does not follow: XSLT, external URIs, HMAC, an unknown digest; a missing certificate', async () => {
    // Each change rewrites SignedInfo, so the signature itself fails too; the point is the coded refusal.
    const signed = sign();
    const xslt = await verify(signed.replace('<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>', '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/>'));
    expect(codes(xslt)).toEqual([ReasonCode.SIGNATURE_VERIFICATION_FAILED, ReasonCode.XMLDSIG_UNSUPPORTED_TRANSFORM]);
    expect(xslt.signatures[0]?.findings.find((f) => f.code === ReasonCode.XMLDSIG_UNSUPPORTED_TRANSFORM)?.message).toBe('reference #1 (URI ""): unsupported transform http://www.w3.org/TR/1999/REC-xslt-19991116 at position 2 (enveloped-signature, then C14N 1.0, C14N 1.1 or exclusive C14N)');
    const external = await verify(signed.replace('URI=""', 'URI="http://example.vn/doc.xml"'));
    expect(codes(external)).toEqual([ReasonCode.SIGNATURE_VERIFICATION_FAILED, ReasonCode.XMLDSIG_ENVELOPE_NOT_SIGNED, ReasonCode.XMLDSIG_UNSUPPORTED_TRANSFORM]);
    const hmac = await verify(signed.replace('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', 'http://www.w3.org/2000/09/xmldsig#hmac-sha1'));
    expect(hmac.signatures[0]?.findings.map((f) => f.code)).toContain(ReasonCode.SIGNATURE_UNSUPPORTED_ALGORITHM);
    const md5 = await verify(signed.replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmldsig-more#md5'));
    expect(codes(md5)).toEqual([ReasonCode.SIGNATURE_UNSUPPORTED_ALGORITHM, ReasonCode.SIGNATURE_VERIFICATION_FAILED]);
    const noKey = await verify(signed.replace(/<KeyInfo>[\s\S]*<\/KeyInfo>/, ''));
    expect([noKey.status, codes(noKey)]).toEqual(['indeterminate', [ReasonCode.XMLDSIG_CERTIFICATE_MISSING]]);
  });

  it('puts the certificate through the chain and revocation checks: another hierarchy\'s root, a revoked signer', async () => {
    const untrusted = await verify(sign(), sandboxContext(rsa));
    expect([untrusted.status, codes(untrusted)]).toEqual(['indeterminate', [ReasonCode.CHAIN_ISSUER_NOT_FOUND]]);
    const revocation = new InMemoryRevocationSource('good');
    revocation.revoke(ec.organisational.fingerprint, new Date('2026-01-01T00:00:00Z'));
    const revoked = await verify(sign(), sandboxContext(ec, { revocation }));
    expect([revoked.status, codes(revoked)]).toEqual(['invalid', [ReasonCode.CERT_REVOKED]]);
  });

  it('says unsigned without a Signature, and malformed for a Signature outside the XML-DSig namespace (the reference SDK placeholder)', async () => {
    expect(await verify(envelopeXml)).toEqual({ status: 'unsigned', name: 'edXML', findings: [], signatures: [] });
    const placeholder = await verifyXmlSignature(readFileSync(join(SAMPLES, 'edoc_new.edxml')), ctx, PATHS);
    expect(placeholder.status).toBe('indeterminate');
    expect(placeholder.signatures[0]?.findings.map((f) => [f.code, f.message])).toEqual([[ReasonCode.XMLDSIG_MALFORMED, 'the Signature element is in the namespace http://www.mic.gov.vn/TBT/QCVN_102_2016, not XML-DSig\'s']]);
  });

  describe('XAdES qualifying properties', () => {
    const stampBy = (h: SigningHierarchy) => ({ tsa: h.tsa, genTime: SIGNED_AT, certificates: [h.tsa, h.intermediate] });

    it('B-B: checks the certificates at the signed SigningTime and binds the signer by SigningCertificateV2', async () => {
      const v = await verify(sign({ xades: { signingTime: SIGNED_AT } }));
      const s = v.signatures[0];
      expect([v.status, s?.status, s?.claimedSigningTime, s?.checkedAt]).toEqual(['valid', 'valid', SIGNED_AT, { time: SIGNED_AT, source: 'claimed' }]);
      expect(s?.findings.map((f) => f.code)).toEqual([ReasonCode.TIME_CLAIMED]);
      expect(s?.xmlDsig?.xades).toEqual({ signedProperties: true, level: 'B-B' });
      expect(s?.xmlDsig?.references.map((r) => [r.uri, r.covers])).toEqual([['', 'document'], ['#xades-sp-1', 'signature']]);
      expect(s?.timestamp).toBeUndefined();
    });

    it('B-T: a SignatureTimeStamp over the SignatureValue dates the signature, and goes into the evidence', async () => {
      const v = await verify(await addSignatureTimestamp(sign({ xades: { signingTime: SIGNED_AT } }), stampBy(ec)));
      const s = v.signatures[0];
      expect([v.status, s?.checkedAt, s?.timestamp?.genTime, s?.timestamp?.tsa?.fingerprint]).toEqual(['valid', { time: SIGNED_AT, source: 'timestamp' }, SIGNED_AT, ec.tsa.fingerprint]);
      expect(s?.findings).toEqual([]);
      expect(s?.xmlDsig?.xades).toEqual({ signedProperties: true, level: 'B-T' });
      expect(s?.evidence.timestamp?.token.length).toBeGreaterThan(100);
      expect(s?.evidence.timestamp?.certificates.length).toBe(3);
    });

    it('a timestamp over other octets, or from a TSA nobody trusts, proves no time: indeterminate, judged at the claimed time', async () => {
      const signed = sign({ xades: { signingTime: SIGNED_AT } });
      const other = await verify(await addSignatureTimestamp(signed, stampBy(ec), new Uint8Array(Buffer.from('another signature value'))));
      expect([other.status, codes(other), other.signatures[0]?.checkedAt.source]).toEqual(['indeterminate', [ReasonCode.TIMESTAMP_IMPRINT_MISMATCH], 'claimed']);
      const foreign = await verify(await addSignatureTimestamp(signed, { tsa: rsa.tsa, genTime: SIGNED_AT, certificates: [rsa.tsa, rsa.intermediate, rsa.root] }));
      expect(foreign.signatures[0]?.findings.filter((f) => f.effect !== 'warning').map((f) => [f.code, f.target])).toEqual([[ReasonCode.CHAIN_UNTRUSTED_ROOT, 'timestamp']]);
      expect(foreign.signatures[0]?.xmlDsig?.xades?.level).toBe('B-B');
    }, 30_000);

    it('checks a SignatureTimeStamp against the TSA trust anchors when they are set, and only against them', async () => {
      const signed = sign({ xades: { signingTime: SIGNED_AT } });
      const tsaOnlyRsa = sandboxContext(ec, { tsaTrustAnchors: trustAnchorsFromPem(rsa.trustAnchorsPem) });
      const byRsa = await verify(await addSignatureTimestamp(signed, stampBy(rsa)), tsaOnlyRsa);
      expect([byRsa.status, byRsa.signatures[0]?.checkedAt.source, byRsa.signatures[0]?.timestamp?.tsa?.fingerprint, byRsa.signatures[0]?.xmlDsig?.xades?.level]).toEqual(['valid', 'timestamp', rsa.tsa.fingerprint, 'B-T']);
      // The sandbox TSA chains to the signers' root, which is no TSA anchor here.
      const byEc = await verify(await addSignatureTimestamp(signed, stampBy(ec)), tsaOnlyRsa);
      expect([byEc.status, byEc.signatures[0]?.checkedAt.source, byEc.signatures[0]?.xmlDsig?.xades?.level]).toEqual(['indeterminate', 'claimed', 'B-B']);
      expect(byEc.signatures[0]?.findings.filter((f) => f.effect !== 'warning').map((f) => [f.code, f.target])).toEqual([[ReasonCode.CHAIN_UNTRUSTED_ROOT, 'timestamp']]);
    }, 30_000);

    it('rejects a SigningCertificateV2 that names another certificate than the one in KeyInfo', async () => {
      const v = await verify(sign({ xades: { signingTime: SIGNED_AT, signingCertificate: ec.personal } }));
      expect([v.status, codes(v)]).toEqual(['invalid', [ReasonCode.XADES_SIGNING_CERTIFICATE_MISMATCH]]);
      const none = await verify(sign({ xades: { signingTime: SIGNED_AT, signingCertificate: null } }));
      expect([none.status, codes(none, ['warning'])]).toEqual(['valid', [ReasonCode.TIME_CLAIMED, ReasonCode.XADES_SIGNING_CERTIFICATE_MISSING]]);
    });

    it('changed SignedProperties fail their digest; unsigned ones are ignored with a warning', async () => {
      const signed = sign({ xades: { signingTime: SIGNED_AT } });
      const backdated = await verify(signed.replace(SIGNED_AT.toISOString(), '2026-02-01T08:00:00.000Z'));
      expect([backdated.status, codes(backdated)]).toEqual(['invalid', [ReasonCode.SIGNATURE_DIGEST_MISMATCH]]);
      // Not referenced: neither the claimed time nor the binding (to another certificate here) is used.
      const unreferenced = await verify(sign({ xades: { signingTime: SIGNED_AT, signingCertificate: ec.personal, unreferenced: true } }));
      expect([unreferenced.status, codes(unreferenced, ['warning']), unreferenced.signatures[0]?.checkedAt.source]).toEqual(['valid', [ReasonCode.TIME_NONE, ReasonCode.XADES_PROPERTIES_UNSIGNED], 'none']);
      expect(unreferenced.signatures[0]?.xmlDsig?.xades).toEqual({ signedProperties: false, level: 'B-B' });
      const untyped = await verify(sign({ xades: { signingTime: SIGNED_AT, untyped: true } }));
      expect([untyped.status, codes(untyped, ['warning'])]).toEqual(['valid', [ReasonCode.TIME_CLAIMED, ReasonCode.XADES_MALFORMED]]);
    });

    it('reads unreadable properties as a plain XML-DSig signature, indeterminate with XADES.MALFORMED', async () => {
      const cases: [Partial<XmlSignOptions['xades']>, string][] = [
        [{ rawSignedSignatureProperties: '<xades:SigningTime>1 tháng 3</xades:SigningTime>' }, 'the XAdES properties cannot be read: SigningTime "1 tháng 3" is not a date and time with a time zone'],
        [{ rawSignedSignatureProperties: '<xades:SigningTime>2026-03-01T08:00:00</xades:SigningTime>' }, 'the XAdES properties cannot be read: SigningTime "2026-03-01T08:00:00" is not a date and time with a time zone'],
        [{ rawSignedSignatureProperties: '<xades:SigningCertificateV2/>' }, 'the XAdES properties cannot be read: SigningCertificateV2 names no certificate'],
        [{ rawSignedSignatureProperties: '<xades:SigningCertificateV2><xades:Cert><xades:CertDigest><DigestMethod Algorithm="x"/><DigestValue>not base64!</DigestValue></xades:CertDigest></xades:Cert></xades:SigningCertificateV2>' }, 'the XAdES properties cannot be read: DigestValue is not base64'],
        [{ signingTime: SIGNED_AT, twice: true }, 'the XAdES properties cannot be read: 2 QualifyingProperties in one Signature'],
      ];
      for (const [xades, message] of cases) {
        const v = await verify(sign({ xades: { ...xades, unreferenced: true } }));
        expect([v.status, v.signatures[0]?.findings.filter((f) => f.effect === 'indeterminate').map((f) => [f.code, f.message]), v.signatures[0]?.checkedAt.source]).toEqual(['indeterminate', [[ReasonCode.XADES_MALFORMED, message]], 'none']);
      }
    });
  });
});

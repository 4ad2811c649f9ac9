import { createSigningHierarchy, issueSigningCertificate, type SigningCredential, type SigningHierarchy } from '@vdx/pki';
import { DEFAULT_LIMITS, InMemoryIntermediateSource, ReasonCode, trustAnchorsFromPem, verifyDetachedCms, type FileVerdict, type IntermediateSource } from '@vdx/signature-validator';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { signDetached, type SignOptions } from '../testing/cms-builder';
import { ISSUED_AT, sandboxContext, sandboxHierarchy, SIGNED_AT } from '../testing/fixtures';

const DAY = 86_400_000;
const CONTENT = new TextEncoder().encode('Quyết định số 45/QĐ-UBND, kèm phụ lục');
const decisive = (v: FileVerdict): string[] => [...new Set([...v.findings, ...v.signatures.flatMap((s) => s.findings)].filter((f) => f.effect !== 'warning').map((f) => f.code))].sort();

/** DER length octets. */
function lengthOf(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}

describe('verifyDetachedCms', () => {
  let h: SigningHierarchy;
  const by = (signer: SigningCredential, extra: Partial<SignOptions> = {}): SignOptions => ({
    signer,
    certificates: [signer, h.intermediate],
    signingTime: SIGNED_AT,
    timestamp: { tsa: h.tsa, genTime: SIGNED_AT, certificates: [h.tsa, h.intermediate] },
    ...extra,
  });
  const validFrom = { notBefore: ISSUED_AT, notAfter: new Date(ISSUED_AT.getTime() + 700 * DAY) };

  beforeAll(async () => {
    h = await sandboxHierarchy();
  });

  it('accepts a detached .p7s by the organisation, with its kind and evidence', async () => {
    const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(h.organisational)), sandboxContext(h), 'phu-luc.docx');
    expect(v).toMatchObject({ status: 'valid', name: 'phu-luc.docx', findings: [] });
    expect(v.signatures).toHaveLength(1);
    expect(v.signatures[0]).toMatchObject({ status: 'valid', kind: 'organisational', classificationRule: 'sandbox organisational policy', findings: [], checkedAt: { source: 'timestamp' } });
    expect(v.signatures[0]?.pdf).toBeUndefined();
  });

  it('rejects other content: SIGNATURE.DIGEST_MISMATCH', async () => {
    const p7s = await signDetached(CONTENT, by(h.personal));
    const v = await verifyDetachedCms(new TextEncoder().encode('Quyết định số 46/QĐ-UBND'), p7s, sandboxContext(h));
    expect(v.status).toBe('invalid');
    expect(decisive(v)).toEqual([ReasonCode.SIGNATURE_DIGEST_MISMATCH]);
  });

  it('rejects a messageDigest that is not the content digest, and a signature by another key', async () => {
    expect(decisive(await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(h.personal, { messageDigestOverride: new Uint8Array(32) })), sandboxContext(h)))).toEqual([ReasonCode.SIGNATURE_DIGEST_MISMATCH]);
    expect(decisive(await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(h.personal, { signingKeyOf: h.organisational })), sandboxContext(h)))).toEqual([ReasonCode.SIGNATURE_VERIFICATION_FAILED]);
  });

  it('verifies a CMS without signed attributes over the content itself', async () => {
    const p7s = await signDetached(CONTENT, by(h.personal, { signedAttributes: false, timestamp: undefined }));
    const v = await verifyDetachedCms(CONTENT, p7s, sandboxContext(h));
    expect(v.signatures[0]).toMatchObject({ status: 'valid', checkedAt: { source: 'none' } });
    expect(decisive(await verifyDetachedCms(new Uint8Array([1, 2, 3]), p7s, sandboxContext(h)))).toEqual([ReasonCode.SIGNATURE_VERIFICATION_FAILED]);
  });

  it('rejects an ESS signing-certificate attribute naming another certificate: CMS.SIGNING_CERTIFICATE_MISMATCH', async () => {
    const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(h.personal, { essCertificate: h.organisational })), sandboxContext(h));
    expect(decisive(v)).toEqual([ReasonCode.CMS_SIGNING_CERTIFICATE_MISMATCH]);
  });

  it('is indeterminate without the signer certificate: CMS.SIGNER_CERT_MISSING', async () => {
    const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(h.personal, { certificates: [h.intermediate] })), sandboxContext(h));
    expect(v.status).toBe('indeterminate');
    expect(decisive(v)).toEqual([ReasonCode.CMS_SIGNER_CERT_MISSING]);
  });

  it('reports encapsulated content where a detached signature was expected: CMS.UNEXPECTED_CONTENT', async () => {
    const p7s = await signDetached(CONTENT, by(h.personal));
    const token = (await verifyDetachedCms(CONTENT, p7s, sandboxContext(h))).signatures[0]?.evidence.timestamp?.token;
    const v = await verifyDetachedCms(CONTENT, token ?? new Uint8Array(0), sandboxContext(h));
    expect(v.status).toBe('invalid');
    expect(decisive(v)).toContain(ReasonCode.CMS_UNEXPECTED_CONTENT);
  });

  it('makes a missing timestamp indeterminate when the context requires one: TIMESTAMP.MISSING', async () => {
    const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(h.personal, { timestamp: undefined })), sandboxContext(h, { requireTimestamp: true }));
    expect(v.status).toBe('indeterminate');
    expect(decisive(v)).toEqual([ReasonCode.TIMESTAMP_MISSING]);
  });

  it('does not trust a TSA certificate without the critical timeStamping EKU, or one from another root', async () => {
    const plain = await issueSigningCertificate(h.intermediate, { subject: { CN: 'not a TSA' }, ...validFrom });
    const noEku = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(h.personal, { timestamp: { tsa: plain, genTime: SIGNED_AT, certificates: [plain, h.intermediate] } })), sandboxContext(h));
    expect(noEku.signatures[0]).toMatchObject({ status: 'indeterminate', checkedAt: { source: 'claimed' } });
    expect(decisive(noEku)).toEqual([ReasonCode.TIMESTAMP_TSA_CERT_INVALID]);

    const other = await createSigningHierarchy({ now: ISSUED_AT });
    const foreign = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(h.personal, { timestamp: { tsa: other.tsa, genTime: SIGNED_AT, certificates: [other.tsa, other.intermediate, other.root] } })), sandboxContext(h));
    expect(foreign.signatures[0]?.findings.filter((f) => f.effect !== 'warning').map((f) => [f.code, f.target, f.effect])).toEqual([[ReasonCode.CHAIN_UNTRUSTED_ROOT, 'timestamp', 'indeterminate']]);
  });

  describe('TSA trust anchors (tsaTrustAnchors)', () => {
    // The signers live under h's root X; the second hierarchy's TSA lives under another root Y.
    let y: SigningHierarchy;
    const stampedBy = (tsa: SigningHierarchy): SignOptions => by(h.personal, { timestamp: { tsa: tsa.tsa, genTime: SIGNED_AT, certificates: [tsa.tsa, tsa.intermediate] } });
    const nonWarnings = (v: FileVerdict): string[][] => (v.signatures[0]?.findings ?? []).filter((f) => f.effect !== 'warning').map((f) => [f.code, f.target, f.effect]);
    beforeAll(async () => {
      y = await createSigningHierarchy({ now: ISSUED_AT });
    });

    it('accepts a timestamp whose TSA chains to a TSA anchor, while the signer chains to a signer anchor', async () => {
      const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, stampedBy(y)), sandboxContext(h, { tsaTrustAnchors: trustAnchorsFromPem(y.trustAnchorsPem) }));
      const s = v.signatures[0];
      expect([v.status, s?.checkedAt, s?.timestamp?.genTime, s?.timestamp?.tsa?.fingerprint, s?.findings]).toEqual(['valid', { time: SIGNED_AT, source: 'timestamp' }, SIGNED_AT, y.tsa.fingerprint, []]);
      expect(s?.chain.map((c) => c.fingerprint)).toEqual([h.personal.fingerprint, h.intermediate.fingerprint, h.root.fingerprint]);
      // The timestamp's path, kept in the evidence, ends at the TSA anchor.
      expect(s?.evidence.timestamp?.certificates.length).toBe(3);
    });

    it('refuses a TSA under a signer anchor that is no TSA anchor: CHAIN.UNTRUSTED_ROOT on the timestamp, the claimed time flagged', async () => {
      // X is a signer anchor (even listed twice over, with Y), Y the only TSA anchor.
      const ctx = sandboxContext(h, { trustAnchors: trustAnchorsFromPem(h.trustAnchorsPem + y.trustAnchorsPem), tsaTrustAnchors: trustAnchorsFromPem(y.trustAnchorsPem) });
      const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, stampedBy(h)), ctx);
      const s = v.signatures[0];
      expect([v.status, s?.checkedAt, s?.timestamp]).toEqual(['indeterminate', { time: SIGNED_AT, source: 'claimed' }, { statedGenTime: SIGNED_AT, tsa: expect.objectContaining({ fingerprint: h.tsa.fingerprint }) as unknown }]);
      expect(nonWarnings(v)).toEqual([[ReasonCode.CHAIN_UNTRUSTED_ROOT, 'timestamp', 'indeterminate']]);
      expect(s?.findings.find((f) => f.code === ReasonCode.CHAIN_UNTRUSTED_ROOT)?.certificate).toBe(h.root.subject);
      expect(s?.findings.map((f) => f.code)).toContain(ReasonCode.TIME_CLAIMED);
      // The same timestamp, judged against the signer anchors when no TSA anchors are set, dates the signature.
      const fallback = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, stampedBy(h)), sandboxContext(h));
      expect([fallback.status, fallback.signatures[0]?.checkedAt.source]).toEqual(['valid', 'timestamp']);
    });

    it('without tsaTrustAnchors checks timestamps against trustAnchors: a TSA under Y is trusted only when Y is a trust anchor', async () => {
      const p7s = await signDetached(CONTENT, stampedBy(y));
      const untrusted = await verifyDetachedCms(CONTENT, p7s, sandboxContext(h));
      expect([untrusted.status, untrusted.signatures[0]?.checkedAt.source, nonWarnings(untrusted)]).toEqual(['indeterminate', 'claimed', [[ReasonCode.CHAIN_ISSUER_NOT_FOUND, 'timestamp', 'indeterminate']]]);
      const both = await verifyDetachedCms(CONTENT, p7s, sandboxContext(h, { trustAnchors: trustAnchorsFromPem(h.trustAnchorsPem + y.trustAnchorsPem) }));
      expect([both.status, both.signatures[0]?.checkedAt.source, both.signatures[0]?.timestamp?.tsa?.fingerprint]).toEqual(['valid', 'timestamp', y.tsa.fingerprint]);
    });

    it('never trusts a signer through a TSA anchor', async () => {
      const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, { ...stampedBy(h), signer: y.personal, certificates: [y.personal, y.intermediate, y.root] }), sandboxContext(h, { tsaTrustAnchors: trustAnchorsFromPem(y.trustAnchorsPem + h.trustAnchorsPem) }));
      expect(nonWarnings(v)).toEqual([[ReasonCode.CHAIN_UNTRUSTED_ROOT, 'chain', 'indeterminate']]);
      expect(v.signatures[0]?.checkedAt.source).toBe('timestamp');
    });
  });

  describe('certification paths', () => {
    it('detects a loop of CAs certifying each other: CHAIN.LOOP', async () => {
      const a = await issueSigningCertificate('self', { subject: { CN: 'Loop CA A' }, ca: {}, ...validFrom });
      const b = await issueSigningCertificate(a, { subject: { CN: 'Loop CA B' }, ca: {}, ...validFrom });
      const aByB = await issueSigningCertificate(b, { subject: { CN: 'Loop CA A' }, ca: {}, subjectKeyPem: a.keyPem, ...validFrom });
      const leaf = await issueSigningCertificate(b, { subject: { CN: 'Đỗ Văn Lâm' }, ...validFrom });
      const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(leaf, { certificates: [leaf, b, aByB], timestamp: undefined })), sandboxContext(h));
      expect(v.status).toBe('indeterminate');
      expect(decisive(v)).toEqual([ReasonCode.CHAIN_LOOP]);
    });

    it('gives up beyond the chain length cap: CHAIN.TOO_LONG', async () => {
      let ca = h.root;
      const cas: SigningCredential[] = [];
      for (let i = 0; i < 5; i++) {
        ca = await issueSigningCertificate(ca, { subject: { CN: `Deep CA ${i}` }, ca: {}, ...validFrom });
        cas.push(ca);
      }
      const leaf = await issueSigningCertificate(ca, { subject: { CN: 'deep leaf' }, ...validFrom });
      const p7s = await signDetached(CONTENT, by(leaf, { certificates: [leaf, ...cas], timestamp: undefined }));
      const ctx = sandboxContext(h, { limits: { maxChainLength: 4 } });
      expect(decisive(await verifyDetachedCms(CONTENT, p7s, ctx))).toEqual([ReasonCode.CHAIN_TOO_LONG]);
      // Within the default cap the same path is fine, but the root's pathLen 1 forbids it.
      expect(decisive(await verifyDetachedCms(CONTENT, p7s, sandboxContext(h)))).toEqual([ReasonCode.CHAIN_PATH_LENGTH_EXCEEDED]);
    });

    it('enforces pathLenConstraint: a sub-CA under the pathLen 0 intermediate', async () => {
      const sub = await issueSigningCertificate(h.intermediate, { subject: { CN: 'rogue sub-CA' }, ca: {}, ...validFrom });
      const leaf = await issueSigningCertificate(sub, { subject: { CN: 'rogue leaf' }, ...validFrom });
      const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(leaf, { certificates: [leaf, sub, h.intermediate] })), sandboxContext(h));
      expect(v.status).toBe('invalid');
      expect(v.signatures[0]?.findings.find((f) => f.code === ReasonCode.CHAIN_PATH_LENGTH_EXCEEDED)?.certificate).toBe(h.intermediate.subject);
    });

    it('survives an intermediate source that fails or answers garbage', async () => {
      const failing: IntermediateSource = { findIssuers: async () => Promise.reject(new Error('AIA fetch failed')) };
      const garbage: IntermediateSource = { findIssuers: async () => [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), new Uint8Array(0)] };
      const p7s = await signDetached(CONTENT, by(h.personal));
      expect((await verifyDetachedCms(CONTENT, p7s, sandboxContext(h, { intermediates: failing }))).status).toBe('valid');
      expect((await verifyDetachedCms(CONTENT, p7s, sandboxContext(h, { intermediates: garbage }))).status).toBe('valid');
      const bare = await signDetached(CONTENT, by(h.personal, { certificates: [h.personal] }));
      expect(decisive(await verifyDetachedCms(CONTENT, bare, sandboxContext(h, { intermediates: failing })))).toEqual([ReasonCode.CHAIN_ISSUER_NOT_FOUND]);
      expect((await verifyDetachedCms(CONTENT, bare, sandboxContext(h, { intermediates: new InMemoryIntermediateSource(h.intermediate.certPem) }))).status).toBe('valid');
    });
  });

  describe('certificates with absurd extensions', () => {
    it('refuses a signer certificate with a hundred extensions: CERT.MALFORMED', async () => {
      const extraExtensions = Array.from({ length: 100 }, (_, i) => ({ oid: `1.3.6.1.4.1.99999.${i}`, critical: false, valueDer: new Uint8Array([0x05, 0x00]) }));
      const odd = await issueSigningCertificate(h.intermediate, { subject: { CN: 'many extensions' }, extraExtensions, ...validFrom });
      const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(odd)), sandboxContext(h));
      expect(v.status).toBe('indeterminate');
      expect(decisive(v)).toEqual([ReasonCode.CERT_MALFORMED]);
    });

    it('refuses a keyUsage that is not a BIT STRING instead of reading it as "no key usage": CERT.MALFORMED', async () => {
      const odd = await issueSigningCertificate(h.intermediate, { subject: { CN: 'bad key usage' }, keyUsage: [], extraExtensions: [{ oid: '2.5.29.15', critical: true, valueDer: new Uint8Array([0x05, 0x00]) }], ...validFrom });
      expect(decisive(await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(odd)), sandboxContext(h)))).toEqual([ReasonCode.CERT_MALFORMED]);
    });

    it('rejects an unknown critical extension: CERT.UNKNOWN_CRITICAL_EXTENSION', async () => {
      const odd = await issueSigningCertificate(h.intermediate, { subject: { CN: 'unknown critical' }, extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, valueDer: new Uint8Array([0x05, 0x00]) }], ...validFrom });
      const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(odd)), sandboxContext(h));
      expect(v.status).toBe('invalid');
      expect(decisive(v)).toEqual([ReasonCode.CERT_UNKNOWN_CRITICAL_EXTENSION]);
    });

    it('reads an oversized, non-critical extension value without trouble', async () => {
      const big = new Uint8Array([0x04, 0x83, 0x01, 0x00, 0x00, ...new Uint8Array(65_536).fill(0x41)]);
      const odd = await issueSigningCertificate(h.intermediate, { subject: { CN: 'big extension' }, policies: ['2.999.30.1'], extraExtensions: [{ oid: '1.3.6.1.4.1.99999.2', critical: false, valueDer: big }], ...validFrom });
      const v = await verifyDetachedCms(CONTENT, await signDetached(CONTENT, by(odd)), sandboxContext(h));
      expect(v.signatures[0]).toMatchObject({ status: 'valid', kind: 'personal' });
    });
  });

  describe('hostile CMS', () => {
    let valid: Uint8Array;
    beforeAll(async () => {
      valid = await signDetached(CONTENT, by(h.personal));
    });
    const verify = (p7s: Uint8Array): Promise<FileVerdict> => verifyDetachedCms(CONTENT, p7s, sandboxContext(h));

    it('gives CMS.TRUNCATED for every cut of a valid signature', async () => {
      for (const keep of [0, 1, 2, 10, 100, Math.floor(valid.length / 2), valid.length - 1]) {
        const v = await verify(valid.subarray(0, keep));
        expect(v.status).toBe('indeterminate');
        expect(decisive(v)).toEqual([ReasonCode.CMS_TRUNCATED]);
      }
    });

    it('gives CMS.TOO_COMPLEX for deep nesting, too many elements and oversized input', async () => {
      const depth = 5000;
      const headers: number[][] = [];
      let size = 2;
      for (let i = 0; i < depth; i++) {
        const header = [0x30, ...lengthOf(size)];
        headers.push(header);
        size += header.length;
      }
      const deep = new Uint8Array([...headers.reverse().flat(), 0x05, 0x00]);
      expect(decisive(await verify(deep))).toEqual([ReasonCode.CMS_TOO_COMPLEX]);
      const many = new Uint8Array([0x30, ...lengthOf(2 * 250_000), ...new Uint8Array(2 * 250_000).map((_, i) => (i % 2 === 0 ? 0x05 : 0x00))]);
      expect(decisive(await verify(many))).toEqual([ReasonCode.CMS_TOO_COMPLEX]);
      const oversized = new Uint8Array(DEFAULT_LIMITS.maxCmsBytes + 1).fill(0x30);
      expect(decisive(await verify(oversized))).toEqual([ReasonCode.CMS_TOO_COMPLEX]);
    });

    it('gives CMS.MALFORMED for BER that is not a SignedData, and CMS.NO_SIGNER for one without signers', async () => {
      expect(decisive(await verify(new Uint8Array([0x02, 0x01, 0x05])))).toEqual([ReasonCode.CMS_MALFORMED]);
      const otherType = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.3', content: new asn1js.Sequence() });
      expect(decisive(await verify(new Uint8Array(otherType.toSchema().toBER(false))))).toEqual([ReasonCode.CMS_MALFORMED]);
      const noSigners = new pkijs.SignedData({ version: 1, encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }), signerInfos: [] });
      const info = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: noSigners.toSchema(true) });
      expect(decisive(await verify(new Uint8Array(info.toSchema().toBER(false))))).toEqual([ReasonCode.CMS_NO_SIGNER]);
    });

    it('accepts zero padding after the DER and reports other trailing bytes as a warning', async () => {
      expect((await verify(new Uint8Array([...valid, 0, 0, 0, 0]))).signatures[0]?.findings).toEqual([]);
      const trailing = await verify(new Uint8Array([...valid, 0x42]));
      expect(trailing.status).toBe('valid');
      expect(trailing.signatures[0]?.findings.map((f) => [f.code, f.effect])).toEqual([[ReasonCode.CMS_TRAILING_DATA, 'warning']]);
    });
  });
});

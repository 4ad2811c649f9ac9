import { createSigningHierarchy, issueSigningCertificate, type SigningCredential, type SigningHierarchy } from '@vdx/pki';
import { aggregate, InMemoryRevocationSource, ReasonCode, trustAnchorsFromPem, verifyPdf, type FileVerdict, type RevocationQuery, type RevocationSource, type SignatureVerdict } from '@vdx/signature-validator';
import { signDetached, type SignOptions } from '../testing/cms-builder';
import { ISSUED_AT, NOW, sandboxContext, sandboxHierarchy, SIGNED_AT } from '../testing/fixtures';
import { addSignaturePlaceholder, embedSignature, minimalPdf, signPdf } from '../testing/pdf-builder';

const DAY = 86_400_000;
const latin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** Every code in a file verdict that decides something (warnings left out), sorted and unique. */
const decisive = (v: FileVerdict): string[] => [...new Set([...v.findings, ...v.signatures.flatMap((s) => s.findings)].filter((f) => f.effect !== 'warning').map((f) => f.code))].sort();
const warnings = (s: SignatureVerdict | undefined): string[] => (s?.findings ?? []).filter((f) => f.effect === 'warning').map((f) => f.code).sort();
const codesOf = (s: SignatureVerdict | undefined): string[] => [...new Set((s?.findings ?? []).map((f) => f.code))].sort();

describe('verifyPdf', () => {
  let h: SigningHierarchy;

  /** Signing options: the credential with its intermediate, a claimed time and a TSA timestamp. */
  const by = (signer: SigningCredential, extra: Partial<SignOptions> = {}): SignOptions => ({
    signer,
    certificates: [signer, h.intermediate],
    signingTime: SIGNED_AT,
    timestamp: { tsa: h.tsa, genTime: SIGNED_AT, certificates: [h.tsa, h.intermediate] },
    ...extra,
  });
  /** A PDF signed by each in turn, one incremental update each (personal, then the seal). */
  async function signed(...signers: SignOptions[]): Promise<Uint8Array> {
    let pdf = minimalPdf();
    for (const [i, opts] of signers.entries()) pdf = await signPdf(pdf, { fieldName: `Signature${i + 1}`, signingTime: SIGNED_AT }, (covered) => signDetached(covered, opts));
    return pdf;
  }

  let pair: Uint8Array;

  beforeAll(async () => {
    h = await sandboxHierarchy();
    pair = await signed(by(h.personal), by(h.organisational));
  });

  it('accepts a personal and an organisational signature, timestamped, checked at genTime', async () => {
    const v = await verifyPdf(pair, sandboxContext(h), 'cong-van.pdf');
    expect(v.status).toBe('valid');
    expect(v.name).toBe('cong-van.pdf');
    expect(v.findings).toEqual([]);
    expect(v.signatures.map((s) => [s.status, s.kind, s.pdf?.index, s.pdf?.coversWholeFile])).toEqual([
      ['valid', 'personal', 0, false],
      ['valid', 'organisational', 1, true],
    ]);
    for (const s of v.signatures) {
      expect(s.findings).toEqual([]);
      expect(s.checkedAt).toEqual({ time: SIGNED_AT, source: 'timestamp' });
      expect(s.timestamp?.genTime).toEqual(SIGNED_AT);
      expect(s.timestamp?.tsa?.subject).toBe(h.tsa.subject);
      expect(s.chain.map((c) => c.fingerprint)).toEqual([s.kind === 'personal' ? h.personal.fingerprint : h.organisational.fingerprint, h.intermediate.fingerprint, h.root.fingerprint]);
      expect(s.signatureAlgorithm).toBe('ECDSA/SHA-256');
      expect(s.claimedSigningTime).toEqual(SIGNED_AT);
      // Evidence: the CMS, the path, a revocation answer for leaf and intermediate, the token.
      expect(s.evidence.certificates).toHaveLength(3);
      expect(s.evidence.revocation.map((r) => r.answer?.status)).toEqual(['good', 'good']);
      expect(s.evidence.timestamp?.token.length).toBeGreaterThan(100);
      expect(s.evidence.validatedAt).toEqual(NOW);
    }
    const pkg = aggregate({ main: v });
    expect(pkg.status).toBe('valid');
    expect(pkg.decree30).toMatchObject({ compliant: true, mainPersonal: true, mainOrganisational: true, findings: [] });
  });

  it('rejects one byte changed after signing: SIGNATURE.DIGEST_MISMATCH on every signature covering it', async () => {
    const tampered = new Uint8Array(pair);
    const at = Buffer.from(tampered).indexOf('Cong van so 123');
    tampered[at + 12] = 0x39; // "123" becomes "193"
    const v = await verifyPdf(tampered, sandboxContext(h));
    expect(v.status).toBe('invalid');
    expect(v.signatures.map((s) => [s.status, codesOf(s)])).toEqual([
      ['invalid', [ReasonCode.SIGNATURE_DIGEST_MISMATCH]],
      ['invalid', [ReasonCode.SIGNATURE_DIGEST_MISMATCH]],
    ]);
  });

  it('rejects a byte changed in the last revision only on the signature covering it', async () => {
    const tampered = new Uint8Array(pair);
    const at = Buffer.from(tampered).lastIndexOf('/Name (Signature2)');
    tampered[at + 16] = 0x33;
    const v = await verifyPdf(tampered, sandboxContext(h));
    expect(v.signatures.map((s) => s.status)).toEqual(['valid', 'invalid']);
    expect(decisive(v)).toEqual([ReasonCode.SIGNATURE_DIGEST_MISMATCH]);
  });

  it('flags content appended after signing: PDF.CONTENT_AFTER_SIGNATURE, indeterminate, the signatures themselves valid', async () => {
    const appended = new Uint8Array([...pair, ...latin1('4 0 obj\n<< /Length 9 >>\nstream\nBT (x) ET\nendstream\nendobj\n%%EOF\n')]);
    const v = await verifyPdf(appended, sandboxContext(h));
    expect(v.status).toBe('indeterminate');
    expect(v.findings.map((f) => f.code)).toEqual([ReasonCode.PDF_CONTENT_AFTER_SIGNATURE]);
    expect(v.signatures.map((s) => s.status)).toEqual(['valid', 'valid']);
    expect(v.signatures.every((s) => !s.pdf?.coversWholeFile)).toBe(true);
  });

  it('rejects a signer certificate revoked before signing: CERT.REVOKED', async () => {
    const revocation = new InMemoryRevocationSource('good').revoke(h.personal.fingerprint, new Date(SIGNED_AT.getTime() - DAY));
    const v = await verifyPdf(pair, sandboxContext(h, { revocation }));
    expect(v.status).toBe('invalid');
    expect(v.signatures.map((s) => s.status)).toEqual(['invalid', 'valid']);
    expect(v.signatures[0]?.findings).toEqual([expect.objectContaining({ code: ReasonCode.CERT_REVOKED, effect: 'invalid', certificate: h.personal.subject })]);
    expect(aggregate({ main: v }).decree30).toMatchObject({ compliant: false, mainPersonal: false, mainOrganisational: true });
  });

  it('rejects a signature whose intermediate CA is revoked (every level is checked)', async () => {
    const revocation = new InMemoryRevocationSource('good').revoke(h.intermediate.fingerprint);
    const v = await verifyPdf(pair, sandboxContext(h, { revocation }));
    expect(v.signatures.map((s) => s.status)).toEqual(['invalid', 'invalid']);
    const decided = v.signatures[0]?.findings.filter((f) => f.effect !== 'warning');
    // The TSA hangs off the same intermediate: its timestamp proves nothing either, so the claimed time is used.
    expect(decided?.map((f) => [f.code, f.effect, f.target, f.certificate])).toEqual([
      [ReasonCode.CERT_REVOKED, 'indeterminate', 'timestamp', h.intermediate.subject],
      [ReasonCode.CERT_REVOKED, 'invalid', 'chain', h.intermediate.subject],
    ]);
    expect(v.signatures[0]?.checkedAt.source).toBe('claimed');
  });

  it('accepts a revocation after the timestamped signing time, and is indeterminate when the time is only claimed', async () => {
    const revocation = new InMemoryRevocationSource('good').revoke(h.personal.fingerprint, new Date(SIGNED_AT.getTime() + DAY));
    const stamped = await verifyPdf(pair, sandboxContext(h, { revocation }));
    expect(stamped.signatures[0]?.status).toBe('valid');
    expect(warnings(stamped.signatures[0])).toEqual([ReasonCode.CERT_REVOKED_AFTER_SIGNING]);
    const claimedOnly = await verifyPdf(await signed(by(h.personal, { timestamp: undefined })), sandboxContext(h, { revocation }));
    expect(claimedOnly.signatures[0]?.status).toBe('indeterminate');
    expect(codesOf(claimedOnly.signatures[0])).toEqual([ReasonCode.CERT_REVOKED_AFTER_SIGNING, ReasonCode.TIME_CLAIMED]);
  });

  it('is indeterminate, never valid, when revocation is unknown or unanswered: REVOCATION.UNKNOWN / UNAVAILABLE', async () => {
    const unknown = await verifyPdf(pair, sandboxContext(h, { revocation: new InMemoryRevocationSource('good').unknown(h.organisational.fingerprint) }));
    expect(unknown.status).toBe('indeterminate');
    expect(unknown.signatures.map((s) => s.status)).toEqual(['valid', 'indeterminate']);
    expect(decisive(unknown)).toEqual([ReasonCode.REVOCATION_UNKNOWN]);

    const silent = await verifyPdf(pair, sandboxContext(h, { revocation: new InMemoryRevocationSource(null) }));
    expect(silent.signatures.map((s) => s.status)).toEqual(['indeterminate', 'indeterminate']);
    expect(decisive(silent)).toEqual([ReasonCode.REVOCATION_UNAVAILABLE]);

    const failing: RevocationSource = { status: async (_q: RevocationQuery) => Promise.reject(new Error('OCSP responder down')) };
    expect(decisive(await verifyPdf(pair, sandboxContext(h, { revocation: failing })))).toEqual([ReasonCode.REVOCATION_UNAVAILABLE]);

    const { revocation: _none, ...withoutSource } = sandboxContext(h);
    const unconfigured = await verifyPdf(pair, withoutSource);
    expect(unconfigured.status).toBe('indeterminate');
    expect(decisive(unconfigured)).toEqual([ReasonCode.REVOCATION_UNAVAILABLE]);
  });

  it('rejects an expired and a not-yet-valid signer certificate at the timestamped time: CERT.EXPIRED / CERT.NOT_YET_VALID', async () => {
    const expired = await issueSigningCertificate(h.intermediate, { subject: { CN: 'Trần Thị Bình' }, notBefore: ISSUED_AT, notAfter: new Date(SIGNED_AT.getTime() - DAY) });
    const future = await issueSigningCertificate(h.intermediate, { subject: { CN: 'Lê Văn Cường' }, notBefore: new Date(SIGNED_AT.getTime() + DAY), notAfter: new Date(SIGNED_AT.getTime() + 400 * DAY) });
    for (const [cred, code] of [[expired, ReasonCode.CERT_EXPIRED], [future, ReasonCode.CERT_NOT_YET_VALID]] as const) {
      const v = await verifyPdf(await signed(by(cred)), sandboxContext(h));
      expect(v.status).toBe('invalid');
      expect(v.signatures[0]?.findings.filter((f) => f.effect !== 'warning')).toEqual([expect.objectContaining({ code, effect: 'invalid', target: 'signer', certificate: cred.subject })]);
    }
  });

  it('checks validity at genTime when a timestamp proves it, and at the claimed time (flagged) when not', async () => {
    // Valid from ISSUED_AT to SIGNED_AT + 1 day: the TSA says the signature existed at SIGNED_AT,
    // the signer claims a day and a half later, when the certificate had expired.
    const shortLived = await issueSigningCertificate(h.intermediate, { subject: { CN: 'Phạm Thu Hà' }, notBefore: ISSUED_AT, notAfter: new Date(SIGNED_AT.getTime() + DAY) });
    const late = new Date(SIGNED_AT.getTime() + 1.5 * DAY);
    const stamped = await verifyPdf(await signed(by(shortLived, { signingTime: late })), sandboxContext(h));
    expect(stamped.signatures[0]?.status).toBe('valid');
    expect(stamped.signatures[0]?.checkedAt).toEqual({ time: SIGNED_AT, source: 'timestamp' });
    expect(warnings(stamped.signatures[0])).toEqual([ReasonCode.DECREE30_UNCLASSIFIED, ReasonCode.TIME_CLAIMED_AFTER_TIMESTAMP]);

    const claimed = await verifyPdf(await signed(by(shortLived, { signingTime: late, timestamp: undefined })), sandboxContext(h));
    expect(claimed.signatures[0]?.status).toBe('invalid');
    expect(claimed.signatures[0]?.checkedAt).toEqual({ time: late, source: 'claimed' });
    expect(codesOf(claimed.signatures[0])).toEqual([ReasonCode.CERT_EXPIRED, ReasonCode.DECREE30_UNCLASSIFIED, ReasonCode.TIME_CLAIMED]);

    const claimedInTime = await verifyPdf(await signed(by(h.personal, { timestamp: undefined })), sandboxContext(h));
    expect(claimedInTime.signatures[0]).toMatchObject({ status: 'valid', checkedAt: { time: SIGNED_AT, source: 'claimed' } });
    expect(warnings(claimedInTime.signatures[0])).toEqual([ReasonCode.TIME_CLAIMED]);

    const noTime = await verifyPdf(await signed(by(h.personal, { timestamp: undefined, signingTime: null })), sandboxContext(h));
    expect(noTime.signatures[0]).toMatchObject({ status: 'valid', checkedAt: { time: NOW, source: 'none' } });
    expect(warnings(noTime.signatures[0])).toEqual([ReasonCode.TIME_NONE]);
  });

  it('does not trust a timestamp over another signature: TIMESTAMP.IMPRINT_MISMATCH, then the claimed time', async () => {
    const v = await verifyPdf(await signed(by(h.personal, { timestamp: { tsa: h.tsa, genTime: SIGNED_AT, certificates: [h.tsa, h.intermediate], imprintOverride: new Uint8Array(64) } })), sandboxContext(h));
    expect(v.signatures[0]?.status).toBe('indeterminate');
    expect(v.signatures[0]?.checkedAt.source).toBe('claimed');
    expect(v.signatures[0]?.timestamp).toEqual({ statedGenTime: SIGNED_AT });
    expect(decisive(v)).toEqual([ReasonCode.TIMESTAMP_IMPRINT_MISMATCH]);
  });

  it('is indeterminate for a root that is not a trust anchor: CHAIN.UNTRUSTED_ROOT', async () => {
    const other = await createSigningHierarchy({ now: ISSUED_AT });
    const v = await verifyPdf(await signed(by(other.personal, { certificates: [other.personal, other.intermediate, other.root], timestamp: undefined })), sandboxContext(h));
    expect(v.status).toBe('indeterminate');
    expect(decisive(v)).toEqual([ReasonCode.CHAIN_UNTRUSTED_ROOT]);
    expect(v.signatures[0]?.chain).toEqual([]);
    // Configured to trust that root, the same file is valid.
    const trusting = await verifyPdf(await signed(by(other.personal, { certificates: [other.personal, other.intermediate], timestamp: undefined })), sandboxContext(h, { trustAnchors: trustAnchorsFromPem(other.trustAnchorsPem), intermediates: undefined }));
    expect(trusting.signatures[0]?.status).toBe('valid');
  });

  it('is indeterminate when the intermediate is nowhere to be found: CHAIN.ISSUER_NOT_FOUND', async () => {
    const v = await verifyPdf(await signed(by(h.personal, { certificates: [h.personal] })), sandboxContext(h, { intermediates: undefined }));
    expect(v.signatures[0]?.status).toBe('indeterminate');
    expect(decisive(v)).toEqual([ReasonCode.CHAIN_ISSUER_NOT_FOUND]);
    // The intermediate source fills the gap.
    expect((await verifyPdf(await signed(by(h.personal, { certificates: [h.personal] })), sandboxContext(h))).status).toBe('valid');
  });

  it('rejects a certificate whose key usage does not allow signing: CERT.KEY_USAGE', async () => {
    const encipherOnly = await issueSigningCertificate(h.intermediate, { subject: { CN: 'Võ Minh Khôi' }, notBefore: ISSUED_AT, notAfter: new Date(ISSUED_AT.getTime() + 700 * DAY), keyUsage: ['keyEncipherment'] });
    const v = await verifyPdf(await signed(by(encipherOnly)), sandboxContext(h));
    expect(v.status).toBe('invalid');
    expect(decisive(v)).toEqual([ReasonCode.CERT_KEY_USAGE]);
  });

  it('says when the organisational signature is missing: DECREE30.ORGANISATIONAL_MISSING, on the main document and an attachment', async () => {
    const personalOnly = await verifyPdf(await signed(by(h.personal)), sandboxContext(h), 'cong-van.pdf');
    expect(personalOnly.status).toBe('valid');
    const sealedAttachment = await verifyPdf(await signed(by(h.organisational)), sandboxContext(h), 'phu-luc-1.pdf');
    const personalAttachment = await verifyPdf(await signed(by(h.personal)), sandboxContext(h), 'phu-luc-2.pdf');
    const pkg = aggregate({ main: personalOnly, attachments: [sealedAttachment, personalAttachment] });
    expect(pkg.status).toBe('valid');
    expect(pkg.decree30).toMatchObject({ compliant: false, mainPersonal: true, mainOrganisational: false, attachmentsWithoutOrganisational: [1] });
    expect(pkg.decree30.findings.map((f) => f.code)).toEqual([ReasonCode.DECREE30_ORGANISATIONAL_MISSING, ReasonCode.DECREE30_ORGANISATIONAL_MISSING]);
    expect(pkg.decree30.findings[1]?.message).toContain('phu-luc-2.pdf');
  });

  it('accepts SHA-1 but reports it weak: SIGNATURE.WEAK_DIGEST', async () => {
    const v = await verifyPdf(await signed(by(h.personal, { hash: 'SHA-1' })), sandboxContext(h));
    expect(v.signatures[0]?.status).toBe('valid');
    expect(v.signatures[0]?.digestAlgorithm).toBe('SHA-1');
    expect(warnings(v.signatures[0])).toEqual([ReasonCode.SIGNATURE_WEAK_DIGEST]);
  });

  it('verifies ECDSA with SHA-384 and SHA-512', async () => {
    for (const hash of ['SHA-384', 'SHA-512'] as const) {
      const v = await verifyPdf(await signed(by(h.personal, { hash })), sandboxContext(h));
      expect(v.signatures[0]).toMatchObject({ status: 'valid', signatureAlgorithm: `ECDSA/${hash}`, digestAlgorithm: hash });
    }
  });

  describe('with RSA keys', () => {
    let rsa: SigningHierarchy;
    beforeAll(async () => {
      rsa = await sandboxHierarchy('rsa-2048');
    }, 60_000);

    it('verifies RSA PKCS#1 v1.5 and RSA-PSS, and rejects PSS with the wrong key', async () => {
      const rsaBy = (signer: SigningCredential, extra: Partial<SignOptions>): SignOptions => ({ signer, certificates: [signer, rsa.intermediate], signingTime: SIGNED_AT, timestamp: { tsa: rsa.tsa, genTime: SIGNED_AT, certificates: [rsa.tsa, rsa.intermediate] }, ...extra });
      let pdf = minimalPdf();
      pdf = await signPdf(pdf, { fieldName: 'Personal' }, (c) => signDetached(c, rsaBy(rsa.personal, { rsaScheme: 'pss' })));
      pdf = await signPdf(pdf, { fieldName: 'Seal' }, (c) => signDetached(c, rsaBy(rsa.organisational, { rsaScheme: 'pkcs1', hash: 'SHA-384' })));
      const v = await verifyPdf(pdf, sandboxContext(rsa));
      expect(v.status).toBe('valid');
      expect(v.signatures.map((s) => [s.status, s.kind, s.signatureAlgorithm])).toEqual([
        ['valid', 'personal', 'RSA-PSS/SHA-256'],
        ['valid', 'organisational', 'RSASSA-PKCS1-v1_5/SHA-384'],
      ]);
      const wrongKey = await verifyPdf(await signPdf(minimalPdf(), { fieldName: 'X' }, (c) => signDetached(c, rsaBy(rsa.personal, { rsaScheme: 'pss', signingKeyOf: rsa.organisational }))), sandboxContext(rsa));
      expect(decisive(wrongKey)).toEqual([ReasonCode.SIGNATURE_VERIFICATION_FAILED]);
    });
  });

  it('reports a PDF signature without signed attributes: CMS.MISSING_SIGNED_ATTRIBUTE (PAdES requires them)', async () => {
    const v = await verifyPdf(await signed(by(h.personal, { signedAttributes: false, timestamp: undefined })), sandboxContext(h));
    expect(v.signatures[0]?.status).toBe('invalid');
    expect(decisive(v)).toEqual([ReasonCode.CMS_MISSING_SIGNED_ATTRIBUTE]);
  });

  describe('hostile input', () => {
    it('gives coded results for a truncated signed PDF, at every cut', async () => {
      for (const keep of [0.1, 0.5, 0.9, 0.999]) {
        const v = await verifyPdf(pair.subarray(0, Math.floor(pair.length * keep)), sandboxContext(h));
        expect(v.status).not.toBe('valid');
        expect(decisive(v).length).toBeGreaterThan(0);
        expect(decisive(v)).toContain(ReasonCode.PDF_TRUNCATED);
      }
    });

    it('gives coded results for a /Contents that is not a SignedData, or a cut one', async () => {
      const place = (bytes: Uint8Array): Uint8Array => embedSignature(addSignaturePlaceholder(minimalPdf(), { fieldName: 'X', contentsSize: 64 }), bytes);
      expect(decisive(await verifyPdf(place(latin1('not a CMS at all')), sandboxContext(h)))).toEqual([ReasonCode.CMS_TRUNCATED]);
      expect(decisive(await verifyPdf(place(new Uint8Array([0x02, 0x01, 0x05])), sandboxContext(h)))).toEqual([ReasonCode.CMS_MALFORMED]);
      expect(decisive(await verifyPdf(place(new Uint8Array([0x30, 0x03, 0x06, 0x01, 0x2a])), sandboxContext(h)))).toEqual([ReasonCode.CMS_MALFORMED]);
      // Cut to exactly the reserved size, so no zero padding stands in for the missing bytes.
      const prepared = addSignaturePlaceholder(minimalPdf(), { fieldName: 'X', contentsSize: 300 });
      const cms = await signDetached(prepared.covered, by(h.personal));
      expect(decisive(await verifyPdf(embedSignature(prepared, cms.subarray(0, 300)), sandboxContext(h)))).toEqual([ReasonCode.CMS_TRUNCATED]);
      // Cut inside the timestamp token and zero-padded: the outer structure reads, the token fails.
      const padded = addSignaturePlaceholder(minimalPdf(), { fieldName: 'X' });
      const whole = await signDetached(padded.covered, by(h.personal));
      const cut = await verifyPdf(embedSignature(padded, whole.subarray(0, whole.length - 40)), sandboxContext(h));
      expect(cut.signatures[0]?.status).toBe('indeterminate');
      expect(decisive(cut)).toEqual([ReasonCode.TIMESTAMP_SIGNATURE_INVALID]);
      const empty = addSignaturePlaceholder(minimalPdf(), { fieldName: 'X', contentsSize: 8 });
      expect(decisive(await verifyPdf(empty.pdf, sandboxContext(h)))).toEqual([ReasonCode.CMS_TRUNCATED]);
    });

    it('gives coded results for a byte range outside the file', async () => {
      const text = Buffer.from(pair).toString('latin1');
      const first = /\/ByteRange \[0 (\d{10}) (\d{10}) (\d{10})\]/.exec(text);
      const moved = text.replace(first?.[0] ?? '', `/ByteRange [0 ${first?.[1]} ${first?.[2]} 9999999999]`);
      const v = await verifyPdf(latin1(moved), sandboxContext(h));
      expect(v.signatures[0]?.status).toBe('invalid');
      expect(codesOf(v.signatures[0])).toEqual([ReasonCode.PDF_BYTE_RANGE_OUT_OF_FILE]);
    });

    it('refuses a PDF with thousands of signature fields quickly: PDF.TOO_MANY_SIGNATURES', async () => {
      const fields = Array.from({ length: 3000 }, (_, i) => `${i + 10} 0 obj\n<< /FT /Sig /V << /Type /Sig /ByteRange [0 1 2 3] /Contents <00> >> >>\nendobj\n`).join('');
      const pdf = new Uint8Array([...pair.subarray(0, pair.length - 6), ...latin1(`${fields}%%EOF\n`)]);
      const started = Date.now();
      const v = await verifyPdf(pdf, sandboxContext(h));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(v.status).toBe('indeterminate');
      expect(v.signatures).toEqual([]);
      expect(decisive(v)).toEqual([ReasonCode.PDF_TOO_MANY_SIGNATURES]);
    });

    it('treats a file that is not a PDF as indeterminate and an unsigned PDF as unsigned', async () => {
      expect((await verifyPdf(latin1('PK\u0003\u0004 a zip file'), sandboxContext(h))).status).toBe('indeterminate');
      const unsigned = await verifyPdf(minimalPdf(), sandboxContext(h));
      expect(unsigned).toMatchObject({ status: 'unsigned', findings: [], signatures: [] });
      expect(aggregate({ main: unsigned }).status).toBe('unsigned');
    });
  });
});

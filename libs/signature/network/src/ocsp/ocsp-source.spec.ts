import { createSigningHierarchy, issueSigningCertificate, type SigningCredential, type SigningHierarchy } from '@vdx/pki';
import type { RevocationQuery } from '@vdx/signature-validator';
import { certificateUrls, Fetcher, LookupProblemCode, OcspRevocationSource, type LookupProblem } from '@vdx/signature-network';
import { FakeTransport, nonceOf, ocspResponse, ok, type OcspEntry } from '../testing/responders';

const ISSUED = new Date('2025-06-01T00:00:00Z');
const AT = new Date('2026-03-01T08:00:00Z');
const NOW = new Date('2026-03-02T09:00:00Z');
const MIN = 60_000;
const BASE = 'http://127.0.0.1:9';

const queryOf = (cert: SigningCredential, issuer: SigningCredential, at = AT): RevocationQuery => ({
  certificate: cert.certDer,
  issuer: issuer.certDer,
  serialNumber: cert.serialNumber,
  fingerprint: cert.fingerprint,
  subject: cert.subject,
  at,
});

describe('OcspRevocationSource', () => {
  let h: SigningHierarchy;
  let now: number;
  let fake: FakeTransport;
  let problems: LookupProblem[];
  let source: OcspRevocationSource;
  const make = (opts: { requireNonce?: boolean; nonce?: boolean } = {}): OcspRevocationSource =>
    new OcspRevocationSource({ fetcher: new Fetcher({ transport: fake.transport, clock: () => now }), onProblem: (p) => problems.push(p), ...opts });

  /** Answers every request with a response built from `entries`, echoing the request's nonce unless told otherwise. */
  const respond = (build: (nonce: Uint8Array | null) => Promise<Uint8Array>): void => {
    fake.on('/ocsp', async (req) => ok(await build(req.body ? nonceOf(req.body) : null), 'application/ocsp-response'));
  };
  const entry = (over: Partial<OcspEntry> = {}): OcspEntry => ({ cert: h.personal, issuer: h.intermediate, status: 'good', thisUpdate: new Date(NOW.getTime() - MIN), nextUpdate: new Date(NOW.getTime() + 60 * MIN), ...over });
  const delegated = (over: Partial<OcspEntry> = {}, nonce: Uint8Array | null = null) => ocspResponse({ signer: h.ocsp, certs: [h.ocsp], entries: [entry(over)], producedAt: new Date(NOW.getTime() - MIN), nonce });

  beforeAll(async () => {
    h = await createSigningHierarchy({ now: ISSUED, endpoints: { endEntities: { ocsp: [`${BASE}/ocsp`] } } });
  });
  beforeEach(() => {
    now = NOW.getTime();
    fake = new FakeTransport();
    problems = [];
    source = make();
  });

  it('reads the responder URL from the certificate and POSTs a DER request with a nonce', async () => {
    expect(certificateUrls(h.personal.certDer)).toEqual({ ocsp: [`${BASE}/ocsp`], caIssuers: [], crl: [] });
    respond((nonce) => delegated({}, nonce));
    const answer = await source.status(queryOf(h.personal, h.intermediate));
    expect(answer).toMatchObject({ status: 'good', source: 'ocsp' });
    const [req] = fake.requests;
    expect(req?.method).toBe('POST');
    expect(req?.headers?.['content-type']).toBe('application/ocsp-request');
    expect(nonceOf(req?.body ?? new Uint8Array())?.length).toBe(18); // OCTET STRING of 16 random bytes
    expect(problems).toEqual([]);
  });

  it('keeps the raw response as evidence', async () => {
    let sent: Uint8Array | undefined;
    fake.on('/ocsp', async (req) => {
      sent = await delegated({}, nonceOf(req.body ?? new Uint8Array()));
      return ok(sent);
    });
    const answer = await source.status(queryOf(h.personal, h.intermediate));
    expect(Buffer.from(answer?.evidence ?? []).equals(Buffer.from(sent ?? [1]))).toBe(true);
  });

  it('accepts a response signed by the issuer itself, by name or by key hash, and SHA-256 CertIDs', async () => {
    respond((nonce) => ocspResponse({ signer: h.intermediate, entries: [entry()], producedAt: NOW, nonce }));
    expect((await source.status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
    respond((nonce) => ocspResponse({ signer: h.intermediate, byKey: true, entries: [entry({ hash: 'SHA-256' })], producedAt: NOW, nonce }));
    expect((await make().status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
  });

  it('reads revoked with its date, and unknown', async () => {
    const revokedAt = new Date('2026-02-01T10:00:00Z');
    respond((nonce) => delegated({ status: 'revoked', revokedAt }, nonce));
    expect(await source.status(queryOf(h.personal, h.intermediate))).toMatchObject({ status: 'revoked', revokedAt });
    respond((nonce) => delegated({ status: 'unknown' }, nonce));
    expect((await make().status(queryOf(h.personal, h.intermediate)))?.status).toBe('unknown');
  });

  it('refuses a responder the issuer did not authorise: OCSP.RESPONDER_NOT_AUTHORISED', async () => {
    // The personal certificate has no id-kp-OCSPSigning.
    respond((nonce) => ocspResponse({ signer: h.personal, certs: [h.personal], entries: [entry()], producedAt: NOW, nonce }));
    expect(await source.status(queryOf(h.personal, h.intermediate))).toBeNull();
    // A responder certificate with OCSPSigning, but from another CA.
    const stranger = await createSigningHierarchy({ now: ISSUED });
    respond((nonce) => ocspResponse({ signer: stranger.ocsp, certs: [stranger.ocsp], entries: [entry()], producedAt: NOW, nonce }));
    expect(await make().status(queryOf(h.personal, h.intermediate))).toBeNull();
    // Signed by a responder it does not carry.
    respond((nonce) => ocspResponse({ signer: h.ocsp, entries: [entry()], producedAt: NOW, nonce }));
    expect(await make().status(queryOf(h.personal, h.intermediate))).toBeNull();
    expect(problems.map((p) => p.code)).toEqual([LookupProblemCode.OCSP_RESPONDER_NOT_AUTHORISED, LookupProblemCode.OCSP_RESPONDER_NOT_AUTHORISED, LookupProblemCode.OCSP_RESPONDER_NOT_AUTHORISED]);
  });

  it('refuses a responder certificate that was not valid when the response was produced', async () => {
    const expired = await issueSigningCertificate(h.intermediate, {
      subject: { CN: 'old responder' },
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: { usages: ['1.3.6.1.5.5.7.3.9'], critical: false },
      notBefore: ISSUED,
      notAfter: new Date('2025-12-31T00:00:00Z'),
    });
    respond((nonce) => ocspResponse({ signer: expired, certs: [expired], entries: [entry()], producedAt: NOW, nonce }));
    expect(await source.status(queryOf(h.personal, h.intermediate))).toBeNull();
    expect(problems[0]?.code).toBe(LookupProblemCode.OCSP_RESPONDER_NOT_AUTHORISED);
  });

  it('refuses a response whose signature does not verify: OCSP.SIGNATURE_INVALID', async () => {
    fake.on('/ocsp', async (req) => ok(await ocspResponse({ signer: h.ocsp, certs: [h.ocsp], entries: [entry()], producedAt: NOW, nonce: nonceOf(req.body ?? new Uint8Array()), breakSignature: true })));
    expect(await source.status(queryOf(h.personal, h.intermediate))).toBeNull();
    expect(problems[0]?.code).toBe(LookupProblemCode.OCSP_SIGNATURE_INVALID);
  });

  it('refuses another nonce (a replayed response), and a missing one only when required', async () => {
    const replay = await delegated({}, new Uint8Array([0x04, 0x02, 1, 2]));
    fake.on('/ocsp', () => ok(replay));
    expect(await source.status(queryOf(h.personal, h.intermediate))).toBeNull();
    expect(problems[0]?.code).toBe(LookupProblemCode.OCSP_NONCE_MISMATCH);
    const preSigned = await delegated({}, null);
    fake.on('/ocsp', () => ok(preSigned));
    expect((await make().status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
    expect(await make({ requireNonce: true }).status(queryOf(h.personal, h.intermediate))).toBeNull();
    expect(problems[1]?.code).toBe(LookupProblemCode.OCSP_NONCE_MISMATCH);
    const withoutNonce = make({ nonce: false });
    expect((await withoutNonce.status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
    expect(nonceOf(fake.requests.at(-1)?.body ?? new Uint8Array())).toBeNull();
  });

  it('respects thisUpdate and nextUpdate, and never lets an old "good" speak for a later time', async () => {
    const cases: [Partial<OcspEntry>, Date, string][] = [
      [{ nextUpdate: new Date(NOW.getTime() - 10 * MIN) }, AT, LookupProblemCode.OCSP_NOT_FRESH],
      [{ thisUpdate: new Date(NOW.getTime() + 10 * MIN) }, AT, LookupProblemCode.OCSP_NOT_FRESH],
      [{ thisUpdate: new Date(NOW.getTime() - 30 * MIN), nextUpdate: undefined }, AT, LookupProblemCode.OCSP_NOT_FRESH],
      [{}, new Date(NOW.getTime() + 60 * MIN), LookupProblemCode.OCSP_BEFORE_TIME],
    ];
    for (const [over, at] of cases) {
      respond((nonce) => delegated(over, nonce));
      expect(await make().status(queryOf(h.personal, h.intermediate, at))).toBeNull();
    }
    expect(problems.map((p) => p.code)).toEqual(cases.map((c) => c[2]));
    // Without nextUpdate but recent: used (and not cached).
    respond((nonce) => delegated({ nextUpdate: undefined }, nonce));
    expect((await source.status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
    expect((await source.status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
    expect(fake.count('/ocsp')).toBe(cases.length + 2);
    // A revocation is news whatever the time asked about.
    respond((nonce) => delegated({ status: 'revoked', revokedAt: new Date('2026-01-01T00:00:00Z') }, nonce));
    expect((await make().status(queryOf(h.personal, h.intermediate, new Date(NOW.getTime() + 60 * MIN))))?.status).toBe('revoked');
  });

  it('refuses unsuccessful, unreadable and unrelated responses', async () => {
    fake.on('/ocsp', async () => ok(await ocspResponse({ signer: h.ocsp, entries: [], producedAt: NOW, responseStatus: 3 })));
    expect(await source.status(queryOf(h.personal, h.intermediate))).toBeNull();
    fake.on('/ocsp', () => ok(new Uint8Array([0x30, 0x03, 0x0a, 0x01])));
    expect(await source.status(queryOf(h.personal, h.intermediate))).toBeNull();
    fake.on('/ocsp', async (req) => ok(await delegated({ cert: h.organisational }, nonceOf(req.body ?? new Uint8Array()))));
    expect(await source.status(queryOf(h.personal, h.intermediate))).toBeNull();
    fake.on('/ocsp', () => ({ status: 500, contentType: undefined, body: new Uint8Array() }));
    expect(await source.status(queryOf(h.personal, h.intermediate))).toBeNull();
    expect(problems.map((p) => p.code)).toEqual([LookupProblemCode.OCSP_UNSUCCESSFUL, LookupProblemCode.OCSP_MALFORMED, LookupProblemCode.OCSP_NO_MATCHING_RESPONSE, 'NETWORK.HTTP_STATUS']);
  });

  it('gives no answer for a certificate without a responder URL, or an unreadable query', async () => {
    const bare = await createSigningHierarchy({ now: ISSUED });
    expect(await source.status(queryOf(bare.personal, bare.intermediate))).toBeNull();
    expect(await source.status({ ...queryOf(h.personal, h.intermediate), issuer: new Uint8Array([1, 2, 3]) })).toBeNull();
    expect(problems.map((p) => p.code)).toEqual([LookupProblemCode.OCSP_NO_URL, LookupProblemCode.BAD_QUERY]);
    expect(fake.requests).toHaveLength(0);
  });

  it('answers from the cache until nextUpdate, then asks again', async () => {
    respond((nonce) => delegated({ nextUpdate: new Date(NOW.getTime() + 30 * MIN) }, nonce));
    expect((await source.status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
    expect((await source.status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
    expect(fake.count('/ocsp')).toBe(1);
    expect(source.cacheHits).toBe(1);
    // A later signing time than the cached thisUpdate: the cached "good" does not cover it.
    expect(await source.status(queryOf(h.personal, h.intermediate, new Date(NOW.getTime() + 20 * MIN)))).toBeNull();
    expect(fake.count('/ocsp')).toBe(2);
    now += 31 * MIN;
    respond((nonce) => delegated({ thisUpdate: new Date(now - MIN), nextUpdate: new Date(now + 30 * MIN) }, nonce));
    expect((await source.status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
    expect(fake.count('/ocsp')).toBe(3);
  });

  it('asks once for concurrent queries of one certificate', async () => {
    respond((nonce) => delegated({}, nonce));
    const answers = await Promise.all([1, 2, 3].map(() => source.status(queryOf(h.personal, h.intermediate))));
    expect(answers.map((a) => a?.status)).toEqual(['good', 'good', 'good']);
    expect(fake.count('/ocsp')).toBe(1);
  });
});

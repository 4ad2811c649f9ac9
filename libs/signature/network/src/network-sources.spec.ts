import { createSigningHierarchy, SANDBOX_POLICY_OIDS, type SigningHierarchy } from '@vdx/pki';
import { defineClassificationRules, trustAnchorsFromPem, verifyDetachedCms, type RevocationAnswer, type RevocationQuery } from '@vdx/signature-validator';
import { AiaIntermediateSource, certificatesIn, createNetworkSources, Fetcher, OcspThenCrlRevocationSource, pooledThenFetched, type DeadlineAwareRevocationSource } from '@vdx/signature-network';
import { signDetached } from '../../validator/src/testing/cms-builder';
import { certsOnly, crl, FakeTransport, hang, nonceOf, ocspResponse, ok } from './testing/responders';

const ISSUED = new Date('2025-06-01T00:00:00Z');
const AT = new Date('2026-03-01T08:00:00Z');
const NOW = new Date('2026-03-02T09:00:00Z');
const HOUR = 3_600_000;
const BASE = 'http://127.0.0.1:9';
const fixed = (answer: RevocationAnswer | null): DeadlineAwareRevocationSource & { calls: number } => {
  const s = { calls: 0, status: async () => (s.calls++, answer) };
  return s;
};
const answer = (status: RevocationAnswer['status'], source: 'ocsp' | 'crl'): RevocationAnswer => ({ status, source, evidence: new Uint8Array([1]) });

describe('OCSP then CRL', () => {
  it('takes OCSP when it answers, the CRL when OCSP is silent or unknown, and never invents "good"', async () => {
    const q = {} as RevocationQuery;
    const crlGood = fixed(answer('good', 'crl'));
    expect((await new OcspThenCrlRevocationSource(fixed(answer('revoked', 'ocsp')), crlGood).status(q))?.status).toBe('revoked');
    expect(crlGood.calls).toBe(0);
    expect(await new OcspThenCrlRevocationSource(fixed(null), crlGood).status(q)).toMatchObject({ status: 'good', source: 'crl' });
    expect(await new OcspThenCrlRevocationSource(fixed(answer('unknown', 'ocsp')), fixed(answer('revoked', 'crl'))).status(q)).toMatchObject({ status: 'revoked', source: 'crl' });
    expect(await new OcspThenCrlRevocationSource(fixed(answer('unknown', 'ocsp')), fixed(null)).status(q)).toMatchObject({ status: 'unknown', source: 'ocsp' });
    expect(await new OcspThenCrlRevocationSource(fixed(null), fixed(null)).status(q)).toBeNull();
    const failing = { status: () => Promise.reject(new Error('boom')) };
    expect(await new OcspThenCrlRevocationSource(failing, failing).status(q)).toBeNull();
  });
});

describe('AIA intermediates', () => {
  let h: SigningHierarchy;
  beforeAll(async () => {
    h = await createSigningHierarchy({ now: ISSUED, endpoints: { endEntities: { caIssuers: [`${BASE}/ca.p7c`] } } });
  });

  it('reads DER, certs-only PKCS#7 and PEM, and refuses anything else', () => {
    expect(certificatesIn(h.intermediate.certDer, 16)).toEqual([h.intermediate.certDer]);
    expect(certificatesIn(certsOnly([h.intermediate, h.root]), 16).map((d) => Buffer.from(d).equals(Buffer.from(h.intermediate.certDer)) || Buffer.from(d).equals(Buffer.from(h.root.certDer)))).toEqual([true, true]);
    expect(certificatesIn(certsOnly([h.intermediate, h.root]), 1)).toHaveLength(1);
    expect(certificatesIn(new TextEncoder().encode(h.intermediate.certPem), 16)).toEqual([h.intermediate.certDer]);
    expect(() => certificatesIn(new TextEncoder().encode('<html>'), 16)).toThrow(expect.objectContaining({ code: 'AIA.MALFORMED' }));
  });

  it('fetches the caIssuers URL once per TTL, and answers nothing when it fails', async () => {
    let now = NOW.getTime();
    const fake = new FakeTransport().on('/ca.p7c', () => ok(certsOnly([h.intermediate])));
    const aia = new AiaIntermediateSource({ fetcher: new Fetcher({ transport: fake.transport, clock: () => now }), cacheTtlMs: HOUR });
    const q = { certificate: h.personal.certDer, issuerName: new Uint8Array(), issuer: 'x' };
    expect(await aia.findIssuers(q)).toHaveLength(1);
    expect(await aia.findIssuers(q)).toHaveLength(1);
    expect(fake.count('/ca.p7c')).toBe(1);
    now += 2 * HOUR;
    fake.on('/ca.p7c', () => ({ status: 500, contentType: undefined, body: new Uint8Array() }));
    expect(await aia.findIssuers(q)).toEqual([]);
    expect(await aia.findIssuers({ ...q, certificate: h.root.certDer })).toEqual([]);
    const pool = { findIssuers: async () => [h.root.certDer] };
    expect(await pooledThenFetched(pool, aia).findIssuers(q)).toEqual([h.root.certDer]);
  });
});

describe('createNetworkSources with the validator', () => {
  let h: SigningHierarchy;
  beforeAll(async () => {
    h = await createSigningHierarchy({
      now: ISSUED,
      endpoints: { endEntities: { ocsp: [`${BASE}/ocsp`], crl: [`${BASE}/ca.crl`], caIssuers: [`${BASE}/ca.crt`] }, intermediate: { crl: [`${BASE}/root.crl`] } },
    });
  });

  const content = new TextEncoder().encode('Phu luc 1');
  const ctx = (sources: ReturnType<ReturnType<typeof createNetworkSources>['forPackage']>) => ({
    trustAnchors: trustAnchorsFromPem(h.trustAnchorsPem),
    revocation: sources.revocation,
    intermediates: sources.intermediates,
    classification: defineClassificationRules([{ kind: 'organisational', name: 'seal', policyOids: [SANDBOX_POLICY_OIDS.organisational] }]),
    now: NOW,
  });

  it('verifies a detached signature whose intermediate comes by AIA, its status by OCSP and the intermediate’s by the root CRL', async () => {
    const fake = new FakeTransport()
      .on('/ca.crt', () => ok(h.intermediate.certDer))
      .on('/root.crl', async () => ok(await crl({ issuer: h.root, thisUpdate: new Date(NOW.getTime() - HOUR), nextUpdate: new Date(NOW.getTime() + HOUR) })))
      .on('/ocsp', async (req) => ok(await ocspResponse({ signer: h.ocsp, certs: [h.ocsp], producedAt: NOW, nonce: nonceOf(req.body ?? new Uint8Array()), entries: [{ cert: h.organisational, issuer: h.intermediate, status: 'good', thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + HOUR) }] })));
    const sources = createNetworkSources({ fetcher: { transport: fake.transport, clock: () => NOW.getTime() } });
    const p7s = await signDetached(content, { signer: h.organisational, signingTime: AT });
    const verdict = await verifyDetachedCms(content, p7s, ctx(sources.forPackage()), 'phu-luc.docx');
    expect(verdict.status).toBe('valid');
    const sig = verdict.signatures[0];
    expect(sig?.kind).toBe('organisational');
    expect(sig?.evidence.revocation.map((r) => [r.subject, r.answer?.status, r.answer?.source])).toEqual([
      [h.organisational.subject, 'good', 'ocsp'],
      [h.intermediate.subject, 'good', 'crl'],
    ]);
    expect(fake.count('/ca.crt')).toBe(1);
  });

  it('is indeterminate, within the package budget, when every responder hangs', async () => {
    const fake = new FakeTransport().on('/ca.crt', () => ok(h.intermediate.certDer)).on('/ocsp', hang).on('/ca.crl', hang).on('/root.crl', hang);
    const sources = createNetworkSources({ fetcher: { transport: fake.transport, timeoutMs: 60_000 }, packageBudgetMs: 200 });
    const p7s = await signDetached(content, { signer: h.organisational, signingTime: AT });
    const started = Date.now();
    const verdict = await verifyDetachedCms(content, p7s, ctx(sources.forPackage()), 'phu-luc.docx');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(verdict.status).toBe('indeterminate');
    expect(verdict.signatures[0]?.findings.filter((f) => f.code === 'REVOCATION.UNAVAILABLE').map((f) => f.certificate)).toEqual([h.organisational.subject, h.intermediate.subject]);
  });
});

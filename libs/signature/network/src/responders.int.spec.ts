// Real responders on 127.0.0.1: OpenSSL's OCSP responder logic (`openssl ocsp -reqin … -respout`,
// a delegated responder certificate with id-kp-OCSPSigning) behind a Node HTTP server, CRLs from
// `openssl ca -gencrl` served by a Node HTTP server, and a server that accepts and never answers.
// No Kafka, no mocks of the network.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigningHierarchy, issueSigningCertificate, SANDBOX_POLICY_OIDS, type SigningCredential, type SigningHierarchy } from '@vdx/pki';
import { defineClassificationRules, trustAnchorsFromPem, verifyDetachedCms, type RevocationQuery } from '@vdx/signature-validator';
import { createNetworkSources, CrlRevocationSource, Fetcher, OcspRevocationSource, type LookupProblem } from '@vdx/signature-network';
import { signDetached } from '../../validator/src/testing/cms-builder';
import { FileServer, indexLine, opensslCrl, OpensslOcspResponder, writeCa } from './testing/openssl-responders';
import { freePort } from '@vdx/testing';

const HOUR = 3_600_000;
const content = new TextEncoder().encode('Cong van so 123/UBND-VP');

describe('revocation against real responders', () => {
  let dir: string;
  let h: SigningHierarchy;
  let files: FileServer;
  let slow: FileServer;
  let ocspPort: number;
  let responder: OpensslOcspResponder;
  let slowLeaf: SigningCredential;
  let revokedAt: Date;
  let signedAt: Date;
  let problems: LookupProblem[];

  const query = (cert: SigningCredential, issuer: SigningCredential): RevocationQuery => ({ certificate: cert.certDer, issuer: issuer.certDer, serialNumber: cert.serialNumber, fingerprint: cert.fingerprint, subject: cert.subject, at: signedAt });
  const ocspSource = (fetcher = new Fetcher()): OcspRevocationSource => new OcspRevocationSource({ fetcher, onProblem: (p) => problems.push(p) });
  /** A detached CMS verified through fresh network sources (its own caches): call it again to verify again with them. */
  const cmsVerifier = (p7s: Uint8Array, kind: 'personal' | 'organisational', name: string) => {
    const rules = defineClassificationRules([{ kind, name: kind, policyOids: [SANDBOX_POLICY_OIDS[kind]] }]);
    const sources = createNetworkSources({ fetcher: { timeoutMs: 2000 }, onProblem: (p) => problems.push(p) });
    return () => {
      const ports = sources.forPackage();
      return verifyDetachedCms(content, p7s, { trustAnchors: trustAnchorsFromPem(h.trustAnchorsPem), revocation: ports.revocation, intermediates: ports.intermediates, classification: rules, now: new Date() }, name);
    };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vdx-ocsp-'));
    files = new FileServer();
    slow = new FileServer(true);
    await Promise.all([files.start(), slow.start()]);
    ocspPort = await freePort();
    const http = `http://127.0.0.1:${files.port}`;
    const now = Date.now();
    h = await createSigningHierarchy({
      now: new Date(now - 24 * HOUR),
      endpoints: { endEntities: { ocsp: [`http://127.0.0.1:${ocspPort}/`], crl: [`${http}/ca.crl`], caIssuers: [`${http}/ca.crt`] }, intermediate: { crl: [`${http}/root.crl`] } },
    });
    slowLeaf = await issueSigningCertificate(h.intermediate, { subject: { CN: 'slow', O: 'x' }, now: new Date(now - 24 * HOUR), authorityInfoAccess: { ocsp: [`http://127.0.0.1:${slow.port}/`] } });
    signedAt = new Date(now - HOUR);
    revokedAt = new Date(Math.floor((now - 2 * HOUR) / 1000) * 1000);
    // The personal certificate is revoked; everything else is good.
    const ca = await writeCa(dir, 'intermediate', h.intermediate, [indexLine(h.organisational), indexLine(h.personal, revokedAt), indexLine(h.tsa)]);
    const root = await writeCa(dir, 'root', h.root, [indexLine(h.intermediate)]);
    files.files.set('/ca.crl', { body: await opensslCrl(dir, ca), type: 'application/pkix-crl' });
    files.files.set('/root.crl', { body: await opensslCrl(dir, root), type: 'application/pkix-crl' });
    files.files.set('/ca.crt', { body: h.intermediate.certDer, type: 'application/pkix-cert' });
    const rsigner = await writeCa(dir, 'responder', h.ocsp, []);
    responder = new OpensslOcspResponder(ocspPort, { index: ca.index, ca: ca.cert, rsigner: rsigner.cert, rkey: rsigner.key });
    await responder.start();
  });

  beforeEach(() => {
    problems = [];
  });

  afterAll(async () => {
    await responder?.stop();
    await Promise.all([files?.stop(), slow?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the OCSP responder listens on 127.0.0.1 only, answers POSTs only, and leaves no openssl running', async () => {
    expect(responder.address()).toMatchObject({ address: '127.0.0.1', port: ocspPort });
    const get = await fetch(`http://127.0.0.1:${ocspPort}/`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const empty = await fetch(`http://127.0.0.1:${ocspPort}/`, { method: 'POST', body: new Uint8Array(0) });
    expect(empty.status).toBe(400);
    const garbage = await fetch(`http://127.0.0.1:${ocspPort}/`, { method: 'POST', body: new TextEncoder().encode('not an OCSP request') });
    expect(garbage.status).toBe(500);
    expect(await garbage.text()).toContain('openssl ocsp failed');
    expect(responder.inFlight).toBe(0);
  });

  it('good per OCSP: a delegated responder’s signed answer, with nonce, kept as evidence', async () => {
    const answer = await ocspSource().status(query(h.organisational, h.intermediate));
    expect(answer).toMatchObject({ status: 'good', source: 'ocsp' });
    expect(answer?.evidence[0]).toBe(0x30);
    expect(problems).toEqual([]);
    expect(responder.answered).toBeGreaterThanOrEqual(1);
  });

  it('revoked per OCSP, at the date in the CA database', async () => {
    expect(await ocspSource().status(query(h.personal, h.intermediate))).toMatchObject({ status: 'revoked', revokedAt });
  });

  it('revoked per CRL (openssl ca -gencrl), good for the others, the intermediate good per the root’s CRL', async () => {
    const crl = new CrlRevocationSource({ fetcher: new Fetcher(), onProblem: (p) => problems.push(p) });
    expect(await crl.status(query(h.personal, h.intermediate))).toMatchObject({ status: 'revoked', revokedAt, source: 'crl' });
    expect((await crl.status(query(h.organisational, h.intermediate)))?.status).toBe('good');
    expect((await crl.status(query(h.intermediate, h.root)))?.status).toBe('good');
    expect(problems).toEqual([]);
  });

  it('a cache hit does not reach the network: OCSP until nextUpdate (the responder stopped), a CRL per URL', async () => {
    const fetcher = new Fetcher();
    const ocsp = ocspSource(fetcher);
    expect((await ocsp.status(query(h.organisational, h.intermediate)))?.status).toBe('good');
    const crl = new CrlRevocationSource({ fetcher });
    const before = files.count('/ca.crl');
    expect((await crl.status(query(h.organisational, h.intermediate)))?.status).toBe('good');
    expect((await crl.status(query(h.personal, h.intermediate)))?.status).toBe('revoked');
    expect(files.count('/ca.crl')).toBe(before + 1);
    await responder.stop();
    try {
      expect((await ocsp.status(query(h.organisational, h.intermediate)))?.status).toBe('good');
      expect(fetcher.requestsTo(`127.0.0.1:${ocspPort}`)).toBe(1);
      expect(ocsp.cacheHits).toBe(1);
    } finally {
      await responder.start();
    }
  });

  it('a signer revoked before signing is invalid (CERT.REVOKED) per the OCSP responder, and per the CRL alone while the responder is down', async () => {
    const p7s = await signDetached(content, { signer: h.personal, signingTime: signedAt });
    const verify = cmsVerifier(p7s, 'personal', 'cong-van.docx');
    const revokedFindings = (v: Awaited<ReturnType<typeof verify>>) => v.signatures[0]?.findings.filter((f) => f.effect !== 'warning').map((f) => [f.code, f.effect, f.certificate]);
    const answeredBefore = responder.answered;
    const perOcsp = await verify();
    expect([perOcsp.status, revokedFindings(perOcsp)]).toEqual(['invalid', [['CERT.REVOKED', 'invalid', h.personal.subject]]]);
    expect(perOcsp.signatures[0]?.evidence.revocation.find((r) => r.fingerprint === h.personal.fingerprint)?.answer).toMatchObject({ status: 'revoked', source: 'ocsp', revokedAt });
    expect(responder.answered).toBeGreaterThan(answeredBefore);
    // A fresh set of sources (no cached answer), the responder down: the CRL decides.
    const crlOnly = cmsVerifier(p7s, 'personal', 'cong-van.docx');
    await responder.stop();
    try {
      const perCrl = await crlOnly();
      expect([perCrl.status, revokedFindings(perCrl)]).toEqual(['invalid', [['CERT.REVOKED', 'invalid', h.personal.subject]]]);
      expect(perCrl.signatures[0]?.evidence.revocation.find((r) => r.fingerprint === h.personal.fingerprint)?.answer).toMatchObject({ status: 'revoked', source: 'crl', revokedAt });
    } finally {
      await responder.start();
    }
  });

  it('responder down (and the CRL unavailable) is indeterminate; valid again once it is back and the check is re-run', async () => {
    const p7s = await signDetached(content, { signer: h.organisational, signingTime: signedAt });
    const verify = cmsVerifier(p7s, 'organisational', 'phu-luc.docx');
    await responder.stop();
    files.down.add('/ca.crl');
    try {
      const down = await verify();
      expect(down.status).toBe('indeterminate');
      expect(down.signatures[0]?.findings.filter((f) => f.code === 'REVOCATION.UNAVAILABLE').map((f) => f.certificate)).toEqual([h.organisational.subject]);
      // The seal's OCSP responder refuses connections, its CRL answers 503 (the intermediate has no OCSP URL: its CRL is used).
      expect(problems.filter((p) => p.subject === h.organisational.subject).map((p) => [p.source, p.code])).toEqual([
        ['ocsp', 'NETWORK.UNREACHABLE'],
        ['crl', 'NETWORK.HTTP_STATUS'],
      ]);
    } finally {
      files.down.delete('/ca.crl');
      await responder.start();
    }
    const back = await verify();
    expect(back.status).toBe('valid');
    expect(back.signatures[0]?.evidence.revocation.map((r) => [r.answer?.status, r.answer?.source])).toEqual([
      ['good', 'ocsp'],
      ['good', 'crl'],
    ]);
  });

  it('a responder that accepts and never answers is cut at the timeout', async () => {
    const started = Date.now();
    expect(await ocspSource(new Fetcher({ timeoutMs: 300 })).status(query(slowLeaf, h.intermediate))).toBeNull();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3000);
    expect(problems.map((p) => p.code)).toEqual(['NETWORK.TIMEOUT']);
    expect(slow.count('/')).toBe(1);
  });
});

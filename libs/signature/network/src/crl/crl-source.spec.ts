import { createSigningHierarchy, issueSigningCertificate, type SigningCredential, type SigningHierarchy } from '@vdx/pki';
import type { RevocationQuery } from '@vdx/signature-validator';
import { CrlRevocationSource, Fetcher, LookupProblemCode, certificateUrls, type LookupProblem } from '@vdx/signature-network';
import { crl, FakeTransport, ok, type CrlOptions } from '../testing/responders';

const ISSUED = new Date('2025-06-01T00:00:00Z');
const AT = new Date('2026-03-01T08:00:00Z');
const NOW = new Date('2026-03-02T09:00:00Z');
const HOUR = 3_600_000;
const BASE = 'http://127.0.0.1:9';

const queryOf = (cert: SigningCredential, issuer: SigningCredential, at = AT): RevocationQuery => ({ certificate: cert.certDer, issuer: issuer.certDer, serialNumber: cert.serialNumber, fingerprint: cert.fingerprint, subject: cert.subject, at });

describe('CrlRevocationSource', () => {
  let h: SigningHierarchy;
  let now: number;
  let fake: FakeTransport;
  let problems: LookupProblem[];
  let source: CrlRevocationSource;
  const make = (): CrlRevocationSource => new CrlRevocationSource({ fetcher: new Fetcher({ transport: fake.transport, clock: () => now }), onProblem: (p) => problems.push(p) });
  const serve = async (over: Partial<CrlOptions> = {}): Promise<Uint8Array> => {
    const der = await crl({ issuer: h.intermediate, thisUpdate: new Date(NOW.getTime() - HOUR), nextUpdate: new Date(NOW.getTime() + 24 * HOUR), ...over });
    fake.on('/ca.crl', () => ok(der, 'application/pkix-crl'));
    return der;
  };

  beforeAll(async () => {
    h = await createSigningHierarchy({ now: ISSUED, endpoints: { endEntities: { crl: [`${BASE}/ca.crl`] }, intermediate: { crl: [`${BASE}/root.crl`] } } });
  });
  beforeEach(() => {
    now = NOW.getTime();
    fake = new FakeTransport();
    problems = [];
    source = make();
  });

  it('reads the distribution point, says good for a serial not listed, with the CRL as evidence', async () => {
    expect(certificateUrls(h.personal.certDer).crl).toEqual([`${BASE}/ca.crl`]);
    expect(certificateUrls(h.intermediate.certDer).crl).toEqual([`${BASE}/root.crl`]);
    const der = await serve({ revoked: [{ serialNumber: h.organisational.serialNumber, at: new Date('2026-01-01T00:00:00Z') }] });
    const answer = await source.status(queryOf(h.personal, h.intermediate));
    expect(answer).toMatchObject({ status: 'good', source: 'crl' });
    expect(Buffer.from(answer?.evidence ?? []).equals(Buffer.from(der))).toBe(true);
    expect(fake.requests[0]?.method).toBe('GET');
  });

  it('says revoked at the listed date, and not for removeFromCRL', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    await serve({ revoked: [{ serialNumber: h.personal.serialNumber, at, reason: 1 }, { serialNumber: h.organisational.serialNumber, at, reason: 8 }] });
    expect(await source.status(queryOf(h.personal, h.intermediate))).toMatchObject({ status: 'revoked', revokedAt: at });
    expect((await source.status(queryOf(h.organisational, h.intermediate)))?.status).toBe('good');
  });

  it('refuses a CRL that does not verify, from another issuer, or from an issuer without cRLSign', async () => {
    await serve({ signingKeyOf: h.personal });
    expect(await source.status(queryOf(h.personal, h.intermediate))).toBeNull();
    // The root's CRL, served where the intermediate's should be.
    const foreign = await crl({ issuer: h.root, thisUpdate: new Date(NOW.getTime() - HOUR), nextUpdate: new Date(NOW.getTime() + HOUR) });
    fake.on('/ca.crl', () => ok(foreign));
    expect(await make().status(queryOf(h.personal, h.intermediate))).toBeNull();
    const noCrlSign = await issueSigningCertificate(h.root, { subject: { CN: 'vdx sandbox signing CA', O: 'vdx sandbox', C: 'VN' }, ca: { pathLength: 0 }, keyUsage: ['keyCertSign'], subjectKeyPem: h.intermediate.keyPem });
    await serve();
    expect(await make().status(queryOf(h.personal, noCrlSign))).toBeNull();
    expect(problems.map((p) => p.code)).toEqual([LookupProblemCode.CRL_SIGNATURE_INVALID, LookupProblemCode.CRL_ISSUER_MISMATCH, LookupProblemCode.CRL_ISSUER_NOT_CRL_SIGNER]);
  });

  it('respects the CRL window and the time asked about', async () => {
    await serve({ nextUpdate: new Date(NOW.getTime() - HOUR), thisUpdate: new Date(NOW.getTime() - 48 * HOUR) });
    expect(await make().status(queryOf(h.personal, h.intermediate))).toBeNull();
    await serve({ thisUpdate: new Date(NOW.getTime() + HOUR) });
    expect(await make().status(queryOf(h.personal, h.intermediate))).toBeNull();
    await serve({ thisUpdate: new Date(AT.getTime() - 24 * HOUR) });
    expect(await make().status(queryOf(h.personal, h.intermediate))).toBeNull();
    expect(problems.map((p) => p.code)).toEqual([LookupProblemCode.CRL_NOT_FRESH, LookupProblemCode.CRL_NOT_FRESH, LookupProblemCode.CRL_BEFORE_TIME]);
  });

  it('refuses delta CRLs, unknown critical extensions and CRLs scoped to CA certificates', async () => {
    const cases: CrlOptions['extensions'][] = [
      [{ oid: '2.5.29.27', critical: true, valueDer: new Uint8Array([0x02, 0x01, 0x01]) }],
      [{ oid: '1.2.3.4', critical: true, valueDer: new Uint8Array([0x05, 0x00]) }],
      // issuingDistributionPoint { onlyContainsCACerts [2] TRUE }
      [{ oid: '2.5.29.28', critical: true, valueDer: new Uint8Array([0x30, 0x03, 0x82, 0x01, 0xff]) }],
    ];
    for (const extensions of cases) {
      await serve({ extensions });
      expect(await make().status(queryOf(h.personal, h.intermediate))).toBeNull();
    }
    expect(problems.map((p) => p.code)).toEqual([LookupProblemCode.CRL_UNSUPPORTED, LookupProblemCode.CRL_UNSUPPORTED, LookupProblemCode.CRL_UNSUPPORTED]);
    // Scoped to end-entity certificates: fine for the personal certificate.
    await serve({ extensions: [{ oid: '2.5.29.28', critical: true, valueDer: new Uint8Array([0x30, 0x03, 0x81, 0x01, 0xff]) }] });
    expect((await make().status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
  });

  it('refuses garbage, and keeps a checked CRL until its nextUpdate for every certificate it covers', async () => {
    fake.on('/ca.crl', () => ok(new Uint8Array([0x30, 0x82, 0xff])));
    expect(await source.status(queryOf(h.personal, h.intermediate))).toBeNull();
    expect(problems[0]?.code).toBe(LookupProblemCode.CRL_MALFORMED);
    await serve({ nextUpdate: new Date(NOW.getTime() + HOUR) });
    const fresh = make();
    expect((await fresh.status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
    expect((await fresh.status(queryOf(h.organisational, h.intermediate)))?.status).toBe('good');
    expect(fake.count('/ca.crl')).toBe(2);
    expect(fresh.cacheHits).toBe(1);
    now += 2 * HOUR;
    await serve({ thisUpdate: new Date(now - HOUR), nextUpdate: new Date(now + HOUR) });
    expect((await fresh.status(queryOf(h.personal, h.intermediate)))?.status).toBe('good');
    expect(fake.count('/ca.crl')).toBe(3);
  });
});

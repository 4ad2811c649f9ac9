import { createSigningHierarchy, EXTENDED_KEY_USAGE_OIDS, issueSigningCertificate, PkiError, PkiErrorCode, SANDBOX_POLICY_OIDS, type SigningCredential, type SigningHierarchy } from '@vdx/pki';
import * as x509 from '@peculiar/x509';
import { X509Certificate } from 'node:crypto';

const NOW = new Date('2026-03-01T08:30:15.250Z');
const NOW_SECONDS = new Date('2026-03-01T08:30:15.000Z');
const DAY_MS = 86_400_000;

const node = (c: SigningCredential): X509Certificate => new X509Certificate(c.certPem);
const peculiar = (c: SigningCredential): x509.X509Certificate => new x509.X509Certificate(c.certDer);
const keyUsageFlags = (c: SigningCredential): number | undefined => peculiar(c).getExtension(x509.KeyUsagesExtension)?.usages;

async function rejectionOf(p: Promise<unknown>): Promise<PkiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PkiError) return e;
    throw e;
  }
  throw new Error('expected a PkiError');
}

describe('signing hierarchy', () => {
  let ec: SigningHierarchy;

  beforeAll(async () => {
    ec = await createSigningHierarchy({ now: NOW });
  });

  it('chains root → intermediate → every end entity, each signature verifying', () => {
    const root = node(ec.root);
    const intermediate = node(ec.intermediate);
    expect(root.checkIssued(root) && root.verify(root.publicKey)).toBe(true);
    expect(intermediate.checkIssued(root) && intermediate.verify(root.publicKey)).toBe(true);
    for (const leaf of [ec.personal, ec.organisational, ec.tsa, ec.ocsp]) {
      expect(node(leaf).checkIssued(intermediate)).toBe(true);
      expect(node(leaf).verify(intermediate.publicKey)).toBe(true);
      expect(node(leaf).ca).toBe(false);
      expect(node(leaf).publicKey.asymmetricKeyType).toBe('ec');
    }
    expect(ec.trustAnchorsPem).toBe(ec.root.certPem);
  });

  it('limits the path: root pathLen 1, intermediate pathLen 0, both keyCertSign + cRLSign', () => {
    expect(peculiar(ec.root).getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: true, pathLength: 1, critical: true });
    expect(peculiar(ec.intermediate).getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: true, pathLength: 0 });
    expect(keyUsageFlags(ec.intermediate)).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  });

  it('makes a personal certificate: CN of the person, digitalSignature + nonRepudiation, the personal policy', () => {
    const cert = peculiar(ec.personal);
    expect(cert.subjectName.getField('CN')).toEqual(['Nguyễn Văn An']);
    expect(cert.subjectName.getField('O')).toEqual(['Ủy ban nhân dân tỉnh Tây Ninh']);
    expect(keyUsageFlags(ec.personal)).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation);
    expect(cert.getExtension(x509.CertificatePolicyExtension)?.policies).toEqual([SANDBOX_POLICY_OIDS.personal]);
    expect(ec.personal.subject).toContain('CN=Nguyễn Văn An');
  });

  it('makes an organisational certificate (seal): O = the agency, the organisational policy', () => {
    const cert = peculiar(ec.organisational);
    expect(cert.subjectName.getField('O')).toEqual(['Ủy ban nhân dân tỉnh Tây Ninh']);
    expect(cert.subjectName.getField('CN')).toEqual(['Ủy ban nhân dân tỉnh Tây Ninh']);
    expect(cert.getExtension(x509.CertificatePolicyExtension)?.policies).toEqual([SANDBOX_POLICY_OIDS.organisational]);
  });

  it('makes a TSA certificate with a critical timeStamping EKU and an OCSP responder with OCSPSigning', () => {
    const tsa = peculiar(ec.tsa).getExtension(x509.ExtendedKeyUsageExtension);
    expect(tsa?.usages).toEqual([EXTENDED_KEY_USAGE_OIDS.timeStamping]);
    expect(tsa?.critical).toBe(true);
    const ocsp = peculiar(ec.ocsp);
    expect(ocsp.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([EXTENDED_KEY_USAGE_OIDS.ocspSigning]);
    expect(ocsp.getExtension('1.3.6.1.5.5.7.48.1.5')).not.toBeNull();
  });

  it('starts validity at now: root 3650, intermediate 1825, end entities 730 days', () => {
    for (const [c, days] of [[ec.root, 3650], [ec.intermediate, 1825], [ec.personal, 730], [ec.tsa, 730]] as const) {
      expect(c.notBefore).toEqual(NOW_SECONDS);
      expect(c.notAfter).toEqual(new Date(NOW_SECONDS.getTime() + days * DAY_MS));
      expect(new Date(node(c).validTo)).toEqual(c.notAfter);
    }
    expect(ec.personal.fingerprint).toBe(node(ec.personal).fingerprint256.replace(/:/g, '').toLowerCase());
    expect(ec.personal.serialNumber).toBe(node(ec.personal).serialNumber.toLowerCase());
  });

  it('builds an RSA-2048 hierarchy with RSA PKCS#1 v1.5 certificate signatures', async () => {
    const rsa = await createSigningHierarchy({ keyAlgorithm: 'rsa-2048', now: NOW });
    expect(node(rsa.personal).publicKey.asymmetricKeyType).toBe('rsa');
    expect(node(rsa.personal).publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(node(rsa.personal).verify(node(rsa.intermediate).publicKey)).toBe(true);
    expect(peculiar(rsa.personal).signatureAlgorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } });
    expect(rsa.personal.keyAlgorithm).toBe('rsa-2048');
  }, 30_000);

  it('issues expired, not-yet-valid and wrong-key-usage certificates on request', async () => {
    const expired = await issueSigningCertificate(ec.intermediate, { subject: { CN: 'expired' }, notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2025-01-01T00:00:00Z') });
    expect(expired.notAfter).toEqual(new Date('2025-01-01T00:00:00Z'));
    const future = await issueSigningCertificate(ec.intermediate, { subject: { CN: 'future' }, now: new Date('2030-01-01T00:00:00Z'), validDays: 10 });
    expect(future.notBefore).toEqual(new Date('2030-01-01T00:00:00Z'));
    const wrong = await issueSigningCertificate(ec.intermediate, { subject: { CN: 'encipher only' }, keyUsage: ['keyEncipherment'] });
    expect(keyUsageFlags(wrong)).toBe(x509.KeyUsageFlags.keyEncipherment);
    const none = await issueSigningCertificate(ec.intermediate, { subject: { CN: 'no key usage' }, keyUsage: [] });
    expect(keyUsageFlags(none)).toBeUndefined();
  });

  it('mixes key types: an RSA leaf under an ECDSA CA', async () => {
    const leaf = await issueSigningCertificate(ec.intermediate, { subject: { CN: 'rsa leaf' }, keyAlgorithm: 'rsa-2048' });
    expect(node(leaf).publicKey.asymmetricKeyType).toBe('rsa');
    expect(node(leaf).verify(node(ec.intermediate).publicKey)).toBe(true);
  }, 30_000);

  it('certifies an existing key on request (a cross-certified CA keeps its key)', async () => {
    const again = await issueSigningCertificate(ec.root, { subject: { CN: 'vdx sandbox signing CA', O: 'vdx sandbox', C: 'VN' }, ca: { pathLength: 0 }, subjectKeyPem: ec.intermediate.keyPem });
    expect(node(again).publicKey.export({ type: 'spki', format: 'der' })).toEqual(node(ec.intermediate).publicKey.export({ type: 'spki', format: 'der' }));
    expect(again.keyPem).toBe(ec.intermediate.keyPem);
    expect(node(ec.personal).verify(node(again).publicKey)).toBe(true);
    expect((await rejectionOf(issueSigningCertificate(ec.root, { subject: { CN: 'x' }, subjectKeyPem: 'garbage' }))).code).toBe(PkiErrorCode.INVALID_OPTION);
  });

  it('adds raw extensions as given (for hostile-certificate tests)', async () => {
    const odd = await issueSigningCertificate(ec.intermediate, { subject: { CN: 'odd' }, extraExtensions: [{ oid: '1.2.3.4.5', critical: true, valueDer: new Uint8Array([0x05, 0x00]) }] });
    const ext = peculiar(odd).getExtension('1.2.3.4.5');
    expect(ext?.critical).toBe(true);
  });

  it('publishes OCSP, caIssuers and CRL URLs where asked: end entities and the intermediate apart', async () => {
    const h = await createSigningHierarchy({
      now: NOW,
      endpoints: {
        endEntities: { ocsp: ['http://127.0.0.1:1/ocsp'], caIssuers: ['http://127.0.0.1:2/ca.crt'], crl: ['http://127.0.0.1:2/ca.crl'] },
        intermediate: { crl: ['http://127.0.0.1:2/root.crl'] },
      },
    });
    for (const leaf of [h.personal, h.organisational, h.tsa]) {
      expect(node(leaf).infoAccess).toBe('OCSP - URI:http://127.0.0.1:1/ocsp\nCA Issuers - URI:http://127.0.0.1:2/ca.crt');
      expect(peculiar(leaf).getExtension(x509.CRLDistributionPointsExtension)?.distributionPoints.map((d) => d.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier)).toEqual(['http://127.0.0.1:2/ca.crl']);
    }
    expect(node(h.intermediate).infoAccess).toBeUndefined();
    expect(peculiar(h.intermediate).getExtension(x509.CRLDistributionPointsExtension)?.distributionPoints.map((d) => d.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier)).toEqual(['http://127.0.0.1:2/root.crl']);
    expect(node(h.ocsp).infoAccess).toBeUndefined();
    expect(node(ec.personal).infoAccess).toBeUndefined();
  });

  it('refuses a non-CA issuer with PKI.BAD_CA and a reversed window with PKI.INVALID_OPTION', async () => {
    expect((await rejectionOf(issueSigningCertificate(ec.personal, { subject: { CN: 'x' } }))).code).toBe(PkiErrorCode.BAD_CA);
    expect((await rejectionOf(issueSigningCertificate(ec.intermediate, { subject: { CN: 'x' }, notBefore: NOW, notAfter: new Date(NOW.getTime() - DAY_MS) }))).code).toBe(PkiErrorCode.INVALID_OPTION);
    expect((await rejectionOf(issueSigningCertificate(ec.intermediate, { subject: {} }))).code).toBe(PkiErrorCode.INVALID_OPTION);
    expect((await rejectionOf(issueSigningCertificate({ ...ec.intermediate, keyPem: 'garbage' }, { subject: { CN: 'x' } }))).code).toBe(PkiErrorCode.BAD_CA);
  });
});

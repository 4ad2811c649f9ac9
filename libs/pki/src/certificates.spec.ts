import { certificateFingerprint, createCertificateAuthority, issueServerCertificate, issueSystemCertificate, PkiError, PkiErrorCode, systemIdOf, type IssuedCredential } from '@vdx/pki';
import * as x509 from '@peculiar/x509';
import { webcrypto, X509Certificate } from 'node:crypto';

const NOW = new Date('2026-03-01T08:30:15.250Z');
const NOW_SECONDS = new Date('2026-03-01T08:30:15.000Z');
const DAY_MS = 86_400_000;

const x = (c: IssuedCredential): X509Certificate => new X509Certificate(c.certPem);

async function rejectionOf(p: Promise<unknown>): Promise<PkiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PkiError) return e;
    throw e;
  }
  throw new Error('expected a PkiError');
}

describe('certificates', () => {
  let ca: IssuedCredential;
  let server: IssuedCredential;
  let system: IssuedCredential;

  beforeAll(async () => {
    ca = await createCertificateAuthority({ now: NOW });
    server = await issueServerCertificate(ca, { now: NOW });
    system = await issueSystemCertificate(ca, { systemId: 'qlvb-tayninh', now: NOW });
  });

  it('creates a self-signed P-256 CA with PEM output', () => {
    const cert = x(ca);
    expect(ca.certPem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=vdx sandbox CA');
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(cert.serialNumber.toLowerCase()).toBe(ca.serialNumber);
  });

  it('honours now and validDays (defaults: CA 3650, server 825, system 397 days)', async () => {
    for (const [c, days] of [[ca, 3650], [server, 825], [system, 397]] as const) {
      expect(new Date(x(c).validFrom)).toEqual(NOW_SECONDS);
      expect(new Date(x(c).validTo)).toEqual(new Date(NOW_SECONDS.getTime() + days * DAY_MS));
      expect(c.notAfter).toEqual(new Date(x(c).validTo));
    }
    const short = await issueSystemCertificate(ca, { systemId: 's1', now: NOW, validDays: 2 });
    expect(short.notAfter).toEqual(new Date(NOW_SECONDS.getTime() + 2 * DAY_MS));
    const longCa = await createCertificateAuthority({ commonName: 'test CA', validDays: 30, now: NOW });
    expect(x(longCa).subject).toBe('CN=test CA');
    expect(longCa.notAfter).toEqual(new Date(NOW_SECONDS.getTime() + 30 * DAY_MS));
  });

  it('issues a server certificate signed by the CA for localhost and 127.0.0.1', () => {
    const cert = x(server);
    const caCert = x(ca);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkHost('example.org')).toBeUndefined();
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('puts the given names and addresses in a server certificate', async () => {
    const cert = x(await issueServerCertificate(ca, { dnsNames: ['gateway.vdx.test'], ipAddresses: ['10.0.0.7', '::1'], commonName: 'gw' }));
    expect(cert.subject).toBe('CN=gw');
    expect(cert.checkHost('gateway.vdx.test')).toBe('gateway.vdx.test');
    expect(cert.checkIP('10.0.0.7')).toBe('10.0.0.7');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkIP('127.0.0.1')).toBeUndefined();
  });

  it('issues a system certificate: CN and SAN URI name the system, clientAuth only', () => {
    const cert = x(system);
    expect(cert.checkIssued(x(ca))).toBe(true);
    expect(cert.verify(x(ca).publicKey)).toBe(true);
    expect(cert.subject).toBe('CN=qlvb-tayninh');
    expect(cert.subjectAltName).toBe('URI:urn:vdx:system:qlvb-tayninh');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(system.serialNumber).not.toBe(server.serialNumber);
  });

  it('systemIdOf reads the system id from PEM and DER, the CN as fallback, else null', () => {
    expect(systemIdOf(system.certPem)).toBe('qlvb-tayninh');
    expect(systemIdOf(x(system).raw)).toBe('qlvb-tayninh');
    expect(systemIdOf(ca.certPem)).toBe('vdx sandbox CA');
    expect(systemIdOf(server.certPem)).toBe('localhost');
  });

  it('systemIdOf returns null for a certificate with neither SAN URI nor CN', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const bare = await x509.X509CertificateGenerator.createSelfSigned({ name: [{ O: ['no common name'] }], keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } }, webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    expect(systemIdOf(bare.toString('pem'))).toBeNull();
  });

  it('certificateFingerprint is the SHA-256 of the DER in lower-case hex', () => {
    for (const c of [ca, server, system]) {
      const expected = x(c).fingerprint256.replace(/:/g, '').toLowerCase();
      expect(c.fingerprint).toBe(expected);
      expect(certificateFingerprint(c.certPem)).toBe(expected);
      expect(certificateFingerprint(x(c).raw)).toBe(expected);
      expect(expected).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('refuses an unreadable certificate with PKI.BAD_CERTIFICATE', () => {
    expect(() => certificateFingerprint('not a certificate')).toThrow(expect.objectContaining({ code: PkiErrorCode.BAD_CERTIFICATE }));
    expect(() => systemIdOf(Buffer.from([1, 2, 3]))).toThrow(expect.objectContaining({ code: PkiErrorCode.BAD_CERTIFICATE }));
  });

  it.each(['', ' qlvb', '-qlvb', 'qlvb tayninh', 'qlvb/../x', 'a'.repeat(129), 'hệ-thống'])('refuses the system id %j with PKI.INVALID_SYSTEM_ID', async (systemId) => {
    const e = await rejectionOf(issueSystemCertificate(ca, { systemId }));
    expect(e.code).toBe('PKI.INVALID_SYSTEM_ID');
  });

  it.each(['a', 'qlvb-tayninh', 'Sys_1.2:x', 'a'.repeat(128)])('accepts the system id %j', async (systemId) => {
    expect(systemIdOf((await issueSystemCertificate(ca, { systemId })).certPem)).toBe(systemId);
  });

  it('refuses a CA whose key does not match, or that is not a CA, with PKI.BAD_CA', async () => {
    const other = await createCertificateAuthority({});
    expect((await rejectionOf(issueSystemCertificate({ certPem: ca.certPem, keyPem: other.keyPem }, { systemId: 's' }))).code).toBe(PkiErrorCode.BAD_CA);
    expect((await rejectionOf(issueSystemCertificate({ certPem: system.certPem, keyPem: system.keyPem }, { systemId: 's' }))).code).toBe(PkiErrorCode.BAD_CA);
    expect((await rejectionOf(issueSystemCertificate({ certPem: 'garbage', keyPem: ca.keyPem }, { systemId: 's' }))).code).toBe(PkiErrorCode.BAD_CA);
    expect((await rejectionOf(issueSystemCertificate({ certPem: ca.certPem, keyPem: 'garbage' }, { systemId: 's' }))).code).toBe(PkiErrorCode.BAD_CA);
  });

  it('refuses bad options with PKI.INVALID_OPTION', async () => {
    expect((await rejectionOf(issueSystemCertificate(ca, { systemId: 's', validDays: 0 }))).code).toBe(PkiErrorCode.INVALID_OPTION);
    expect((await rejectionOf(issueServerCertificate(ca, { ipAddresses: ['localhost'] }))).code).toBe(PkiErrorCode.INVALID_OPTION);
    expect((await rejectionOf(issueServerCertificate(ca, { dnsNames: ['bad name'] }))).code).toBe(PkiErrorCode.INVALID_OPTION);
  });
});

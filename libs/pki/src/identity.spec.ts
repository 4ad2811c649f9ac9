import {
  createCertificateAuthority,
  identityOf,
  initPkiDirectory,
  issueIdentityInDirectory,
  issueOperatorCertificate,
  issueServerCertificate,
  issueServiceCertificate,
  issueSystemCertificate,
  loadCredentialFiles,
  PkiErrorCode,
  pkiPaths,
  readTlsIdentity,
  type IssuedCredential,
} from '@vdx/pki';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NOW = new Date('2026-06-01T00:00:00Z');

describe('identities on the internal APIs', () => {
  let ca: IssuedCredential;
  beforeAll(async () => {
    ca = await createCertificateAuthority({ now: NOW });
  });

  it('a service identity names urn:vdx:service:<name>, serves and calls (serverAuth and clientAuth), and answers on localhost and 127.0.0.1', async () => {
    const cert = await issueServiceCertificate(ca, { service: 'directory', now: NOW });
    expect(identityOf(cert.certPem)).toEqual({ kind: 'service', name: 'directory' });
    const parsed = new X509Certificate(cert.certPem);
    expect(parsed.subjectAltName?.split(', ').sort()).toEqual(['DNS:directory', 'DNS:localhost', 'IP Address:127.0.0.1', 'URI:urn:vdx:service:directory']);
    expect(parsed.keyUsage?.sort()).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(parsed.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });

  it('an operator identity names urn:vdx:operator:<name> and only calls (clientAuth)', async () => {
    const cert = await issueOperatorCertificate(ca, { operator: 'on-call', now: NOW });
    expect(identityOf(cert.certPem)).toEqual({ kind: 'operator', name: 'on-call' });
    expect(new X509Certificate(cert.certPem).keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });

  it('tells a connected system apart, and never reads an identity from the CN alone', async () => {
    expect(identityOf((await issueSystemCertificate(ca, { systemId: 'gateway', now: NOW })).certPem)).toEqual({ kind: 'system', name: 'gateway' });
    // The gateway's exchange.v1 server certificate: CN=localhost, no urn:vdx: URI.
    expect(identityOf((await issueServerCertificate(ca, { now: NOW })).certPem)).toBeNull();
  });

  it('refuses a malformed service or operator name with PKI.INVALID_NAME', async () => {
    await expect(issueServiceCertificate(ca, { service: '../ca' })).rejects.toMatchObject({ code: PkiErrorCode.INVALID_NAME });
    await expect(issueOperatorCertificate(ca, { operator: '' })).rejects.toMatchObject({ code: PkiErrorCode.INVALID_NAME });
    await expect(issueServiceCertificate(ca, { service: 'gateway', ipAddresses: ['not-an-ip'] })).rejects.toMatchObject({ code: PkiErrorCode.INVALID_OPTION });
  });
});

describe('identities in a PKI directory', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vdx-identity-'));
    dir = join(root, 'pki');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('init issues every internal service identity and the local operator, keeps them on a second run, and replaces one that is wrong', async () => {
    const first = await initPkiDirectory(dir);
    expect([...first.identitiesIssued].sort()).toEqual(['operators/operator', 'services/delivery', 'services/directory', 'services/gateway', 'services/legacy-edge', 'services/statistics']);
    for (const service of ['gateway', 'directory', 'delivery', 'legacy-edge', 'statistics']) expect(identityOf(loadCredentialFiles(dir, `services/${service}`).certPem)).toEqual({ kind: 'service', name: service });
    expect((await initPkiDirectory(dir)).identitiesIssued).toEqual([]);
    // A system's certificate where the directory's identity belongs is not kept.
    const paths = pkiPaths(dir);
    const system = await issueSystemCertificate(first.ca, { systemId: 'directory' });
    writeFileSync(paths.service('directory').certPath, system.certPem);
    writeFileSync(paths.service('directory').keyPath, system.keyPem);
    expect((await initPkiDirectory(dir)).identitiesIssued).toEqual(['services/directory']);
    expect(identityOf(readFileSync(paths.service('directory').certPath))).toEqual({ kind: 'service', name: 'directory' });
  });

  it('issues another identity on request, refuses to overwrite it without force, and needs a CA', async () => {
    await expect(issueIdentityInDirectory(dir, 'operator', 'alice')).rejects.toMatchObject({ code: PkiErrorCode.NOT_FOUND });
    await initPkiDirectory(dir);
    const alice = await issueIdentityInDirectory(dir, 'operator', 'alice');
    expect(alice.certPath).toBe(join(pkiPaths(dir).operatorsDir, 'alice.crt'));
    expect(identityOf(alice.certPem)).toEqual({ kind: 'operator', name: 'alice' });
    await expect(issueIdentityInDirectory(dir, 'operator', 'alice')).rejects.toMatchObject({ code: PkiErrorCode.EXISTS });
    expect((await issueIdentityInDirectory(dir, 'operator', 'alice', { force: true })).fingerprint).not.toBe(alice.fingerprint);
    expect(identityOf((await issueIdentityInDirectory(dir, 'service', 'signature')).certPem)).toEqual({ kind: 'service', name: 'signature' });
  });

  it('readTlsIdentity checks the identity, the key and the issuer before anything dials with them', async () => {
    await initPkiDirectory(dir);
    const paths = pkiPaths(dir);
    const files = (kind: 'services' | 'operators', name: string) => ({ certPath: join(dir, kind, `${name}.crt`), keyPath: join(dir, kind, `${name}.key`), caPath: paths.ca.certPath });
    expect(readTlsIdentity(files('services', 'gateway'), { kind: 'service', name: 'gateway' }).identity).toEqual({ kind: 'service', name: 'gateway' });
    expect(() => readTlsIdentity(files('services', 'gateway'), { kind: 'service', name: 'delivery' })).toThrow(expect.objectContaining({ code: PkiErrorCode.WRONG_IDENTITY, message: expect.stringContaining('is service:gateway, not service:delivery') }));
    expect(() => readTlsIdentity(files('operators', 'operator'), { kind: 'service', name: 'gateway' })).toThrow(expect.objectContaining({ code: PkiErrorCode.WRONG_IDENTITY }));
    expect(() => readTlsIdentity({ ...files('services', 'gateway'), keyPath: files('services', 'delivery').keyPath }, { kind: 'service', name: 'gateway' })).toThrow(expect.objectContaining({ code: PkiErrorCode.BAD_CERTIFICATE, message: expect.stringContaining('is not the key of') }));
    const other = await createCertificateAuthority({});
    writeFileSync(join(root, 'other-ca.crt'), other.certPem);
    expect(() => readTlsIdentity({ ...files('services', 'gateway'), caPath: join(root, 'other-ca.crt') }, { kind: 'service' })).toThrow(expect.objectContaining({ code: PkiErrorCode.BAD_CERTIFICATE, message: expect.stringContaining('was not issued by the CA') }));
    // A bundle of the old and the new CA, as during a CA rotation, is accepted.
    writeFileSync(join(root, 'bundle.crt'), `${other.certPem}${readFileSync(paths.ca.certPath, 'utf8')}`);
    expect(readTlsIdentity({ ...files('services', 'gateway'), caPath: join(root, 'bundle.crt') }, { kind: 'service' }).identity.name).toBe('gateway');
    expect(() => readTlsIdentity(files('operators', 'nobody'), { kind: 'operator' })).toThrow(expect.objectContaining({ code: PkiErrorCode.NOT_FOUND, message: expect.stringContaining('nobody.crt') }));
  });

  it('readTlsIdentity refuses a CA file that holds no PEM certificate, or a damaged one', async () => {
    await initPkiDirectory(dir);
    const gateway = { certPath: join(dir, 'services', 'gateway.crt'), keyPath: join(dir, 'services', 'gateway.key') };
    writeFileSync(join(root, 'empty-ca.crt'), 'not a certificate\n');
    expect(() => readTlsIdentity({ ...gateway, caPath: join(root, 'empty-ca.crt') }, { kind: 'service' })).toThrow(
      expect.objectContaining({ name: 'PkiError', code: PkiErrorCode.BAD_CERTIFICATE, message: `${join(root, 'empty-ca.crt')} holds no PEM certificate` }),
    );
    writeFileSync(join(root, 'damaged-ca.crt'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(() => readTlsIdentity({ ...gateway, caPath: join(root, 'damaged-ca.crt') }, { kind: 'service' })).toThrow(
      expect.objectContaining({ code: PkiErrorCode.BAD_CERTIFICATE, message: expect.stringContaining('is not a readable PEM certificate') }),
    );
  });
});

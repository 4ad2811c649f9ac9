import { initPkiDirectory, issueSystemInDirectory, loadCredentialFiles, PkiError, PkiErrorCode, pkiPaths, systemIdOf } from '@vdx/pki';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function rejectionOf(p: Promise<unknown>): Promise<PkiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PkiError) return e;
    throw e;
  }
  throw new Error('expected a PkiError');
}

describe('PKI directory', () => {
  let root: string;
  let dir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vdx-pki-'));
    dir = join(root, 'pki');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('init creates the CA and server credential with private keys at mode 0600', async () => {
    const r = await initPkiDirectory(dir);
    expect(r.created).toBe(true);
    expect(r.serverIssued).toBe(true);
    const paths = pkiPaths(dir);
    expect(readFileSync(paths.ca.certPath, 'utf8')).toBe(r.ca.certPem);
    expect(readFileSync(paths.server.keyPath, 'utf8')).toBe(r.server.keyPem);
    for (const key of [paths.ca.keyPath, paths.server.keyPath]) expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(new X509Certificate(r.server.certPem).checkIssued(new X509Certificate(r.ca.certPem))).toBe(true);
  });

  it('init twice reuses the CA and the server certificate', async () => {
    const first = await initPkiDirectory(dir);
    const second = await initPkiDirectory(dir);
    expect(second.created).toBe(false);
    expect(second.serverIssued).toBe(false);
    expect(second.ca.fingerprint).toBe(first.ca.fingerprint);
    expect(second.server.fingerprint).toBe(first.server.fingerprint);
  });

  it('init reissues a missing server certificate, and force replaces the CA', async () => {
    const first = await initPkiDirectory(dir);
    unlinkSync(pkiPaths(dir).server.certPath);
    const second = await initPkiDirectory(dir);
    expect(second).toMatchObject({ created: false, serverIssued: true });
    expect(second.ca.fingerprint).toBe(first.ca.fingerprint);
    expect(second.server.fingerprint).not.toBe(first.server.fingerprint);
    const forced = await initPkiDirectory(dir, { force: true });
    expect(forced).toMatchObject({ created: true, serverIssued: true });
    expect(forced.ca.fingerprint).not.toBe(first.ca.fingerprint);
  });

  it('init refuses a CA key that does not match the certificate with PKI.BAD_CA', async () => {
    await initPkiDirectory(dir);
    const paths = pkiPaths(dir);
    writeFileSync(paths.ca.keyPath, readFileSync(paths.server.keyPath));
    expect((await rejectionOf(initPkiDirectory(dir))).code).toBe(PkiErrorCode.BAD_CA);
  });

  it('issue without a CA is PKI.NOT_FOUND', async () => {
    expect((await rejectionOf(issueSystemInDirectory(dir, 'qlvb-tayninh'))).code).toBe(PkiErrorCode.NOT_FOUND);
  });

  it('issue writes systems/<id>.crt and .key; a second issue is PKI.EXISTS unless forced', async () => {
    const { ca } = await initPkiDirectory(dir);
    const issued = await issueSystemInDirectory(dir, 'qlvb-tayninh');
    expect(issued.certPath).toBe(join(pkiPaths(dir).systemsDir, 'qlvb-tayninh.crt'));
    expect(statSync(issued.keyPath).mode & 0o777).toBe(0o600);
    expect(systemIdOf(readFileSync(issued.certPath, 'utf8'))).toBe('qlvb-tayninh');
    expect(new X509Certificate(issued.certPem).checkIssued(new X509Certificate(ca.certPem))).toBe(true);

    expect((await rejectionOf(issueSystemInDirectory(dir, 'qlvb-tayninh'))).code).toBe(PkiErrorCode.EXISTS);
    const again = await issueSystemInDirectory(dir, 'qlvb-tayninh', { force: true });
    expect(again.fingerprint).not.toBe(issued.fingerprint);
  });

  it('issue refuses an invalid system id before touching the disk', async () => {
    expect((await rejectionOf(issueSystemInDirectory(dir, '../ca'))).code).toBe(PkiErrorCode.INVALID_SYSTEM_ID);
  });

  it('loadCredentialFiles reads a credential with the CA, or PKI.NOT_FOUND', async () => {
    const { ca, server } = await initPkiDirectory(dir);
    const system = await issueSystemInDirectory(dir, 'qlvb-tayninh');
    expect(loadCredentialFiles(dir, 'server')).toEqual({ certPem: server.certPem, keyPem: server.keyPem, caPem: ca.certPem });
    expect(loadCredentialFiles(dir, 'systems/qlvb-tayninh')).toEqual({ certPem: system.certPem, keyPem: system.keyPem, caPem: ca.certPem });
    expect(() => loadCredentialFiles(dir, 'systems/other')).toThrow(expect.objectContaining({ code: PkiErrorCode.NOT_FOUND }));
    expect(() => loadCredentialFiles(dir, 'systems/../ca')).toThrow(expect.objectContaining({ code: PkiErrorCode.INVALID_SYSTEM_ID }));
  });
});

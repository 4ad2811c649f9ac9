import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pkiSigning, SIGNING_ROLES } from './pki';

// `vdx pki signing` writes a hierarchy OpenSSL accepts as one: each signer chains to the root
// through the intermediate, the TSA and the OCSP responder carry their extended key usages.
describe('vdx pki signing', () => {
  let dir: string;
  const quiet = { json: true, force: false, key: 'ecdsa-p256' };
  let stdout: jest.SpyInstance;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vdx-pki-signing-'));
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every role, keys readable by the owner only, and trust-anchor bundles OpenSSL verifies the signers and the TSA against', async () => {
    const out = await pkiSigning({ ...quiet, dir: join(dir, 'signing'), agency: 'Sở Tài chính', person: 'Trần Thị Bình' });
    expect(Object.keys(out.certificates)).toEqual([...SIGNING_ROLES]);
    expect(JSON.parse(String(stdout.mock.calls[0]?.[0]))).toEqual(JSON.parse(JSON.stringify(out)));
    for (const role of SIGNING_ROLES) expect(statSync(out.certificates[role]!.keyPath).mode & 0o777).toBe(0o600);
    expect(out.certificates['organisational']?.subject).toContain('Sở Tài chính');
    expect(out.certificates['personal']?.subject).toContain('Trần Thị Bình');
    const verify = (role: string) => execFileSync('openssl', ['verify', '-CAfile', out.trustAnchors, '-untrusted', out.certificates['intermediate']!.certPath, out.certificates[role]!.certPath], { encoding: 'utf8' }).trim();
    for (const role of ['personal', 'organisational', 'tsa', 'ocsp']) expect(verify(role)).toBe(`${out.certificates[role]!.certPath}: OK`);
    const text = (role: string) => execFileSync('openssl', ['x509', '-noout', '-text', '-in', out.certificates[role]!.certPath], { encoding: 'utf8' });
    expect(text('tsa')).toMatch(/Extended Key Usage: critical\s+Time Stamping/);
    expect(text('ocsp')).toMatch(/OCSP Signing/);
    expect(readFileSync(out.trustAnchors, 'utf8')).toBe(readFileSync(out.certificates['root']!.certPath, 'utf8'));
    // The TSA bundle: the sandbox TSA is under the same root, so it holds that root too.
    expect(out.tsaTrustAnchors).toBe(join(out.dir, 'tsa-trust-anchors.pem'));
    expect(readFileSync(out.tsaTrustAnchors, 'utf8')).toBe(readFileSync(out.certificates['root']!.certPath, 'utf8'));
    expect(execFileSync('openssl', ['verify', '-CAfile', out.tsaTrustAnchors, '-untrusted', out.certificates['intermediate']!.certPath, '-purpose', 'timestampsign', out.certificates['tsa']!.certPath], { encoding: 'utf8' }).trim()).toBe(`${out.certificates['tsa']!.certPath}: OK`);
  }, 30_000);

  it('refuses to replace a hierarchy without --force (PKI.EXISTS), and a key type it does not make (PKI.INVALID_OPTION)', async () => {
    const first = await pkiSigning({ ...quiet, dir });
    await expect(pkiSigning({ ...quiet, dir })).rejects.toMatchObject({ code: 'PKI.EXISTS', path: 'dir' });
    expect(readFileSync(first.certificates['root']!.certPath, 'utf8')).toContain('BEGIN CERTIFICATE');
    const replaced = await pkiSigning({ ...quiet, dir, force: true });
    expect(replaced.certificates['root']?.fingerprint).not.toBe(first.certificates['root']?.fingerprint);
    await expect(pkiSigning({ ...quiet, dir: join(dir, 'other'), key: 'dsa-1024' })).rejects.toMatchObject({ code: 'PKI.INVALID_OPTION', path: 'key' });
  }, 30_000);
});

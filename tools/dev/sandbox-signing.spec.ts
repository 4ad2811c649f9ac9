import { certificateFingerprint } from '@vdx/pki';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signatureConfigSchema, verificationSettingsOf } from '../../apps/signature/src/config';
import { ensureSandboxSigning, LOCAL_NETWORK_TIMEOUT_MS, LOCAL_PACKAGE_BUDGET_MS, sandboxSignatureEnv, signatureLines, type SandboxSigning } from './sandbox-signing';

// `npm start` runs the signature service with the cryptographic verifier against a sandbox
// signing hierarchy it makes once and then reuses, with look-up bounds that keep a silent
// server from holding the local pipeline; the developer's own settings win.
describe('the sandbox signing of npm start', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vdx-sandbox-signing-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const base = { KAFKA_BROKERS: '127.0.0.1:19092', MONGO_URL: 'mongodb://127.0.0.1:27018/' };

  it('makes the hierarchy once, then reuses it untouched', async () => {
    const signingDir = join(dir, 'pki/signing');
    const first = await ensureSandboxSigning(signingDir);
    expect(first).toEqual({
      dir: signingDir,
      created: true,
      trustAnchors: join(signingDir, 'trust-anchors.pem'),
      tsaTrustAnchors: join(signingDir, 'tsa-trust-anchors.pem'),
      rootFingerprint: certificateFingerprint(readFileSync(join(signingDir, 'root.crt'), 'utf8')),
    });
    for (const role of ['personal', 'organisational', 'tsa', 'ocsp']) expect(statSync(join(signingDir, `${role}.key`)).mode & 0o777).toBe(0o600);
    const written = statSync(join(signingDir, 'root.key')).mtimeMs;
    const again = await ensureSandboxSigning(signingDir);
    expect(again).toEqual({ ...first, created: false });
    expect(statSync(join(signingDir, 'root.key')).mtimeMs).toBe(written);
  }, 30_000);

  it('reuses a directory without a TSA bundle, and refuses unreadable trust anchors with a coded error', async () => {
    const signingDir = join(dir, 'signing');
    const first = await ensureSandboxSigning(signingDir);
    rmSync(first.tsaTrustAnchors!);
    const without = await ensureSandboxSigning(signingDir);
    expect(without).toMatchObject({ created: false, tsaTrustAnchors: null });
    expect(sandboxSignatureEnv(without, {})).not.toHaveProperty('SIGNATURE_TSA_TRUST_ANCHORS_PATH');
    writeFileSync(first.trustAnchors, 'not a certificate\n');
    await expect(ensureSandboxSigning(signingDir)).rejects.toMatchObject({ code: 'DEV.SANDBOX_SIGNING_UNREADABLE', path: first.trustAnchors });
  }, 30_000);

  const sandbox: SandboxSigning = { dir: '/repo/.local/pki/signing', created: false, trustAnchors: '/repo/.local/pki/signing/trust-anchors.pem', tsaTrustAnchors: '/repo/.local/pki/signing/tsa-trust-anchors.pem', rootFingerprint: 'ab'.repeat(32) };

  it('sets the cryptographic verifier, the sandbox bundles and bounded look-ups, which the config schema accepts', () => {
    const env = sandboxSignatureEnv(sandbox, {});
    expect(env).toEqual({
      SIGNATURE_VERIFIER: 'cryptographic',
      SIGNATURE_TRUST_ANCHORS_PATH: sandbox.trustAnchors,
      SIGNATURE_TSA_TRUST_ANCHORS_PATH: sandbox.tsaTrustAnchors,
      SIGNATURE_NETWORK_TIMEOUT_MS: String(LOCAL_NETWORK_TIMEOUT_MS),
      SIGNATURE_PACKAGE_BUDGET_MS: String(LOCAL_PACKAGE_BUDGET_MS),
    });
    const settings = verificationSettingsOf(signatureConfigSchema.parse({ ...base, ...env }));
    expect(settings).toMatchObject({ mode: 'cryptographic', trustAnchorsPath: sandbox.trustAnchors, tsaTrustAnchorsPath: sandbox.tsaTrustAnchors, requestTimeoutMs: 2000, packageBudgetMs: 5000, refuse: [] });
    // A look-up that gets no answer is cut well within the service's own bounds.
    expect(LOCAL_NETWORK_TIMEOUT_MS).toBeLessThan(signatureConfigSchema.parse(base).SIGNATURE_NETWORK_TIMEOUT_MS);
    expect(LOCAL_PACKAGE_BUDGET_MS).toBeLessThan(signatureConfigSchema.parse(base).SIGNATURE_PACKAGE_BUDGET_MS);
  });

  it("leaves the developer's settings theirs: the verifier, the bounds, and trust anchors with their own TSA bundle or none", () => {
    expect(sandboxSignatureEnv(sandbox, { SIGNATURE_VERIFIER: 'integrity', SIGNATURE_NETWORK_TIMEOUT_MS: '5000', SIGNATURE_PACKAGE_BUDGET_MS: '' })).toEqual({
      SIGNATURE_TRUST_ANCHORS_PATH: sandbox.trustAnchors,
      SIGNATURE_TSA_TRUST_ANCHORS_PATH: sandbox.tsaTrustAnchors,
      SIGNATURE_PACKAGE_BUDGET_MS: String(LOCAL_PACKAGE_BUDGET_MS),
    });
    const own = sandboxSignatureEnv(sandbox, { SIGNATURE_TRUST_ANCHORS_PATH: '/etc/roots.pem' });
    expect(own).toEqual({ SIGNATURE_VERIFIER: 'cryptographic', SIGNATURE_NETWORK_TIMEOUT_MS: '2000', SIGNATURE_PACKAGE_BUDGET_MS: '5000' });
    expect(sandboxSignatureEnv(sandbox, { SIGNATURE_TSA_TRUST_ANCHORS_PATH: '/etc/tsa.pem' })).not.toHaveProperty('SIGNATURE_TSA_TRUST_ANCHORS_PATH');
  });

  it('says which verifier runs, against what, and what the missing revocation servers mean', () => {
    const lines = signatureLines(sandbox, sandboxSignatureEnv(sandbox, {}), {}, '/repo');
    expect(lines).toEqual([
      `signing sandbox in .local/pki/signing: reusing the hierarchy (root fingerprint ${'ab'.repeat(32)})`,
      "signature verifies every signature against the sandbox's .local/pki/signing/trust-anchors.pem (SIGNATURE_VERIFIER=cryptographic)",
      'the sandbox names no OCSP or CRL server: revocation of its signers is unavailable, so a good signature of theirs is unknown (indeterminate), and its package is delivered; look-ups elsewhere are cut at 2000 ms each, 5000 ms a package',
    ]);
    const refusing = { SIGNATURE_REFUSE: 'invalid, indeterminate' };
    expect(signatureLines(sandbox, sandboxSignatureEnv(sandbox, refusing), refusing, '/repo')[2]).toContain('and SIGNATURE_REFUSE=indeterminate refuses its package');
    const integrity = { SIGNATURE_VERIFIER: 'integrity' };
    expect(signatureLines(sandbox, sandboxSignatureEnv(sandbox, integrity), integrity, '/repo')[1]).toBe('signature runs SIGNATURE_VERIFIER=integrity (set in the environment): signatures are not verified');
  });
});

import { ConfigError, loadConfig } from '@vdx/config';
import { VerificationConfigError } from '@vdx/signature-feature';
import { signatureConfigSchema, verificationSettingsOf, type SignatureConfig } from './config';

const base = { KAFKA_BROKERS: '127.0.0.1:29092', MONGO_URL: 'mongodb://127.0.0.1:27028/' };
const load = (env: Record<string, string>): SignatureConfig => loadConfig('signature', signatureConfigSchema, { ...base, ...env });
const problems = (env: Record<string, string>): readonly string[] => {
  try {
    load(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('signature service configuration', () => {
  it('defaults to the integrity verifier', () => {
    const c = load({});
    expect([c.SIGNATURE_VERIFIER, c.HTTP_PORT, c.SIGNATURE_REFUSE, c.SIGNATURE_KEEP_EVIDENCE, c.SIGNATURE_REQUIRE_TIMESTAMP]).toEqual(['integrity', 3003, [], true, false]);
    expect(verificationSettingsOf(c)).toEqual({ mode: 'integrity' });
  });

  it('maps every cryptographic setting: lists split and trimmed, megabytes to bytes, flags to booleans', () => {
    const c = load({
      SIGNATURE_VERIFIER: 'cryptographic',
      SIGNATURE_TRUST_ANCHORS_PATH: '/etc/vdx/anchors.pem',
      SIGNATURE_TSA_TRUST_ANCHORS_PATH: '/etc/vdx/tsa-anchors.pem',
      SIGNATURE_INTERMEDIATES_PATH: '/etc/vdx/intermediates.pem',
      SIGNATURE_RULES_PATH: '/etc/vdx/rules.json',
      SIGNATURE_REFUSE: ' invalid, unsigned ,',
      SIGNATURE_REQUIRE_TIMESTAMP: 'true',
      SIGNATURE_MAX_VERIFY_MB: '8',
      SIGNATURE_SPOOL_DIR: '/var/spool/vdx',
      SIGNATURE_NETWORK_ALLOWED_HOSTS: 'ocsp.ca.gov.vn,*.neac.gov.vn',
      SIGNATURE_NETWORK_TIMEOUT_MS: '1500',
      SIGNATURE_PACKAGE_BUDGET_MS: '9000',
      SIGNATURE_KEEP_EVIDENCE: 'false',
    });
    expect(verificationSettingsOf(c)).toEqual({
      mode: 'cryptographic',
      trustAnchorsPath: '/etc/vdx/anchors.pem',
      tsaTrustAnchorsPath: '/etc/vdx/tsa-anchors.pem',
      intermediatesPath: '/etc/vdx/intermediates.pem',
      rulesPath: '/etc/vdx/rules.json',
      refuse: ['invalid', 'unsigned'],
      requireTimestamp: true,
      maxBytesInMemory: 8 * 1024 * 1024,
      spoolDir: '/var/spool/vdx',
      allowedHosts: ['ocsp.ca.gov.vn', '*.neac.gov.vn'],
      requestTimeoutMs: 1500,
      packageBudgetMs: 9000,
      keepEvidence: false,
    });
  });

  it('leaves optional files out rather than passing empty paths', () => {
    const settings = verificationSettingsOf(load({ SIGNATURE_VERIFIER: 'cryptographic', SIGNATURE_TRUST_ANCHORS_PATH: '/a.pem' }));
    expect(settings).not.toHaveProperty('tsaTrustAnchorsPath');
    expect(settings).not.toHaveProperty('intermediatesPath');
    expect(settings).not.toHaveProperty('rulesPath');
    expect(settings).not.toHaveProperty('spoolDir');
  });

  it('lists each bad value: the cryptographic verifier without anchors, an unknown verifier, refusal, flag, out-of-range numbers', () => {
    expect(problems({ SIGNATURE_VERIFIER: 'cryptographic' })).toEqual(['SIGNATURE_TRUST_ANCHORS_PATH: required when SIGNATURE_VERIFIER=cryptographic (a PEM bundle of trust anchors)']);
    expect(problems({ SIGNATURE_VERIFIER: 'cryptographic', SIGNATURE_TRUST_ANCHORS_PATH: '/a.pem', SIGNATURE_TSA_TRUST_ANCHORS_PATH: '' }).map((p) => p.split(':')[0])).toEqual(['SIGNATURE_TSA_TRUST_ANCHORS_PATH']);
    const listed = problems({ SIGNATURE_VERIFIER: 'xmldsig', SIGNATURE_REFUSE: 'invalid,revoked', SIGNATURE_KEEP_EVIDENCE: 'yes', SIGNATURE_MAX_VERIFY_MB: '0', SIGNATURE_NETWORK_TIMEOUT_MS: '50', SIGNATURE_PACKAGE_BUDGET_MS: 'soon' });
    expect(listed.map((p) => p.split(':')[0])).toEqual(['SIGNATURE_VERIFIER', 'SIGNATURE_REFUSE.1', 'SIGNATURE_MAX_VERIFY_MB', 'SIGNATURE_NETWORK_TIMEOUT_MS', 'SIGNATURE_PACKAGE_BUDGET_MS', 'SIGNATURE_KEEP_EVIDENCE']);
  });

  it('gives the coded error when a configuration built elsewhere asks for the cryptographic verifier without anchors', () => {
    const c = { ...load({}), SIGNATURE_VERIFIER: 'cryptographic' } as SignatureConfig;
    expect(() => verificationSettingsOf(c)).toThrow(VerificationConfigError);
    expect(() => verificationSettingsOf(c)).toThrow('SIGNATURE_VERIFIER=cryptographic needs SIGNATURE_TRUST_ANCHORS_PATH');
  });
});

import { recheckSettings, SignatureCommandError } from './signature';

const base = { refuse: '', requireTimestamp: false, maxVerifyMb: 2, allowedHosts: 'ocsp.ca.gov.vn, *.neac.gov.vn', timeoutMs: 1000, budgetMs: 5000, offline: false, any: false };

describe('vdx signature recheck options', () => {
  it('become the verifier settings the service would use', () => {
    expect(recheckSettings({ ...base, trustAnchors: '/a.pem', rules: '/r.json', refuse: 'invalid' })).toEqual({
      mode: 'cryptographic', trustAnchorsPath: '/a.pem', rulesPath: '/r.json', refuse: ['invalid'], requireTimestamp: false, maxBytesInMemory: 2 * 1024 * 1024,
      allowedHosts: ['ocsp.ca.gov.vn', '*.neac.gov.vn'], requestTimeoutMs: 1000, packageBudgetMs: 5000, keepEvidence: true,
    });
  });

  it('refuse a missing trust anchor bundle and an unknown status with SIGNATURE.BAD_OPTION', () => {
    const codeOf = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SignatureCommandError);
        return `${(e as SignatureCommandError).code}: ${(e as Error).message}`;
      }
      throw new Error('expected a refusal');
    };
    expect(codeOf(() => recheckSettings(base))).toBe('SIGNATURE.BAD_OPTION: --trust-anchors (or SIGNATURE_TRUST_ANCHORS_PATH) is required');
    expect(codeOf(() => recheckSettings({ ...base, trustAnchors: '/a.pem', refuse: 'invalid,revoked' }))).toBe('SIGNATURE.BAD_OPTION: --refuse: unknown status revoked (invalid, indeterminate, unsigned)');
  });
});

import { DEFAULT_CLAIMS_MAPPING } from '@vdx/statistics-domain';
import { isCodedError } from '@vdx/contracts/errors';
import { IdentityLogin, IdentityProviderConfigError, identityProviderOverHttpAllowed, type IdentityProviderSettings } from './identity-login';

// What IdentityLogin checks before it ever calls the provider (the flow itself, against a real
// provider, is identity-login.int.spec.ts).

const settingsOf = (issuer: string): IdentityProviderSettings => ({
  issuer: new URL(issuer),
  clientId: 'vdx-console',
  clientSecret: 'bi-mat-cua-console',
  redirectUri: new URL('https://thongke.example.gov.vn/statistics/v1/oidc/callback'),
  scopes: ['openid'],
  claims: DEFAULT_CLAIMS_MAPPING,
  timeoutSeconds: 5,
});

describe('IdentityLogin', () => {
  it('refuses to talk plain http to a provider that is not on this machine: STATISTICS.IDENTITY_INSECURE_ISSUER', () => {
    let refused: unknown;
    try {
      new IdentityLogin(settingsOf('http://sso.chinhphu.vn'), 's'.repeat(32));
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(IdentityProviderConfigError);
    expect(isCodedError(refused, 'STATISTICS.IDENTITY_INSECURE_ISSUER')).toBe(true);
    expect(refused).toMatchObject({ path: '', message: 'the identity provider http://sso.chinhphu.vn/ must use https (plain http only on this machine)', issuer: new URL('http://sso.chinhphu.vn/') });
  });

  it('takes a provider over https, or over plain http on this machine', () => {
    for (const issuer of ['https://sso.chinhphu.vn', 'http://127.0.0.1:4000', 'http://localhost:4000', 'http://[::1]:4000']) {
      expect(identityProviderOverHttpAllowed(new URL(issuer))).toBe(true);
      expect(() => new IdentityLogin(settingsOf(issuer), 's'.repeat(32))).not.toThrow();
    }
  });
});

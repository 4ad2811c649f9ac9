import { StatisticsError, accountOfClaims, hashPassword, parseAccounts } from '@vdx/statistics-domain';
import type { IdentityLogin } from './identity-login';
import { StatisticsIdentityController } from './identity-login.controller';
import { SESSION_COOKIE, StatisticsAccess } from './statistics-access';

// POST /statistics/v1/oidc/logout: where the browser goes after the session ends, for each kind
// of session and each answer of the provider (a fake of IdentityLogin's end-session port).

const PROVIDER_LOGOUT = 'https://sso.example.gov.vn/session/end?client_id=vdx-console&post_logout_redirect_uri=https%3A%2F%2Fthongke.example.gov.vn%2Fconsole%2F';

function answered(): { setHeader(name: string, value: string | readonly string[]): void; cookies: string[] } {
  const cookies: string[] = [];
  return { cookies, setHeader: (name, value) => name === 'Set-Cookie' && cookies.push(...[value].flat()) };
}

describe('StatisticsIdentityController.logout', () => {
  let access: StatisticsAccess;
  let passwordSession: string;
  let providerSession: string;
  let endSession: () => Promise<string | null>;
  const identity = { endSessionUrl: () => endSession() } as unknown as IdentityLogin;

  beforeAll(async () => {
    const accounts = parseAccounts([{ user: 'vpcp', role: 'central-office', passwordHash: await hashPassword('dung-mat-khau') }]);
    access = new StatisticsAccess({ accounts, sessionSecret: 'k'.repeat(32), sessionTtlMs: 60_000, secureCookie: true, identityProvider: true });
    passwordSession = (await access.login({ user: 'vpcp', password: 'dung-mat-khau' })).cookie.split(';')[0]!;
    providerSession = access.identitySession(accountOfClaims({ sub: 's1', preferred_username: 'vpcp.thongke', vdx_role: 'central-office' })).cookie.split(';')[0]!;
  });

  const logout = async (cookie: string | undefined, provider: IdentityLogin | null = identity) => {
    const res = answered();
    const answer = await new StatisticsIdentityController(access, provider).logout({ headers: cookie === undefined ? {} : { cookie }, originalUrl: '/statistics/v1/oidc/logout' }, res);
    expect(res.cookies).toEqual([expect.stringMatching(new RegExp(`^${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`))]);
    return answer.next;
  };

  it("sends a session the provider opened to the provider's end-session page", async () => {
    endSession = async () => PROVIDER_LOGOUT;
    expect([access.sessionOrigin(providerSession), await logout(providerSession)]).toEqual(['identity-provider', PROVIDER_LOGOUT]);
  });

  it('sends a password session, no session, a forged one, and a provider without logout back to the console', async () => {
    endSession = async () => PROVIDER_LOGOUT;
    expect([access.sessionOrigin(passwordSession), await logout(passwordSession)]).toEqual(['password', '/console/']);
    expect(await logout(undefined)).toBe('/console/');
    expect([access.sessionOrigin(`${providerSession}x`), await logout(`${providerSession}x`)]).toEqual([null, '/console/']);
    expect(await logout(providerSession, null)).toBe('/console/');
    endSession = async () => null;
    expect(await logout(providerSession)).toBe('/console/');
  });

  it('ends the session here and says so with the code when the provider does not answer', async () => {
    endSession = async () => {
      throw new StatisticsError('STATISTICS.IDENTITY_UNAVAILABLE', 'the identity provider did not answer its discovery');
    };
    expect(await logout(providerSession)).toBe('/console/#login-error=STATISTICS.IDENTITY_UNAVAILABLE');
  });
});

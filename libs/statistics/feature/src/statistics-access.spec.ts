import { HttpException } from '@nestjs/common';
import { accountOfClaims, hashPassword, parseAccounts, parseQuery, signSession } from '@vdx/statistics-domain';
import { isCodedError } from '@vdx/contracts/errors';
import { IDENTITY_COOKIE, SESSION_COOKIE, StatisticsAccess, TooManyLogins, cookieValue } from './statistics-access';
import { StatisticsController } from './statistics.controller';
import type { StatisticsReports } from './statistics-reports';

const refusal = (fn: () => unknown): [number, string] | 'allowed' => {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof HttpException)) throw err;
    return [err.getStatus(), (err.getResponse() as { error: { code: string } }).error.code];
  }
  return 'allowed';
};

describe('StatisticsAccess', () => {
  let now = 1_000_000;
  let access: StatisticsAccess;

  beforeAll(async () => {
    const passwordHash = await hashPassword('dung-mat-khau');
    const accounts = parseAccounts([
      { user: 'tayninh', role: 'agency-admin', agency: '000.00.00.H53', passwordHash },
      { user: 'vpcp', role: 'central-office', passwordHash },
    ]);
    access = new StatisticsAccess({ accounts, sessionSecret: 'k'.repeat(32), sessionTtlMs: 60_000, secureCookie: true }, () => now);
  });

  it('sets an HttpOnly, SameSite=Strict, Secure cookie that expires with the session', async () => {
    const { principal, cookie } = await access.login({ user: 'tayninh', password: 'dung-mat-khau' });
    expect(principal).toEqual({ user: 'tayninh', role: 'agency-admin', agency: '000.00.00.H53' });
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[\\w-]+\\.[\\w-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure$`));
    const header = `other=1; ${cookie.split(';')[0]!}`;
    expect(access.account(header)?.user).toBe('tayninh');
    now += 60_000;
    expect(refusal(() => access.account(header))).toEqual([401, 'STATISTICS.SESSION_INVALID']);
  });

  it('answers 401 without a cookie, 400 for a bad body, 401 for bad credentials', async () => {
    expect(refusal(() => access.account(undefined))).toEqual([401, 'STATISTICS.LOGIN_REQUIRED']);
    expect(refusal(() => access.account(`${SESSION_COOKIE}=`))).toEqual([401, 'STATISTICS.LOGIN_REQUIRED']);
    await expect(access.login('user=vpcp')).rejects.toMatchObject({ response: { error: { code: 'STATISTICS.BAD_LOGIN_BODY' } } });
    await expect(access.login({ user: 'vpcp', password: 'sai' })).rejects.toMatchObject({ status: 401, response: { error: { code: 'STATISTICS.BAD_CREDENTIALS' } } });
    await expect(access.login({ user: 'khong-co', password: 'dung-mat-khau' })).rejects.toMatchObject({ status: 401, response: { error: { code: 'STATISTICS.BAD_CREDENTIALS' } } });
  });

  it('answers 403 with the coded reason outside the scope', async () => {
    const { cookie } = await access.login({ user: 'tayninh', password: 'dung-mat-khau' });
    const account = access.account(cookie.split(';')[0]);
    expect(refusal(() => access.authorize(account, parseQuery('report', { from: '2025-07' })))).toEqual([403, 'STATISTICS.OUTSIDE_SCOPE']);
    expect(refusal(() => access.authorize(account, parseQuery('report', { from: '2025-07', agency: '000.00.32.H53' })))).toBe('allowed');
  });

  it('refuses a log-in with 429 TOO_MANY_LOGINS after the failures allowed per user and per address, without checking the password', async () => {
    let clock = 5_000_000;
    const passwordHash = await hashPassword('dung-mat-khau');
    const accounts = parseAccounts([
      { user: 'vpcp', role: 'central-office', passwordHash },
      { user: 'tayninh', role: 'agency-admin', agency: '000.00.00.H53', passwordHash },
    ]);
    const limited = new StatisticsAccess({ accounts, sessionSecret: 'k'.repeat(32), sessionTtlMs: 60_000, secureCookie: false, loginLimits: { maxFailuresPerUser: 2, maxFailuresPerAddress: 3, windowMs: 60_000 } }, () => clock);
    const wrong = (user: string, address: string) => limited.login({ user, password: 'sai' }, address);
    await expect(wrong('vpcp', '10.0.0.1')).rejects.toMatchObject({ status: 401, response: { error: { code: 'STATISTICS.BAD_CREDENTIALS' } } });
    await expect(wrong('vpcp', '10.0.0.2')).rejects.toMatchObject({ status: 401 });
    // The third try for the user, even with the right password and from a fresh address.
    clock += 20_000;
    const throttled = await limited.login({ user: 'vpcp', password: 'dung-mat-khau' }, '10.0.0.3').catch((err: unknown) => err);
    expect(throttled).toBeInstanceOf(TooManyLogins);
    expect(isCodedError(throttled, 'STATISTICS.TOO_MANY_LOGINS')).toBe(true);
    expect(throttled).toMatchObject({ code: 'STATISTICS.TOO_MANY_LOGINS', path: '', retryAfterSeconds: 40, limit: 'user', message: 'too many failed log-ins for this user: try again in 40 s' });
    // Per address: three names tried from one address, then any name is refused there.
    await expect(wrong('khong-co-1', '192.0.2.9')).rejects.toMatchObject({ status: 401 });
    await expect(wrong('khong-co-2', '192.0.2.9')).rejects.toMatchObject({ status: 401 });
    await expect(wrong('tayninh', '192.0.2.9')).rejects.toMatchObject({ status: 401 });
    await expect(limited.login({ user: 'tayninh', password: 'dung-mat-khau' }, '192.0.2.9')).rejects.toMatchObject({ code: 'STATISTICS.TOO_MANY_LOGINS', limit: 'address', message: expect.stringContaining('from this address') });
    await expect(limited.login({ user: 'tayninh', password: 'dung-mat-khau' }, '10.0.0.9')).resolves.toMatchObject({ principal: { user: 'tayninh' } });
    // Once the window has passed, the user logs in again.
    clock += 40_000;
    await expect(limited.login({ user: 'vpcp', password: 'dung-mat-khau' }, '10.0.0.3')).resolves.toMatchObject({ principal: { user: 'vpcp' } });
    // A bad body is a 400, never counted.
    for (let i = 0; i < 5; i++) await expect(limited.login({ user: 'vpcp' }, '10.0.0.3')).rejects.toMatchObject({ status: 400 });
  });

  it('answers a throttled log-in over HTTP with 429, Retry-After and the seconds to wait in the body', async () => {
    let clock = 9_000_000;
    const accounts = parseAccounts([{ user: 'vpcp', role: 'central-office', passwordHash: await hashPassword('dung-mat-khau') }]);
    const limited = new StatisticsAccess({ accounts, sessionSecret: 'k'.repeat(32), sessionTtlMs: 60_000, secureCookie: false, loginLimits: { maxFailuresPerUser: 1, maxFailuresPerAddress: 10, windowMs: 60_000 } }, () => clock);
    const controller = new StatisticsController({} as StatisticsReports, limited);
    const headers: Record<string, string> = {};
    const res = { setHeader: (name: string, value: string) => void (headers[name] = value) };
    const req = { headers: {}, ip: '10.0.0.1' };
    await expect(controller.login({ user: 'vpcp', password: 'sai' }, req, res)).rejects.toMatchObject({ status: 401 });
    expect(headers).toEqual({});
    clock += 15_000;
    const answer = await controller.login({ user: 'vpcp', password: 'dung-mat-khau' }, req, res).catch((err: unknown) => err);
    expect(answer).toBeInstanceOf(HttpException);
    const http = answer as HttpException;
    expect(http.getStatus()).toBe(429);
    expect(http.getResponse()).toEqual({ error: { code: 'STATISTICS.TOO_MANY_LOGINS', parameter: null, message: 'too many failed log-ins for this user: try again in 45 s', retryAfterSeconds: 45 } });
    expect(JSON.stringify(http.getResponse())).toBe('{"error":{"code":"STATISTICS.TOO_MANY_LOGINS","parameter":null,"message":"too many failed log-ins for this user: try again in 45 s","retryAfterSeconds":45}}');
    expect(headers).toEqual({ 'Retry-After': '45' });
  });

  it('is open when no account is configured', () => {
    const open = new StatisticsAccess({ accounts: [], sessionSecret: 'k'.repeat(32), sessionTtlMs: 60_000, secureCookie: false });
    expect(open.required).toBe(false);
    expect(open.account(undefined)).toBeNull();
    expect(refusal(() => open.authorize(null, parseQuery('report', { from: '2025-07' })))).toBe('allowed');
  });

  it("keeps an identity provider user's role and agency in the session, checked on every call", () => {
    const sso = new StatisticsAccess({ accounts: [], sessionSecret: 'k'.repeat(32), sessionTtlMs: 60_000, secureCookie: false, identityProvider: true }, () => now);
    expect([sso.required, sso.methods]).toEqual([true, { password: false, identityProvider: true }]);
    const { principal, cookie } = sso.identitySession(accountOfClaims({ sub: 's1', preferred_username: 'qtv.tayninh', vdx_role: 'agency-admin', vdx_agency: '000.00.00.H53' }));
    expect(principal).toEqual({ user: 'qtv.tayninh', role: 'agency-admin', agency: '000.00.00.H53' });
    const account = sso.account(cookie.split(';')[0]);
    expect([account?.user, account?.role, account?.agency?.toString()]).toEqual(['qtv.tayninh', 'agency-admin', '000.00.00.H53']);
    expect(refusal(() => sso.authorize(account, parseQuery('report', { from: '2025-07' })))).toEqual([403, 'STATISTICS.OUTSIDE_SCOPE']);
    // The log-in's own cookie: sent back on the provider's cross-site redirect, for its path only.
    expect(sso.identityCookie('tx', 600)).toBe(`${IDENTITY_COOKIE}=tx; Path=/statistics/v1/oidc; HttpOnly; SameSite=Lax; Max-Age=600`);
    // Such a session is refused once the service no longer uses a provider, and a signed one without an admin's agency.
    expect(refusal(() => access.account(cookie.split(';')[0]))).toEqual([401, 'STATISTICS.SESSION_INVALID']);
    const noAgency = signSession('k'.repeat(32), 'x', now + 60_000, { role: 'agency-admin', agency: null });
    expect(refusal(() => sso.account(`${SESSION_COOKIE}=${noAgency}`))).toEqual([401, 'STATISTICS.SESSION_INVALID']);
  });

  it('reads one cookie out of a header', () => {
    expect(cookieValue('a=1; b = 2 ;c=3', 'b')).toBe('2');
    expect(cookieValue('a=1', 'b')).toBeNull();
    expect(cookieValue(undefined, 'b')).toBeNull();
  });
});

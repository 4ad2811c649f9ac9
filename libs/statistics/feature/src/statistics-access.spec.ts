import { HttpException } from '@nestjs/common';
import { hashPassword, parseAccounts, parseQuery } from '@vdx/statistics-domain';
import { SESSION_COOKIE, StatisticsAccess, cookieValue } from './statistics-access';

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

  it('is open when no account is configured', () => {
    const open = new StatisticsAccess({ accounts: [], sessionSecret: 'k'.repeat(32), sessionTtlMs: 60_000, secureCookie: false });
    expect(open.required).toBe(false);
    expect(open.account(undefined)).toBeNull();
    expect(refusal(() => open.authorize(null, parseQuery('report', { from: '2025-07' })))).toBe('allowed');
  });

  it('reads one cookie out of a header', () => {
    expect(cookieValue('a=1; b = 2 ;c=3', 'b')).toBe('2');
    expect(cookieValue('a=1', 'b')).toBeNull();
    expect(cookieValue(undefined, 'b')).toBeNull();
  });
});

import { AccountsError, authorize, hashPassword, parseAccounts, signSession, signToken, verifyPassword, verifySession, type Account } from './access';
import { parseQuery } from './query';
import { StatisticsError } from './statistics.error';
import { agencyOf } from './scopes';

const TAY_NINH = '000.00.00.H53';
const FINANCE = '000.00.32.H53';
const UNIT = '000.20.32.H53';
const HCM = '000.00.00.H40';

const account = (role: Account['role'], agency: string | null = null): Account => ({ user: role, role, agency: agency === null ? null : agencyOf(agency), passwordHash: 'x' });
const report = (raw: Record<string, string> = {}) => parseQuery('report', { period: 'month', from: '2025-07', ...raw });

function refusedCode(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatisticsError) return err.code;
    throw err;
  }
  return 'allowed';
}

describe('passwords', () => {
  it('verifies the password a hash was made from, and no other', async () => {
    const hash = await hashPassword('mật khẩu đúng');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    await expect(verifyPassword('mật khẩu đúng', hash)).resolves.toBe(true);
    await expect(verifyPassword('mat khau dung', hash)).resolves.toBe(false);
    await expect(verifyPassword('mật khẩu đúng', 'plain-text')).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });
});

describe('sessions', () => {
  const secret = 's'.repeat(32);

  it('accepts its own token until it expires', () => {
    const token = signSession(secret, 'vpcp', 2000);
    expect(verifySession(secret, token, 1999)).toEqual({ ok: true, user: 'vpcp', expiresAtMs: 2000, identity: null });
    expect(verifySession(secret, token, 2000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses another key, a changed payload and garbage', () => {
    const token = signSession(secret, 'viewer', 2000);
    expect(verifySession('t'.repeat(32), token, 0)).toEqual({ ok: false, reason: 'signature' });
    const forged = `${Buffer.from(JSON.stringify({ u: 'vpcp', exp: 2000 })).toString('base64url')}.${token.split('.')[1]}`;
    expect(verifySession(secret, forged, 0)).toEqual({ ok: false, reason: 'signature' });
    expect(verifySession(secret, 'not a token', 0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it("carries the role and agency the identity provider's claims gave, signed with the rest", () => {
    const token = signSession(secret, 'nguyen.van.a', 2000, { role: 'agency-admin', agency: '000.00.00.H53' });
    expect(verifySession(secret, token, 0)).toEqual({ ok: true, user: 'nguyen.van.a', expiresAtMs: 2000, identity: { role: 'agency-admin', agency: '000.00.00.H53' } });
    // Raising one's own role needs the key.
    const raised = `${Buffer.from(JSON.stringify({ u: 'nguyen.van.a', exp: 2000, r: 'central-office', a: null })).toString('base64url')}.${token.split('.')[1]}`;
    expect(verifySession(secret, raised, 0)).toEqual({ ok: false, reason: 'signature' });
    // A role the console does not know, even signed, is no session.
    expect(verifySession(secret, signToken(secret, { u: 'x', exp: 2000, r: 'root', a: null }), 0)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySession(secret, signToken(secret, { u: 'x', exp: 2000, r: 'viewer', a: 7 }), 0)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('parseAccounts', () => {
  const hash = 'scrypt$16384$8$1$Qt42rPVn9yYIno_XgTyEkA$9Ieu5D_6979Ujc3S8h6ugphKAUT1hF_YGW9rqZQ4E0g';

  it('reads the three roles', () => {
    const out = parseAccounts([
      { user: 'vpcp', role: 'central-office', passwordHash: hash },
      { user: 'tayninh', role: 'agency-admin', agency: TAY_NINH, passwordHash: hash },
      { user: 'xem', role: 'viewer', passwordHash: hash },
    ]);
    expect(out.map((a) => [a.user, a.role, a.agency?.toString() ?? null])).toEqual([
      ['vpcp', 'central-office', null],
      ['tayninh', 'agency-admin', TAY_NINH],
      ['xem', 'viewer', null],
    ]);
  });

  it('lists every problem', () => {
    let problems: readonly string[] = [];
    try {
      parseAccounts([
        { user: 'A B', role: 'central-office', passwordHash: hash },
        { user: 'adm', role: 'agency-admin', passwordHash: hash },
        { user: 'x', role: 'root', passwordHash: 'secret' },
        { user: 'v', role: 'viewer', agency: TAY_NINH, passwordHash: hash, extra: 1 },
        { user: 'v', role: 'viewer', passwordHash: hash },
      ]);
    } catch (err) {
      if (!(err instanceof AccountsError)) throw err;
      problems = err.problems;
    }
    expect(problems).toEqual([
      'accounts[0].user must be 1–64 of a-z 0-9 . _ @ -',
      'accounts[1].agency must be a canonical agency code for an agency-admin',
      'accounts[2].role must be one of central-office, agency-admin, viewer',
      expect.stringContaining('accounts[2].passwordHash must be a scrypt hash'),
      'accounts[3] has unknown field(s) extra',
      'accounts[3].agency is only for an agency-admin',
      'accounts[4].user v is listed twice',
    ]);
    expect(() => parseAccounts({})).toThrow(AccountsError);
  });
});

describe('authorize', () => {
  it('lets the central office read everything', () => {
    expect(refusedCode(() => authorize(account('central-office'), report()))).toBe('allowed');
    expect(refusedCode(() => authorize(account('central-office'), report({ agency: HCM })))).toBe('allowed');
  });

  it('keeps a viewer to the national figures', () => {
    expect(refusedCode(() => authorize(account('viewer'), report()))).toBe('allowed');
    expect(refusedCode(() => authorize(account('viewer'), parseQuery('connected', {})))).toBe('allowed');
    expect(refusedCode(() => authorize(account('viewer'), report({ agency: TAY_NINH })))).toBe('STATISTICS.OUTSIDE_SCOPE');
  });

  it('keeps an agency admin to its subtree', () => {
    const admin = account('agency-admin', TAY_NINH);
    expect(refusedCode(() => authorize(admin, report({ agency: TAY_NINH })))).toBe('allowed');
    expect(refusedCode(() => authorize(admin, report({ agency: UNIT, rows: 'agencies' })))).toBe('allowed');
    expect(refusedCode(() => authorize(admin, parseQuery('connected', { agency: TAY_NINH })))).toBe('allowed');
    expect(refusedCode(() => authorize(admin, report()))).toBe('STATISTICS.OUTSIDE_SCOPE');
    expect(refusedCode(() => authorize(admin, report({ agency: HCM })))).toBe('STATISTICS.OUTSIDE_SCOPE');
    expect(refusedCode(() => authorize(admin, parseQuery('connected', {})))).toBe('STATISTICS.OUTSIDE_SCOPE');
  });

  it('refuses a lower admin its parent and the level-1 connected count', () => {
    const admin = account('agency-admin', FINANCE);
    expect(refusedCode(() => authorize(admin, report({ agency: UNIT })))).toBe('allowed');
    expect(refusedCode(() => authorize(admin, report({ agency: TAY_NINH })))).toBe('STATISTICS.OUTSIDE_SCOPE');
    expect(refusedCode(() => authorize(admin, parseQuery('connected', { agency: FINANCE })))).toBe('STATISTICS.OUTSIDE_SCOPE');
  });
});

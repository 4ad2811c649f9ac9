import { DEFAULT_CLAIMS_MAPPING, StatisticsError, signToken } from '@vdx/statistics-domain';
import { freePort, startIdentityProvider, type TestIdentityProvider } from '@vdx/testing';
import { IdentityLogin, type IdentityProviderSettings } from './identity-login';

// The log-in through an identity provider against a real one (node-oidc-provider in its own
// process): the code flow with PKCE as a browser goes through it (its cookies, its login page),
// the ID token verified by openid-client, and each way it can go wrong, with its code.

const SECRET = 'int-secret-of-at-least-thirty-two-characters';
const REDIRECT = 'http://127.0.0.1:3006/statistics/v1/oidc/callback';
const CONSOLE = 'http://127.0.0.1:3006/console/';
const CLIENT = { client_id: 'vdx-console', client_secret: 'bi-mat-cua-console', redirect_uris: [REDIRECT], post_logout_redirect_uris: [CONSOLE] };
const ACCOUNTS = {
  'vpcp.thongke': { preferred_username: 'vpcp.thongke', vdx_role: 'central-office' },
  'qtv.tayninh': { preferred_username: 'qtv.tayninh', vdx_role: 'agency-admin', vdx_agency: '000.00.00.H53' },
  'nhan.vien': { preferred_username: 'nhan.vien' },
  'qtv.thieu-ma': { preferred_username: 'qtv.thieu-ma', vdx_role: 'agency-admin' },
};

const settingsOf = (issuer: string, over: Partial<IdentityProviderSettings> = {}): IdentityProviderSettings => ({
  issuer: new URL(issuer),
  clientId: CLIENT.client_id,
  clientSecret: CLIENT.client_secret,
  redirectUri: new URL(REDIRECT),
  scopes: ['openid', 'profile', 'vdx'],
  claims: DEFAULT_CLAIMS_MAPPING,
  timeoutSeconds: 5,
  ...over,
});

/** A browser's cookies for the provider, kept across its visits. */
type Jar = Map<string, string>;

/**
 * A browser at the provider: follows its redirects with its cookies (`jar`), types `login` on
 * its login page, and stops at the first redirect out of the provider (back to the console),
 * answering where that was and how many times it was asked to log in.
 */
async function atProvider(url: string, login: string, jar: Jar = new Map()): Promise<{ back: URL; loginsTyped: number }> {
  let next = url;
  let form: string | undefined;
  let loginsTyped = 0;
  const issuer = new URL(url).origin;
  for (let hop = 0; hop < 12; hop++) {
    const res = await fetch(next, {
      method: form === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(form === undefined ? {} : { body: form }),
      signal: AbortSignal.timeout(10_000),
    });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    form = undefined;
    const location = res.headers.get('location');
    if (location !== null) {
      const target = new URL(location, next);
      if (target.origin !== issuer) return { back: target, loginsTyped };
      next = target.href;
      continue;
    }
    const page = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    if (!action) throw new Error(`the provider answered ${res.status} with no form to fill: ${page.slice(0, 400)}`);
    next = new URL(action, next).href;
    const hidden = [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as [string, string]);
    if (/name="logout"/.test(page)) {
      // The provider's "do you want to sign out?" page: yes.
      form = new URLSearchParams([...hidden, ['logout', 'yes']]).toString();
    } else {
      loginsTyped += 1;
      form = new URLSearchParams({ prompt: 'login', login, password: 'bat-ky' }).toString();
    }
  }
  throw new Error('the provider never sent the browser back');
}

/** The query string of the provider's return to the callback, after logging in as `login` in a fresh browser. */
async function throughProvider(url: string, login: string): Promise<string> {
  const { back } = await atProvider(url, login);
  if (`${back.origin}${back.pathname}` !== REDIRECT) throw new Error(`the provider sent the browser to ${back.href}, not the callback`);
  return back.search;
}

const refusalOf = async (p: Promise<unknown>): Promise<[string, string]> => {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof StatisticsError)) throw new Error(`expected a StatisticsError, got ${String(err)}`);
  return [err.code, err.message];
};

describe('IdentityLogin: the code flow against a real OpenID Connect provider (int)', () => {
  let idp: TestIdentityProvider;
  let strict: TestIdentityProvider;

  beforeAll(async () => {
    idp = await startIdentityProvider({ clients: [CLIENT], accounts: ACCOUNTS });
    // A provider that keeps the scopes' claims out of the ID token (userinfo only), and offers no logout.
    strict = await startIdentityProvider({ clients: [CLIENT], accounts: ACCOUNTS, conformIdTokenClaims: true, logout: false });
  });

  afterAll(async () => {
    await idp?.stop();
    await strict?.stop();
  });

  it('logs a user in: PKCE, state and nonce out, a verified ID token back, the role and agency from its claims', async () => {
    const login = new IdentityLogin(settingsOf(idp.issuer), SECRET);
    const { url, transaction } = await login.begin();
    const asked = new URL(url);
    expect(`${asked.origin}${asked.pathname}`).toBe(`${idp.issuer}/auth`);
    expect(Object.fromEntries(['client_id', 'redirect_uri', 'response_type', 'scope', 'code_challenge_method'].map((k) => [k, asked.searchParams.get(k)]))).toEqual({
      client_id: 'vdx-console',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid profile vdx',
      code_challenge_method: 'S256',
    });
    expect(asked.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(asked.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);

    const admin = await login.complete(await throughProvider(url, 'qtv.tayninh'), transaction);
    expect([admin.user, admin.role, admin.agency?.toString()]).toEqual(['qtv.tayninh', 'agency-admin', '000.00.00.H53']);
    const second = await login.begin();
    expect(await login.complete(await throughProvider(second.url, 'vpcp.thongke'), second.transaction)).toMatchObject({ user: 'vpcp.thongke', role: 'central-office', agency: null });
  });

  it("ends the user's session at the provider too: logged in once, not asked again, asked again after the logout", async () => {
    const login = new IdentityLogin(settingsOf(idp.issuer), SECRET);
    const browser: Jar = new Map();
    const logIn = async () => {
      const { url, transaction } = await login.begin();
      const { back, loginsTyped } = await atProvider(url, 'vpcp.thongke', browser);
      expect(await login.complete(back.search, transaction)).toMatchObject({ user: 'vpcp.thongke', role: 'central-office' });
      return loginsTyped;
    };
    expect(await logIn()).toBe(1);
    expect(await logIn()).toBe(0); // the provider's session: no password asked

    const end = new URL((await login.endSessionUrl())!);
    expect(`${end.origin}${end.pathname}`).toBe(`${idp.issuer}/session/end`);
    expect(Object.fromEntries(end.searchParams)).toEqual({ client_id: 'vdx-console', post_logout_redirect_uri: CONSOLE });
    const { back } = await atProvider(end.href, 'vpcp.thongke', browser);
    expect(back.href).toBe(CONSOLE);

    expect(await logIn()).toBe(1); // that session is gone at the provider
  });

  it('offers no logout at a provider without an end-session endpoint', async () => {
    expect(await new IdentityLogin(settingsOf(strict.issuer), SECRET).endSessionUrl()).toBeNull();
  });

  it('reads the role from userinfo when the provider keeps it out of the ID token', async () => {
    const login = new IdentityLogin(settingsOf(strict.issuer), SECRET);
    const { url, transaction } = await login.begin();
    const account = await login.complete(await throughProvider(url, 'qtv.tayninh'), transaction);
    expect([account.role, account.agency?.toString()]).toEqual(['agency-admin', '000.00.00.H53']);
  });

  it('refuses a user whose claims give no role, and an agency admin without an agency code (403 codes)', async () => {
    const login = new IdentityLogin(settingsOf(idp.issuer), SECRET);
    const a = await login.begin();
    expect((await refusalOf(login.complete(await throughProvider(a.url, 'nhan.vien'), a.transaction)))[0]).toBe('STATISTICS.IDENTITY_NO_ROLE');
    const b = await login.begin();
    expect((await refusalOf(login.complete(await throughProvider(b.url, 'qtv.thieu-ma'), b.transaction)))[0]).toBe('STATISTICS.IDENTITY_BAD_AGENCY');
  });

  it('refuses a return that is not the one this browser began: another state, no transaction, a forged or expired one', async () => {
    const login = new IdentityLogin(settingsOf(idp.issuer), SECRET);
    const mine = await login.begin();
    const theirs = await login.begin();
    const back = await throughProvider(theirs.url, 'vpcp.thongke');
    expect(await refusalOf(login.complete(back, mine.transaction))).toEqual(['STATISTICS.IDENTITY_STATE_MISMATCH', 'the return from the identity provider is not the one of the log-in this browser began: log in again']);
    expect((await refusalOf(login.complete(back, null)))[0]).toBe('STATISTICS.IDENTITY_STATE_MISMATCH');
    expect((await refusalOf(login.complete(back, signToken('another-key-of-at-least-thirty-two-chars', { state: 'x', nonce: 'y', verifier: 'z', exp: Date.now() + 60_000 }))))[0]).toBe('STATISTICS.IDENTITY_STATE_MISMATCH');
    // Ten minutes later, the same transaction is refused.
    const later = new IdentityLogin(settingsOf(idp.issuer), SECRET, () => Date.now() + 11 * 60_000);
    expect(await refusalOf(later.complete(back, theirs.transaction))).toEqual(['STATISTICS.IDENTITY_STATE_MISMATCH', 'the log-in took longer than 10 minutes: log in again']);
    // The right transaction still logs in; its code, replayed, is refused by the provider.
    expect(await login.complete(back, theirs.transaction)).toMatchObject({ role: 'central-office' });
    expect((await refusalOf(login.complete(back, theirs.transaction)))[0]).toBe('STATISTICS.IDENTITY_REFUSED');
  });

  it('refuses a return the provider sent with an error, and a client whose secret the provider does not know', async () => {
    const login = new IdentityLogin(settingsOf(idp.issuer), SECRET);
    const { url, transaction } = await login.begin();
    // Asked not to show its login page to a browser it has no session for, the provider sends it back with an error.
    const silent = new URL(url);
    silent.searchParams.set('prompt', 'none');
    const back = await throughProvider(silent.href, 'vpcp.thongke');
    expect(new URLSearchParams(back).get('error')).toBe('login_required');
    const [code, message] = await refusalOf(login.complete(back, transaction));
    expect([code, message.startsWith("the identity provider's answer was refused: login_required")]).toEqual(['STATISTICS.IDENTITY_REFUSED', true]);
    const stranger = new IdentityLogin(settingsOf(idp.issuer, { clientSecret: 'sai-bi-mat' }), SECRET);
    const s = await stranger.begin();
    expect((await refusalOf(stranger.complete(await throughProvider(s.url, 'vpcp.thongke'), s.transaction)))[0]).toBe('STATISTICS.IDENTITY_REFUSED');
  });

  it('answers 503 IDENTITY_UNAVAILABLE while the provider is down, and logs in once it is back', async () => {
    const port = await freePort();
    const login = new IdentityLogin(settingsOf(`http://127.0.0.1:${port}`, { timeoutSeconds: 2 }), SECRET);
    const [code, message] = await refusalOf(login.begin());
    expect([code, message.startsWith(`the identity provider http://127.0.0.1:${port}/ did not answer its discovery`)]).toEqual(['STATISTICS.IDENTITY_UNAVAILABLE', true]);
    // The failed discovery is not kept: once the provider answers, the same login works.
    const late = await startIdentityProvider({ clients: [CLIENT], accounts: ACCOUNTS, port });
    try {
      const { url, transaction } = await login.begin();
      expect(await login.complete(await throughProvider(url, 'vpcp.thongke'), transaction)).toMatchObject({ role: 'central-office' });
    } finally {
      await late.stop();
    }
  });
});

import { statisticsTopicsOf, type StatisticsTopics } from '@vdx/statistics-feature';
import { freePort, startIdentityProvider, testEnv, uniqueDbName, uniqueName, type TestIdentityProvider } from '@vdx/testing';
import { MongoClient } from 'mongodb';
import { CONSOLE_SETUP_TIMEOUT_MS, launchConsoleBrowser, startStatisticsService, type ConsoleBrowser, type StatisticsService } from './test-fixtures/e2e-harness';

// Logging in to the console through the government's identity provider, as an operator does it:
// the statistics service as its own process, configured with an OpenID Connect provider
// (node-oidc-provider, its own process) and no local accounts; a headless Chromium follows the
// button to the provider's login page and comes back logged in with the role its claims give.

const H53 = '000.00.00.H53';
const ACCOUNTS = {
  'qtv.tayninh': { preferred_username: 'qtv.tayninh', name: 'Quản trị Tây Ninh', vdx_role: 'agency-admin', vdx_agency: H53 },
  'nhan.vien': { preferred_username: 'nhan.vien', name: 'Nhân viên chưa có vai trò' },
};

describe('statistics console: log-in through an OpenID Connect provider (e2e, headless Chromium)', () => {
  const env = testEnv();
  const run = uniqueName('sti');
  const topics: StatisticsTopics = statisticsTopicsOf(run);
  const db = uniqueDbName('statistics_identity');
  let idp: TestIdentityProvider | undefined;
  let service: StatisticsService | undefined;
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    const redirect = `http://127.0.0.1:${port}/statistics/v1/oidc/callback`;
    idp = await startIdentityProvider({ clients: [{ client_id: 'vdx-console', client_secret: 'bi-mat-cua-console', redirect_uris: [redirect], post_logout_redirect_uris: [`http://127.0.0.1:${port}/console/`] }], accounts: ACCOUNTS });
    service = await startStatisticsService({
      kafkaBrokers: env.kafkaBrokers,
      mongoUrl: env.mongoUrl,
      db,
      topics,
      projection: `${run}-statistics`,
      port,
      env: {
        STATISTICS_SESSION_SECRET: 'e2e-secret-of-at-least-thirty-two-characters',
        STATISTICS_OIDC_ISSUER: idp.issuer,
        STATISTICS_OIDC_CLIENT_ID: 'vdx-console',
        STATISTICS_OIDC_CLIENT_SECRET: 'bi-mat-cua-console',
        STATISTICS_OIDC_REDIRECT_URL: redirect,
        STATISTICS_OIDC_SCOPES: 'openid profile vdx',
      },
    });
    base = service.base;
  }, CONSOLE_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await service?.stop();
    await idp?.stop();
    const mongo = await MongoClient.connect(env.mongoUrl);
    await mongo.db(db).dropDatabase().catch(() => undefined);
    await mongo.close();
  });

  /** Opens the console in a fresh browser, follows its button to the provider, and logs in there as `login`. */
  async function logInThroughProvider(browser: ConsoleBrowser, login: string): Promise<void> {
    const { page } = browser;
    await page.goto(`${base}/console/`);
    await page.locator('#sso-login').waitFor();
    // No local accounts: the password form is not offered.
    expect(await page.locator('#login-form').isHidden()).toBe(true);
    await browser.shot('identity-login');
    await page.locator('#sso-login').click();
    await page.locator('input[name="login"]').waitFor();
    expect(new URL(page.url()).origin).toBe(idp!.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('mat-khau-o-nha-cung-cap');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.origin === base && url.pathname === '/console/');
  }

  it('says how to log in: through the provider only, login required', async () => {
    const r = await fetch(`${base}/statistics/v1/login-methods`);
    expect([r.status, await r.json()]).toEqual([200, { password: false, identityProvider: true, loginRequired: true }]);
    expect((await fetch(`${base}/statistics/v1/me`)).status).toBe(401);
  });

  it("logs an agency admin in through the provider, scoped to its agency's subtree by its claims", async () => {
    const browser = await launchConsoleBrowser();
    try {
      await logInThroughProvider(browser, 'qtv.tayninh');
      const { page } = browser;
      await page.locator('#app').waitFor();
      await page.locator('#who', { hasText: 'qtv.tayninh' }).waitFor();
      expect(await page.locator('#agency').inputValue()).toBe(H53);
      await browser.shot('identity-agency-admin');
      // The session the callback set: the role and agency its claims gave, checked on every call.
      const answers = await page.evaluate(async (agency) => {
        const me: unknown = await fetch('/statistics/v1/me').then((r) => r.json());
        const own = await fetch(`/statistics/v1/report?period=month&from=2025-07&agency=${agency}`);
        const national = await fetch('/statistics/v1/report?period=month&from=2025-07');
        return { me: me as unknown, own: own.status, national: [national.status, ((await national.json()) as { error: { code: string } }).error.code] };
      }, H53);
      expect(answers).toEqual({ me: { user: 'qtv.tayninh', role: 'agency-admin', agency: H53, loginRequired: true, via: 'identity-provider' }, own: 200, national: [403, 'STATISTICS.OUTSIDE_SCOPE'] });
      // Logging out ends the console's session and, once the user says yes there, the provider's.
      await page.locator('#logout').click();
      await page.waitForURL((url) => url.origin === idp!.issuer);
      await browser.shot('identity-logout-at-provider');
      await page.locator('button[name="logout"][value="yes"]').click();
      await page.waitForURL((url) => url.origin === base && url.pathname === '/console/');
      await page.locator('#sso-login').waitFor();
      expect(await page.evaluate(async () => (await fetch('/statistics/v1/me')).status)).toBe(401);
      // The provider asks for the password again: its session ended too.
      await page.locator('#sso-login').click();
      await page.locator('input[name="login"]').waitFor();
      expect(new URL(page.url()).origin).toBe(idp!.issuer);
    } finally {
      await browser.close();
    }
  });

  it('sends back a user the provider knows but whose claims give no role, with the coded reason and no session', async () => {
    const browser = await launchConsoleBrowser();
    try {
      await logInThroughProvider(browser, 'nhan.vien');
      const { page } = browser;
      await page.locator('#error', { hasText: 'STATISTICS.IDENTITY_NO_ROLE' }).waitFor();
      expect(await page.locator('#error').textContent()).toBe('Tài khoản định danh chưa được giao vai trò trên hệ thống thống kê. [STATISTICS.IDENTITY_NO_ROLE]');
      expect(await page.locator('#sso-login').isVisible()).toBe(true);
      expect(await page.evaluate(async () => (await fetch('/statistics/v1/me')).status)).toBe(401);
      await browser.shot('identity-no-role');
    } finally {
      await browser.close();
    }
  });

  it('refuses a callback no log-in of this browser began, and answers the start of a log-in with a redirect to the provider', async () => {
    const stray = await fetch(`${base}/statistics/v1/oidc/callback?code=abc&state=def`, { redirect: 'manual' });
    expect([stray.status, stray.headers.get('location')]).toEqual([302, '/console/#login-error=STATISTICS.IDENTITY_STATE_MISMATCH']);
    const start = await fetch(`${base}/statistics/v1/oidc/login`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    expect(start.headers.get('location')!.startsWith(`${idp!.issuer}/auth?`)).toBe(true);
    // The transaction cookie: for the callback's path only, sent back on the provider's cross-site redirect.
    expect(start.headers.getSetCookie()[0]).toMatch(/^vdx_statistics_login=[\w-]+\.[\w-]{43}; Path=\/statistics\/v1\/oidc; HttpOnly; SameSite=Lax; Max-Age=600$/);
  });
});

import { laneTopic } from '@vdx/contracts';
import { EventProducer, createKafka, ensureTopics, eventTopicSpec, type Outgoing } from '@vdx/messaging';
import { SAMPLE_AGENCIES, hashPassword, sampleDirectory, sampleExchange } from '@vdx/statistics-domain';
import { statisticsProjection, statisticsTopicsOf, type StatisticsTopics } from '@vdx/statistics-feature';
import { testEnv, uniqueDbName, uniqueName, waitUntil } from '@vdx/testing';
import { MongoClient } from 'mongodb';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { CONSOLE_SETUP_TIMEOUT_MS, launchConsoleBrowser, startStatisticsService, type ConsoleBrowser, type StatisticsService } from './test-fixtures/e2e-harness';

// The console as an operator uses it: the statistics service runs as its own process over the
// real Kafka and store, folds a small sample of the axis's life from topics of its own, and a
// headless Chromium logs in, reads the overview, drills down, exports and is refused.

const { VPCP, TAY_NINH, FINANCE, HCM } = SAMPLE_AGENCIES;
const PASSWORD = 'mat-khau-thu-nghiem';

interface Reply {
  readonly status: number;
  readonly body: { error?: { code: string } } & Record<string, unknown>;
  readonly cookie: string | null;
  readonly retryAfter: string | null;
}

describe('statistics console (e2e, headless Chromium)', () => {
  const env = testEnv();
  const run = uniqueName('stc');
  const topics: StatisticsTopics = statisticsTopicsOf(run);
  const dbName = uniqueDbName('statistics_console');
  let service: StatisticsService | undefined;
  let browser: ConsoleBrowser | undefined;
  let page: Page;
  let base = '';

  const call = async (method: 'GET' | 'POST', path: string, opts: { cookie?: string; body?: unknown } = {}): Promise<Reply> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(opts.cookie ? { Cookie: opts.cookie } : {}), ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    const setCookie = res.headers.getSetCookie()[0] ?? null;
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : { text }, cookie: setCookie, retryAfter: res.headers.get('retry-after') };
  };
  const login = async (user: string): Promise<string> => {
    const reply = await call('POST', '/statistics/v1/login', { body: { user, password: PASSWORD } });
    expect(reply.status).toBe(200);
    return reply.cookie!.split(';')[0]!;
  };
  const shot = (name: string) => browser!.shot(name);

  beforeAll(async () => {
    const passwordHash = await hashPassword(PASSWORD);
    const accounts = [
      { user: 'vpcp', role: 'central-office', passwordHash },
      { user: 'tayninh', role: 'agency-admin', agency: TAY_NINH, passwordHash },
      { user: 'xem', role: 'viewer', passwordHash },
      // Only for the log-in limit: refused after its failures, for the rest of the window.
      { user: 'khoa', role: 'viewer', passwordHash },
    ];

    const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'statistics-console-e2e' });
    await ensureTopics(kafka, statisticsProjection({ topics }).topics.map((t) => eventTopicSpec(t, 2, 1)));
    const producer = new EventProducer(kafka);
    await producer.connect();
    const outgoing: Outgoing[] = [...sampleDirectory(), ...sampleExchange(run)].map((e) => ({ topic: laneTopic(topics[e.source], e.urgent ? 'urgent' : 'normal'), event: e.event, key: e.key }));
    await producer.publish(outgoing);
    await producer.disconnect();

    service = await startStatisticsService({
      kafkaBrokers: env.kafkaBrokers,
      mongoUrl: env.mongoUrl,
      db: dbName,
      topics,
      projection: `${run}-statistics`,
      env: {
        STATISTICS_ACCOUNTS: JSON.stringify(accounts),
        STATISTICS_SESSION_SECRET: 'e2e-secret-of-at-least-thirty-two-characters',
        STATISTICS_LOGIN_MAX_FAILURES: '3',
        STATISTICS_LOGIN_MAX_FAILURES_PER_ADDRESS: '50',
      },
    });
    base = service.base;
    // The projection has folded every document and the directory's names.
    const cookie = await login('vpcp');
    await waitUntil(
      'the sample to be folded',
      async () => {
        const r = await call('GET', '/statistics/v1/report?period=month&from=2025-07&kind=document', { cookie });
        const items = (r.body['items'] ?? []) as { code: string; name: string | null }[];
        return r.status === 200 && (r.body['total'] as { sent?: { accepted: number } }).sent?.accepted === 4 && items.length === 3 && items.every((i) => i.name !== null);
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    ).catch((err: unknown) => {
      // The service's own log says why its projection did not fold the sample.
      throw new Error(`${(err as Error).message}\nthe statistics service printed:\n${service!.process.output().slice(-8000)}`, { cause: err });
    });

    browser = await launchConsoleBrowser({ downloads: true });
    page = browser.page;
  }, CONSOLE_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    const mongo = await MongoClient.connect(env.mongoUrl);
    await mongo.db(dbName).dropDatabase().catch(() => undefined);
    await mongo.close();
  });

  describe('the API refuses', () => {
    it('every report without a session (401 LOGIN_REQUIRED), and keeps health and metrics open', async () => {
      for (const path of ['/statistics/v1/report?period=month&from=2025-07', '/statistics/v1/quality?period=month&from=2025-07', '/statistics/v1/connected', '/statistics/v1/me']) {
        const r = await call('GET', path);
        expect([path, r.status, r.body.error?.code]).toEqual([path, 401, 'STATISTICS.LOGIN_REQUIRED']);
      }
      expect((await call('GET', '/health/live')).status).toBe(200);
      expect((await call('GET', '/metrics')).status).toBe(200);
    });

    it('a wrong password or user (401 BAD_CREDENTIALS), a bad body (400) and a forged session (401 SESSION_INVALID)', async () => {
      const wrong = await call('POST', '/statistics/v1/login', { body: { user: 'vpcp', password: 'sai' } });
      expect([wrong.status, wrong.body.error?.code, wrong.cookie]).toEqual([401, 'STATISTICS.BAD_CREDENTIALS', null]);
      const nobody = await call('POST', '/statistics/v1/login', { body: { user: 'ai-do', password: PASSWORD } });
      expect([nobody.status, nobody.body.error?.code]).toEqual([401, 'STATISTICS.BAD_CREDENTIALS']);
      const bad = await call('POST', '/statistics/v1/login', { body: { user: 'vpcp' } });
      expect([bad.status, bad.body.error?.code]).toEqual([400, 'STATISTICS.BAD_LOGIN_BODY']);
      const real = await login('tayninh');
      const [payload, mac] = real.split('=')[1]!.split('.');
      const claimed = Buffer.from(JSON.stringify({ u: 'vpcp', exp: Date.now() + 3600_000 })).toString('base64url');
      expect(payload).not.toBe(claimed);
      const forged = await call('GET', '/statistics/v1/me', { cookie: `vdx_statistics_session=${claimed}.${mac}` });
      expect([forged.status, forged.body.error?.code]).toEqual([401, 'STATISTICS.SESSION_INVALID']);
    });

    it('a user after its failed log-ins (429 TOO_MANY_LOGINS with Retry-After), its right password included, and not the other users', async () => {
      for (let i = 0; i < 3; i++) {
        const wrong = await call('POST', '/statistics/v1/login', { body: { user: 'khoa', password: `sai-${i}` } });
        expect([wrong.status, wrong.body.error?.code]).toEqual([401, 'STATISTICS.BAD_CREDENTIALS']);
      }
      const refused = await call('POST', '/statistics/v1/login', { body: { user: 'khoa', password: PASSWORD } });
      expect([refused.status, refused.body.error?.code, refused.cookie]).toEqual([429, 'STATISTICS.TOO_MANY_LOGINS', null]);
      // The window is 15 minutes (the default), counted from the first failure.
      expect(Number(refused.retryAfter)).toBeGreaterThan(14 * 60);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(15 * 60);
      expect(refused.body.error).toMatchObject({ retryAfterSeconds: Number(refused.retryAfter) });
      // Another account from the same address still logs in.
      expect(await login('xem')).toMatch(/^vdx_statistics_session=/);
    });

    it('an agency admin the national figures and another agency (403 OUTSIDE_SCOPE), not its own subtree', async () => {
      const cookie = await login('tayninh');
      const me = await call('GET', '/statistics/v1/me', { cookie });
      expect(me.body).toEqual({ user: 'tayninh', role: 'agency-admin', agency: TAY_NINH, loginRequired: true, via: 'password' });
      for (const path of ['/statistics/v1/report?period=month&from=2025-07', `/statistics/v1/report?period=month&from=2025-07&agency=${HCM}`, `/statistics/v1/quality?period=month&from=2025-07&agency=${VPCP}`, '/statistics/v1/connected']) {
        const r = await call('GET', path, { cookie });
        expect([path, r.status, r.body.error?.code]).toEqual([path, 403, 'STATISTICS.OUTSIDE_SCOPE']);
      }
      const own = await call('GET', `/statistics/v1/report?period=month&from=2025-07&agency=${FINANCE}&kind=document`, { cookie });
      expect(own.status).toBe(200);
      expect((own.body['total'] as { sent: { accepted: number } }).sent.accepted).toBe(1);
    });

    it('a viewer any agency (403), not the national figures; and a logged-out session', async () => {
      const cookie = await login('xem');
      expect((await call('GET', '/statistics/v1/report?period=month&from=2025-07', { cookie })).status).toBe(200);
      const r = await call('GET', `/statistics/v1/report?period=month&from=2025-07&agency=${TAY_NINH}`, { cookie });
      expect([r.status, r.body.error?.code]).toEqual([403, 'STATISTICS.OUTSIDE_SCOPE']);
      const out = await call('POST', '/statistics/v1/logout', { cookie });
      expect(out.status).toBe(204);
      expect(out.cookie).toBe('vdx_statistics_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
    });
  });

  describe('in the browser', () => {
    const rowsOf = (selector: string) => page.locator(`${selector} tbody tr:visible`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())));

    it('logs in as the central office and shows the national overview of the events sent', async () => {
      await page.goto(`${base}/console/`);
      await page.getByLabel('Tên đăng nhập').fill('vpcp');
      await page.getByLabel('Mật khẩu').fill(PASSWORD);
      await shot('01-login');
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.locator('#app').waitFor({ state: 'visible' });
      await page.getByLabel('Theo', { exact: true }).selectOption('month');
      await page.getByLabel('Từ', { exact: true }).fill('2025-07');
      await page.getByLabel('Đến', { exact: true }).fill('2025-07');
      await page.getByRole('button', { name: 'Xem', exact: true }).click();
      await page.locator('#kpi-sent', { hasText: '4' }).waitFor();
      expect(await page.locator('#kpi-sent').textContent()).toBe('4');
      expect(await page.locator('#kpi-fetched').textContent()).toBe('5');
      expect(await page.locator('#kpi-signed').textContent()).toBe('25 %');
      expect(await page.locator('#kpi-late').textContent()).toBe('1');
      expect(await rowsOf('#rows-table')).toEqual([
        // code, name, level, sent, received, fetched (of those sent), validly signed share
        [VPCP, 'Văn phòng Chính phủ', '1', '1', '1', '2', '100 %'],
        [HCM, 'UBND TP. Hồ Chí Minh', '1', '1', '2', '1', '0 %'],
        [TAY_NINH, 'UBND tỉnh Tây Ninh', '1', '2', '3', '2', '0 %'],
      ]);
      expect(await rowsOf('#connected-table')).toEqual([
        ['Cấp 1', '3', '3'],
        ['Cấp 2', '1', '1'],
        ['Cấp 3', '1', '0'],
        ['Cấp 4', '0', '0'],
      ]);
      await shot('02-overview-national');

      await page.getByLabel('Theo', { exact: true }).selectOption('day');
      await page.getByLabel('Từ', { exact: true }).fill('2025-07-15');
      await page.getByLabel('Đến', { exact: true }).fill('2025-07-16');
      await page.getByRole('button', { name: 'Xem', exact: true }).click();
      await page.locator('#series-table tbody tr').nth(1).waitFor({ state: 'attached' });
      await page.locator('#series-table').evaluate((t) => t.closest('details')?.setAttribute('open', ''));
      expect(await rowsOf('#series-table')).toEqual([
        ['2025-07-15', '3'],
        ['2025-07-16', '1'],
      ]);
      expect(await page.locator('#chart svg rect').count()).toBe(2);
      await shot('03-overview-days');
    });

    it('finds a province without diacritics, drills into it and exports its CSV', async () => {
      await page.getByLabel('Tìm cơ quan').fill('tay ninh');
      expect((await rowsOf('#rows-table')).map((r) => r[0])).toEqual([TAY_NINH]);
      await page.getByRole('button', { name: 'Xem chi tiết UBND tỉnh Tây Ninh' }).click();
      await page.locator('#scope-name', { hasText: 'UBND tỉnh Tây Ninh' }).waitFor();
      expect(await page.locator('#kpi-sent').textContent()).toBe('2');
      expect((await rowsOf('#rows-table')).map((r) => [r[0], r[1], r[3]])).toEqual([[FINANCE, 'Sở Tài chính Tây Ninh', '1']]);
      expect(await page.locator('#crumbs li').allTextContents()).toEqual(['Toàn quốc', 'UBND tỉnh Tây Ninh']);
      expect(await page.locator('#connected-scope').textContent()).toBe('– UBND tỉnh Tây Ninh');
      expect(await rowsOf('#connected-table')).toEqual([
        ['Cấp 1', '1', '1'],
        ['Cấp 2', '1', '1'],
        ['Cấp 3', '1', '0'],
        ['Cấp 4', '0', '0'],
      ]);
      await shot('04-drill-down-province');

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
      expect(download.suggestedFilename()).toBe(`thong-ke-day-2025-07-15-${TAY_NINH}.csv`);
      const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n').map((line) => line.split(','));
      const accepted = csv[0]!.indexOf('Gửi – Gói tin được tiếp nhận');
      expect(accepted).toBeGreaterThan(2);
      expect(csv.slice(1).map((row) => [row[0], row[accepted]])).toEqual([
        [FINANCE, '1'],
        ['Tổng cộng', '2'],
      ]);

      await page.getByRole('button', { name: 'English' }).click();
      expect(await page.locator('h1').textContent()).toBe('Document exchange statistics');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await shot('05-english');
      await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
      expect(await page.locator('h1').textContent()).toBe('Thống kê trục liên thông văn bản');
    });

    it('lets an agency admin read its subtree and refuses it another province', async () => {
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.locator('#login').waitFor({ state: 'visible' });
      await page.getByLabel('Tên đăng nhập').fill('tayninh');
      await page.getByLabel('Mật khẩu').fill(PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.locator('#app').waitFor({ state: 'visible' });
      expect(await page.locator('#who').textContent()).toBe('Người dùng: tayninh (Quản trị cơ quan)');
      await page.getByLabel('Theo', { exact: true }).selectOption('month');
      await page.getByLabel('Từ', { exact: true }).fill('2025-07');
      await page.getByLabel('Đến', { exact: true }).fill('2025-07');
      expect(await page.getByLabel('Mã định danh cơ quan').inputValue()).toBe(TAY_NINH);
      await page.getByRole('button', { name: 'Xem', exact: true }).click();
      await page.locator('#kpi-sent', { hasText: '2' }).waitFor();
      expect(await page.locator('#scope-name').textContent()).toBe(`– UBND tỉnh Tây Ninh (${TAY_NINH})`);

      await page.getByLabel('Mã định danh cơ quan').fill(HCM);
      await page.getByRole('button', { name: 'Xem', exact: true }).click();
      const error = page.getByRole('alert');
      await error.waitFor({ state: 'visible' });
      expect(await error.textContent()).toBe('Không có quyền xem số liệu này. [STATISTICS.OUTSIDE_SCOPE]');
      await shot('06-agency-admin-refused');
    });

    it('stays readable at 200% zoom: nothing wider than a 640-pixel-wide window', async () => {
      await page.setViewportSize({ width: 640, height: 900 });
      await page.getByLabel('Mã định danh cơ quan').fill(TAY_NINH);
      await page.getByRole('button', { name: 'Xem', exact: true }).click();
      await page.getByRole('alert').waitFor({ state: 'hidden' });
      expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(640);
      await shot('07-narrow-window');
    });
  });
});

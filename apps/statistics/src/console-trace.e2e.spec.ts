import { catalogue, DeliveryRedrivenEvent, EventCodec, withLanes } from '@vdx/contracts';
import { DeliveryClient } from '@vdx/delivery-client';
import { documentPackage, statusPackage } from '@vdx/edxml';
import { readLogFromStart } from '@vdx/messaging';
import { hashPassword } from '@vdx/statistics-domain';
import { freePort, uniqueDbName, uniqueName, waitUntil } from '@vdx/testing';
import { AXIS_START_TIMEOUT_MS, internalTlsEnv, startAxis, type Axis } from '@vdx/testing/axis';
import { MongoClient } from 'mongodb';
import type { Page } from 'playwright-core';
import { CONSOLE_SETUP_TIMEOUT_MS, launchConsoleBrowser, startStatisticsService, type ConsoleBrowser, type StatisticsService } from './test-fixtures/e2e-harness';

// The console's document search, trace and dead letters against the real axis: the pipeline
// services as their own processes, the statistics service beside them folding their topics and
// calling delivery.v1 as service:statistics (mutual TLS, the axis's own PKI). Documents are sent
// through the gateway; one recipient's endpoint never answers, so its delivery dies. Then the
// API's refusals per role, and a headless Chromium that finds a document, reads its trace, sees
// the dead letters and redrives one as the central office.

const PASSWORD = 'mat-khau-thu-nghiem';

const G22 = '000.00.00.G22';
const H53 = '000.00.00.H53';
const SO_YT = '000.00.05.H53'; // its own system, whose endpoint never answers
const H40 = '000.00.00.H40'; // its own system, whose endpoint never answers either

interface Reply {
  readonly status: number;
  readonly body: { error?: { code: string; parameter: string | null } } & Record<string, unknown>;
  readonly cookie: string | null;
}

describe('statistics console: document trace and dead letters (e2e, the real axis, headless Chromium)', () => {
  const dbName = uniqueDbName('statistics_trace');
  const number = String(Date.now() % 100_000);
  let axis: Axis;
  let operator: DeliveryClient;
  let service: StatisticsService | undefined;
  let browser: ConsoleBrowser | undefined;
  let page: Page;
  let base = '';
  let doc1 = '';
  let doc2 = '';
  let package1 = '';
  let package2 = '';
  const cookies = new Map<string, string>();

  const call = async (method: 'GET' | 'POST', path: string, opts: { user?: string; body?: unknown } = {}): Promise<Reply> => {
    const cookie = opts.user ? cookies.get(opts.user) : undefined;
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(cookie ? { Cookie: cookie } : {}), ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : { text }, cookie: res.headers.getSetCookie()[0] ?? null };
  };
  const refusal = (r: Reply) => [r.status, r.body.error?.code];
  const shot = (name: string) => browser!.shot(name);
  const trace = (doc: string, user: string) => call('GET', `/statistics/v1/documents/trace?documentId=${encodeURIComponent(doc)}`, { user });
  const dead = async (user: string) => {
    const r = await call('GET', '/statistics/v1/dead-letters', { user });
    expect(r.status).toBe(200);
    return (r.body['items'] as { deliveryId: string }[]).map((d) => d.deliveryId);
  };

  beforeAll(async () => {
    axis = await startAxis({
      name: 'stt-e2e',
      env: { delivery: { DELIVERY_MAX_ATTEMPTS: '2', DELIVERY_PUSH_EVERY_MS: '200', DELIVERY_PUSH_TIMEOUT_MS: '2000' } },
      agencies: [
        { code: G22, name: 'Văn phòng Chính phủ' },
        { code: H53, name: 'UBND tỉnh Tây Ninh' },
        { code: SO_YT, name: 'Sở Y tế Tây Ninh' },
        { code: H40, name: 'UBND TP. Hồ Chí Minh' },
      ],
      systems: [
        { systemId: 'qlvb-vpcp', code: G22 },
        { systemId: 'qlvb-tayninh', code: H53 },
        { systemId: 'qlvb-soyt', code: SO_YT, endpoint: `127.0.0.1:${await freePort()}` },
        { systemId: 'qlvb-hcm', code: H40, endpoint: `127.0.0.1:${await freePort()}` },
      ],
    });
    operator = new DeliveryClient(axis.deliveryUrl, axis.operatorTls);

    const passwordHash = await hashPassword(PASSWORD);
    const accounts = [
      { user: 'vpcp', role: 'central-office', passwordHash },
      { user: 'tayninh', role: 'agency-admin', agency: H53, passwordHash },
      { user: 'hcm', role: 'agency-admin', agency: H40, passwordHash },
      { user: 'xem', role: 'viewer', passwordHash },
    ];
    service = await startStatisticsService({
      kafkaBrokers: axis.kafkaBrokers,
      mongoUrl: axis.mongoUrl,
      db: dbName,
      topics: axis.topics,
      projection: uniqueName('stt-statistics'),
      env: {
        STATISTICS_ACCOUNTS: JSON.stringify(accounts),
        STATISTICS_SESSION_SECRET: 'e2e-secret-of-at-least-thirty-two-characters',
        DELIVERY_GRPC_URL: axis.deliveryUrl,
        ...internalTlsEnv(axis.pkiDir, 'statistics'),
      },
    });
    base = service.base;

    // Two documents from VPCP: to Tây Ninh and its health department, and to HCM.
    const vpcp = axis.client('qlvb-vpcp');
    const tayNinh = axis.client('qlvb-tayninh');
    const first = documentPackage({ from: G22, to: [H53, SO_YT], codeNumber: number, codeNotation: 'VPCP-TTĐT', subject: 'Về việc tra cứu hành trình văn bản' });
    const second = documentPackage({ from: G22, to: [H40], codeNumber: String(Number(number) + 1), codeNotation: 'VPCP-TTĐT', subject: 'Gửi Thành phố Hồ Chí Minh' });
    doc1 = first.documentId;
    doc2 = second.documentId;
    package1 = (await vpcp.sendPackage(Buffer.from(first.xml), { senderCode: G22, kind: 'edoc' })).packageId;
    package2 = (await vpcp.sendPackage(Buffer.from(second.xml), { senderCode: G22, kind: 'edoc' })).packageId;
    // Tây Ninh takes its copy in and answers 01.
    const item = await waitUntil('the document in Tây Ninh\'s inbox', async () => (await tayNinh.listInbox({ agencyCode: H53 })).items.find((i) => i.packageId === package1), { timeoutMs: 60_000, intervalMs: 250 });
    await tayNinh.fetchPackage(item.deliveryId);
    await tayNinh.acknowledge(item.deliveryId, 'done');
    const status = statusPackage({ from: H53, documentId: doc1, documentIssuer: G22, statusCode: '01', description: 'Đã đến' }).xml;
    expect(await tayNinh.sendPackage(Buffer.from(status), { senderCode: H53, kind: 'status' })).toMatchObject({ outcome: 'accepted' });
    for (const id of [`${package1}/${SO_YT}`, `${package2}/${H40}`]) {
      await waitUntil(`${id} dead-lettered`, async () => (await operator.get(id)).state === 'dead' || undefined, { timeoutMs: 60_000, intervalMs: 250 });
    }
    await waitUntil('status 01 recorded on Tây Ninh\'s copy', async () => (await operator.get(`${package1}/${H53}`)).statuses.length === 1 || undefined, { timeoutMs: 60_000, intervalMs: 250 });

    for (const a of accounts) {
      const r = await call('POST', '/statistics/v1/login', { body: { user: a.user, password: PASSWORD } });
      expect(r.status).toBe(200);
      cookies.set(a.user, r.cookie!.split(';')[0]!);
    }
    // The lookup has folded both documents and the status.
    await waitUntil(
      'the lookup to hold both documents and the status',
      async () => {
        const one = await trace(doc1, 'vpcp');
        const two = await trace(doc2, 'vpcp');
        return one.status === 200 && two.status === 200 && (one.body['packages'] as unknown[]).length === 2 || undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );

    browser = await launchConsoleBrowser();
    page = browser.page;
  }, AXIS_START_TIMEOUT_MS + CONSOLE_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    operator?.close();
    await axis?.stop();
    if (axis) {
      const mongo = await MongoClient.connect(axis.mongoUrl);
      await mongo.db(dbName).dropDatabase().catch(() => undefined);
      await mongo.close();
    }
  });

  describe('the API', () => {
    it('asks for a session on every new endpoint (401 LOGIN_REQUIRED)', async () => {
      for (const [method, path] of [
        ['GET', '/statistics/v1/documents?notation=1'],
        ['GET', `/statistics/v1/documents/trace?documentId=${encodeURIComponent(doc1)}`],
        ['GET', '/statistics/v1/dead-letters'],
        ['POST', '/statistics/v1/dead-letters/redrive'],
      ] as const) {
        const r = await call(method, path, method === 'POST' ? { body: { deliveryId: `${package1}/${SO_YT}` } } : {});
        expect([path, ...refusal(r)]).toEqual([path, 401, 'STATISTICS.LOGIN_REQUIRED']);
      }
    });

    it("traces a document for the central office: each recipient's delivery from delivery.v1, with its statuses", async () => {
      const r = await trace(doc1, 'vpcp');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ documentId: doc1, notation: `${number}/VPCP-TTĐT`, sender: G22, recipients: [SO_YT, H53].sort(), deliveryError: null });
      const deliveries = r.body['deliveries'] as { recipientCode: string; state: string; attempts: number; statuses: { code: string }[] }[];
      expect(deliveries.map((d) => [d.recipientCode, d.state, d.statuses.map((s) => s.code)])).toEqual([
        [H53, 'acknowledged', ['01']],
        [SO_YT, 'dead', []],
      ]);
      expect(deliveries[1]!.attempts).toBe(2);
      expect((r.body['packages'] as { role: string; sender: string; statusCode: string | null }[]).map((p) => [p.role, p.sender, p.statusCode])).toEqual([
        ['document', G22, null],
        ['status', H53, '01'],
      ]);
    });

    it('finds documents by notation without diacritics, by DocumentId and by sender', async () => {
      const byNotation = await call('GET', `/statistics/v1/documents?notation=${encodeURIComponent(`${number}/vpcp-ttdt`)}`, { user: 'vpcp' });
      expect((byNotation.body['items'] as { documentId: string }[]).map((i) => i.documentId)).toEqual([doc1]);
      const byId = await call('GET', `/statistics/v1/documents?documentId=${encodeURIComponent(doc2)}`, { user: 'vpcp' });
      expect((byId.body['items'] as { documentId: string; recipients: string[] }[]).map((i) => [i.documentId, i.recipients])).toEqual([[doc2, [H40]]]);
      const bySender = await call('GET', `/statistics/v1/documents?sender=${G22}`, { user: 'xem' });
      expect((bySender.body['items'] as { documentId: string }[]).map((i) => i.documentId).sort()).toEqual([doc1, doc2].sort());
    });

    it("shows an agency admin its subtree's documents and dead letters only, never another's", async () => {
      expect(await dead('tayninh')).toEqual([`${package1}/${SO_YT}`]);
      expect(await dead('hcm')).toEqual([`${package2}/${H40}`]);
      expect(refusal(await trace(doc2, 'tayninh'))).toEqual([403, 'STATISTICS.OUTSIDE_SCOPE']);
      expect(refusal(await trace(doc1, 'hcm'))).toEqual([403, 'STATISTICS.OUTSIDE_SCOPE']);
      const bySender = await call('GET', `/statistics/v1/documents?sender=${G22}`, { user: 'hcm' });
      expect((bySender.body['items'] as { documentId: string }[]).map((i) => i.documentId)).toEqual([doc2]);
      const own = await trace(doc1, 'tayninh');
      expect((own.body['deliveries'] as { recipientCode: string }[]).map((d) => d.recipientCode)).toEqual([H53, SO_YT].sort());
      expect((await dead('xem')).sort()).toEqual([`${package1}/${SO_YT}`, `${package2}/${H40}`].sort());
    });

    it('lets nobody but the central office redrive (403 ROLE_FORBIDDEN, before the body is read), and answers bad input with its code', async () => {
      for (const user of ['tayninh', 'hcm', 'xem']) {
        const r = await call('POST', '/statistics/v1/dead-letters/redrive', { user, body: { deliveryId: `${package1}/${SO_YT}` } });
        expect([user, ...refusal(r)]).toEqual([user, 403, 'STATISTICS.ROLE_FORBIDDEN']);
        expect(refusal(await call('POST', '/statistics/v1/dead-letters/redrive', { user, body: { nonsense: true } }))).toEqual([403, 'STATISTICS.ROLE_FORBIDDEN']);
      }
      expect((await operator.get(`${package1}/${SO_YT}`)).state).toBe('dead');
      expect(refusal(await call('POST', '/statistics/v1/dead-letters/redrive', { user: 'vpcp', body: { deliveryId: 'no slash' } }))).toEqual([400, 'STATISTICS.BAD_DELIVERY_ID']);
      expect(refusal(await call('POST', '/statistics/v1/dead-letters/redrive', { user: 'vpcp', body: { deliveryId: `no-such-package/${H53}` } }))).toEqual([404, 'DELIVERY.UNKNOWN_DELIVERY']);
      expect(refusal(await call('POST', '/statistics/v1/dead-letters/redrive', { user: 'vpcp', body: { deliveryId: `${package1}/${H53}` } }))).toEqual([400, 'DELIVERY.NOT_DEAD']);
      expect(refusal(await call('GET', '/statistics/v1/documents?notation=1&sender=000.00.00.G22', { user: 'vpcp' }))).toEqual([400, 'STATISTICS.BAD_SEARCH']);
    });
  });

  describe('in the browser', () => {
    const rowsOf = (selector: string) => page.locator(`${selector} tbody tr:visible`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())));

    it('finds a document by its notation typed without diacritics and shows its trace', async () => {
      await page.goto(`${base}/console/`);
      await page.getByLabel('Tên đăng nhập').fill('vpcp');
      await page.getByLabel('Mật khẩu').fill(PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.locator('#app').waitFor({ state: 'visible' });
      await page.getByLabel('Tìm theo').selectOption('notation');
      await page.getByLabel('Nội dung tìm').fill(`${number}/vpcp-ttdt`);
      // The keyboard alone: Enter submits the search.
      await page.getByLabel('Nội dung tìm').press('Enter');
      await page.locator('#doc-message', { hasText: 'Tìm thấy 1 văn bản.' }).waitFor();
      expect((await rowsOf('#doc-results')).map((r) => [r[0], r[1], r[2], r[3]])).toEqual([[doc1, `${number}/VPCP-TTĐT`, G22, 'Về việc tra cứu hành trình văn bản']]);
      await page.getByRole('button', { name: `Xem hành trình của ${number}/VPCP-TTĐT` }).focus();
      await page.keyboard.press('Enter');
      await page.locator('#trace-title', { hasText: `Hành trình văn bản ${number}/VPCP-TTĐT` }).waitFor();
      expect(await page.locator('#trace-title').evaluate((el) => el.ownerDocument.activeElement === el)).toBe(true);
      const deliveries = await rowsOf('#trace-deliveries');
      expect(deliveries.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
        [H53, H53, 'Đã xác nhận', '0'],
        [SO_YT, SO_YT, 'Không chuyển được', '2'],
      ]);
      expect(deliveries[0]![8]).toMatch(/^01 Đã đến \(/);
      expect((await rowsOf('#trace-packages')).map((r) => [r[1], r[2], r[3], r[5]])).toEqual([
        ['Văn bản', G22, '–', 'Đã tiếp nhận'],
        ['Trạng thái', H53, '01 Đã đến', 'Đã tiếp nhận'],
      ]);
      await shot('08-document-trace');
    });

    it('lists the dead letters and redrives one as the central office', async () => {
      await page.getByRole('button', { name: 'Tải danh sách' }).click();
      await page.locator('#dead-message', { hasText: '2 gói tin không chuyển được.' }).waitFor();
      expect((await rowsOf('#dead-table')).map((r) => [r[0], r[1], r[2], r[3], r[4]]).sort()).toEqual(
        [
          [`${package1}/${SO_YT}`, doc1, G22, SO_YT, '2'],
          [`${package2}/${H40}`, doc2, G22, H40, '2'],
        ].sort(),
      );
      await shot('09-dead-letters');
      const id = `${package1}/${SO_YT}`;
      await page.getByRole('button', { name: `Gửi lại ${id}` }).click();
      await page.locator('#dead-message', { hasText: `Đã gửi lại ${id}: Chờ lấy về.` }).waitFor();
      expect((await rowsOf('#dead-table')).map((r) => r[0])).toEqual([`${package2}/${H40}`]);
      // The delivery service recorded the redrive with the console user's name.
      const codec = new EventCodec(catalogue);
      const redriven = await waitUntil('DeliveryRedriven in the log', async () => {
        const found: { deliveryId: string; operator: string }[] = [];
        await readLogFromStart({ brokers: axis.kafkaBrokers, clientId: uniqueName('stt-reader') }, withLanes([axis.topics.delivery]), async (records) => {
          for (const r of records) {
            const e = codec.decode(r.value!, r.headers);
            if (e.type === DeliveryRedrivenEvent.type) found.push(e.payload as { deliveryId: string; operator: string });
          }
        });
        return found.length > 0 ? found : undefined;
      }, { timeoutMs: 30_000, intervalMs: 500 });
      expect(redriven).toEqual([{ deliveryId: id, operator: 'console:vpcp' }]);
      await shot('10-redriven');
    });

    it('shows an agency admin its dead letters without a redrive button', async () => {
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.locator('#login').waitFor({ state: 'visible' });
      await page.getByLabel('Tên đăng nhập').fill('hcm');
      await page.getByLabel('Mật khẩu').fill(PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.locator('#app').waitFor({ state: 'visible' });
      await page.getByRole('button', { name: 'Tải danh sách' }).click();
      await page.locator('#dead-message', { hasText: '1 gói tin không chuyển được.' }).waitFor();
      expect((await rowsOf('#dead-table')).map((r) => r[0])).toEqual([`${package2}/${H40}`]);
      expect(await page.locator('#dead-table button').count()).toBe(0);
      // Another province's document: refused with its code.
      await page.getByLabel('Tìm theo').selectOption('documentId');
      await page.getByLabel('Nội dung tìm').fill(doc1);
      await page.getByRole('button', { name: 'Tìm văn bản' }).click();
      await page.locator('#doc-message', { hasText: 'Không tìm thấy văn bản nào.' }).waitFor();
      await page.getByRole('button', { name: 'English' }).click();
      expect(await page.locator('#dead-title').textContent()).toBe('Undeliverable packages');
      expect(await page.locator('#dead-message').textContent()).toBe('1 undeliverable package(s).');
      await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
      await shot('11-agency-admin-dead-letters');
    });

    it('stays readable at 200% zoom with a trace and the dead letters shown: nothing wider than a 640-pixel-wide window', async () => {
      await page.getByLabel('Tìm theo').selectOption('notation');
      await page.getByLabel('Nội dung tìm').fill(`${Number(number) + 1}/vpcp`);
      await page.getByRole('button', { name: 'Tìm văn bản' }).click();
      await page.getByRole('button', { name: `Xem hành trình của ${Number(number) + 1}/VPCP-TTĐT` }).click();
      await page.locator('#trace-deliveries tbody tr').first().waitFor();
      await page.setViewportSize({ width: 640, height: 900 });
      expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(640);
      await shot('12-narrow-trace');
    });
  });
});

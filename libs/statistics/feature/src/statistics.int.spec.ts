import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { laneTopic } from '@vdx/contracts';
import { projectionGroupId, replayProjection } from '@vdx/event-sourcing';
import { EventProducer, commitGroupOffsets, committedGroupOffsets, createKafka, ensureTopics, eventTopicSpec, logEnds, type Kafka, type Outgoing } from '@vdx/messaging';
import { ServiceKitModule } from '@vdx/service-kit';
import { SAMPLE_AGENCIES, sampleDirectory, sampleExchange } from '@vdx/statistics-domain';
import { dumpCollection, testEnv, uniqueDbName, uniqueName, waitUntil } from '@vdx/testing';
import { MongoClient, type Db } from 'mongodb';
import { StatisticsFeatureModule } from './statistics-feature.module';
import { STATISTICS_COLLECTIONS, statisticsProjection, statisticsTopicsOf, type StatisticsTopics } from './statistics.projection';

const { VPCP, TAY_NINH, FINANCE, UNIT, HCM } = SAMPLE_AGENCIES;
/** A parsed JSON answer, read field by field in the assertions. */
type Json = ReturnType<typeof JSON.parse>;
const directory = sampleDirectory;
const exchange = sampleExchange;
/** The deadline of a wait for the projection to fold every event, from a runner just started (its group joins first). */
const FOLD_TIMEOUT_MS = 120_000;
/** A hook or test whose time is one such fold: the wait, and half a minute for the rest. */
const FOLD_TEST_TIMEOUT_MS = FOLD_TIMEOUT_MS + 30_000;

describe('statistics: projection and reporting API on real Kafka and the store', () => {
  const env = testEnv();
  const settings = { brokers: env.kafkaBrokers, clientId: 'statistics-int' };
  const run = uniqueName('st');
  const topics: StatisticsTopics = statisticsTopicsOf(run);
  const projectionName = `${run}-statistics`;
  const dbName = uniqueDbName('statistics_int');
  let kafka: Kafka;
  let mongo: MongoClient;
  let db: Db;
  let app: INestApplication | null = null;
  let base = '';
  const events = [...directory(), ...exchange(run)];

  async function startApp(): Promise<void> {
    const config = { KAFKA_BROKERS: env.kafkaBrokers, MONGO_URL: env.mongoUrl, MONGO_DB: dbName, HTTP_HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'error' as const, TOPIC_PARTITIONS: 3, TOPIC_REPLICATION_FACTOR: 1 };
    @Module({ imports: [ServiceKitModule.forRoot({ service: 'statistics', config }), StatisticsFeatureModule.forRoot({ topics, projectionName, batchSize: 500, groupRecords: 5000, factCache: 1000, partitions: 3, replicationFactor: 1 })] })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  }

  async function stopApp(): Promise<void> {
    await app?.close();
    app = null;
  }

  const get = async (path: string): Promise<{ status: number; body: Json; headers: Headers; bytes: Buffer }> => {
    const res = await fetch(`${base}${path}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, bytes, body: type.includes('json') ? JSON.parse(bytes.toString('utf8')) : bytes.toString('utf8') };
  };

  /** Every collection of the read models, sorted by `_id`. */
  const snapshot = async (names: Record<string, string> = STATISTICS_COLLECTIONS) => Object.fromEntries(await Promise.all(Object.entries(names).map(async ([m, c]) => [m, await dumpCollection(db, c)] as const)));

  /** The group has committed every partition to its end. */
  const caughtUp = async (): Promise<boolean> => {
    const { ends } = await logEnds(settings, statisticsProjection({ topics }).topics);
    const committed = await committedGroupOffsets(settings, statisticsProjection({ topics }).topics);
    const mine = new Map(committed.filter((c) => c.group === projectionGroupId({ name: projectionName })).map((c) => [`${c.topic}/${c.partition}`, c.offset]));
    return ends.every((e) => BigInt(mine.get(`${e.topic}/${e.partition}`) ?? '0') >= BigInt(e.endOffset));
  };

  beforeAll(async () => {
    kafka = createKafka(settings);
    mongo = await MongoClient.connect(env.mongoUrl);
    db = mongo.db(dbName);
    await ensureTopics(kafka, statisticsProjection({ topics }).topics.map((t) => eventTopicSpec(t, 3, 1)));
    const producer = new EventProducer(kafka);
    await producer.connect();
    const outgoing: Outgoing[] = events.map((e) => ({ topic: laneTopic(topics[e.source], e.urgent ? 'urgent' : 'normal'), event: e.event, key: e.key }));
    for (let i = 0; i < outgoing.length; i += 50) await producer.publish(outgoing.slice(i, i + 50));
    await producer.disconnect();
    await startApp();
    await waitUntil('the projection to fold every event', async () => (await caughtUp()) || undefined, { timeoutMs: FOLD_TIMEOUT_MS });
    // Its own timeout covers the wait above, so a slow fold fails with what the wait saw, not a bare hook timeout.
  }, FOLD_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await stopApp();
    await db.dropDatabase().catch(() => undefined);
    await mongo.close();
  });

  it('reports the national month: documents sent, delivered, fetched, acknowledged, Decree 30 and signatures', async () => {
    const { status, body } = await get('/statistics/v1/report?period=month&from=2025-07&kind=document&direction=sent&detail=true');
    expect(status).toBe(200);
    expect(body).toMatchObject({ period: 'month', from: '2025-07', to: '2025-07', agency: null, direction: 'sent', kind: 'document', priority: 'all', rows: 'children', nextAfter: null });
    expect(body.total.received).toBeUndefined();
    expect(body.total.sent).toMatchObject({ accepted: 4, delivered: 6, fetched: 5, acknowledgedDone: 4, acknowledgedFailed: 1, deadLettered: 1, statuses: {} });
    expect(body.total.sent.decree30).toEqual({ notFetchedByDeadline: 1, status01OnTime: 2, status01Late: 1, no01ByDeadline: 4 });
    expect(body.total.sent.signatures).toMatchObject({ validBoth: 1, notPerformed: 3, signedShare: 0.25 });
    expect(body.total.sent.latency.sendToFetched.count).toBe(5);
    // One row per level-1 agency, with its subtree, named from the directory.
    expect(body.items.map((r: Json) => [r.code, r.name, r.figures.sent.accepted])).toEqual([
      [VPCP, 'Văn phòng Chính phủ', 1],
      [HCM, 'UBND TP. Hồ Chí Minh', 1],
      [TAY_NINH, 'UBND tỉnh Tây Ninh', 2],
    ]);
  });

  it('filters statuses, the urgent lane and days', async () => {
    const statuses = (await get('/statistics/v1/report?period=month&from=2025-07&kind=status&direction=received&rows=none&detail=true')).body;
    expect(statuses.total.received.statuses).toEqual({ '01': 3, '03': 1 });
    // Without the breakdown: the headline only, the same counts, no second document read.
    const headline = (await get('/statistics/v1/report?period=month&from=2025-07&kind=status&direction=received&rows=none')).body;
    expect(headline.total.received).toMatchObject({ accepted: statuses.total.received.accepted, delivered: statuses.total.received.delivered });
    expect(headline.total.received.statuses).toBeUndefined();
    expect(headline.total.received.signatures.notPerformed).toBeUndefined();
    expect(headline.total.received.latency.sendToFetchable.buckets).toBeUndefined();
    expect(headline.total.received.latency.sendToFetchable.count).toBe(statuses.total.received.latency.sendToFetchable.count);
    const urgent = (await get('/statistics/v1/report?period=month&from=2025-07&kind=document&priority=urgent&rows=none')).body;
    expect(urgent.total.sent).toMatchObject({ accepted: 1, delivered: 1, fetched: 1 });
    const days = (await get('/statistics/v1/report?period=day&from=2025-07-15&to=2025-07-16&kind=document&direction=sent&rows=none')).body;
    expect(days.series.map((s: Json) => [s.period, s.figures.sent.accepted])).toEqual([
      ['2025-07-15', 3],
      ['2025-07-16', 1],
    ]);
  });

  it("reports a province with its subtree, its children's subtrees, an agency alone, and every agency page by page", async () => {
    const province = (await get(`/statistics/v1/report?period=week&from=2025-W29&agency=${TAY_NINH}&kind=document`)).body;
    expect(province.agency).toEqual({ code: TAY_NINH, name: 'UBND tỉnh Tây Ninh', level: 1 });
    expect(province.total.received.delivered).toBe(3);
    expect(province.total.sent.accepted).toBe(2);
    expect(province.items.map((r: Json) => [r.code, r.figures.received.delivered])).toEqual([[FINANCE, 2]]);
    const alone = (await get(`/statistics/v1/report?period=quarter&from=2025-Q3&agency=${FINANCE}&subtree=false&kind=document&rows=none`)).body;
    expect(alone.total.received.delivered).toBe(1);
    const department = (await get(`/statistics/v1/report?period=month&from=2025-07&agency=${FINANCE}&kind=document&rows=children`)).body;
    expect(department.total.received.delivered).toBe(2);
    expect(department.items.map((r: Json) => r.code)).toEqual([UNIT]);
    // The breakdowns: of a subtree from its headline and detail documents, of agencies from their own documents, which hold both.
    const inBuckets = (f: Json): number => f.latency.sendToFetchable.buckets.reduce((n: number, b: Json) => n + b.count, 0);
    const provinceDetail = (await get(`/statistics/v1/report?period=week&from=2025-W29&agency=${TAY_NINH}&kind=document&rows=none&detail=true`)).body;
    expect(inBuckets(provinceDetail.total.received)).toBe(3);
    const departmentDetail = (await get(`/statistics/v1/report?period=month&from=2025-07&agency=${FINANCE}&kind=document&rows=children&detail=true`)).body;
    expect(inBuckets(departmentDetail.total.received)).toBe(2);
    // Every accepted package has one verdict: the breakdown adds up to the headline's count.
    const verdicts = (f: Json): number => ['validBoth', 'validPartial', 'indeterminate', 'invalid', 'unsigned', 'notPerformed', 'rejected'].reduce((n, v) => n + f.signatures[v], 0);
    expect(departmentDetail.items.map((r: Json) => [r.code, inBuckets(r.figures.received), verdicts(r.figures.received), r.figures.received.accepted])).toEqual([[UNIT, 1, 1, 1]]);
    expect(departmentDetail.total.received).toMatchObject({ delivered: 2, statuses: {} });

    const first = (await get('/statistics/v1/report?period=month&from=2025-07&rows=agencies&limit=2&direction=received')).body;
    expect(first.items.map((r: Json) => r.code)).toEqual([VPCP, HCM]);
    expect(first.nextAfter).toBe(HCM);
    const second = (await get(`/statistics/v1/report?period=month&from=2025-07&rows=agencies&limit=2&direction=received&after=${HCM}`)).body;
    expect(second.items.map((r: Json) => r.code)).toEqual([TAY_NINH, FINANCE]);
    const third = (await get(`/statistics/v1/report?period=month&from=2025-07&rows=agencies&limit=2&direction=received&after=${FINANCE}`)).body;
    expect(third.items.map((r: Json) => r.code)).toEqual([UNIT]);
    expect(third.nextAfter).toBeNull();
  });

  it('reports refusals and findings per sender, and connected agencies per level', async () => {
    const quality = (await get('/statistics/v1/quality?period=month&from=2025-07')).body;
    expect(quality.total).toEqual({ refused: 1, flawed: 2, refusals: { 'EXCHANGE.INVALID_PACKAGE': 1 }, findings: { 'EDXML.INVALID_DATE': 1, 'EDXML.MISSING_FIELD': 1 } });
    // One row per registered level-1 agency (the agency tree), those with nothing to report too.
    expect(quality.items.map((r: Json) => [r.code, r.quality.refused, r.quality.flawed])).toEqual([
      [VPCP, 0, 0],
      [HCM, 1, 1],
      [TAY_NINH, 0, 1],
    ]);
    const connected = (await get('/statistics/v1/connected')).body;
    expect(connected.levels).toEqual([
      { level: 1, agencies: 3, connected: 3, suspended: 0, retired: 0 },
      { level: 2, agencies: 1, connected: 1, suspended: 0, retired: 0 },
      { level: 3, agencies: 1, connected: 0, suspended: 0, retired: 0 },
      { level: 4, agencies: 0, connected: 0, suspended: 0, retired: 0 },
    ]);
    expect((await get(`/statistics/v1/connected?agency=${TAY_NINH}`)).body.levels.slice(0, 3).map((l: Json) => [l.agencies, l.connected])).toEqual([
      [1, 1],
      [1, 1],
      [1, 0],
    ]);
  });

  it('exports CSV and XLSX with Vietnamese headers, and serves its OpenAPI document', async () => {
    const csv = await get('/statistics/v1/report?period=month&from=2025-07&direction=sent&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="thong-ke-month-2025-07.csv"');
    const lines = String(csv.body).split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFFMã định danh \/ Kỳ,Tên cơ quan,Cấp,Gửi – Gói tin được tiếp nhận,/);
    // Packages of every kind: VPCP's document and its 01 for Tây Ninh; HCM's document; Tây Ninh's two documents and three statuses.
    expect(lines.slice(1, 5).map((l) => l.split(',').slice(0, 4))).toEqual([
      [VPCP, 'Văn phòng Chính phủ', '1', '2'],
      [HCM, 'UBND TP. Hồ Chí Minh', '1', '1'],
      [TAY_NINH, 'UBND tỉnh Tây Ninh', '1', '5'],
      ['Tổng cộng', '', '', '8'],
    ]);
    const xlsx = await get('/statistics/v1/quality?period=month&from=2025-07&format=xlsx');
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const { Workbook } = await import('exceljs');
    const book = new Workbook();
    await book.xlsx.load(xlsx.bytes as never);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Mã định danh / Kỳ', 'Tên cơ quan', 'Cấp', 'Gói tin bị từ chối', 'Gói tin có lỗi', 'Từ chối: EXCHANGE.INVALID_PACKAGE', 'Lỗi: EDXML.INVALID_DATE', 'Lỗi: EDXML.MISSING_FIELD']);
    expect(sheet.getRow(2).values).toEqual([undefined, VPCP, 'Văn phòng Chính phủ', 1, 0, 0, 0, 0, 0]);
    expect(sheet.getRow(3).values).toEqual([undefined, HCM, 'UBND TP. Hồ Chí Minh', 1, 1, 1, 1, 0, 1]);
    const docs = await get('/docs/openapi.json');
    expect(docs.body.openapi).toBe('3.1.0');
    expect(Object.keys(docs.body.paths)).toEqual([
      '/statistics/v1/report',
      '/statistics/v1/quality',
      '/statistics/v1/connected',
      '/statistics/v1/documents',
      '/statistics/v1/documents/trace',
      '/statistics/v1/dead-letters',
      '/statistics/v1/dead-letters/redrive',
      '/statistics/v1/login',
      '/statistics/v1/logout',
      '/statistics/v1/me',
      '/statistics/v1/login-methods',
      '/statistics/v1/oidc/login',
      '/statistics/v1/oidc/logout',
      '/statistics/v1/oidc/callback',
    ]);
    expect(docs.body.paths['/statistics/v1/documents'].get.parameters.map((p: Json) => p.name)).toEqual(['documentId', 'notation', 'sender', 'from', 'to', 'limit', 'after']);
    expect(docs.body.paths['/statistics/v1/report'].get.parameters.map((p: Json) => p.name)).toEqual(['period', 'from', 'to', 'agency', 'subtree', 'direction', 'kind', 'priority', 'rows', 'detail', 'limit', 'after', 'format']);
    expect((await get('/docs')).body).toContain('/docs/openapi.json');
  });

  it.each([
    ['/statistics/v1/report?from=2025-07&colour=red', 'STATISTICS.BAD_PARAMETER', 'colour'],
    ['/statistics/v1/report?period=fortnight&from=2025-07', 'STATISTICS.BAD_CHOICE', 'period'],
    ['/statistics/v1/report?period=month', 'STATISTICS.BAD_RANGE', 'from'],
    ['/statistics/v1/report?period=month&from=2025-13', 'STATISTICS.BAD_DATE', 'from'],
    ['/statistics/v1/report?period=day&from=2020-01-01&to=2025-01-01', 'STATISTICS.RANGE_TOO_LONG', 'to'],
    ['/statistics/v1/report?from=2025-07&agency=H53', 'STATISTICS.BAD_AGENCY', 'agency'],
    ['/statistics/v1/report?from=2025-07&direction=sideways', 'STATISTICS.BAD_CHOICE', 'direction'],
    ['/statistics/v1/report?from=2025-07&limit=5000', 'STATISTICS.BAD_LIMIT', 'limit'],
    ['/statistics/v1/report?from=2025-07&from=2025-08', 'STATISTICS.BAD_PARAMETER', 'from'],
    ['/statistics/v1/quality?from=2025-07&kind=document', 'STATISTICS.BAD_PARAMETER', 'kind'],
    [`/statistics/v1/connected?agency=${FINANCE}`, 'STATISTICS.BAD_AGENCY', 'agency'],
    ['/statistics/v1/documents', 'STATISTICS.BAD_SEARCH', null],
    ['/statistics/v1/documents?notation=1&sender=000.00.00.G22', 'STATISTICS.BAD_SEARCH', 'sender'],
    ['/statistics/v1/documents?sender=G22', 'STATISTICS.BAD_AGENCY', 'sender'],
    ['/statistics/v1/documents?sender=000.00.00.G22&from=2025-02-30', 'STATISTICS.BAD_DATE', 'from'],
    ['/statistics/v1/documents?notation=1&limit=500', 'STATISTICS.BAD_LIMIT', 'limit'],
    ['/statistics/v1/documents/trace', 'STATISTICS.BAD_DOCUMENT_ID', 'documentId'],
    ['/statistics/v1/documents/trace?documentId=a%7Cb', 'STATISTICS.BAD_DOCUMENT_ID', 'documentId'],
    ['/statistics/v1/dead-letters?limit=0', 'STATISTICS.BAD_LIMIT', 'limit'],
    ['/statistics/v1/dead-letters?after=x', 'STATISTICS.BAD_DELIVERY_ID', 'after'],
  ])('answers %s with 400 %s', async (path, code, parameter) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code, parameter });
    expect(body.error.message).toEqual(expect.any(String));
  });

  it('finds a document by notation and traces it from the lookup alone when delivery.v1 is not configured; dead letters 503', async () => {
    const found = await get('/statistics/v1/documents?notation=1%2Fvpcp');
    expect([found.status, found.body.items.map((i: Json) => [i.documentId, i.sender])]).toEqual([200, [[`${VPCP},2025/07/15,1/VPCP`, VPCP]]]);
    const trace = await get(`/statistics/v1/documents/trace?documentId=${encodeURIComponent(`${VPCP},2025/07/15,1/VPCP`)}`);
    expect([trace.status, trace.body.packages.length, trace.body.deliveries, trace.body.deliveryError]).toEqual([200, 4, null, 'STATISTICS.DELIVERY_UNAVAILABLE']);
    const unknown = await get('/statistics/v1/documents/trace?documentId=nothing');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'STATISTICS.UNKNOWN_DOCUMENT']);
    const dead = await get('/statistics/v1/dead-letters');
    expect([dead.status, dead.body.error.code]).toEqual([503, 'STATISTICS.DELIVERY_UNAVAILABLE']);
    const redrive = await fetch(`${base}/statistics/v1/dead-letters/redrive`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ deliveryId: 'nope' }) });
    expect([redrive.status, ((await redrive.json()) as Json).error.code]).toEqual([400, 'STATISTICS.BAD_DELIVERY_ID']);
  });

  it('changes nothing when every event is delivered again from offset zero, and a replay rebuilds the same model', async () => {
    const live = await snapshot();
    // Days, months and years of agencies and subtrees; every period of the country.
    expect(live['headline']!.length).toBeGreaterThan(30);
    expect(live['detail']!.length).toBeGreaterThan(0);
    expect(live['tree']!.length).toBeGreaterThan(0);
    // A: three copies and three statuses; B: one and one; C and D: one each.
    expect(live['deliveries']!.length).toBe(6 + 2 + 1 + 1);
    await stopApp();
    // Redelivery: the group's offsets back to zero; the restarted runner also starts with no fact in memory.
    const { ends } = await logEnds(settings, statisticsProjection({ topics }).topics);
    await commitGroupOffsets(settings, projectionGroupId({ name: projectionName }), ends.map((e) => ({ topic: e.topic, partition: e.partition, offset: '0' })));
    expect(await caughtUp()).toBe(false);
    await startApp();
    await waitUntil('the restarted projection to fold every event again', async () => (await caughtUp()) || undefined, { timeoutMs: FOLD_TIMEOUT_MS });
    expect(await snapshot()).toEqual(live);

    // vdx replay's projection, with this test's topics: from offset zero into fresh collections.
    const projection = statisticsProjection({ name: projectionName, topics });
    const result = await replayProjection(settings, db, projection, { swap: false, refuseWhileRunning: false });
    expect(result).toMatchObject({ events: events.length, undecodable: 0, swapped: false });
    const replayed = await snapshot(Object.fromEntries(Object.entries(STATISTICS_COLLECTIONS).map(([m, c]) => [m, result.built[c]!])));
    // Every field of every document, the guards included.
    for (const model of Object.keys(STATISTICS_COLLECTIONS)) {
      expect(replayed[model]!.map((d) => d['_id'])).toEqual(live[model]!.map((d) => d['_id']));
      replayed[model]!.forEach((doc, i) => expect(doc).toStrictEqual(live[model]![i]));
    }
  }, FOLD_TEST_TIMEOUT_MS); // covers its wait for the restarted projection
});

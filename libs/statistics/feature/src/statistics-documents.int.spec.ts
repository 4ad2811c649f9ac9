import { HttpException } from '@nestjs/common';
import { DeliveryCallError, type DeliveryMessage } from '@vdx/delivery-client';
import { SAMPLE_AGENCIES, StatisticsError, agencyOf, parseDocumentSearch, sampleDirectory, sampleExchange, type Account } from '@vdx/statistics-domain';
import { testEnv, uniqueDbName } from '@vdx/testing';
import { MongoClient, type CommandStartedEvent, type Db, type Document } from 'mongodb';
import { StatisticsDocuments, type DeliveryPort } from './statistics-documents';
import { applyStatisticsBatch, type PositionedEvent } from './statistics-runner';
import { STATISTICS_COLLECTIONS, statisticsProjection } from './statistics.projection';

// The document lookup on the real store: the sample folded as the live runner folds it, then
// searched and traced as the console does, with an in-memory delivery.v1 (the port the service
// calls through; apps/statistics/src/console-trace.e2e.spec.ts runs the real one).

const { VPCP, TAY_NINH, FINANCE, UNIT, HCM } = SAMPLE_AGENCIES;
const DOC_A = `${VPCP},2025/07/15,1/VPCP`;
const DOC_B = `${TAY_NINH},2025/07/15,2/UBND`;
const DOC_D = `${HCM},2025/07/16,4/UBND`;
const NOW = Date.parse('2025-07-20T03:00:00Z');

const account = (role: Account['role'], agency: string | null = null): Account => ({ user: role, role, agency: agency === null ? null : agencyOf(agency), passwordHash: '' });
const CENTRAL = account('central-office');
const TN_ADMIN = account('agency-admin', TAY_NINH);
const HCM_ADMIN = account('agency-admin', HCM);

function delivery(packageId: string, recipient: string, state: string, over: Partial<DeliveryMessage> = {}): DeliveryMessage {
  return {
    deliveryId: `${packageId}/${recipient}`,
    packageId,
    kind: 'edoc',
    senderCode: VPCP,
    recipientCode: recipient,
    deliverToCode: recipient,
    systemId: `qlvb-${recipient}`,
    documentId: DOC_A,
    statusCode: '',
    subject: 'x',
    state,
    attempts: state === 'dead' ? 5 : 0,
    lastError: state === 'dead' ? 'UNAVAILABLE' : '',
    nextAttemptAt: '',
    deadline: '2025-07-15T10:00:00.000Z',
    deadlineMissed: false,
    queuedAt: '2025-07-15T02:00:01.000Z',
    fetchedAt: '',
    acknowledgedAt: '',
    ackResult: '',
    ackReason: '',
    bodySha256: 'a'.repeat(64),
    bodySize: 10,
    route: 'direct',
    routeVia: [],
    version: 1,
    statuses: [],
    signatureVerdict: 'valid',
    ...over,
  };
}

/** An in-memory delivery.v1: the deliveries it holds, the redrives it was asked for, or the refusal it answers with. */
class FakeDelivery implements DeliveryPort {
  redriven: [string, string][] = [];
  failure: Error | null = null;
  constructor(readonly held: DeliveryMessage[]) {}
  async ofPackage(packageId: string) {
    if (this.failure) throw this.failure;
    return { deliveries: this.held.filter((d) => d.packageId === packageId) };
  }
  readonly deadPages: string[] = [];
  /** As delivery's `ListDead`: by delivery id after the token; the token of the next page is the page's last id while more follow. */
  async listDead(limit: number, pageToken: string) {
    if (this.failure) throw this.failure;
    this.deadPages.push(pageToken);
    const after = this.held
      .filter((d) => d.state === 'dead' && d.deliveryId > pageToken)
      .sort((a, b) => a.deliveryId.localeCompare(b.deliveryId));
    const deliveries = after.slice(0, limit);
    return { deliveries, nextPageToken: after.length > limit ? deliveries[deliveries.length - 1]!.deliveryId : '' };
  }
  async redrive(deliveryId: string, operator: string) {
    if (this.failure) throw this.failure;
    this.redriven.push([deliveryId, operator]);
    return { ...this.held.find((d) => d.deliveryId === deliveryId)!, state: 'queued' };
  }
}

const refusalOf = async (p: Promise<unknown>): Promise<[number, string]> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatisticsError) return [0, err.code];
    if (err instanceof HttpException) return [err.getStatus(), (err.getResponse() as { error: { code: string } }).error.code];
    throw err;
  }
  throw new Error('not refused');
};

describe('StatisticsDocuments (real store)', () => {
  const env = testEnv();
  const run = 'lookup';
  let mongo: MongoClient;
  let db: Db;
  let fake: FakeDelivery;
  let documents: StatisticsDocuments;

  beforeAll(async () => {
    mongo = await MongoClient.connect(env.mongoUrl, { monitorCommands: true });
    db = mongo.db(uniqueDbName('statistics_documents'));
    const projection = statisticsProjection();
    const offsets = new Map<string, number>();
    const items: PositionedEvent[] = [...sampleDirectory(), ...sampleExchange(run)].map((e) => {
      const topic = projection.topics.find((t) => t.includes(`.${e.source}.`) && t.endsWith('.urgent') === e.urgent)!;
      const offset = offsets.get(topic) ?? 0;
      offsets.set(topic, offset + 1);
      return { event: e.event, record: { topic, partition: 0, offset: String(offset) } };
    });
    await applyStatisticsBatch(db, projection, items);
    fake = new FakeDelivery([
      delivery(`${run}-A`, TAY_NINH, 'acknowledged', { statuses: [{ code: '01', at: '2025-07-15T02:20:00.000Z', description: 'Đã đến', packageId: 's1' }] }),
      delivery(`${run}-A`, UNIT, 'acknowledged', { deliverToCode: FINANCE, route: 'hub' }),
      delivery(`${run}-A`, HCM, 'dead'),
      delivery(`${run}-C`, HCM, 'dead', { senderCode: FINANCE, documentId: `${FINANCE},2025/07/15,3/STC` }),
      delivery(`${run}-D`, FINANCE, 'dead', { senderCode: HCM, documentId: DOC_D }),
    ]);
    documents = new StatisticsDocuments(db, STATISTICS_COLLECTIONS.documents, fake);
  });

  afterAll(async () => {
    await db.dropDatabase();
    await mongo.close();
  });

  const search = (raw: Record<string, string>, who: Account | null = CENTRAL) => documents.search(parseDocumentSearch(raw, NOW), who);

  it('finds documents by notation (marks and case ignored, a prefix enough), by sender and days, and by DocumentId', async () => {
    expect((await search({ notation: '4/ubnd' })).items.map((i) => i.documentId)).toEqual([DOC_D]);
    expect((await search({ notation: '2/UBND' })).items).toEqual([{ documentId: DOC_B, notation: '2/UBND', sender: TAY_NINH, subject: 'Công văn về việc báo cáo thống kê', acceptedAt: '2025-07-15T03:00:00.000Z', recipients: [VPCP] }]);
    expect((await search({ notation: '1' })).items.map((i) => i.documentId)).toEqual([DOC_A]);
    expect((await search({ sender: TAY_NINH, from: '2025-07-15', to: '2025-07-16' })).items.map((i) => i.documentId)).toEqual([DOC_B]);
    expect((await search({ sender: HCM, from: '2025-07-15', to: '2025-07-15' })).items).toEqual([]);
    expect((await search({ documentId: DOC_A })).items.map((i) => [i.documentId, i.sender, i.recipients])).toEqual([[DOC_A, VPCP, [HCM, TAY_NINH, UNIT].sort()]]);
    expect((await search({ documentId: 'nothing,2025/07/15,9/X' })).items).toEqual([]);
  });

  it('pages a search with nextAfter', async () => {
    const first = await search({ sender: VPCP, from: '2025-07-01', to: '2025-07-20', limit: '1' });
    expect(first.items.map((i) => i.documentId)).toEqual([DOC_A]);
    expect(first.nextAfter).toBe(`s:${VPCP}|2025-07-15|${DOC_A}`);
    expect(await search({ sender: VPCP, from: '2025-07-01', to: '2025-07-20', limit: '1', after: first.nextAfter! })).toEqual({ by: 'sender', items: [], nextAfter: null });
  });

  it('shows an agency admin only documents its subtree sent or received', async () => {
    // VPCP's document went to Tây Ninh and its unit; HCM's to Tây Ninh's finance department.
    expect((await search({ sender: VPCP, from: '2025-07-15', to: '2025-07-16' }, TN_ADMIN)).items.map((i) => i.documentId)).toEqual([DOC_A]);
    expect((await search({ notation: '4/' }, TN_ADMIN)).items.map((i) => i.documentId)).toEqual([DOC_D]);
    // Tây Ninh's own document went to VPCP only: not HCM's business.
    expect((await search({ sender: TAY_NINH, from: '2025-07-15', to: '2025-07-16' }, HCM_ADMIN)).items).toEqual([]);
    expect((await search({ documentId: DOC_B }, HCM_ADMIN)).items).toEqual([]);
  });

  it("traces a document: its packages (the statuses about it) and each recipient's delivery", async () => {
    const trace = await documents.trace(DOC_A, CENTRAL);
    expect(trace).toMatchObject({ documentId: DOC_A, notation: '1/VPCP', sender: VPCP, recipients: [HCM, TAY_NINH, UNIT].sort(), deliveryError: null });
    expect(trace.packages.map((p) => [p.role, p.sender, p.statusCode, p.stage])).toEqual([
      ['document', VPCP, null, 'accepted'],
      ['status', TAY_NINH, '01', 'accepted'],
      ['status', TAY_NINH, '03', 'accepted'],
      ['status', UNIT, '01', 'accepted'],
    ]);
    expect(trace.deliveries!.map((d) => [d.recipientCode, d.deliverToCode, d.state])).toEqual([
      [HCM, HCM, 'dead'],
      [TAY_NINH, TAY_NINH, 'acknowledged'],
      [UNIT, FINANCE, 'acknowledged'],
    ]);
    expect(trace.deliveries![1]!.statuses).toEqual([{ code: '01', at: '2025-07-15T02:20:00.000Z', description: 'Đã đến' }]);
  });

  it("shows an agency admin that did not send it only its subtree's deliveries, and refuses another's document (403) and an unknown one (404)", async () => {
    expect((await documents.trace(DOC_A, TN_ADMIN)).deliveries!.map((d) => d.recipientCode)).toEqual([TAY_NINH, UNIT]);
    expect((await documents.trace(DOC_A, HCM_ADMIN)).deliveries!.map((d) => d.recipientCode)).toEqual([HCM]);
    expect(await refusalOf(documents.trace(DOC_B, HCM_ADMIN))).toEqual([0, 'STATISTICS.OUTSIDE_SCOPE']);
    expect(await refusalOf(documents.trace('nothing,2025/07/15,9/X', CENTRAL))).toEqual([0, 'STATISTICS.UNKNOWN_DOCUMENT']);
  });

  it("lists the dead letters by page, an agency admin's only those to its subtree", async () => {
    const all = await documents.deadLetters({ limit: 50, after: null }, CENTRAL);
    expect([all.items.map((d) => d.deliveryId), all.nextAfter]).toEqual([[`${run}-A/${HCM}`, `${run}-C/${HCM}`, `${run}-D/${FINANCE}`], null]);
    const first = await documents.deadLetters({ limit: 1, after: null }, HCM_ADMIN);
    expect([first.items.map((d) => d.deliveryId), first.nextAfter]).toEqual([[`${run}-A/${HCM}`], `${run}-A/${HCM}`]);
    const second = await documents.deadLetters({ limit: 1, after: first.nextAfter }, HCM_ADMIN);
    expect([second.items.map((d) => d.deliveryId), second.nextAfter]).toEqual([[`${run}-C/${HCM}`], null]);
    expect((await documents.deadLetters({ limit: 50, after: null }, TN_ADMIN)).items.map((d) => d.deliveryId)).toEqual([`${run}-D/${FINANCE}`]);
  });

  it("pages through ListDead past its pages, and ends a page an agency admin mostly cannot see early with where to go on", async () => {
    // 2,100 dead letters to Hồ Chí Minh City ahead of Tây Ninh's: more than ten pages of ListDead.
    const others = Array.from({ length: 2100 }, (_, i) => delivery(`${run}-B${String(i).padStart(4, '0')}`, HCM, 'dead'));
    const many = new FakeDelivery([...others, delivery(`${run}-Z`, TAY_NINH, 'dead')]);
    const paged = new StatisticsDocuments(db, STATISTICS_COLLECTIONS.documents, many);
    const first = await paged.deadLetters({ limit: 50, after: null }, TN_ADMIN);
    // Ten reads of 200 looked at 2,000 of them, none Tây Ninh's: an empty page that says where to go on.
    expect([first.items, first.nextAfter, many.deadPages.length]).toEqual([[], `${run}-B1999/${HCM}`, 10]);
    const second = await paged.deadLetters({ limit: 50, after: first.nextAfter }, TN_ADMIN);
    expect([second.items.map((d) => d.deliveryId), second.nextAfter]).toEqual([[`${run}-Z/${TAY_NINH}`], null]);
    expect(many.deadPages.slice(10)).toEqual([`${run}-B1999/${HCM}`]);
    // The central office sees them all, 100 at a time, each page continuing where the last one ended.
    const seen: string[] = [];
    for (let after: string | null = null, pages = 0; pages === 0 || after !== null; pages += 1) {
      const page = await paged.deadLetters({ limit: 100, after }, CENTRAL);
      seen.push(...page.items.map((d) => d.deliveryId));
      after = page.nextAfter;
    }
    expect(seen).toEqual([...others.map((d) => d.deliveryId), `${run}-Z/${TAY_NINH}`]);
  });

  it("redrives through delivery.v1 with the console user's name, and answers delivery's refusals with their codes", async () => {
    expect((await documents.redrive(`${run}-A/${HCM}`, 'console:vpcp')).state).toBe('queued');
    expect(fake.redriven).toEqual([[`${run}-A/${HCM}`, 'console:vpcp']]);
    fake.failure = new DeliveryCallError('DELIVERY.NOT_DEAD', 'not dead', { grpcStatus: 9, path: 'delivery_id' });
    expect(await refusalOf(documents.redrive(`${run}-A/${HCM}`, 'console:vpcp'))).toEqual([400, 'DELIVERY.NOT_DEAD']);
    fake.failure = new DeliveryCallError('GRPC.14', 'connect ECONNREFUSED', { grpcStatus: 14 });
    expect(await refusalOf(documents.redrive(`${run}-A/${HCM}`, 'console:vpcp'))).toEqual([503, 'STATISTICS.DELIVERY_UNAVAILABLE']);
    expect(await refusalOf(documents.deadLetters({ limit: 1, after: null }, CENTRAL))).toEqual([503, 'STATISTICS.DELIVERY_UNAVAILABLE']);
    const trace = await documents.trace(DOC_A, CENTRAL);
    expect([trace.deliveries, trace.deliveryError, trace.packages.length]).toEqual([null, 'STATISTICS.DELIVERY_UNAVAILABLE', 4]);
    fake.failure = null;
  });

  it('reads the lookup by _id ranges the store answers from its index, with the sort and the limit (docs/adr/0002)', async () => {
    const finds: { filter: Document; sort?: Document; limit?: number }[] = [];
    const capture = (e: CommandStartedEvent) => {
      if (e.commandName !== 'find' || e.databaseName !== db.databaseName || e.command['find'] !== STATISTICS_COLLECTIONS.documents) return;
      const { sort: raw, limit } = e.command as { sort?: Document | Map<string, unknown>; limit?: number };
      const sort = raw instanceof Map ? (Object.fromEntries(raw) as Document) : raw;
      finds.push({ filter: e.command['filter'] as Document, ...(sort ? { sort } : {}), ...(limit ? { limit } : {}) });
    };
    mongo.on('commandStarted', capture);
    try {
      await search({ notation: '1/vpcp' });
      await search({ sender: VPCP, from: '2025-07-01', to: '2025-07-20', limit: '1' });
      await search({ documentId: DOC_A });
      await documents.trace(DOC_A, CENTRAL);
      // Vietnamese letters and a space in what is looked for: still plain-string bounds.
      expect((await search({ notation: '9/VPCP-TTĐT x' })).items).toEqual([]);
      expect(await refusalOf(documents.trace(`${VPCP},2025/07/15,9/VPCP-TTĐT`, CENTRAL))).toEqual([0, 'STATISTICS.UNKNOWN_DOCUMENT']);
    } finally {
      mongo.off('commandStarted', capture);
    }
    expect(finds).toHaveLength(6);
    for (const f of finds) {
      expect(Object.keys(f.filter)).toEqual(['_id']);
      const plan = await db.command({ explain: { find: STATISTICS_COLLECTIONS.documents, filter: f.filter, sort: f.sort, limit: f.limit }, verbosity: 'queryPlanner' });
      const fromIndex =
        'filterPushdown' in plan
          ? plan['filterPushdown'] === true && plan['sortPushdown'] === true && plan['limitPushdown'] === true // FerretDB
          : /IXSCAN|IDHACK|EXPRESS_IXSCAN|CLUSTERED_IXSCAN/.test(JSON.stringify(plan['queryPlanner'] ?? plan)) && !/COLLSCAN/.test(JSON.stringify(plan));
      expect({ ...f, fromIndex }).toEqual({ ...f, fromIndex: true });
    }
  });

  it('without delivery.v1 configured: traces from the lookup alone, dead letters 503', async () => {
    const alone = new StatisticsDocuments(db, STATISTICS_COLLECTIONS.documents, null);
    expect((await alone.trace(DOC_A, CENTRAL)).deliveryError).toBe('STATISTICS.DELIVERY_UNAVAILABLE');
    expect(await refusalOf(alone.deadLetters({ limit: 1, after: null }, CENTRAL))).toEqual([503, 'STATISTICS.DELIVERY_UNAVAILABLE']);
    expect(await refusalOf(alone.redrive(`${run}-A/${HCM}`, 'console'))).toEqual([503, 'STATISTICS.DELIVERY_UNAVAILABLE']);
  });
});

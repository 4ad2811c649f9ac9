import { catalogue, type DeliveryWithdrawn, DeliveryWithdrawnEvent, DocumentWithdrawnEvent, EventCodec, type EventEnvelope, type PackageRouted, PackageRoutedEvent } from '@vdx/contracts';
import { documentPackage, statusPackage, type DocumentPackageOptions } from '@vdx/edxml';
import { ExchangeCallError, type ExchangeClient } from '@vdx/exchange-client';
import { ReferenceClient } from '@vdx/legacy-edge-feature/testing';
import { readLogFromStart } from '@vdx/messaging';
import { AXIS_START_TIMEOUT_MS, PIPELINE, startAxis, type Axis } from '@vdx/testing/axis';
import { StopWaiting, testEnv, waitUntil } from '@vdx/testing';
import { issueSystemSecret } from '../../../tools/cli/system-secret';

// The whole lifecycle of a document, through both edges of the running axis: a revoke withdraws
// it at its recipients, an update applies its receiver list, a replacement withdraws the old
// document at the organisations it lists and is linked to it (docs/domain.md §4); and the legacy
// API's `to` names the recipients instead of the package.

const VPCP = '000.00.00.G22';
const TAYNINH = '000.00.00.H53';
const SO_TC = '000.00.32.H53'; // no system of its own: Tây Ninh's hub receives for it
const QUANGTRI = '000.00.00.H45';
const SYSTEMS = ['qlvb-vpcp', 'qlvb-tayninh', 'qlvb-quangtri'] as const;

type Answer = { json: Record<string, unknown> };
const rows = (a: Answer) => a.json['data'] as Record<string, string>[];
const WAIT = { timeoutMs: 45_000, intervalMs: 250 };
// Each case sends, waits for deliveries, sends again and waits for the withdrawals: four hops
// twice on a loaded two-core machine.
const CASE_TIMEOUT_MS = 150_000;

/** Whether two recipient → state maps are equal. */
function sameStates(a: Readonly<Record<string, string | undefined>>, b: Readonly<Record<string, string>>): boolean {
  const entries = (m: Readonly<Record<string, string | undefined>>) => JSON.stringify(Object.entries(m).sort(([x], [y]) => x.localeCompare(y)));
  return entries(a) === entries(b);
}

function expectOk(a: Answer): void {
  expect({ status: a.json['status'], code: a.json['ErrorCode'], desc: a.json['ErrorDesc'] }).toEqual({ status: 'OK', code: '0', desc: '' });
}

describe('the document lifecycle through exchange.v1 and the legacy VXP edge (e2e)', () => {
  const env = testEnv();
  const secrets: Record<string, string> = {};
  let axis: Axis;
  let vpcp: ExchangeClient;
  let tayninh: ExchangeClient;
  let quangtri: ExchangeClient;
  const legacy = (systemId: (typeof SYSTEMS)[number]) => new ReferenceClient(axis.legacyEndpoint, systemId, secrets[systemId]!);

  beforeAll(async () => {
    axis = await startAxis({
      name: 'lifecycle-e2e',
      services: [...PIPELINE, 'legacy-edge'],
      partitions: 3,
      agencies: [
        { code: VPCP, name: 'Văn phòng Chính phủ' },
        { code: TAYNINH, name: 'UBND tỉnh Tây Ninh' },
        { code: SO_TC, name: 'Sở Tài chính' },
        { code: QUANGTRI, name: 'UBND tỉnh Quảng Trị' },
      ],
      systems: [
        { systemId: 'qlvb-vpcp', code: VPCP },
        { systemId: 'qlvb-tayninh', code: TAYNINH },
        { systemId: 'qlvb-quangtri', code: QUANGTRI },
      ],
      seed: async (a) => {
        for (const systemId of SYSTEMS) {
          secrets[systemId] = (await issueSystemSecret(systemId, { brokers: a.kafkaBrokers, topic: a.topics.legacyEdge, key: a.legacySecretKey, overlapHours: 0, operator: 'e2e', partitions: 1 })).secret;
        }
      },
    });
    vpcp = axis.client('qlvb-vpcp');
    tayninh = axis.client('qlvb-tayninh');
    quangtri = axis.client('qlvb-quangtri');
    const running = (['directory', 'gateway', 'signature', 'routing', 'delivery', 'legacy-edge'] as const).flatMap((s) => axis.instances(s));
    await waitUntil('the legacy edge answering every system', async () => {
      const dead = running.find((i) => i.process.child.exitCode !== null || i.process.child.signalCode !== null);
      if (dead) throw new StopWaiting(`${dead.id} exited: ${dead.output().slice(-3000)}`);
      const answers = await Promise.all(SYSTEMS.map((s) => legacy(s).countReceiveEdoc()));
      return answers.every((a) => a.json['status'] === 'OK');
    }, { timeoutMs: 120_000, intervalMs: 500 });
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    await axis?.stop();
  });

  const doc = (codeNumber: string, o: Partial<DocumentPackageOptions> = {}) =>
    documentPackage({ from: VPCP, to: [TAYNINH, SO_TC, QUANGTRI], codeNumber, codeNotation: 'VPCP-TTĐT', promulgationDate: '2026/12/01', subject: `Văn bản ${codeNumber}`, ...o });

  const refusal = async (p: Promise<unknown>): Promise<ExchangeCallError> => {
    const err: unknown = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExchangeCallError);
    return err as ExchangeCallError;
  };

  // ---- exchange.v1 -----------------------------------------------------------------------

  /** The recipients' open inboxes, by delivery id. */
  const openInbox = async (): Promise<Map<string, string>> => {
    const items = [...(await tayninh.listInbox({ pageSize: 500 })).items, ...(await quangtri.listInbox({ pageSize: 500 })).items];
    return new Map(items.map((i) => [i.deliveryId, i.state]));
  };
  const delivered = (packageId: string, codes: readonly string[]) =>
    waitUntil(`${packageId} in ${codes.join(', ')}'s inboxes`, async () => {
      const open = await openInbox();
      return codes.every((c) => open.has(`${packageId}/${c}`)) ? open : undefined;
    }, WAIT);
  /** Each recipient's transport state in the sender's trace, once every state is as expected. */
  const traced = (packageId: string, expected: Record<string, string>) =>
    waitUntil(`${packageId} traced as ${JSON.stringify(expected)}`, async () => {
      const t = await vpcp.getTrace(packageId);
      const states = Object.fromEntries(t.recipients.map((r) => [r.recipientCode, r.transportState]));
      return sameStates(states, expected) ? states : undefined;
    }, WAIT);
  const send = async (xml: string) => {
    const receipt = await vpcp.sendPackage(Buffer.from(xml), { senderCode: VPCP, kind: 'edoc' });
    expect(receipt.outcome).toBe('accepted');
    return receipt.packageId;
  };

  it('exchange.v1: a revoke withdraws the document where it is addressed; a copy not yet fetched is no longer offered', async () => {
    const original = doc('501');
    const D = await send(original.xml);
    await delivered(D, [TAYNINH, SO_TC, QUANGTRI]);
    expect(await tayninh.fetchPackage(`${D}/${TAYNINH}`)).toEqual(Buffer.from(original.xml)); // fetched, not acknowledged

    const revoke = doc('502', { to: [TAYNINH, SO_TC], businessDocType: '1', relatedDocumentId: original.documentId, businessDocReason: 'Ban hành nhầm', subject: 'Thu hồi văn bản 501' });
    const R = await send(revoke.xml);
    // The sender's trace shows the copies withdrawn where the revoke went; Quảng Trị's is untouched.
    await traced(D, { [TAYNINH]: 'withdrawn', [SO_TC]: 'withdrawn', [QUANGTRI]: 'queued' });
    // The recipients' inbox: the revoke is there, the revoked copies are not, fetched or not.
    const open = await waitUntil('the revoke listed, the revoked copies not', async () => {
      const o = await delivered(R, [TAYNINH, SO_TC]);
      return !o.has(`${D}/${TAYNINH}`) && !o.has(`${D}/${SO_TC}`) ? o : undefined;
    }, WAIT);
    expect(open.get(`${D}/${QUANGTRI}`)).toBe('queued');
    const revoked = (await tayninh.listInbox({ agencyCode: SO_TC })).items.find((i) => i.packageId === R);
    expect(revoked).toMatchObject({ senderCode: VPCP, kind: 'edoc', documentId: revoke.documentId, state: 'queued' });
    for (const id of [`${D}/${SO_TC}`, `${D}/${TAYNINH}`]) expect((await refusal(tayninh.fetchPackage(id))).code).toBe('DELIVERY.WITHDRAWN');
    expect((await refusal(tayninh.acknowledge(`${D}/${TAYNINH}`, 'done'))).code).toBe('DELIVERY.WITHDRAWN');
    expect(await quangtri.fetchPackage(`${D}/${QUANGTRI}`)).toEqual(Buffer.from(original.xml));
  }, CASE_TIMEOUT_MS);

  it('exchange.v1: an update applies its receiver list: the added receiver gets it, the removed one has the document withdrawn', async () => {
    const original = doc('511', { to: [TAYNINH, SO_TC] });
    const D = await send(original.xml);
    await delivered(D, [TAYNINH, SO_TC]);

    const update = doc('512', {
      to: [TAYNINH],
      businessDocType: '2',
      relatedDocumentId: original.documentId,
      subject: 'Cập nhật văn bản 511',
      receiverChanges: [
        { organId: QUANGTRI, receiverType: '1' },
        { organId: SO_TC, receiverType: '0' },
      ],
    });
    const U = await send(update.xml);
    await traced(U, { [TAYNINH]: 'queued', [QUANGTRI]: 'queued' });
    await traced(D, { [TAYNINH]: 'queued', [SO_TC]: 'withdrawn' });
    const open = await waitUntil('the removed receiver\'s copy off its inbox', async () => {
      const o = await openInbox();
      return o.has(`${D}/${SO_TC}`) ? undefined : o;
    }, WAIT);
    expect([open.has(`${U}/${SO_TC}`), open.get(`${D}/${TAYNINH}`)]).toEqual([false, 'queued']);
    expect((await refusal(tayninh.fetchPackage(`${D}/${SO_TC}`))).code).toBe('DELIVERY.WITHDRAWN');
    // The added receiver holds the new version: it may take it in and report on it.
    expect(await quangtri.fetchPackage(`${U}/${QUANGTRI}`)).toEqual(Buffer.from(update.xml));
    await quangtri.acknowledge(`${U}/${QUANGTRI}`, 'done');
    const status = statusPackage({ from: QUANGTRI, documentId: update.documentId, documentIssuer: VPCP, statusCode: '03', timestamp: '2026/12/01 10:00:00' });
    expect(await quangtri.sendPackage(Buffer.from(status.xml), { senderCode: QUANGTRI, kind: 'status' })).toMatchObject({ outcome: 'accepted' });
    await waitUntil('03 from the added receiver in the update\'s trace', async () => {
      const t = await vpcp.getTrace(U);
      return t.recipients.find((r) => r.recipientCode === QUANGTRI)?.statuses.some((s) => s.code === '03') || undefined;
    }, WAIT);
  }, CASE_TIMEOUT_MS);

  it('exchange.v1: a replacement is linked to the old document and withdraws it at the organisations it lists', async () => {
    const original = doc('521', { to: [TAYNINH, QUANGTRI] });
    const D = await send(original.xml);
    await delivered(D, [TAYNINH, QUANGTRI]);

    const replacement = doc('522', { to: [TAYNINH, QUANGTRI], businessDocType: '3', relatedDocumentId: original.documentId, subject: 'Thay thế văn bản 521', replaces: [{ documentId: original.documentId, organIds: [TAYNINH] }] });
    const X = await send(replacement.xml);
    await delivered(X, [TAYNINH, QUANGTRI]);
    await traced(D, { [TAYNINH]: 'withdrawn', [QUANGTRI]: 'queued' });
    expect((await refusal(tayninh.fetchPackage(`${D}/${TAYNINH}`))).code).toBe('DELIVERY.WITHDRAWN');

    // The link, in the log: the replacement names the old document; the old copy was withdrawn by it.
    const codec = new EventCodec(catalogue);
    const events: EventEnvelope[] = [];
    await readLogFromStart({ brokers: env.kafkaBrokers, clientId: `${axis.name}-lifecycle-reader` }, [axis.topics.routing, `${axis.topics.routing}.urgent`, axis.topics.delivery, `${axis.topics.delivery}.urgent`], async (records) => {
      for (const r of records) events.push(codec.decode(r.value!, r.headers));
    });
    const routed = events.find((e) => e.type === PackageRoutedEvent.type && e.aggregateId === X)!.payload as PackageRouted;
    expect(routed.package).toMatchObject({ businessDocType: '3', relatedDocumentId: original.documentId });
    const decided = events.filter((e) => e.type === DocumentWithdrawnEvent.type && e.aggregateId === X);
    expect(decided.map((e) => [e.aggregateSeq, e.payload])).toEqual([[2, expect.objectContaining({ documentId: original.documentId, recipientCodes: [TAYNINH] })]]);
    const withdrawn = events.filter((e) => e.type === DeliveryWithdrawnEvent.type && e.aggregateId.startsWith(`${D}/`));
    expect(withdrawn.map((e) => [e.aggregateId, (e.payload as DeliveryWithdrawn).byPackageId, e.causationId, e.correlationId])).toEqual([[`${D}/${TAYNINH}`, X, decided[0]!.eventId, D]]);
    // The replacement is registered for the old document's recipients: either may report on it.
    const status = statusPackage({ from: QUANGTRI, documentId: replacement.documentId, documentIssuer: VPCP, statusCode: '01', timestamp: '2026/12/01 11:00:00' });
    expect(await quangtri.sendPackage(Buffer.from(status.xml), { senderCode: QUANGTRI, kind: 'status' })).toMatchObject({ outcome: 'accepted' });
    await waitUntil('01 on the replacement in its trace', async () => (await vpcp.getTrace(X)).recipients.find((r) => r.recipientCode === QUANGTRI)?.statuses.some((s) => s.code === '01') || undefined, WAIT);
  }, CASE_TIMEOUT_MS);

  // ---- the legacy VXP API ---------------------------------------------------------------

  /** What a system's reference client still has to take in, by docId → status. */
  const legacyList = async (systemId: (typeof SYSTEMS)[number]): Promise<Map<string, string>> => {
    const list = await legacy(systemId).getReceivedEdocList('edoc');
    expectOk(list);
    return new Map(rows(list).map((r) => [r['docId']!, r['status']!]));
  };
  const listed = (systemId: (typeof SYSTEMS)[number], ids: readonly string[]) =>
    waitUntil(`${ids.join(', ')} in ${systemId}'s list`, async () => {
      const list = await legacyList(systemId);
      return ids.every((id) => list.has(id)) ? list : undefined;
    }, WAIT);
  const legacySend = async (xml: string, to?: string): Promise<string> => {
    // A fresh client object per send: the reference client re-sends a `to` on every later call.
    const sent = await legacy('qlvb-vpcp').sendEdoc(Buffer.from(xml), { from: VPCP, messagetype: 'edoc', ...(to !== undefined ? { to } : {}) });
    expectOk(sent);
    return sent.json['DocId'] as string;
  };
  /** The sender's getSentEdocList, once each recipient's receiveStatus is as expected. */
  const sentAs = (docId: string, expected: Record<string, string>) =>
    waitUntil(`${docId} sent rows as ${JSON.stringify(expected)}`, async () => {
      const answer = await legacy('qlvb-vpcp').getSentEdocList(docId);
      expectOk(answer);
      const states = Object.fromEntries(rows(answer).map((r) => [r['toCode']!, r['receiveStatus']!]));
      return sameStates(states, expected) ? rows(answer) : undefined;
    }, WAIT);

  it('legacy API: a revoke withdraws the document; the list no longer offers it and getEdoc answers DELIVERY.WITHDRAWN', async () => {
    const original = doc('601');
    const D = await legacySend(original.xml);
    await listed('qlvb-tayninh', [`${D}/${TAYNINH}`, `${D}/${SO_TC}`]);
    await listed('qlvb-quangtri', [`${D}/${QUANGTRI}`]);
    const got = await legacy('qlvb-tayninh').getEdoc(`${D}/${TAYNINH}`);
    expectOk(got);

    const revoke = doc('602', { to: [TAYNINH, SO_TC], businessDocType: '1', relatedDocumentId: original.documentId, subject: 'Thu hồi văn bản 601' });
    const R = await legacySend(revoke.xml);
    const sent = await sentAs(D, { [TAYNINH]: 'withdrawn', [SO_TC]: 'withdrawn', [QUANGTRI]: 'queued' });
    expect(sent.find((r) => r['toCode'] === SO_TC)!['receiveStatusDesc']).toContain('withdrawn');
    await listed('qlvb-tayninh', [`${R}/${TAYNINH}`, `${R}/${SO_TC}`]);
    await waitUntil('the revoked copies off the list', async () => {
      const list = await legacyList('qlvb-tayninh');
      return !list.has(`${D}/${TAYNINH}`) && !list.has(`${D}/${SO_TC}`) || undefined;
    }, WAIT);
    const refused = await legacy('qlvb-tayninh').getEdoc(`${D}/${SO_TC}`);
    expect(refused.json).toMatchObject({ status: 'FAIL', ErrorCode: 'DELIVERY.WITHDRAWN', data: '' });
    // The revoke itself is what the recipient takes in: the file as sent.
    const taken = await legacy('qlvb-tayninh').getEdoc(`${R}/${SO_TC}`);
    expect(Buffer.from(taken.json['data'] as string, 'base64').equals(Buffer.from(revoke.xml))).toBe(true);
    expect((await legacyList('qlvb-quangtri')).get(`${D}/${QUANGTRI}`)).toBe('queued');
  }, CASE_TIMEOUT_MS);

  it('legacy API: an update applies its receiver list', async () => {
    const original = doc('611', { to: [TAYNINH, SO_TC] });
    const D = await legacySend(original.xml);
    await listed('qlvb-tayninh', [`${D}/${TAYNINH}`, `${D}/${SO_TC}`]);
    const update = doc('612', {
      to: [TAYNINH],
      businessDocType: '2',
      relatedDocumentId: original.documentId,
      subject: 'Cập nhật văn bản 611',
      receiverChanges: [
        { organId: QUANGTRI, receiverType: '1' },
        { organId: SO_TC, receiverType: '0' },
      ],
    });
    const U = await legacySend(update.xml);
    await listed('qlvb-quangtri', [`${U}/${QUANGTRI}`]);
    await sentAs(U, { [TAYNINH]: 'queued', [QUANGTRI]: 'queued' });
    await sentAs(D, { [TAYNINH]: 'queued', [SO_TC]: 'withdrawn' });
    const list = await waitUntil('the removed receiver\'s copy off the list', async () => {
      const l = await legacyList('qlvb-tayninh');
      return l.has(`${D}/${SO_TC}`) ? undefined : l;
    }, WAIT);
    expect([list.has(`${D}/${TAYNINH}`), list.has(`${U}/${TAYNINH}`)]).toEqual([true, true]);
    expect((await legacy('qlvb-tayninh').getEdoc(`${D}/${SO_TC}`)).json['ErrorCode']).toBe('DELIVERY.WITHDRAWN');
    const got = await legacy('qlvb-quangtri').getEdoc(`${U}/${QUANGTRI}`);
    expect(Buffer.from(got.json['data'] as string, 'base64').equals(Buffer.from(update.xml))).toBe(true);
  }, CASE_TIMEOUT_MS);

  it('legacy API: a replacement withdraws the old document at the organisations it lists', async () => {
    const original = doc('621', { to: [TAYNINH, QUANGTRI] });
    const D = await legacySend(original.xml);
    await listed('qlvb-quangtri', [`${D}/${QUANGTRI}`]);
    const replacement = doc('622', { to: [TAYNINH, QUANGTRI], businessDocType: '3', relatedDocumentId: original.documentId, subject: 'Thay thế văn bản 621', replaces: [{ documentId: original.documentId, organIds: [QUANGTRI] }] });
    const X = await legacySend(replacement.xml);
    await sentAs(D, { [TAYNINH]: 'queued', [QUANGTRI]: 'withdrawn' });
    await listed('qlvb-quangtri', [`${X}/${QUANGTRI}`]);
    await waitUntil('the replaced copy off the list', async () => !(await legacyList('qlvb-quangtri')).has(`${D}/${QUANGTRI}`) || undefined, WAIT);
    expect((await legacy('qlvb-quangtri').getEdoc(`${D}/${QUANGTRI}`)).json['ErrorCode']).toBe('DELIVERY.WITHDRAWN');
    expect((await legacyList('qlvb-tayninh')).has(`${D}/${TAYNINH}`)).toBe(true);
    // The replacement's rows name the document it replaces only in the package; its recipients report on it as usual.
    const status = Buffer.from(statusPackage({ from: QUANGTRI, documentId: replacement.documentId, documentIssuer: VPCP, statusCode: '01', timestamp: '2026/12/01 12:00:00' }).xml);
    expectOk(await legacy('qlvb-quangtri').sendEdoc(status, { from: QUANGTRI, messagetype: 'status' }));
    await waitUntil('01 on the replacement in the sender\'s list', async () => rows(await legacy('qlvb-vpcp').getSentEdocList(X)).some((r) => r['toCode'] === QUANGTRI && r['statusCode'] === '01') || undefined, WAIT);
  }, CASE_TIMEOUT_MS);

  it('legacy API: sendEdoc\'s to names the recipients instead of the package\'s To', async () => {
    const file = doc('631', { to: [TAYNINH] });
    const D = await legacySend(file.xml, `["${QUANGTRI}"]`);
    await listed('qlvb-quangtri', [`${D}/${QUANGTRI}`]);
    await sentAs(D, { [QUANGTRI]: 'queued' });
    expect([...(await legacyList('qlvb-tayninh')).keys()].some((id) => id.startsWith(`${D}/`))).toBe(false);
    // The recipient gets the file as sent, its To untouched.
    const got = await legacy('qlvb-quangtri').getEdoc(`${D}/${QUANGTRI}`);
    expect(Buffer.from(got.json['data'] as string, 'base64').equals(Buffer.from(file.xml))).toBe(true);
    // The same file without `to` is another send, routed on the package.
    const routedOnPackage = await legacySend(file.xml);
    expect(routedOnPackage).not.toBe(D);
    await listed('qlvb-tayninh', [`${routedOnPackage}/${TAYNINH}`]);
    // A `to` that names no agency is refused, with nothing sent.
    const bad = await legacy('qlvb-vpcp').sendEdoc(Buffer.from(doc('632').xml), { from: VPCP, messagetype: 'edoc', to: '["not a code"]' });
    expect(bad.json).toMatchObject({ status: 'FAIL', ErrorCode: 'LEGACY.INVALID_PARAMETER', DocId: '' });
  }, CASE_TIMEOUT_MS);
});

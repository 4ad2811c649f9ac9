import { Server, ServerCredentials, status, loadPackageDefinition, type ServerReadableStream, type sendUnaryData } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { catalogue, DeliveryAcknowledgedEvent, DeliveryFetchedEvent, DeliveryQueuedEvent, DeliveryStatusRecordedEvent, DocumentChangedEvent, EventCodec, type EventEnvelope, EXCHANGE_PROTO, PackageAcceptedEvent, PackageRoutedEvent, SignatureVerifiedEvent } from '@vdx/contracts';
import { DeliveryClient } from '@vdx/delivery-client';
import { DirectoryClient } from '@vdx/directory-client';
import { documentPackage, statusPackage } from '@vdx/edxml';
import { ExchangeCallError, ExchangeClient, type InboxItem } from '@vdx/exchange-client';
import { readLogFromStart } from '@vdx/messaging';
import { pkiPaths } from '@vdx/pki';
import { AgencyAgent } from '../../../tools/cli/agent/agency-agent';
import type { AgentEvent } from '../../../tools/cli/agent/agent-events';
import { listDeadDeliveries, redriveDeliveries } from '../../../tools/cli/dead-letter-deliveries';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis } from '@vdx/testing/axis';
import { RESTART_READY_TIMEOUT_MS, RESTART_TEST_TIMEOUT_MS, freePort, testEnv, waitUntil } from '@vdx/testing';

const H53 = '000.00.00.H53';
const SO_TC = '000.00.32.H53'; // no system of its own: Tây Ninh's hub receives for it
const SO_GD = '000.00.03.H53'; // its own system, which takes pushes
const SO_YT = '000.00.05.H53'; // its own system, whose endpoint never answers
const G22 = '000.00.00.G22';
const MERGED = '000.00.06.H53'; // retired: merged into the province in 2025

/** A connected system's push endpoint (vdx.exchange.v1.AgencyEndpoint) that keeps what it is given. */
async function startEndpoint(port: number, received: Map<string, Buffer>): Promise<Server> {
  const definition = loadSync(EXCHANGE_PROTO.file, { includeDirs: [EXCHANGE_PROTO.root], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
  const pkg = loadPackageDefinition(definition) as unknown as { vdx: { exchange: { v1: { AgencyEndpoint: { service: never } } } } };
  const server = new Server();
  server.addService(pkg.vdx.exchange.v1.AgencyEndpoint.service, {
    Deliver: (call: ServerReadableStream<{ item?: { deliveryId: string }; chunk?: Buffer }, unknown>, callback: sendUnaryData<unknown>) => {
      let id = '';
      const chunks: Buffer[] = [];
      call.on('data', (m: { item?: { deliveryId: string }; chunk?: Buffer }) => (m.item ? (id = m.item.deliveryId) : m.chunk && chunks.push(m.chunk)));
      call.on('end', () => {
        received.set(id, Buffer.concat(chunks));
        callback(null, { deliveryId: id });
      });
    },
  });
  await new Promise<void>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  return server;
}

describe('document exchange end to end (e2e: gateway, signature, routing, delivery)', () => {
  const env = testEnv();
  const pushed = new Map<string, Buffer>();
  let axis: Axis;
  let topics: Axis['topics'];
  let endpoint: Server;
  let tayNinh: ExchangeClient;
  let vpcp: ExchangeClient;
  let soGd: ExchangeClient;
  let deliveryApi: DeliveryClient;
  let deliveryUrl: string;

  beforeAll(async () => {
    const endpointPort = await freePort();
    endpoint = await startEndpoint(endpointPort, pushed);
    axis = await startAxis({
      name: 'flow-e2e',
      partitions: 3,
      env: { delivery: { DELIVERY_MAX_ATTEMPTS: '2', DELIVERY_PUSH_EVERY_MS: '200', DELIVERY_PUSH_TIMEOUT_MS: '2000' } },
      agencies: [
        { code: H53, name: 'UBND tỉnh Tây Ninh' },
        { code: SO_TC, name: 'Sở Tài chính' },
        { code: SO_GD, name: 'Sở Giáo dục và Đào tạo' },
        { code: SO_YT, name: 'Sở Y tế' },
        { code: G22, name: 'Văn phòng Chính phủ' },
        { code: MERGED, name: 'Sở đã sáp nhập' },
      ],
      systems: [
        { systemId: 'qlvb-tayninh', code: H53 },
        { systemId: 'qlvb-vpcp', code: G22 },
        { systemId: 'qlvb-sogd', code: SO_GD, endpoint: `127.0.0.1:${endpointPort}` },
        { systemId: 'qlvb-soyt', code: SO_YT, endpoint: `127.0.0.1:${await freePort()}` },
      ],
      seed: async ({ directoryUrl, operatorTls }) => {
        const directory = new DirectoryClient(directoryUrl, operatorTls);
        try {
          await directory.rpc('RetireAgency', { code: MERGED, successorCode: H53, reason: 'sáp nhập 2025' });
        } finally {
          directory.close();
        }
      },
    });
    ({ topics, deliveryUrl } = axis);
    tayNinh = axis.client('qlvb-tayninh');
    vpcp = axis.client('qlvb-vpcp');
    soGd = axis.client('qlvb-sogd');
    deliveryApi = new DeliveryClient(deliveryUrl, axis.operatorTls);
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    deliveryApi?.close();
    await axis?.stop();
    endpoint?.forceShutdown();
  });

  /** The operator certificate `vdx deliveries …` authenticates with (`--cert`, `--ca`). */
  const operatorFiles = () => ({ cert: pkiPaths(axis.pkiDir).operator('operator').certPath, ca: pkiPaths(axis.pkiDir).ca.certPath });

  const refusal = async (p: Promise<unknown>): Promise<ExchangeCallError> => {
    const err: unknown = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExchangeCallError);
    return err as ExchangeCallError;
  };
  const inboxOf = (c: ExchangeClient, agencyCode: string, count: number, state = '') =>
    waitUntil(`${count} item(s) in ${agencyCode}'s inbox`, async () => {
      const page = await c.listInbox({ agencyCode, state, pageSize: 500 });
      return page.items.length >= count ? page.items : undefined;
    }, { timeoutMs: 45_000, intervalMs: 250 });

  it('delivers a document to a ministry and, through the province hub, to a department; fetch, acknowledge and trace', async () => {
    const body = Buffer.from(documentPackage({ from: G22, to: [H53, SO_TC], codeNumber: '101', codeNotation: 'VPCP-TTĐT', subject: 'Về việc liên thông', attachments: [{ name: 'vb.pdf', bytes: Buffer.from('%PDF-1.7 nội dung') }] }).xml);
    const receipt = await vpcp.sendPackage(body, { senderCode: G22, kind: 'edoc' });
    expect(receipt.outcome).toBe('accepted');

    const [forProvince] = await inboxOf(tayNinh, H53, 1);
    const [forDepartment] = await inboxOf(tayNinh, SO_TC, 1);
    // The integrity verifier (the default) checks hashes only, and says so on the item.
    expect(forProvince).toMatchObject({ packageId: receipt.packageId, senderCode: G22, route: 'direct', state: 'queued', signatureVerdict: 'not-performed' });
    expect(forDepartment).toMatchObject({ packageId: receipt.packageId, recipientCode: SO_TC, route: 'ancestor', routeVia: [H53] });
    // The hub's whole inbox holds both.
    expect((await tayNinh.listInbox()).items.map((i) => i.recipientCode).sort()).toEqual([SO_TC, H53].sort());

    const ackTooEarly = await refusal(tayNinh.acknowledge(forProvince!.deliveryId, 'done'));
    expect([ackTooEarly.grpcStatus, ackTooEarly.code]).toEqual([status.FAILED_PRECONDITION, 'DELIVERY.NOT_FETCHED']);
    expect(await tayNinh.fetchPackage(forProvince!.deliveryId)).toEqual(body);
    expect(await tayNinh.acknowledge(forProvince!.deliveryId, 'done')).toEqual({ deliveryId: forProvince!.deliveryId, state: 'acknowledged' });
    expect(await tayNinh.acknowledge(forProvince!.deliveryId, 'done')).toMatchObject({ state: 'acknowledged' }); // idempotent

    // The trace reads the delivery read model, a projection: it shows the acknowledgement once it caught up.
    const trace = await waitUntil('the trace to show the acknowledgement', async () => {
      const t = await vpcp.getTrace(receipt.packageId);
      return t.recipients.some((r) => r.recipientCode === H53 && r.transportState === 'acknowledged') ? t : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100 });
    expect(trace).toMatchObject({ stage: 'routed', senderCode: G22, errorCode: '', unroutable: [] });
    expect(trace.events.map((e) => e.type)).toEqual(['accepted', 'verified', 'routed']);
    expect(trace.recipients.map((r) => [r.recipientCode, r.deliveredTo, r.route, r.transportState]).sort()).toEqual(
      [
        [H53, H53, 'direct', 'acknowledged'],
        [SO_TC, H53, 'ancestor', 'queued'],
      ].sort(),
    );
  });

  it('carries a document through statuses 01 → 06, an update, and a recall the recipient agrees to, every step in GetTrace', async () => {
    const built = documentPackage({ from: G22, to: [H53], codeNumber: '200', codeNotation: 'VPCP-KGVX', subject: 'Về việc báo cáo' });
    const sent = await vpcp.sendPackage(Buffer.from(built.xml), { senderCode: G22, kind: 'edoc' });
    const item = await waitUntil('the document in the inbox', async () => (await tayNinh.listInbox({ agencyCode: H53 })).items.find((i) => i.packageId === sent.packageId), { timeoutMs: 45_000, intervalMs: 250 });
    await tayNinh.fetchPackage(item.deliveryId);
    await tayNinh.acknowledge(item.deliveryId, 'done');

    let second = 0;
    const report = async (code: string) => {
      second += 1;
      const xml = statusPackage({ from: H53, documentId: built.documentId, documentIssuer: G22, statusCode: code, timestamp: `2026/11/30 08:00:${String(second).padStart(2, '0')}` }).xml;
      expect(await tayNinh.sendPackage(Buffer.from(xml), { senderCode: H53, kind: 'status' })).toMatchObject({ outcome: 'accepted' });
    };
    const statusesSeen = (count: number) =>
      waitUntil(`${count} statuses in the trace`, async () => {
        const trace = await vpcp.getTrace(sent.packageId);
        const codes = trace.recipients[0]!.statuses.map((x) => x.code);
        return codes.length >= count ? { trace, codes } : undefined;
      }, { timeoutMs: 45_000, intervalMs: 250 });

    for (const [i, code] of ['01', '03', '04', '05', '06'].entries()) {
      await report(code);
      expect((await statusesSeen(i + 1)).codes).toEqual(['01', '03', '04', '05', '06'].slice(0, i + 1));
    }
    // 03 after 06 goes backwards: accepted at the edge, never routed, absent from the trace.
    await report('03');

    // The sender updates the document: the recipient gets the update, pointing at the original.
    const update = documentPackage({ from: G22, to: [H53], codeNumber: '201', codeNotation: 'VPCP-KGVX', subject: 'Cập nhật', businessDocType: '2', relatedDocumentId: built.documentId });
    const updated = await vpcp.sendPackage(Buffer.from(update.xml), { senderCode: G22, kind: 'edoc' });
    await waitUntil('the update in the inbox', async () => (await tayNinh.listInbox({ agencyCode: H53 })).items.some((i) => i.packageId === updated.packageId), { timeoutMs: 45_000, intervalMs: 250 });

    // Recall (13) from the sender, agreement (15) from the recipient: its copy is withdrawn.
    const recall = statusPackage({ from: G22, documentId: built.documentId, documentIssuer: G22, statusCode: '13', timestamp: '2026/11/30 09:00:00' }).xml;
    expect(await vpcp.sendPackage(Buffer.from(recall), { senderCode: G22, kind: 'status' })).toMatchObject({ outcome: 'accepted' });
    const recallItem = await waitUntil('the recall in the inbox', async () => (await tayNinh.listInbox({ agencyCode: H53, kind: 'status' })).items.find((i) => i.statusCode === '13'), { timeoutMs: 45_000, intervalMs: 250 });
    expect(recallItem.documentId).toBe(built.documentId);
    await report('15');
    const { trace, codes } = await statusesSeen(7);
    expect(codes).toEqual(['01', '03', '04', '05', '06', '13', '15']);
    await waitUntil('withdrawn', async () => (await vpcp.getTrace(sent.packageId)).recipients[0]!.transportState === 'withdrawn', { timeoutMs: 30_000, intervalMs: 250 });
    expect(trace.recipients[0]).toMatchObject({ recipientCode: H53, deliveredTo: H53, route: 'direct' });
    const fetchWithdrawn = await refusal(tayNinh.fetchPackage(item.deliveryId));
    expect(fetchWithdrawn.code).toBe('DELIVERY.WITHDRAWN');
  });

  it('follows one document from SendPackage to status 06: one correlation id, every cause named, one trace', async () => {
    const traceId = 'a3ce929d0e0e47364bf92f3577b34da6';
    const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
    const built = documentPackage({ from: G22, to: [H53], codeNumber: '300', codeNotation: 'VPCP-TH', subject: 'Theo dõi một văn bản' });
    const sent = await vpcp.sendPackage(Buffer.from(built.xml), { senderCode: G22, kind: 'edoc', traceparent });
    const P = sent.packageId;
    const item = await waitUntil('the document in the inbox', async () => (await tayNinh.listInbox({ agencyCode: H53 })).items.find((i) => i.packageId === P), { timeoutMs: 45_000, intervalMs: 250 });
    await tayNinh.fetchPackage(item.deliveryId);
    await tayNinh.acknowledge(item.deliveryId, 'done');
    // The statuses are sent back to back: one document's packages keep their order through every hop.
    const codes = ['01', '03', '04', '05', '06'];
    const statuses: string[] = [];
    for (const [i, code] of codes.entries()) {
      const xml = statusPackage({ from: H53, documentId: built.documentId, documentIssuer: G22, statusCode: code, timestamp: `2026/11/30 10:00:0${i}` }).xml;
      statuses.push((await tayNinh.sendPackage(Buffer.from(xml), { senderCode: H53, kind: 'status' })).packageId);
    }
    const trace = await waitUntil('status 06 in the sender\'s trace', async () => {
      const t = await vpcp.getTrace(P);
      return t.recipients[0]?.statuses.length === codes.length ? t : undefined;
    }, { timeoutMs: 45_000, intervalMs: 250 });
    expect(trace.recipients[0]!.statuses.map((x) => x.code)).toEqual(codes);

    const codec = new EventCodec(catalogue);
    const read = async (topic: string) => {
      const out: EventEnvelope[] = [];
      await readLogFromStart({ brokers: env.kafkaBrokers, clientId: 'flow-e2e-chain' }, [topic], async (records) => {
        for (const r of records) out.push(codec.decode(r.value!, r.headers));
      });
      return out;
    };
    const gateway = await read(topics.gateway);
    const signature = await read(topics.signature);
    const routing = await read(topics.routing);
    const delivery = await read(topics.delivery);
    const commands = await read(`${topics.delivery}.commands`);
    const one = (events: EventEnvelope[], type: string, aggregateId: string) => {
      const found = events.filter((e) => e.type === type && e.aggregateId === aggregateId);
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    const traceIdOf = (e: EventEnvelope) => e.trace?.traceparent.split('-')[1];

    const accepted = one(gateway, PackageAcceptedEvent.type, P);
    expect(accepted.correlationId).toBe(P);
    expect(traceIdOf(accepted)).toBe(traceId);
    expect(accepted.trace!.traceparent).not.toBe(traceparent); // the gateway's own span in the caller's trace
    const verified = one(signature, SignatureVerifiedEvent.type, P);
    const routed = one(routing, PackageRoutedEvent.type, P);
    const registered = routing.find((e) => e.type === DocumentChangedEvent.type && e.aggregateId === built.documentId && e.aggregateSeq === 1)!;
    const queued = one(delivery, DeliveryQueuedEvent.type, item.deliveryId);
    const fetched = one(delivery, DeliveryFetchedEvent.type, item.deliveryId);
    const acked = one(delivery, DeliveryAcknowledgedEvent.type, item.deliveryId);
    expect([verified, routed, registered, queued].map((e) => [e.correlationId, e.causationId, traceIdOf(e)])).toEqual([
      [P, accepted.eventId, traceId],
      [P, verified.eventId, traceId],
      [P, verified.eventId, traceId],
      [P, routed.eventId, traceId],
    ]);
    // Fetch and acknowledgement are decided by the delivery's owner on the state its last event
    // left, which they name as their cause; the caller's system is their actor. On the owner they
    // need no command record (a command through the topic, from another instance, is named instead).
    expect([fetched, acked].map((e) => [e.correlationId, e.causationId, e.actor])).toEqual([
      [P, queued.eventId, { kind: 'system', id: 'qlvb-tayninh' }],
      [P, fetched.eventId, { kind: 'system', id: 'qlvb-tayninh' }],
    ]);
    expect(commands.filter((c) => c.aggregateId === item.deliveryId)).toEqual([]);
    // Each status is recorded on the document's delivery on the send's chain, caused by the routing of that status.
    const recorded = delivery.filter((e) => e.type === DeliveryStatusRecordedEvent.type && e.aggregateId === item.deliveryId);
    expect(recorded.map((e) => (e.payload as { code: string }).code)).toEqual(codes);
    expect(recorded.map((e) => e.aggregateSeq)).toEqual([4, 5, 6, 7, 8]);
    for (const [i, e] of recorded.entries()) {
      expect(e.correlationId).toBe(P);
      expect(e.causationId).toBe(one(routing, PackageRoutedEvent.type, statuses[i]!).eventId);
    }
    // Each status package travels back to the sender on its own chain.
    for (const s of statuses) {
      const back = one(delivery, DeliveryQueuedEvent.type, `${s}/${G22}`);
      expect(back.correlationId).toBe(s);
      expect(back.causationId).toBe(one(routing, PackageRoutedEvent.type, s).eventId);
    }
  });

  it('forwards a document for a retired agency to its successor, and says so in the trace', async () => {
    const body = Buffer.from(documentPackage({ from: G22, to: [MERGED], codeNumber: '150', codeNotation: 'VPCP', subject: 'Gửi đơn vị cũ' }).xml);
    const receipt = await vpcp.sendPackage(body, { senderCode: G22, kind: 'edoc' });
    const item = await waitUntil('forwarded to the successor', async () => (await tayNinh.listInbox({ agencyCode: H53 })).items.find((i) => i.packageId === receipt.packageId), { timeoutMs: 45_000, intervalMs: 250 });
    expect(item).toMatchObject({ recipientCode: H53, route: 'successor', routeVia: [MERGED] });
    expect((await vpcp.getTrace(receipt.packageId)).recipients).toEqual([expect.objectContaining({ recipientCode: H53, deliveredTo: H53, route: 'successor', routeVia: [MERGED] })]);
  });

  it('shows the sender why routing could not reach a recipient, or any', async () => {
    const partly = Buffer.from(documentPackage({ from: G22, to: [H53, '000.00.88.H53'], codeNumber: '400', codeNotation: 'VPCP', subject: 'Một phần' }).xml);
    const nowhere = Buffer.from(documentPackage({ from: G22, to: ['000.00.89.H53'], codeNumber: '401', codeNotation: 'VPCP', subject: 'Không tới' }).xml);
    const [p, n] = [await vpcp.sendPackage(partly, { senderCode: G22, kind: 'edoc' }), await vpcp.sendPackage(nowhere, { senderCode: G22, kind: 'edoc' })];
    const traced = (packageId: string, stage: string) =>
      waitUntil(`${packageId} ${stage}`, async () => {
        const t = await vpcp.getTrace(packageId).catch(() => undefined);
        return t?.stage === stage ? t : undefined;
      }, { timeoutMs: 45_000, intervalMs: 250 });
    const partial = await traced(p.packageId, 'routed');
    expect(partial.unroutable).toEqual([{ requestedCode: '000.00.88.H53', errorCode: 'ROUTING.UNKNOWN_RECIPIENT', reason: expect.any(String) as string }]);
    const refused = await traced(n.packageId, 'routingRejected');
    expect(refused).toMatchObject({ errorCode: 'ROUTING.NO_RECIPIENT', recipients: [], unroutable: [{ requestedCode: '000.00.89.H53', errorCode: 'ROUTING.UNKNOWN_RECIPIENT' }] });
    expect(refused.events.map((e) => e.type)).toEqual(['accepted', 'verified', 'routingRejected']);
    const unknown = await refusal(vpcp.getTrace('01900000-0000-7000-8000-000000000000'));
    expect([unknown.grpcStatus, unknown.code]).toEqual([status.NOT_FOUND, 'EXCHANGE.NOT_FOUND']);
  });

  it('streams new inbox items to a watching system', async () => {
    const seen: string[] = [];
    const errors: ExchangeCallError[] = [];
    // With include_existing the items already queued come first, so nothing sent meanwhile is missed.
    const watch = tayNinh.watchInbox({ agencyCode: H53, includeExisting: true }, (item) => seen.push(item.packageId), (err) => errors.push(err));
    try {
      const body = Buffer.from(documentPackage({ from: G22, to: [H53], codeNumber: '300', codeNotation: 'VPCP', subject: 'Theo dõi' }).xml);
      const receipt = await vpcp.sendPackage(body, { senderCode: G22, kind: 'edoc' });
      await waitUntil('the watch saw it', async () => seen.includes(receipt.packageId), { timeoutMs: 45_000 });
      expect(seen.filter((id) => id === receipt.packageId)).toHaveLength(1);
      expect(errors).toEqual([]);
    } finally {
      watch.cancel();
    }
    // Without include_existing only what is queued from now on comes, as the delivery service
    // queues it (the gateway follows its events; nothing polls the store).
    const live: InboxItem[] = [];
    const onlyNew = tayNinh.watchInbox({ agencyCode: H53 }, (item) => live.push(item), (err) => errors.push(err));
    try {
      // The watch reaches the gateway in milliseconds; the send takes four hops to be queued.
      const body = Buffer.from(documentPackage({ from: G22, to: [H53, SO_TC], codeNumber: '301', codeNotation: 'VPCP', subject: 'Mới' }).xml);
      const receipt = await vpcp.sendPackage(body, { senderCode: G22, kind: 'edoc' });
      const item = await waitUntil('the new item streamed', async () => live.find((i) => i.packageId === receipt.packageId), { timeoutMs: 45_000 });
      expect(item).toMatchObject({ deliveryId: `${receipt.packageId}/${H53}`, kind: 'edoc', senderCode: G22, recipientCode: H53, state: 'queued', route: 'direct', bodySha256: receipt.bodySha256 });
      expect(live.filter((i) => i.packageId === receipt.packageId)).toHaveLength(1); // not the department's copy: it asked for H53
      expect(errors).toEqual([]);
    } finally {
      onlyNew.cancel();
    }
    const refused: ExchangeCallError[] = [];
    const foreign = vpcp.watchInbox({ agencyCode: H53 }, () => undefined, (err) => refused.push(err));
    await waitUntil('the foreign watch refused', async () => refused.length > 0, { timeoutMs: 10_000 });
    foreign.cancel();
    expect(refused[0]?.code).toBe('EXCHANGE.NOT_AUTHORISED');
  });

  it('refuses to show or hand over another agency’s deliveries', async () => {
    const [item] = await inboxOf(tayNinh, SO_TC, 1);
    expect((await refusal(vpcp.fetchPackage(item!.deliveryId))).code).toBe('EXCHANGE.NOT_AUTHORISED');
    expect((await refusal(vpcp.acknowledge(item!.deliveryId, 'done'))).code).toBe('EXCHANGE.NOT_AUTHORISED');
    const listing = await refusal(vpcp.listInbox({ agencyCode: H53 }));
    expect([listing.grpcStatus, listing.code, listing.path]).toEqual([status.PERMISSION_DENIED, 'EXCHANGE.NOT_AUTHORISED', 'agency_code']);
    expect((await refusal(tayNinh.getTrace(item!.packageId))).code).toBe('EXCHANGE.NOT_AUTHORISED');
    expect((await refusal(tayNinh.fetchPackage('no-such-delivery'))).code).toBe('DELIVERY.UNKNOWN_DELIVERY');
  });

  it('serves on /metrics what a send did: the edge, each step and projection, the delivery and its latency', async () => {
    const body = Buffer.from(documentPackage({ from: G22, to: [H53], codeNumber: '150', codeNotation: 'VPCP-TTĐT', subject: 'Số liệu' }).xml);
    const receipt = await vpcp.sendPackage(body, { senderCode: G22, kind: 'edoc' });
    expect(receipt.outcome).toBe('accepted');
    expect((await refusal(vpcp.sendPackage(body, { senderCode: H53, kind: 'edoc' }))).code).toBe('EXCHANGE.NOT_AUTHORISED');
    const item = await waitUntil('the delivery in the inbox', async () => (await tayNinh.listInbox({ agencyCode: H53, pageSize: 500 })).items.find((i) => i.packageId === receipt.packageId), { timeoutMs: 45_000, intervalMs: 250 });
    expect(await tayNinh.fetchPackage(item.deliveryId)).toEqual(body);

    const scrape = async (port: string | number) => (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    /** The samples of `name` whose labels include `labels` (a value or a pattern), in any label order. */
    const samples = (text: string, name: string, labels: Record<string, string | RegExp>) =>
      text
        .split('\n')
        .filter((line) => line.startsWith(`${name}{`))
        .map((line) => ({ labels: Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!])), value: Number(line.slice(line.lastIndexOf(' ') + 1)) }))
        .filter((x) => Object.entries(labels).every(([k, v]) => (typeof v === 'string' ? x.labels[k] === v : v.test(x.labels[k] ?? ''))));
    const total = (text: string, name: string, labels: Record<string, string | RegExp>) => samples(text, name, labels).reduce((sum, x) => sum + x.value, 0);
    const gateway = await scrape(axis.instance('gateway').httpPort);
    expect(total(gateway, 'vdx_edge_sends_total', { outcome: 'accepted', service: 'gateway' })).toBeGreaterThanOrEqual(1);
    expect(total(gateway, 'vdx_edge_refusals_total', { code: 'EXCHANGE.NOT_AUTHORISED' })).toBeGreaterThanOrEqual(1);
    // Each stage of the accepted sends was timed (vdx_edge_send_stage_seconds).
    for (const stage of ['body', 'claim', 'append', 'complete']) expect(total(gateway, 'vdx_edge_send_stage_seconds_count', { stage })).toBeGreaterThanOrEqual(1);
    expect(total(gateway, 'vdx_messages_produced_total', { topic: topics.gateway })).toBeGreaterThanOrEqual(1);
    expect(total(gateway, 'vdx_messages_consumed_total', { group: /^projection\./, outcome: 'handled' })).toBeGreaterThanOrEqual(1);
    expect(total(gateway, 'vdx_ready', { check: 'store' })).toBe(1);
    expect(total(gateway, 'vdx_ready', { check: 'kafka' })).toBe(1);

    const metrics = await scrape(axis.instance('delivery').httpPort);
    const step = { group: `delivery-${topics.routing}` };
    expect(total(metrics, 'vdx_messages_consumed_total', { ...step, topic: topics.routing, outcome: 'handled' })).toBeGreaterThanOrEqual(1);
    expect(total(metrics, 'vdx_messages_produced_total', { topic: topics.delivery })).toBeGreaterThanOrEqual(1);
    expect(total(metrics, 'vdx_batch_seconds_count', step)).toBeGreaterThanOrEqual(1);
    expect(samples(metrics, 'vdx_consumer_lag', { ...step, topic: topics.routing, partition: /^\d+$/, service: 'delivery' }).length).toBeGreaterThanOrEqual(1);
    expect(total(metrics, 'vdx_send_to_fetchable_seconds_count', { lane: 'normal' })).toBeGreaterThanOrEqual(1);
    expect(total(metrics, 'vdx_send_to_fetched_seconds_count', { lane: 'normal' })).toBeGreaterThanOrEqual(1);
    // The deadline round reports every state (zeros included) from the first round on.
    expect(samples(metrics, 'vdx_deliveries', { state: 'dead', service: 'delivery' })).toHaveLength(1);
    // Bounded labels: no series names a package or a delivery.
    for (const text of [gateway, metrics]) expect(text).not.toContain(receipt.packageId);
  });

  it('pushes to a system with an endpoint, and dead-letters one whose endpoint never answers until an operator redrives it', async () => {
    const body = Buffer.from(documentPackage({ from: G22, to: [SO_GD, SO_YT], codeNumber: '102', codeNotation: 'VPCP-TTĐT', subject: 'Đẩy' }).xml);
    const receipt = await vpcp.sendPackage(body, { senderCode: G22, kind: 'edoc' });
    const pushedId = `${receipt.packageId}/${SO_GD}`;
    await waitUntil('pushed', async () => pushed.has(pushedId), { timeoutMs: 45_000 });
    expect(pushed.get(pushedId)).toEqual(body);
    await waitUntil('fetched by push', async () => (await deliveryApi.get(pushedId)).state === 'fetched', { timeoutMs: 30_000 });
    expect((await inboxOf(soGd, SO_GD, 1, 'fetched'))[0]).toMatchObject({ deliveryId: pushedId });

    const deadId = `${receipt.packageId}/${SO_YT}`;
    const dead = await waitUntil('dead-lettered', async () => {
      const d = await deliveryApi.get(deadId);
      return d.state === 'dead' ? d : undefined;
    }, { timeoutMs: 45_000 });
    expect(dead).toMatchObject({ attempts: 2 });
    // The operator's view: `vdx deliveries dead`, then `vdx deliveries redrive <id>`.
    const printed: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));
    try {
      // The owner answers GetDelivery from its committed state; the dead list is the projection's, a moment behind.
      const listed = await waitUntil('listed as dead', async () => {
        const all = await listDeadDeliveries({ url: deliveryUrl, ...operatorFiles(), json: true, limit: 100 });
        return all.some((d) => d.deliveryId === deadId) ? all : undefined;
      }, { timeoutMs: 15_000 });
      expect(listed.map((d) => d.deliveryId)).toContain(deadId);
      expect(await redriveDeliveries([deadId], { url: deliveryUrl, ...operatorFiles(), json: true, all: false, operator: 'sre-on-call' })).toBe(1);
    } finally {
      stdout.mockRestore();
    }
    expect(printed.some((line) => line.includes(deadId) && line.includes('"lastError"'))).toBe(true);
    expect(printed).toContain(`${JSON.stringify({ deliveryId: deadId, state: 'queued' })}\n`);

  });

  it('runs the reference agent: it takes in what arrived and answers with statuses 01 and 03', async () => {
    const built = documentPackage({ from: H53, to: [G22], codeNumber: '700', codeNotation: 'UBND-VP', subject: 'Cho tác tử' });
    const sent = await tayNinh.sendPackage(Buffer.from(built.xml), { senderCode: H53, kind: 'edoc' });
    await waitUntil('in the ministry inbox', async () => (await vpcp.listInbox({ agencyCode: G22 })).items.some((i) => i.packageId === sent.packageId), { timeoutMs: 45_000, intervalMs: 250 });
    const events: AgentEvent[] = [];
    const summary = await new AgencyAgent(vpcp, { agencies: [G22], log: (e) => events.push(e) }).runOnce();
    expect(summary.errors).toBe(0);
    expect(summary.done).toBeGreaterThanOrEqual(1);
    const trace = await waitUntil('statuses in the sender’s trace', async () => {
      const t = await tayNinh.getTrace(sent.packageId);
      return t.recipients[0]!.statuses.length >= 2 ? t : undefined;
    }, { timeoutMs: 45_000, intervalMs: 250 });
    expect(trace.recipients[0]).toMatchObject({ recipientCode: G22, transportState: 'acknowledged' });
    expect(trace.recipients[0]!.statuses.map((x) => x.code)).toEqual(['01', '03']);
  });

  // Longer than a minute on a loaded machine: the killed service boots again and restores its partitions.
  it('loses and duplicates nothing when the delivery service is killed mid-flow and restarted', async () => {
    const before = (await vpcp.listInbox({ agencyCode: G22, state: 'queued' })).items.length;
    const sends = Array.from({ length: 20 }, (_, i) =>
      tayNinh.sendPackage(Buffer.from(documentPackage({ from: H53, to: [G22], codeNumber: String(500 + i), codeNotation: 'UBND-VP', subject: `Gửi ${i}` }).xml), { senderCode: H53, kind: 'edoc' }),
    );
    const receipts = await Promise.all(sends);
    await inboxOf(vpcp, G22, before + 1, 'queued');
    await axis.restart('delivery', 0, 'SIGKILL', RESTART_READY_TIMEOUT_MS);
    const items = await inboxOf(vpcp, G22, before + 20, 'queued');
    const ours = items.filter((i) => receipts.some((r) => r.packageId === i.packageId));
    expect(new Set(ours.map((i) => i.deliveryId)).size).toBe(20);
    expect(ours).toHaveLength(20);

    // The log agrees: one DeliveryQueued per delivery, none twice.
    const codec = new EventCodec(catalogue);
    const queued: string[] = [];
    await readLogFromStart({ brokers: env.kafkaBrokers, clientId: 'flow-e2e-reader' }, [topics.delivery], async (records) => {
      for (const r of records) {
        const e = codec.decode(r.value!, r.headers);
        if (e.type === DeliveryQueuedEvent.type && receipts.some((x) => e.aggregateId.startsWith(x.packageId))) queued.push(e.aggregateId);
      }
    });
    expect(queued).toHaveLength(20);
    expect(new Set(queued).size).toBe(20);
  }, RESTART_TEST_TIMEOUT_MS);
});

// The restore drill of docs/runbooks/backup.md, literally: real traffic through the pipeline's
// processes (documents in both lanes, fetches, acknowledgements, a status answer, a refused
// package), the services stopped, `vdx backup` of the axis's topics and store, `vdx restore`
// into a Kafka broker and a store of their own that start empty, `vdx replay` of every read
// model there, and each rebuilt model compared with the one the live services had made.
import { createBlobStore } from '@vdx/blob-store';
import { deliveryReadModelsProjection } from '@vdx/delivery-feature';
import { agencyProjection } from '@vdx/directory-feature';
import { documentPackage, statusPackage } from '@vdx/edxml';
import type { ExchangeClient, SendReceipt } from '@vdx/exchange-client';
import { receiptsProjection, traceProjection } from '@vdx/gateway-feature';
import { FerretDbServer, KafkaBroker, RUN_DIR } from '@vdx/local-infra';
import { describeTopics } from '@vdx/messaging';
import { routingDocumentsProjection } from '@vdx/routing-feature';
import { dumpCollection, freePort, waitUntil } from '@vdx/testing';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis } from '@vdx/testing/axis';
import { MongoClient, type Document } from 'mongodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBackup, runRestore } from './backup';
import { runReplay, type ReplayModel } from './replay';
import { readAll, restoredOffsets, translated } from './test-fixtures/backup-drill';

const G22 = '000.00.00.G22';
const H53 = '000.00.00.H53';
const H40 = '000.00.00.H40';
const quiet = (): void => undefined;
const DOCUMENTS = 8;
/**
 * The whole drill: the traffic and its four waits (up to a minute each), a broker and a store of
 * their own, backup, restore and five replays (half a minute when nothing is slow).
 */
const DRILL_TEST_TIMEOUT_MS = 420_000;

/** Every read model `vdx replay` rebuilds, on the axis's topics, with the collections the services write. */
function modelsOf(axis: Axis): ReplayModel[] {
  const t = axis.topics;
  const model = (name: string, service: string, projection: ReplayModel['projection']): ReplayModel => ({ name, description: name, service, projection });
  return [
    model('delivery-state', 'delivery', () => deliveryReadModelsProjection(t.delivery)),
    model('exchange-traces', 'gateway', () => traceProjection({ gateway: t.gateway, signature: t.signature, routing: t.routing })),
    model('directory', 'directory', () => agencyProjection(undefined, t.directory)),
    model('routing-documents', 'routing', () => routingDocumentsProjection(t.routing)),
    model('gateway-receipts', 'gateway', () => receiptsProjection(t.gateway)),
  ];
}

describe('the restore drill: real traffic, backup, restore into an empty Kafka and store, replay (e2e)', () => {
  const dir = join(RUN_DIR, `restore-drill-e2e-${process.pid}`);
  let axis: Axis | undefined;
  let broker: KafkaBroker | undefined;
  let store: FerretDbServer | undefined;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'vdx-restore-drill-'));
    axis = await startAxis({
      name: 'restore-drill-e2e',
      logLevel: 'error',
      agencies: [
        { code: G22, name: 'Văn phòng Chính phủ' },
        { code: H53, name: 'UBND tỉnh Tây Ninh' },
        { code: H40, name: 'UBND tỉnh Nghệ An' },
      ],
      systems: [
        { systemId: 'qlvb-vpcp', code: G22 },
        { systemId: 'qlvb-tayninh', code: H53 },
        { systemId: 'qlvb-nghean', code: H40 },
      ],
    });
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    await axis?.stop();
    await broker?.stop(quiet);
    await store?.stop(quiet);
    if (axis) {
      const mongo = await MongoClient.connect(axis.mongoUrl);
      await mongo.db(axis.db).dropDatabase().catch(() => undefined);
      await mongo.close();
    }
    await rm(dir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('rebuilds traces, inboxes, delivery states, routing documents, receipts and the directory equal to the live ones', async () => {
    const live = axis!;
    const vpcp: ExchangeClient = live.client('qlvb-vpcp');
    const tayNinh = live.client('qlvb-tayninh');
    const ngheAn = live.client('qlvb-nghean');

    // Traffic: documents to two provinces, every third hỏa tốc (the urgent lanes), and one refused.
    const built = Array.from({ length: DOCUMENTS }, (_, i) =>
      documentPackage({ from: G22, to: [H53, H40], codeNumber: String(300 + i), codeNotation: 'VPCP-DRILL', subject: `Văn bản diễn tập ${i}`, priority: i % 3 === 0 ? '3' : '0' }),
    );
    const sent: SendReceipt[] = [];
    for (const b of built) sent.push(await vpcp.sendPackage(Buffer.from(b.xml), { senderCode: G22, kind: 'edoc' }));
    expect(sent.every((s) => s.outcome === 'accepted')).toBe(true);
    const refused = await vpcp.sendPackage(Buffer.from('<edXML><broken'), { senderCode: G22, kind: 'edoc' });
    expect(refused.outcome).toBe('rejected');

    // Tây Ninh fetches and acknowledges half and answers the first with status 03; Nghệ An fetches two.
    const inboxOf = (client: ExchangeClient, code: string) =>
      waitUntil(`${DOCUMENTS} deliveries in the inbox of ${code}`, async () => {
        const items = (await client.listInbox({ agencyCode: code, pageSize: 500 })).items.filter((i) => sent.some((s) => s.packageId === i.packageId));
        return items.length === DOCUMENTS ? items : undefined;
      }, { timeoutMs: 60_000, intervalMs: 250 });
    const h53 = await inboxOf(tayNinh, H53);
    const h40 = await inboxOf(ngheAn, H40);
    for (const item of h53.slice(0, DOCUMENTS / 2)) {
      await tayNinh.fetchPackage(item.deliveryId);
      await tayNinh.acknowledge(item.deliveryId, 'done');
    }
    for (const item of h40.slice(0, 2)) await ngheAn.fetchPackage(item.deliveryId);
    const first = h53.find((i) => i.packageId === sent[0]!.packageId)!;
    const answer = statusPackage({ from: H53, documentId: first.documentId, documentIssuer: G22, statusCode: '03', timestamp: '2026/12/01 08:00:00' });
    expect(await tayNinh.sendPackage(Buffer.from(answer.xml), { senderCode: H53, kind: 'status' })).toMatchObject({ outcome: 'accepted' });
    await waitUntil('the status in the trace and the sender’s inbox', async () => {
      const trace = await vpcp.getTrace(sent[0]!.packageId);
      const statuses = (await vpcp.listInbox({ agencyCode: G22, kind: 'status' })).items;
      return trace.recipients.some((r) => r.statuses.some((s) => s.code === '03')) && statuses.length === 1 ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    await waitUntil('the acknowledgements and fetches in the inbox', async () => {
      const fetched = (await tayNinh.listInbox({ agencyCode: H53, state: 'acknowledged', pageSize: 500 })).items.length;
      const open = (await ngheAn.listInbox({ agencyCode: H40, state: 'fetched', pageSize: 500 })).items.length;
      return fetched === DOCUMENTS / 2 && open === 2 ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });

    // The services stop (SIGTERM: each commits what it consumed); the read models they left are the reference.
    await live.stop();
    const models = modelsOf(live);
    const collections = [...new Set(models.flatMap((m) => m.projection().collections))];
    expect(collections).toEqual(['delivery_state', 'delivery_inbox', 'delivery_dead', 'exchange_traces', 'directory_agencies', 'routing_documents', 'gateway_receipts']);
    const mongoLive = await MongoClient.connect(live.mongoUrl);
    const reference = new Map<string, Document[]>();
    try {
      for (const c of collections) reference.set(c, await dumpCollection(mongoLive.db(live.db), c));
    } finally {
      await mongoLive.close();
    }
    expect(reference.get('exchange_traces')!.length).toBe(DOCUMENTS + 2); // the documents, the refused package, the status
    expect(reference.get('delivery_state')!.length).toBe(2 * DOCUMENTS + 1);
    expect(reference.get('delivery_inbox')!.length).toBe(2 * DOCUMENTS + 1 - DOCUMENTS / 2);
    expect(reference.get('directory_agencies')!.map((a) => a['_id'])).toEqual([G22, H40, H53]);
    expect(reference.get('gateway_receipts')!.length).toBe(DOCUMENTS + 1);
    expect(reference.get('routing_documents')!.length).toBe(DOCUMENTS);

    // Back up every topic of the axis and its bodies.
    const prefix = `${live.name}.vdx.`;
    const backupDir = join(work, 'backup');
    const backedUp = await runBackup(backupDir, { brokers: live.kafkaBrokers, prefix, blobs: true, mongoUrl: live.mongoUrl, db: live.db, progress: 'none' });
    expect(backedUp.blobs).toBe(DOCUMENTS + 2);
    const topics = (await describeTopics({ brokers: live.kafkaBrokers, clientId: 'restore-drill' }, prefix)).map((t) => t.topic);
    const before = await readAll({ brokers: live.kafkaBrokers, clientId: 'restore-drill' }, prefix, topics);

    // An empty cluster and store of their own.
    broker = new KafkaBroker({ dir: join(dir, 'kafka'), port: await freePort(), controllerPort: await freePort(), heapMb: 384 });
    store = new FerretDbServer({ dir: join(dir, 'ferretdb'), port: await freePort() });
    await Promise.all([broker.start(quiet), store.start(quiet)]);
    const target = { brokers: broker.bootstrap, clientId: 'restore-drill' };
    expect(await describeTopics(target, prefix)).toEqual([]);

    const restored = await runRestore(backupDir, { brokers: broker.bootstrap, force: false, replicationFactor: 1, mongoUrl: store.url, db: live.db, progress: 'none' });
    expect(restored).toMatchObject({ prefix, topics: backedUp.topics, created: backedUp.topics, records: backedUp.records, blobs: DOCUMENTS + 2, blobsExisted: 0 });
    const after = await readAll(target, prefix, topics);
    const sizes = (records: Map<string, unknown[]>) => [...records].map(([k, rs]) => [k, rs.length]).sort();
    expect(sizes(after)).toEqual(sizes(before));

    // `vdx replay` of every model, swapped in; each equal to the live one but for the offsets the restore moved.
    const mongo = await MongoClient.connect(store.url);
    try {
      for (const m of models) {
        const summary = await runReplay(m, { brokers: broker.bootstrap, mongoUrl: store.url, db: live.db, fresh: true, swap: true, json: false, progress: 'none' });
        expect(summary).toMatchObject({ model: m.name, undecodable: 0, swapped: true });
      }
      const names = [...new Set(topics.map((t) => t.slice(prefix.length)))];
      const offsets = restoredOffsets(before);
      for (const c of collections) {
        const rebuilt = await dumpCollection(mongo.db(live.db), c);
        const expected = reference.get(c)!.map((d) => translated(d, prefix, prefix, names, offsets, 'directory'));
        expect({ collection: c, ids: rebuilt.map((d) => d['_id']) }).toEqual({ collection: c, ids: expected.map((d) => d['_id']) });
        rebuilt.forEach((d, i) => expect(d).toStrictEqual(expected[i]));
      }
      // The bodies are there too, byte for byte.
      const blobs = createBlobStore(mongo.db(live.db));
      for (const [i, b] of built.entries()) {
        const chunks: Buffer[] = [];
        for await (const c of (await blobs.get(sent[i]!.bodySha256)) as AsyncIterable<Buffer>) chunks.push(c);
        expect(Buffer.concat(chunks).toString('utf8')).toBe(b.xml);
      }
    } finally {
      await mongo.close();
    }
  }, DRILL_TEST_TIMEOUT_MS);
});

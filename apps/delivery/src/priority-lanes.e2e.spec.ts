import { EventCodec, PackageAcceptedEvent, catalogue, createEvent, documentKey, isEvent, newEventId, type EventEnvelope, type PackageAccepted } from '@vdx/contracts';
import { DirectoryClient } from '@vdx/directory-client';
import { documentPackage } from '@vdx/edxml';
import { ExchangeClient } from '@vdx/exchange-client';
import { EventProducer, createKafka, readLogFromStart } from '@vdx/messaging';
import { initPkiDirectory, issueSystemInDirectory, loadCredentialFiles } from '@vdx/pki';
import { freePort, spawnTs, testEnv, uniqueDbName, uniqueName, waitUntil, type TsProcess } from '@vdx/testing';
import { MongoClient } from 'mongodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const H53 = '000.00.00.H53';
const G22 = '000.00.00.G22';
/** The backlog's recipients: spread over agencies so that no inbox holds thousands of open items. */
const BACKLOG_RECIPIENTS = Array.from({ length: 20 }, (_, i) => `000.00.00.K${String(i + 1).padStart(2, '0')}`);
const BACKLOG = 10_000;

/**
 * Priority lanes (docs/adr/0008-priority-lanes.md), as an order and not a timing: with a
 * backlog of 10,000 normal documents in the pipeline, an urgent document sent after all of
 * them becomes fetchable before most of the backlog does, and heads its recipient's inbox.
 */
describe('priority lanes (e2e)', () => {
  const env = testEnv();
  const name = uniqueName('lanes-e2e');
  const topics = { directory: `${name}.directory`, snapshot: `${name}.snapshot`, gateway: `${name}.gateway`, signature: `${name}.signature`, routing: `${name}.routing`, delivery: `${name}.delivery` };
  const db = uniqueDbName('lanes_e2e');
  const pkiDir = mkdtempSync(join(tmpdir(), 'vdx-pki-'));
  const common = { KAFKA_BROKERS: env.kafkaBrokers, MONGO_URL: env.mongoUrl, MONGO_DB: db, TOPIC_PARTITIONS: '4', LOG_LEVEL: 'warn' };
  const running: TsProcess[] = [];
  const clients: { close(): void }[] = [];
  const mongo = new MongoClient(env.mongoUrl);
  let gatewayUrl = '';

  beforeAll(async () => {
    await initPkiDirectory(pkiDir);
    const fp = { tayNinh: (await issueSystemInDirectory(pkiDir, 'qlvb-tayninh')).fingerprint, vpcp: (await issueSystemInDirectory(pkiDir, 'qlvb-vpcp')).fingerprint };
    const directoryUrl = `127.0.0.1:${await freePort()}`;
    running.push(spawnTs('apps/directory/src/main.ts', { ...common, HTTP_PORT: String(await freePort()), GRPC_URL: directoryUrl, DIRECTORY_EVENTS_TOPIC: topics.directory, DIRECTORY_SNAPSHOT_TOPIC: topics.snapshot }));
    const directory = new DirectoryClient(directoryUrl);
    await directory.waitForReady(120_000);
    await directory.call('RegisterAgency', { code: H53, name: 'UBND tỉnh Tây Ninh' });
    await directory.call('RegisterAgency', { code: G22, name: 'Văn phòng Chính phủ' });
    await directory.call('ConnectSystem', { code: H53, systemId: 'qlvb-tayninh', credentialFingerprint: fp.tayNinh });
    await directory.call('ConnectSystem', { code: G22, systemId: 'qlvb-vpcp', credentialFingerprint: fp.vpcp });
    for (const [i, code] of BACKLOG_RECIPIENTS.entries()) {
      await directory.call('RegisterAgency', { code, name: `Đơn vị ${i + 1}` });
      await directory.call('ConnectSystem', { code, systemId: `qlvb-k${i + 1}`, credentialFingerprint: (i + 1).toString(16).padStart(64, '0') });
    }
    directory.close();

    const deliveryUrl = `127.0.0.1:${await freePort()}`;
    gatewayUrl = `127.0.0.1:${await freePort()}`;
    running.push(spawnTs('apps/delivery/src/main.ts', { ...common, HTTP_PORT: String(await freePort()), GRPC_URL: deliveryUrl, ROUTING_EVENTS_TOPIC: topics.routing, DELIVERY_EVENTS_TOPIC: topics.delivery }));
    running.push(spawnTs('apps/routing/src/main.ts', { ...common, HTTP_PORT: String(await freePort()), SIGNATURE_EVENTS_TOPIC: topics.signature, ROUTING_EVENTS_TOPIC: topics.routing, DIRECTORY_SNAPSHOT_TOPIC: topics.snapshot }));
    running.push(spawnTs('apps/signature/src/main.ts', { ...common, HTTP_PORT: String(await freePort()), GATEWAY_EVENTS_TOPIC: topics.gateway, SIGNATURE_EVENTS_TOPIC: topics.signature }));
    running.push(
      spawnTs('apps/gateway/src/main.ts', {
        ...common,
        HTTP_PORT: String(await freePort()),
        GRPC_URL: gatewayUrl,
        PKI_DIR: pkiDir,
        DELIVERY_GRPC_URL: deliveryUrl,
        GATEWAY_EVENTS_TOPIC: topics.gateway,
        SIGNATURE_EVENTS_TOPIC: topics.signature,
        ROUTING_EVENTS_TOPIC: topics.routing,
        DELIVERY_EVENTS_TOPIC: topics.delivery,
        DIRECTORY_SNAPSHOT_TOPIC: topics.snapshot,
      }),
    );
    const probe = client('qlvb-tayninh');
    await waitUntil('the gateway serving', () => probe.checkHealth().then((s) => s === 'SERVING', () => false), { timeoutMs: 180_000, intervalMs: 250 });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const p of running.reverse()) await p.kill('SIGTERM');
    await mongo.db(db).dropDatabase().catch(() => undefined);
    await mongo.close();
    rmSync(pkiDir, { recursive: true, force: true });
  });

  function client(system: string): ExchangeClient {
    const c = new ExchangeClient(gatewayUrl, loadCredentialFiles(pkiDir, `systems/${system}`));
    clients.push(c);
    return c;
  }

  const edoc = (to: string, codeNumber: string, priority: string) =>
    Buffer.from(documentPackage({ from: H53, to: [to], codeNumber, codeNotation: 'UBND-VP', subject: `Văn bản ${codeNumber}`, priority }).xml);

  /** The gateway's record of one package, as signature will read it. */
  async function accepted(packageId: string): Promise<EventEnvelope<PackageAccepted>> {
    const codec = new EventCodec(catalogue);
    let found: EventEnvelope<PackageAccepted> | undefined;
    await readLogFromStart({ brokers: env.kafkaBrokers, clientId: `${name}-reader` }, [topics.gateway], async (records) => {
      for (const r of records) {
        const e = codec.decode(r.value!, r.headers);
        if (isEvent(PackageAcceptedEvent, e) && e.payload.packageId === packageId) found = e;
      }
    });
    if (!found) throw new Error(`no PackageAccepted for ${packageId} in ${topics.gateway}`);
    return found;
  }

  it('makes an urgent document fetchable ahead of a backlog of 10,000 normal ones, and lists it first', async () => {
    const sender = client('qlvb-tayninh');
    const vpcp = client('qlvb-vpcp');
    // Two normal documents for G22 first: the urgent one sent after them must head the inbox.
    const normals = [await sender.sendPackage(edoc(G22, '1', '0'), { senderCode: H53, kind: 'edoc' }), await sender.sendPackage(edoc(G22, '2', '0'), { senderCode: H53, kind: 'edoc' })];
    const template = await accepted(normals[0]!.packageId);

    // The backlog: 10,000 accepted documents appended at once, as a burst of sends would leave
    // them in the gateway's topic (the same stored body; each its own package and document).
    const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: `${name}-backlog` });
    const producer = new EventProducer(kafka);
    await producer.connect();
    const backlog = Array.from({ length: BACKLOG }, (_, i) => {
      const packageId = newEventId();
      const documentId = `${H53},backlog,${i}/UBND-VP`;
      const payload: PackageAccepted = { ...template.payload, packageId, documentId, recipientCodes: [BACKLOG_RECIPIENTS[i % BACKLOG_RECIPIENTS.length]!], idempotencyKey: `backlog-${name}-${i}`, priority: '0' };
      return createEvent(PackageAcceptedEvent, { aggregateId: packageId, aggregateSeq: 1, actor: template.actor, correlationId: packageId, trace: null, payload });
    });
    for (let i = 0; i < backlog.length; i += 1000) {
      await producer.publish(backlog.slice(i, i + 1000).map((event) => ({ topic: topics.gateway, event, key: documentKey(event.payload) })));
    }
    await producer.disconnect();

    // Sent after the whole backlog, through the gateway like any other: hỏa tốc (3).
    const urgent = await sender.sendPackage(edoc(G22, '3', '3'), { senderCode: H53, kind: 'edoc' });
    const first = await waitUntil(
      'the urgent document at the head of the inbox',
      async () => {
        const page = await vpcp.listInbox({ agencyCode: G22, pageSize: 1, pageToken: '' });
        return page.items[0]?.packageId === urgent.packageId ? page.items[0] : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 100 },
    );
    const backlogFetchable = await mongo.db(db).collection('delivery_state').countDocuments({ recipientCode: { $in: BACKLOG_RECIPIENTS } });
    // Fetchable: the recipient takes it now, while most of the backlog is still on its way.
    expect((await vpcp.fetchPackage(first.deliveryId)).length).toBeGreaterThan(0);
    expect(backlogFetchable).toBeLessThan(BACKLOG / 2);

    // The whole inbox: the urgent one first, then the normal ones in the order they were sent.
    const all = await vpcp.listInbox({ agencyCode: G22, pageSize: 10, pageToken: '' });
    expect(all.items.map((i) => i.packageId)).toEqual([urgent.packageId, ...normals.map((n) => n.packageId)]);
    // Paging keeps the order: one item per page.
    const paged: string[] = [];
    let pageToken = '';
    do {
      const page = await vpcp.listInbox({ agencyCode: G22, pageSize: 1, pageToken });
      paged.push(...page.items.map((i) => i.packageId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(paged).toEqual([urgent.packageId, ...normals.map((n) => n.packageId)]);
  });
});

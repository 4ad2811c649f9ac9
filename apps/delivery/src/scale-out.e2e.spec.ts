import { EventCodec, catalogue, type EventEnvelope } from '@vdx/contracts';
import { DeliveryCallError, DeliveryClient } from '@vdx/delivery-client';
import { DirectoryClient } from '@vdx/directory-client';
import { documentPackage } from '@vdx/edxml';
import { ExchangeClient } from '@vdx/exchange-client';
import { readLogFromStart } from '@vdx/messaging';
import { initPkiDirectory, issueSystemInDirectory, loadCredentialFiles } from '@vdx/pki';
import { freePort, spawnTs, testEnv, uniqueDbName, uniqueName, waitUntil, type TsProcess } from '@vdx/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const H53 = '000.00.00.H53';
const G22 = '000.00.00.G22';
const BTC = '000.00.00.G09';

/**
 * Two instances of the gateway, signature, routing and delivery (the directory is a single
 * writer with a fenced standby, ADR 0003), one of each killed with SIGKILL while documents
 * flow and then restarted: every delivery is queued once, fetched and acknowledged once, and
 * no (aggregate, sequence) is appended twice.
 */
describe('the pipeline on two instances of each service (e2e)', () => {
  const env = testEnv();
  const name = uniqueName('scale-e2e');
  const topics = { directory: `${name}.directory`, snapshot: `${name}.snapshot`, gateway: `${name}.gateway`, signature: `${name}.signature`, routing: `${name}.routing`, delivery: `${name}.delivery` };
  const db = uniqueDbName('scale_e2e');
  const pkiDir = mkdtempSync(join(tmpdir(), 'vdx-pki-'));
  const common = { KAFKA_BROKERS: env.kafkaBrokers, MONGO_URL: env.mongoUrl, MONGO_DB: db, TOPIC_PARTITIONS: '4', LOG_LEVEL: 'warn' };
  const running = new Map<string, TsProcess>();
  const envs = new Map<string, { entry: string; env: Record<string, string> }>();
  const gatewayUrls: string[] = [];
  const deliveryUrls: string[] = [];
  const clients: { close(): void }[] = [];

  const start = (id: string) => {
    const s = envs.get(id)!;
    running.set(id, spawnTs(s.entry, s.env));
  };

  beforeAll(async () => {
    await initPkiDirectory(pkiDir);
    const fp = {
      tayNinh: (await issueSystemInDirectory(pkiDir, 'qlvb-tayninh')).fingerprint,
      vpcp: (await issueSystemInDirectory(pkiDir, 'qlvb-vpcp')).fingerprint,
      btc: (await issueSystemInDirectory(pkiDir, 'qlvb-btc')).fingerprint,
    };
    const directoryUrl = `127.0.0.1:${await freePort()}`;
    envs.set('directory', { entry: 'apps/directory/src/main.ts', env: { ...common, HTTP_PORT: String(await freePort()), GRPC_URL: directoryUrl, DIRECTORY_EVENTS_TOPIC: topics.directory, DIRECTORY_SNAPSHOT_TOPIC: topics.snapshot } });
    start('directory');
    const directory = new DirectoryClient(directoryUrl);
    await directory.waitForReady(120_000);
    for (const [code, agency] of [[H53, 'UBND tỉnh Tây Ninh'], [G22, 'Văn phòng Chính phủ'], [BTC, 'Bộ Tài chính']] as const) await directory.call('RegisterAgency', { code, name: agency });
    await directory.call('ConnectSystem', { code: H53, systemId: 'qlvb-tayninh', credentialFingerprint: fp.tayNinh });
    await directory.call('ConnectSystem', { code: G22, systemId: 'qlvb-vpcp', credentialFingerprint: fp.vpcp });
    await directory.call('ConnectSystem', { code: BTC, systemId: 'qlvb-btc', credentialFingerprint: fp.btc });
    directory.close();

    for (const _ of [0, 1]) {
      deliveryUrls.push(`127.0.0.1:${await freePort()}`);
      gatewayUrls.push(`127.0.0.1:${await freePort()}`);
    }
    for (const i of [0, 1]) {
      const instance = { INSTANCE_ID: String(i) };
      envs.set(`delivery-${i}`, { entry: 'apps/delivery/src/main.ts', env: { ...common, ...instance, HTTP_PORT: String(await freePort()), GRPC_URL: deliveryUrls[i]!, ROUTING_EVENTS_TOPIC: topics.routing, DELIVERY_EVENTS_TOPIC: topics.delivery } });
      envs.set(`routing-${i}`, { entry: 'apps/routing/src/main.ts', env: { ...common, ...instance, HTTP_PORT: String(await freePort()), SIGNATURE_EVENTS_TOPIC: topics.signature, ROUTING_EVENTS_TOPIC: topics.routing, DIRECTORY_SNAPSHOT_TOPIC: topics.snapshot } });
      envs.set(`signature-${i}`, { entry: 'apps/signature/src/main.ts', env: { ...common, ...instance, HTTP_PORT: String(await freePort()), GATEWAY_EVENTS_TOPIC: topics.gateway, SIGNATURE_EVENTS_TOPIC: topics.signature } });
      envs.set(`gateway-${i}`, {
        entry: 'apps/gateway/src/main.ts',
        env: { ...common, HTTP_PORT: String(await freePort()), GRPC_URL: gatewayUrls[i]!, PKI_DIR: pkiDir, DELIVERY_GRPC_URL: deliveryUrls[i]!, GATEWAY_EVENTS_TOPIC: topics.gateway, SIGNATURE_EVENTS_TOPIC: topics.signature, ROUTING_EVENTS_TOPIC: topics.routing, DELIVERY_EVENTS_TOPIC: topics.delivery, DIRECTORY_SNAPSHOT_TOPIC: topics.snapshot },
      });
    }
    for (const s of ['delivery', 'routing', 'signature', 'gateway']) for (const i of [0, 1]) start(`${s}-${i}`);
    for (const url of deliveryUrls) {
      const c = new DeliveryClient(url);
      clients.push(c);
      await c.waitForReady(180_000);
    }
    for (const url of gatewayUrls) {
      const c = new ExchangeClient(url, loadCredentialFiles(pkiDir, 'systems/qlvb-tayninh'));
      clients.push(c);
      await waitUntil(`gateway ${url} serving`, () => c.checkHealth().then((s) => s === 'SERVING', () => false), { timeoutMs: 180_000, intervalMs: 250 });
    }
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const p of [...running.values()].reverse()) await p.kill('SIGTERM');
    rmSync(pkiDir, { recursive: true, force: true });
  });

  const client = (gateway: number, system: string) => {
    const c = new ExchangeClient(gatewayUrls[gateway]!, loadCredentialFiles(pkiDir, `systems/${system}`));
    clients.push(c);
    return c;
  };

  async function readLog(topic: string): Promise<EventEnvelope[]> {
    const codec = new EventCodec(catalogue);
    const out: EventEnvelope[] = [];
    await readLogFromStart({ brokers: env.kafkaBrokers, clientId: `${name}-reader` }, [topic], async (records) => {
      for (const r of records) out.push(codec.decode(r.value!, r.headers));
    });
    return out;
  }

  const inbox = async (c: ExchangeClient, agencyCode: string) => {
    const items = [];
    let pageToken = '';
    do {
      const page = await c.listInbox({ agencyCode, pageSize: 500, pageToken });
      items.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return items;
  };

  it('delivers every document exactly once when one instance of each service is killed mid-flow and restarted', async () => {
    const senders = [client(0, 'qlvb-tayninh'), client(1, 'qlvb-tayninh')];
    const send = (i: number, via: number) =>
      senders[via]!.sendPackage(Buffer.from(documentPackage({ from: H53, to: [G22, BTC], codeNumber: String(1000 + i), codeNotation: 'UBND-VP', subject: `Văn bản ${i}` }).xml), { senderCode: H53, kind: 'edoc' });
    const first = await Promise.all(Array.from({ length: 30 }, (_, i) => send(i, i % 2)));
    for (const id of ['signature-1', 'routing-1', 'delivery-1', 'gateway-1']) await running.get(id)!.kill('SIGKILL');
    // Sent while those are away: the survivors take their partitions over.
    const during = await Promise.all(Array.from({ length: 10 }, (_, i) => send(30 + i, 0)));
    for (const id of ['signature-1', 'routing-1', 'delivery-1', 'gateway-1']) start(id);
    await waitUntil('gateway-1 serving again', () => senders[1]!.checkHealth().then((s) => s === 'SERVING', () => false), { timeoutMs: 180_000, intervalMs: 250 });
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => send(40 + i, i % 2)));
    const sent = [...first, ...during, ...after].map((r) => r.packageId);
    expect(new Set(sent).size).toBe(50);

    // Each recipient fetches and acknowledges through either gateway: commands cross instances.
    const vpcp = [client(0, 'qlvb-vpcp'), client(1, 'qlvb-vpcp')];
    const btc = [client(0, 'qlvb-btc'), client(1, 'qlvb-btc')];
    for (const [gateways, code] of [[vpcp, G22], [btc, BTC]] as const) {
      let listed = 0;
      const items = await waitUntil(`50 deliveries for ${code}`, async () => {
        const all = (await inbox(gateways[0]!, code)).filter((i) => sent.includes(i.packageId));
        listed = all.length;
        return all.length >= 50 ? all : undefined;
      }, { timeoutMs: 180_000, intervalMs: 500 }).catch(async (err: unknown) => {
        // Say where they are: known to delivery_state but not listed means the inbox lost them.
        const api = new DeliveryClient(deliveryUrls[0]!);
        const known = await Promise.all(sent.map((p) => api.get(`${p}/${code}`).then(() => 1, () => 0)));
        api.close();
        throw new Error(`${(err as Error).message}: ${listed} listed, ${known.reduce((a: number, b: number) => a + b, 0)} of 50 in delivery_state`);
      });
      expect(items).toHaveLength(50);
      expect(new Set(items.map((i) => i.packageId)).size).toBe(50);
      for (const [n, item] of items.entries()) {
        const g = gateways[n % 2]!;
        expect((await g.fetchPackage(item.deliveryId)).length).toBeGreaterThan(0);
        expect(await g.acknowledge(item.deliveryId, 'done')).toMatchObject({ state: 'acknowledged' });
      }
    }

    // The log agrees: one verdict and one routing decision per package, one DeliveryQueued,
    // DeliveryFetched and DeliveryAcknowledged per delivery, and no (aggregate, sequence) twice.
    const ours = (e: EventEnvelope) => sent.some((p) => e.aggregateId.startsWith(p));
    const verdicts = (await readLog(topics.signature)).filter(ours);
    expect(verdicts.filter((e) => e.type === 'vdx.signature.SignatureVerified')).toHaveLength(50);
    const routed = (await readLog(topics.routing)).filter(ours);
    expect(routed.filter((e) => e.type === 'vdx.routing.PackageRouted')).toHaveLength(50);
    const events = (await readLog(topics.delivery)).filter(ours);
    for (const type of ['vdx.delivery.DeliveryQueued', 'vdx.delivery.DeliveryFetched', 'vdx.delivery.DeliveryAcknowledged']) {
      const ids = events.filter((e) => e.type === type).map((e) => e.aggregateId);
      expect(ids).toHaveLength(100);
      expect(new Set(ids).size).toBe(100);
    }
    const positions = events.map((e) => `${e.aggregateId}#${e.aggregateSeq}`);
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('serialises two instances acting on one delivery at once: one acknowledgement wins, the other is refused', async () => {
    const receipt = await client(0, 'qlvb-tayninh').sendPackage(Buffer.from(documentPackage({ from: H53, to: [G22], codeNumber: '2001', codeNotation: 'UBND-VP', subject: 'Đua' }).xml), { senderCode: H53, kind: 'edoc' });
    const [a, b] = deliveryUrls.map((u) => new DeliveryClient(u));
    clients.push(a!, b!);
    const deliveryId = `${receipt.packageId}/${G22}`;
    await waitUntil('the delivery projected', () => a!.get(deliveryId).then(() => true, () => false), { timeoutMs: 60_000, intervalMs: 100 });
    const fetches = await Promise.all([a!.fetch(deliveryId, 'qlvb-vpcp'), b!.fetch(deliveryId, 'qlvb-vpcp')]);
    expect(fetches.map((f) => f.state)).toEqual(['fetched', 'fetched']);
    const acks = await Promise.allSettled([a!.acknowledge(deliveryId, 'qlvb-vpcp', 'done', ''), b!.acknowledge(deliveryId, 'qlvb-vpcp', 'fail', 'trùng')]);
    const won = acks.filter((r) => r.status === 'fulfilled');
    const lost = acks.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(DeliveryCallError);
    expect((lost[0]!.reason as DeliveryCallError).code).toBe('DELIVERY.ALREADY_ACKNOWLEDGED');
    const events = (await readLog(topics.delivery)).filter((e) => e.aggregateId === deliveryId);
    expect(events.map((e) => [e.type, e.aggregateSeq])).toEqual([
      ['vdx.delivery.DeliveryQueued', 1],
      ['vdx.delivery.DeliveryFetched', 2],
      ['vdx.delivery.DeliveryAcknowledged', 3],
    ]);
  });
});

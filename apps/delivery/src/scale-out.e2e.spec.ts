import { catalogue, DeliveryAcknowledgedEvent, DeliveryFetchedEvent, DeliveryQueuedEvent, EventCodec, type EventEnvelope, PackageRoutedEvent, SignatureVerifiedEvent } from '@vdx/contracts';
import { DeliveryCallError, DeliveryClient } from '@vdx/delivery-client';
import { documentPackage } from '@vdx/edxml';
import { ExchangeClient } from '@vdx/exchange-client';
import { consumerLags, formatLags, readLogFromStart } from '@vdx/messaging';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis, type AxisService } from '@vdx/testing/axis';
import { testEnv, waitUntil } from '@vdx/testing';

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
  let axis: Axis;
  let name: string;
  let topics: Axis['topics'];
  const deliveryUrls: string[] = [];
  const clients: { close(): void }[] = [];

  beforeAll(async () => {
    axis = await startAxis({
      name: 'scale-e2e',
      partitions: 4,
      instances: { gateway: 2, signature: 2, routing: 2, delivery: 2 },
      agencies: [
        { code: H53, name: 'UBND tỉnh Tây Ninh' },
        { code: G22, name: 'Văn phòng Chính phủ' },
        { code: BTC, name: 'Bộ Tài chính' },
      ],
      systems: [
        { systemId: 'qlvb-tayninh', code: H53 },
        { systemId: 'qlvb-vpcp', code: G22 },
        { systemId: 'qlvb-btc', code: BTC },
      ],
    });
    ({ name, topics } = axis);
    deliveryUrls.push(...axis.instances('delivery').map((d) => d.grpcUrl));
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    for (const c of clients) c.close();
    await axis?.stop();
  });

  const client = (gateway: number, system: string) => axis.client(system, gateway);

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

  // Four processes are killed and booted again, and 100 deliveries go through the survivors and then through them.
  it('delivers every document exactly once when one instance of each service is killed mid-flow and restarted', async () => {
    const senders = [client(0, 'qlvb-tayninh'), client(1, 'qlvb-tayninh')];
    const send = (i: number, via: number) =>
      senders[via]!.sendPackage(Buffer.from(documentPackage({ from: H53, to: [G22, BTC], codeNumber: String(1000 + i), codeNotation: 'UBND-VP', subject: `Văn bản ${i}` }).xml), { senderCode: H53, kind: 'edoc' });
    const first = await Promise.all(Array.from({ length: 30 }, (_, i) => send(i, i % 2)));
    const second: AxisService[] = ['signature', 'routing', 'delivery', 'gateway'];
    for (const service of second) await axis.kill(service, 1, 'SIGKILL');
    // Sent while those are away: the survivors take their partitions over.
    const during = await Promise.all(Array.from({ length: 10 }, (_, i) => send(30 + i, 0)));
    for (const service of second) axis.start(service, 1);
    // Each answers as when the axis started (the gateway SERVING once its directory cache caught
    // up), under the harness's boot deadline: four processes boot at once on two cores.
    await Promise.all(second.map((service) => axis.ready(service, 1)));
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
      }, { timeoutMs: 150_000, intervalMs: 500 }).catch(async (err: unknown) => {
        // Say where they are. GetDelivery answers from the owner's state for a partition delivery-0
        // owns, else from delivery_state: known but not listed means queued but not projected.
        const api = new DeliveryClient(deliveryUrls[0]!, axis.operatorTls);
        const known = await Promise.all(sent.map((p) => api.get(`${p}/${code}`).then(() => 1, () => 0)));
        api.close();
        throw new Error(`${(err as Error).message}: ${listed} listed, ${known.reduce((a: number, b: number) => a + b, 0)} of 50 known to delivery-0 (its own partitions' state or delivery_state)\n${await consumerLags({ brokers: env.kafkaBrokers, clientId: `${name}-lags` }, `${name}.`).then(formatLags, (e: Error) => `lags unknown: ${e.message}`)}\n${axis.outputs(4000)}`);
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
    expect(verdicts.filter((e) => e.type === SignatureVerifiedEvent.type)).toHaveLength(50);
    const routed = (await readLog(topics.routing)).filter(ours);
    expect(routed.filter((e) => e.type === PackageRoutedEvent.type)).toHaveLength(50);
    const events = (await readLog(topics.delivery)).filter(ours);
    for (const type of [DeliveryQueuedEvent.type, DeliveryFetchedEvent.type, DeliveryAcknowledgedEvent.type]) {
      const ids = events.filter((e) => e.type === type).map((e) => e.aggregateId);
      expect(ids).toHaveLength(100);
      expect(new Set(ids).size).toBe(100);
    }
    const positions = events.map((e) => `${e.aggregateId}#${e.aggregateSeq}`);
    expect(new Set(positions).size).toBe(positions.length);
  }, 480_000);

  it('serialises two instances acting on one delivery at once: one acknowledgement wins, the other is refused', async () => {
    const receipt = await client(0, 'qlvb-tayninh').sendPackage(Buffer.from(documentPackage({ from: H53, to: [G22], codeNumber: '2001', codeNotation: 'UBND-VP', subject: 'Đua' }).xml), { senderCode: H53, kind: 'edoc' });
    // Fetches and acknowledgements are the gateway's calls (DELIVERY_ACCESS): made with its identity.
    const [a, b] = deliveryUrls.map((u) => new DeliveryClient(u, axis.serviceTls('gateway')));
    clients.push(a!, b!);
    const deliveryId = `${receipt.packageId}/${G22}`;
    await waitUntil('the delivery projected', () => a!.get(deliveryId).then(() => true, () => false), { timeoutMs: 45_000, intervalMs: 100 });
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
      [DeliveryQueuedEvent.type, 1],
      [DeliveryFetchedEvent.type, 2],
      [DeliveryAcknowledgedEvent.type, 3],
    ]);
  });
});

import { EventCodec, PackageAcceptedEvent, catalogue, createEvent, documentKey, isEvent, newEventId, type EventEnvelope, type PackageAccepted } from '@vdx/contracts';
import { documentPackage } from '@vdx/edxml';
import { ExchangeClient } from '@vdx/exchange-client';
import { EventProducer, createKafka, readLogFromStart } from '@vdx/messaging';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis } from '@vdx/testing/axis';
import { BACKLOG_TEST_TIMEOUT_MS, testEnv, waitUntil } from '@vdx/testing';
import { MongoClient } from 'mongodb';

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
  const mongo = new MongoClient(env.mongoUrl);
  let axis: Axis;
  let name: string;
  let db: string;
  let topics: Axis['topics'];

  beforeAll(async () => {
    axis = await startAxis({
      name: 'lanes-e2e',
      partitions: 4,
      agencies: [{ code: H53, name: 'UBND tỉnh Tây Ninh' }, { code: G22, name: 'Văn phòng Chính phủ' }, ...BACKLOG_RECIPIENTS.map((code, i) => ({ code, name: `Đơn vị ${i + 1}` }))],
      systems: [
        { systemId: 'qlvb-tayninh', code: H53 },
        { systemId: 'qlvb-vpcp', code: G22 },
        ...BACKLOG_RECIPIENTS.map((code, i) => ({ systemId: `qlvb-k${i + 1}`, code, fingerprint: (i + 1).toString(16).padStart(64, '0') })),
      ],
    });
    ({ name, db, topics } = axis);
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    await axis?.stop();
    await mongo.db(db).dropDatabase().catch(() => undefined);
    await mongo.close();
  });

  function client(system: string): ExchangeClient {
    return axis.client(system);
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

  // A backlog of 10,000 packages goes through three steps while the urgent one overtakes it.
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
  }, BACKLOG_TEST_TIMEOUT_MS);
});

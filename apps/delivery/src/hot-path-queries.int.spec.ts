import { createBlobStore } from '@vdx/blob-store';
import { DeliveryStore } from '@vdx/delivery-feature';
import { MongoReceiptStore } from '@vdx/gateway-feature';
import { DocumentRegistry } from '@vdx/routing-feature';
import { testEnv, uniqueDbName } from '@vdx/testing';
import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';

/**
 * The store reads on the send, fetch and acknowledge paths, captured as the real code issues
 * them (command monitoring) and explained by the store: each must be answered from an index.
 * FerretDB (as patched, docs/adr/0002) answers `_id` equality, `$in` and ranges from one, with
 * the sort and limit when the filter is that alone, and says so (`filterPushdown`,
 * `sortPushdown`, `limitPushdown`); MongoDB reports an IXSCAN/IDHACK stage instead. Not among them: a hub's whole inbox (by receiving agency) and
 * listings of closed states, which still filter `delivery_state`.
 */
describe('hot-path store reads are answered from the index (int: real store)', () => {
  const env = testEnv();
  const client = new MongoClient(env.mongoUrl, { monitorCommands: true });
  const db = client.db(uniqueDbName('hot_path'));
  const finds: { collection: string; filter: Document; sort?: Document; limit?: number }[] = [];
  const capture = (e: CommandStartedEvent) => {
    if (e.commandName !== 'find' || e.databaseName !== db.databaseName) return;
    const { sort: raw, limit } = e.command as { sort?: Document | Map<string, unknown>; limit?: number };
    const sort = raw instanceof Map ? (Object.fromEntries(raw) as Document) : raw;
    finds.push({ collection: String(e.command['find']), filter: e.command['filter'] as Document, ...(sort ? { sort } : {}), ...(limit ? { limit } : {}) });
  };

  beforeAll(() => {
    client.on('commandStarted', capture);
  });

  afterAll(async () => {
    client.off('commandStarted', capture);
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });

  /** The filter from the index and, when the query sorts or limits, those too (not read and sorted in memory). */
  async function answeredFromIndex(f: (typeof finds)[number]): Promise<boolean> {
    const plan = await db.command({ explain: { find: f.collection, filter: f.filter, ...(f.sort ? { sort: f.sort } : {}), ...(f.limit ? { limit: f.limit } : {}) }, verbosity: 'queryPlanner' });
    if ('filterPushdown' in plan) return plan['filterPushdown'] === true && (!f.sort || plan['sortPushdown'] === true) && (!f.limit || plan['limitPushdown'] === true); // FerretDB
    const text = JSON.stringify(plan['queryPlanner'] ?? plan);
    return /IXSCAN|IDHACK|EXPRESS_IXSCAN|CLUSTERED_IXSCAN/.test(text) && !/COLLSCAN/.test(text);
  }

  it('reads inboxes, deliveries, receipts, claims, routing documents and package bodies by _id', async () => {
    // As in a running axis, every collection exists (a missing one is a scan of nothing).
    for (const name of ['blobs.inline', 'delivery_inbox', 'delivery_state', 'gateway_claims', 'gateway_receipts', 'routing_documents']) await db.collection(name).insertOne({ _id: 'seed' as never });
    // Send: the receipt of the idempotency key, then the claim (a resend while it is in flight).
    const receipts = new MongoReceiptStore(db);
    await receipts.claim('key-1', 'p1', new Date());
    await receipts.claim('key-1', 'p2', new Date());
    // List: an agency's open inbox. Fetch and acknowledge: the delivery's command key and correlation id.
    const deliveries = new DeliveryStore(db);
    await deliveries.inbox({ recipientCodes: ['000.00.00.G22', '000.00.00.H53'], states: ['queued', 'fetched'], limit: 100 });
    await deliveries.get('p1/000.00.00.G22');
    // Routing: a document of another partition.
    await new DocumentRegistry(db).get('doc-1');
    // Fetch: the body, small ones inline.
    const blobs = createBlobStore(db);
    const ref = await blobs.put((async function* () { yield Buffer.from('<edXML/>'); })());
    for await (const _ of (await blobs.get(ref.sha256)) as AsyncIterable<Uint8Array>) {
      // drain
    }

    const seen = new Set(finds.map((f) => f.collection));
    expect([...seen].sort()).toEqual(expect.arrayContaining(['blobs.inline', 'delivery_inbox', 'delivery_state', 'gateway_claims', 'gateway_receipts', 'routing_documents']));
    for (const f of finds) {
      expect({ ...f, fromIndex: await answeredFromIndex(f) }).toEqual({ ...f, fromIndex: true });
    }
    // A page of an agency's open inbox is a range of its entries, sorted and limited in the store.
    expect(finds.filter((f) => f.collection === 'delivery_inbox').map((f) => [f.sort, f.limit])).toEqual([
      [{ _id: 1 }, 100],
      [{ _id: 1 }, 100],
    ]);
  });

  it('pages through the dead letters by _id: a range of delivery_dead, then those deliveries by _id', async () => {
    finds.length = 0;
    const dead = (id: string, state: string) => ({ _id: id, deliveryId: id, packageId: id.split('/')[0], recipientCode: id.split('/')[1], state, attempts: 5, package: { packageId: id.split('/')[0] } });
    // C's entry runs ahead of its delivery, fetched since it died: the listing leaves it out.
    await db.collection('delivery_state').insertMany([dead('pA/000.00.00.G22', 'dead'), dead('pB/000.00.00.G22', 'dead'), dead('pC/000.00.00.H53', 'fetched'), dead('pD/000.00.00.H53', 'dead'), dead('pE/000.00.00.H53', 'queued')] as never[]);
    await db.collection('delivery_dead').insertMany(['pA/000.00.00.G22', 'pB/000.00.00.G22', 'pC/000.00.00.H53', 'pD/000.00.00.H53'].map((id) => ({ _id: id, deadAt: '2026-12-01T00:00:00.000Z', attempts: 5, version: 6 })) as never[]);
    const store = new DeliveryStore(db);

    const first = await store.dead(2);
    expect([first.deliveries.map((d) => d.deliveryId), first.next]).toEqual([['pA/000.00.00.G22', 'pB/000.00.00.G22'], 'pB/000.00.00.G22']);
    const second = await store.dead(2, first.next!);
    expect([second.deliveries.map((d) => d.deliveryId), second.next]).toEqual([['pD/000.00.00.H53'], null]);
    expect(second.deliveries[0]).toMatchObject({ state: 'dead', attempts: 5, recipientCode: '000.00.00.H53' });
    expect(await store.dead(2, 'pD/000.00.00.H53')).toEqual({ deliveries: [], next: null });

    expect(finds.map((f) => f.collection)).toEqual(['delivery_dead', 'delivery_state', 'delivery_dead', 'delivery_state', 'delivery_dead']);
    for (const f of finds) {
      expect({ ...f, fromIndex: await answeredFromIndex(f) }).toEqual({ ...f, fromIndex: true });
    }
  });
});

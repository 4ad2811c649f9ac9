import { InMemoryBlobStore } from '@vdx/blob-store';
import type { EventEnvelope, PackageRef } from '@vdx/contracts';
import { decide, evolve, type Delivery } from '@vdx/delivery-domain';
import { testEnv, uniqueDbName } from '@vdx/testing';
import { MongoClient } from 'mongodb';
import { DeliveryCommands } from './delivery-commands';
import { DeliveryScheduler } from './delivery-scheduler';
import { DeliveryStore } from './delivery-store';

const BODY = Buffer.from('<edXML/>');

describe('DeliveryScheduler on the real store', () => {
  const env = testEnv();
  const client = new MongoClient(env.mongoUrl);
  const db = client.db(uniqueDbName('delivery_scheduler'));
  const store = new DeliveryStore(db);
  const appended: EventEnvelope[] = [];
  let now = new Date('2026-11-30T02:00:00Z'); // Monday 09:00 in Vietnam
  const clock = () => now;
  const commands = new DeliveryCommands(store, async (events) => void appended.push(...events), { clock, policy: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 600_000 } });
  const blobs = new InMemoryBlobStore();
  let sha = '';

  async function queue(recipientCode: string, endpoint: string | null): Promise<Delivery> {
    const ref: PackageRef = {
      packageId: `p-${recipientCode}`,
      kind: 'edoc',
      senderCode: '000.00.00.G22',
      systemId: 's',
      recipientCodes: [recipientCode],
      documentId: null,
      businessDocType: '0',
      relatedDocumentId: null,
      statusCode: null,
      subject: null,
      priority: null,
      dueDate: null,
      bodySha256: sha,
      bodySize: BODY.length,
      acceptedAt: now.toISOString(),
    };
    const routed = { deliveryId: `${ref.packageId}/${recipientCode}`, requestedCode: recipientCode, recipientCode, deliverToCode: recipientCode, systemId: `sys-${recipientCode}`, endpoint, route: 'direct', via: [] };
    const events = decide({ kind: 'Queue', routed, package: ref }, null, { now });
    const state = events.reduce<Delivery | null>((s, e) => evolve(s, e, now.toISOString()), null)!;
    await store.insertIfAbsent(state);
    return state;
  }

  beforeAll(async () => {
    await store.ensureIndexes();
    await store.ensureIndexes(); // as at every restart: nothing to do, and no FerretDB panic
    sha = (await blobs.put((async function* () { yield BODY; })())).sha256;
  });

  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });

  it('has the indexes inbox listings, pushes, deadlines and traces use', async () => {
    const names = (await db.collection('delivery_state').listIndexes().toArray()).map((i) => String(i['name'])).sort();
    expect(names).toEqual(['_id_', 'deadline', 'document', 'due', 'hub_inbox', 'inbox', 'package']);
  });

  it('pushes what is due, backs off after failures, dead-letters after the last attempt, and flags missed deadlines', async () => {
    const failing = await queue('000.00.00.H01', '127.0.0.1:1');
    const working = await queue('000.00.00.H02', '127.0.0.1:2');
    const pullOnly = await queue('000.00.00.H03', null);
    const pushed: string[] = [];
    const push = async (d: Delivery, body: AsyncIterable<Uint8Array>) => {
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(Buffer.from(c));
      expect(Buffer.concat(chunks)).toEqual(BODY);
      if (d.deliveryId === failing.deliveryId) throw new Error('connection refused');
      pushed.push(d.deliveryId);
    };
    const scheduler = new DeliveryScheduler(store, commands, blobs, push, { pushEveryMs: 1000, deadlinesEveryMs: 1000, pushTimeoutMs: 1000, batch: 50, clock });

    expect(await scheduler.pushDue()).toBe(2); // the pull-only delivery is never pushed
    expect(pushed).toEqual([working.deliveryId]);
    expect(await store.get(working.deliveryId)).toMatchObject({ state: 'fetched' });
    expect(await store.get(failing.deliveryId)).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAt: '2026-11-30T02:01:00.000Z' });

    expect(await scheduler.pushDue()).toBe(0); // not due again before its backoff
    now = new Date('2026-11-30T02:01:00Z');
    await scheduler.pushDue();
    now = new Date('2026-11-30T02:03:00Z');
    await scheduler.pushDue();
    expect(await store.get(failing.deliveryId)).toMatchObject({ state: 'dead', attempts: 3, lastError: 'connection refused' });
    expect((await store.dead(10)).map((d) => d.deliveryId)).toEqual([failing.deliveryId]);

    // 17:00 in Vietnam is 10:00 UTC: the pull-only and the dead delivery missed it, the fetched one did not.
    expect(await scheduler.flagOverdue()).toBe(0);
    now = new Date('2026-11-30T10:00:00Z');
    expect(await scheduler.flagOverdue()).toBe(2);
    expect(await scheduler.flagOverdue()).toBe(0);
    expect((await store.get(pullOnly.deliveryId))?.deadlineMissed).toBe(true);
    expect(appended.filter((e) => e.type === 'vdx.delivery.DeliveryDeadlineMissed').map((e) => e.aggregateId).sort()).toEqual([failing.deliveryId, pullOnly.deliveryId].sort());
    expect(appended.filter((e) => e.type === 'vdx.delivery.DeliveryDeadLettered')).toHaveLength(1);
  });
});

import { testEnv, uniqueDbName } from '@vdx/testing';
import { MongoClient } from 'mongodb';
import { MongoReceiptStore } from './mongo-receipt-store';
import type { Receipt } from './receipt';

describe('MongoReceiptStore (real store)', () => {
  const env = testEnv();
  const client = new MongoClient(env.mongoUrl);
  const db = client.db(uniqueDbName('receipts'));
  const store = new MongoReceiptStore(db, 1000);
  const t0 = new Date('2026-11-30T02:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const receipt = (packageId: string): Receipt => ({ packageId, bodySha256: 'a'.repeat(64), bodySize: 1, acceptedAt: t0.toISOString(), recipientCodes: ['000.00.00.G22'], warnings: [] });

  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });

  it('lets exactly one of many concurrent claims win, then answers the rest with the receipt', async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => store.claim('k1', `p${i}`, t0)));
    const winners = claims.filter((c) => c.kind === 'claimed');
    expect(winners).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'busy')).toHaveLength(7);
    const packageId = winners[0]!.kind === 'claimed' ? winners[0]!.packageId : '';
    await store.complete('k1', receipt(packageId));
    expect(await store.claim('k1', 'late', at(10))).toEqual({ kind: 'done', receipt: receipt(packageId) });
  });

  it('takes over a claim abandoned by a crashed attempt, keeping its package id', async () => {
    expect(await store.claim('k2', 'crashed', t0)).toEqual({ kind: 'claimed', packageId: 'crashed' });
    expect(await store.claim('k2', 'retry-1', at(500))).toMatchObject({ kind: 'busy' });
    expect(await store.claim('k2', 'retry-2', at(1500))).toEqual({ kind: 'claimed', packageId: 'crashed' });
  });

  it('answers a resend from the receipts projected from the log, even with no claim left', async () => {
    await db.collection('gateway_receipts').insertOne({ _id: 'k4' as never, packageId: 'p4', receipt: receipt('p4') });
    expect(await store.claim('k4', 'again', at(5))).toEqual({ kind: 'done', receipt: receipt('p4') });
    expect(await db.collection('gateway_claims').countDocuments({ _id: 'k4' as never })).toBe(0);
  });

  it('answers the claims and completions of one turn with one command each, the done and the colliding ones among them', async () => {
    const monitored = new MongoClient(env.mongoUrl, { monitorCommands: true });
    const commands: string[] = [];
    monitored.on('commandStarted', (e) => commands.push(`${e.commandName} ${String(e.command[e.commandName])}`));
    const batched = new MongoReceiptStore(monitored.db(db.databaseName), 1000);
    await db.collection('gateway_receipts').insertOne({ _id: 'b-done' as never, packageId: 'pd', receipt: receipt('pd') });
    try {
      const keys = Array.from({ length: 40 }, (_, i) => `b${i}`);
      const claims = await Promise.all([...keys.map((k) => batched.claim(k, `pkg-${k}`, t0)), batched.claim('b-done', 'again', t0), batched.claim('b0', 'second', t0)]);
      expect(claims.slice(0, 40)).toEqual(keys.map((k) => ({ kind: 'claimed', packageId: `pkg-${k}` })));
      expect(claims[40]).toEqual({ kind: 'done', receipt: receipt('pd') });
      // The second attempt at b0 in the same turn collides and finds the first one's claim.
      expect(claims[41]).toEqual({ kind: 'busy', since: t0 });
      expect(commands.filter((c) => c === 'find gateway_receipts')).toHaveLength(1);
      expect(commands.filter((c) => c === 'insert gateway_claims')).toHaveLength(1);
      expect(commands.filter((c) => c === 'find gateway_claims')).toHaveLength(1);
      commands.length = 0;
      await Promise.all(keys.map((k) => batched.complete(k, receipt(`pkg-${k}`))));
      expect(commands).toEqual(['update gateway_claims']);
      expect(await Promise.all(keys.slice(0, 3).map((k) => batched.claim(k, 'late', at(5))))).toEqual(keys.slice(0, 3).map((k) => ({ kind: 'done', receipt: receipt(`pkg-${k}`) })));
    } finally {
      await monitored.close();
    }
  });

  it('frees a released claim at once', async () => {
    await store.claim('k3', 'p', t0);
    await store.release('k3', 'p');
    expect(await store.claim('k3', 'q', at(1))).toEqual({ kind: 'claimed', packageId: 'q' });
  });
});

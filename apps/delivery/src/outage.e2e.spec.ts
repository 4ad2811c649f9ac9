import { status } from '@grpc/grpc-js';
import { documentPackage } from '@vdx/edxml';
import { ExchangeCallError, ExchangeClient } from '@vdx/exchange-client';
import { FerretDbServer, KafkaBroker, RUN_DIR } from '@vdx/local-infra';
import { consumerLags, formatLags } from '@vdx/messaging';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis } from '@vdx/testing/axis';
import { OUTAGE_TEST_TIMEOUT_MS, freePort, testEnv, waitUntil } from '@vdx/testing';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const H53 = '000.00.00.H53';
const G22 = '000.00.00.G22';
const quiet = (): void => undefined;

/** The part that goes away: a private instance, so stopping it cannot disturb the shared ones other tests use. */
interface Outage {
  readonly what: 'store' | 'broker';
  /** How long a send may take to be refused: a durable append gives up after 30 s. */
  readonly refusedWithinMs: number;
  setUp(dir: string): Promise<{ kafkaBrokers: string; mongoUrl: string; part: { start(p: typeof quiet): Promise<void>; stop(p: typeof quiet): Promise<void> } }>;
}

const OUTAGES: readonly Outage[] = [
  {
    what: 'store',
    refusedWithinMs: 20_000,
    async setUp(dir) {
      const store = new FerretDbServer({ dir: join(dir, 'ferretdb'), port: await freePort() });
      await store.start(quiet);
      return { kafkaBrokers: testEnv().kafkaBrokers, mongoUrl: store.url, part: store };
    },
  },
  {
    what: 'broker',
    refusedWithinMs: 90_000,
    async setUp(dir) {
      const broker = new KafkaBroker({ dir: join(dir, 'kafka'), port: await freePort(), controllerPort: await freePort(), heapMb: 384 });
      await broker.start(quiet);
      return { kafkaBrokers: broker.bootstrap, mongoUrl: testEnv().mongoUrl, part: broker };
    },
  },
];

describe.each(OUTAGES)('the $what goes away mid-flow and comes back (e2e)', (outage) => {
  const dir = join(RUN_DIR, `${outage.what}-outage-e2e-${process.pid}`);
  let axis: Axis;
  let part: Awaited<ReturnType<Outage['setUp']>>['part'];
  let tayNinh: ExchangeClient;
  let vpcp: ExchangeClient;

  beforeAll(async () => {
    const infra = await outage.setUp(dir);
    part = infra.part;
    axis = await startAxis({
      name: `${outage.what}-outage-e2e`,
      kafkaBrokers: infra.kafkaBrokers,
      mongoUrl: infra.mongoUrl,
      logLevel: 'error',
      agencies: [
        { code: H53, name: 'UBND tỉnh Tây Ninh' },
        { code: G22, name: 'Văn phòng Chính phủ' },
      ],
      systems: [
        { systemId: 'qlvb-tayninh', code: H53 },
        { systemId: 'qlvb-vpcp', code: G22 },
      ],
    });
    tayNinh = axis.client('qlvb-tayninh');
    vpcp = axis.client('qlvb-vpcp');
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    await axis?.stop();
    await part?.stop(quiet);
    rmSync(dir, { recursive: true, force: true });
  });

  const doc = (n: number) => Buffer.from(documentPackage({ from: G22, to: [H53], codeNumber: String(n), codeNotation: 'VPCP', subject: `Văn bản ${n}` }).xml);
  const inbox = async () => (await tayNinh.listInbox({ agencyCode: H53, pageSize: 500 })).items;

  // A send is refused within 30 s of a store outage and 90 s of a broker outage; the part restarts, then the backlog drains.
  it(`refuses sends with UNAVAILABLE while the ${outage.what} is down, then delivers everything accepted, once`, async () => {
    // Accepted just before the outage: their verification, routing and queueing run into it.
    const before = await Promise.all([1, 2, 3, 4, 5].map((n) => vpcp.sendPackage(doc(n), { senderCode: G22, kind: 'edoc' })));
    expect(before.every((r) => r.outcome === 'accepted')).toBe(true);
    await part.stop(quiet);

    const refused: unknown = await vpcp.sendPackage(doc(6), { senderCode: G22, kind: 'edoc' }, outage.refusedWithinMs).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ExchangeCallError);
    const answer = [(refused as ExchangeCallError).grpcStatus, (refused as ExchangeCallError).code];
    // Seen once in CI: a bare GRPC.14 (no code of the gateway's) within seconds. Say what the gateway said and printed.
    if (answer[1] !== 'EXCHANGE.UNAVAILABLE') throw new Error(`expected EXCHANGE.UNAVAILABLE, got ${answer.join(' ')}: ${(refused as Error).message}\n${axis.outputs()}`);
    expect(answer).toEqual([status.UNAVAILABLE, 'EXCHANGE.UNAVAILABLE']);

    await part.start(quiet);
    // The refused send is simply sent again, as the error says.
    const after = await waitUntil('a send accepted again', () => vpcp.sendPackage(doc(6), { senderCode: G22, kind: 'edoc' }).catch(() => undefined), { timeoutMs: 60_000, intervalMs: 500 });
    expect(after.outcome).toBe('accepted');

    const expected = [...before, after].map((r) => r.packageId).sort();
    let listedIds: string[] = [];
    const items = await waitUntil('every accepted package delivered', async () => {
      const listed = await inbox().catch(() => []);
      listedIds = listed.map((i) => i.packageId);
      return expected.every((id) => listed.some((i) => i.packageId === id)) ? listed : undefined;
    }, { timeoutMs: 120_000, intervalMs: 500 }).catch(async (err: unknown) => {
      // Say what was missing and what the services last said: the cause is in their logs.
      const missing = expected.filter((id) => !listedIds.includes(id));
      const lags = await consumerLags({ brokers: axis.kafkaBrokers, clientId: `${axis.name}-lags` }, `${axis.name}.`).then(formatLags, (e: Error) => `lags unknown: ${e.message}`);
      throw new Error(`${(err as Error).message}; ${missing.length} of ${expected.length} not listed\n${lags}\n${axis.outputs()}`);
    });
    expect(items.map((i) => i.packageId).sort()).toEqual(expected);
  }, OUTAGE_TEST_TIMEOUT_MS);
});

import { AgencyRetiredEvent } from '@vdx/contracts';
import { status } from '@grpc/grpc-js';
import { DirectoryCache, DirectoryCallError, DirectoryClient } from '@vdx/directory-client';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis } from '@vdx/testing/axis';
import { RESTART_READY_TIMEOUT_MS, RESTART_TEST_TIMEOUT_MS, testEnv, waitUntil } from '@vdx/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { directoryImport } from '../../../tools/cli/directory-import';

const FIXTURE = join(__dirname, '../../../test-fixtures/directory/tay-ninh-agencies.csv');
const VALID_ROWS = 447; // 455 rows, one malformed code, seven codes given twice

describe('directory service (e2e: gRPC, Kafka, store)', () => {
  const env = testEnv();
  let axis: Axis;
  let grpcUrl: string;
  let snapshotTopic: string;
  let client: DirectoryClient;

  beforeAll(async () => {
    axis = await startAxis({ name: 'directory-e2e', services: ['directory'], partitions: 3 });
    grpcUrl = axis.directoryUrl;
    snapshotTopic = axis.topics.snapshot;
    client = new DirectoryClient(grpcUrl, axis.operatorTls);
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    client?.close();
    await axis?.stop();
  });

  const refusal = async (call: Promise<unknown>): Promise<DirectoryCallError> => {
    const err: unknown = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DirectoryCallError);
    return err as DirectoryCallError;
  };

  const importFixture = () => directoryImport(FIXTURE, { url: grpcUrl, identity: axis.operatorTls, batchSize: 100, json: true, progress: 'none' });

  // Longer than a minute on a loaded machine: two imports of 455 rows around a restart of the service.
  it('imports the Tây Ninh fixture reporting exactly its malformed and duplicate rows, and a second import changes nothing', async () => {
    const first = await importFixture();
    expect(first.total).toBe(455);
    expect(first.created).toBe(VALID_ROWS);
    expect(first.updated + first.unchanged).toBe(0);
    expect(first.rejected.map((r) => [r.line, r.errorCode])).toEqual([
      [183, 'IMPORT.MALFORMED_CODE'],
      ...first.rejected.filter((r) => r.errorCode === 'IMPORT.DUPLICATE_CODE').map((r) => [r.line, 'IMPORT.DUPLICATE_CODE']),
    ]);
    expect(first.rejected.filter((r) => r.errorCode === 'IMPORT.DUPLICATE_CODE').map((r) => r.code).sort()).toEqual(
      ['000.00.00.G15', '000.00.20.G14', '000.00.22.G14', '000.00.23.G14', '000.00.25.G14', '000.00.26.G14', '000.00.29.G14'],
    );
    expect(first.rejected[0]!.code).toBe('000.1137.H53');

    // A restarted directory reloads its state from the log: the same file is now all unchanged.
    client.close();
    await axis.restart('directory', 0, 'SIGTERM', RESTART_READY_TIMEOUT_MS);
    client = new DirectoryClient(grpcUrl, axis.operatorTls);
    const second = await importFixture();
    expect({ created: second.created, updated: second.updated, unchanged: second.unchanged, rejected: second.rejected.length }).toEqual({
      created: 0,
      updated: 0,
      unchanged: VALID_ROWS,
      rejected: 8,
    });
  }, RESTART_TEST_TIMEOUT_MS);

  // Within the minute: the read model has been taking in the agencies since the first import, and its two waits have 55 s together.
  it('answers lookups, subtree listings, diacritics-insensitive searches and change feeds from the read model', async () => {
    const province = await waitUntil('read model caught up', async () => {
      const page = await client.rpc('ListSubtree', { code: '000.00.00.H53', pageSize: 1000 });
      return page.agencies.length === expectedH53() ? page : undefined;
    }, { timeoutMs: 40_000 });
    expect(province.agencies[0]!.code).toBe('000.00.00.H53');

    const agency = await client.rpc('GetAgency', { code: '000.00.01.H53' });
    expect(agency).toMatchObject({ code: '000.00.01.H53', name: 'Văn phòng UBND tỉnh', status: 'active', parentCode: '000.00.00.H53' });

    const found = await client.rpc('SearchAgencies', { query: 'VAN PHONG ubnd TINH', limit: 10 });
    expect(found.agencies.map((a) => a.code)).toContain('000.00.01.H53');
    const byFolding = await client.rpc('SearchAgencies', { query: 'bo tu phap' });
    expect(byFolding.agencies.map((a) => a.code)).toEqual(['000.00.00.G15']);

    // Paging through the change feed yields every agency once; a further call yields nothing new.
    const seen = new Set<string>();
    let cursor = '';
    for (let more = true; more; ) {
      const page = await client.rpc('ListChanges', { cursor, limit: 100 });
      for (const a of page.agencies) seen.add(a.code);
      cursor = page.cursor;
      more = page.more;
    }
    expect(seen.size).toBe(VALID_ROWS);
    const after = await client.rpc('ListChanges', { cursor, limit: 100 });
    expect(after.agencies).toEqual([]);

    await client.rpc('UpdateAgency', { code: '000.00.01.H53', email: 'vanphong@tayninh.gov.vn' });
    const changed = await waitUntil('update in the change feed', async () => {
      const page = await client.rpc('ListChanges', { cursor, limit: 100 });
      return page.agencies.length > 0 ? page.agencies : undefined;
    }, { timeoutMs: 15_000 });
    expect(changed.map((a) => [a.code, a.email])).toEqual([['000.00.01.H53', 'vanphong@tayninh.gov.vn']]);
  });

  it('retires with a successor, refuses bad commands with coded errors, and keeps a local cache current', async () => {
    const cache = new DirectoryCache({ brokers: env.kafkaBrokers, clientId: 'directory-e2e-cache' }, { topic: snapshotTopic });
    await cache.start();
    try {
      expect(cache.size).toBe(VALID_ROWS);

      // Two level-2 units merge: the first is retired into the second.
      const [gone, heir] = ['000.00.02.H53', '000.00.03.H53'];
      const retired = await client.rpc('RetireAgency', { code: gone, successorCode: heir, reason: 'merged (2025)' });
      expect(retired.events).toEqual([AgencyRetiredEvent.type]);
      // The read model answers a moment after the command: wait for the retirement to show.
      const resolved = await waitUntil(
        'successor resolvable',
        async () => {
          const r = await client.rpc('ResolveSuccessor', { code: gone });
          return r.code === gone ? undefined : r;
        },
        { timeoutMs: 30_000 },
      );
      expect(resolved).toEqual({
        code: heir,
        via: [gone],
      });
      await waitUntil('cache sees the retirement', async () => cache.get(gone)?.status === 'retired', { timeoutMs: 30_000 });
      expect(cache.resolveSuccessor(gone)).toEqual({ code: heir, via: [gone] });

      const fingerprint = 'ab'.repeat(32);
      await client.rpc('ConnectSystem', { code: heir, systemId: 'qlvb-tayninh', credentialFingerprint: fingerprint, endpoint: '' });
      await waitUntil('cache sees the connection', async () => (cache.get(heir)?.systems.length ?? 0) === 1, { timeoutMs: 30_000 });
      expect(cache.nearestConnected('001.01.03.H53')?.code ?? cache.nearestConnected(heir)?.code).toBe(heir);

      const cases: [string, () => Promise<unknown>, number, string][] = [
        ['GetAgency', () => client.rpc('GetAgency', { code: '000.00.99.H53' }), status.NOT_FOUND, 'DIRECTORY.UNKNOWN_AGENCY'],
        ['GetAgency', () => client.rpc('GetAgency', { code: '000.1137.H53' }), status.INVALID_ARGUMENT, 'DIRECTORY.MALFORMED_CODE'],
        ['RegisterAgency', () => client.rpc('RegisterAgency', { code: '000.00.01.H53', name: 'again' }), status.ALREADY_EXISTS, 'DIRECTORY.DUPLICATE_CODE'],
        ['RegisterAgency', () => client.rpc('RegisterAgency', { code: '000.01.98.H53', name: 'orphan' }), status.FAILED_PRECONDITION, 'DIRECTORY.PARENT_UNKNOWN'],
        ['RetireAgency', () => client.rpc('RetireAgency', { code: '000.00.04.H53', successorCode: gone, reason: 'x' }), status.FAILED_PRECONDITION, 'DIRECTORY.SUCCESSOR_RETIRED'],
        ['RetireAgency', () => client.rpc('RetireAgency', { code: '000.00.04.H53', successorCode: '000.00.04.H53', reason: 'x' }), status.FAILED_PRECONDITION, 'DIRECTORY.SUCCESSOR_CYCLE'],
        ['ListChanges', () => client.rpc('ListChanges', { cursor: 'not-a-cursor' }), status.INVALID_ARGUMENT, 'DIRECTORY.INVALID_CURSOR'],
      ];
      for (const [method, call, grpcStatus, code] of cases) {
        const err = await refusal(call());
        expect([method, err.grpcStatus, err.code]).toEqual([method, grpcStatus, code]);
      }
    } finally {
      await cache.stop();
    }
  });
});

function expectedH53(): number {
  const codes = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0]!)
    .filter((c) => /^\d{3}\.\d{2}\.\d{2}\.H53$/.test(c));
  return new Set(codes).size;
}

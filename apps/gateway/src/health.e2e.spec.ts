import { KafkaBroker, RUN_DIR } from '@vdx/local-infra';
import { initPkiDirectory } from '@vdx/pki';
import { freePort, spawnTs, testEnv, uniqueDbName, waitUntil, type TsProcess } from '@vdx/testing';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

interface Reply {
  readonly status: number;
  readonly body: string;
}

async function get(url: string): Promise<Reply> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

const quiet = (): void => undefined;

// Its own broker, so stopping it cannot disturb the shared one other tests use.
describe('gateway health (e2e)', () => {
  const dir = join(RUN_DIR, `health-e2e-${process.pid}`);
  let broker: KafkaBroker;
  let gateway: TsProcess | undefined;
  let base: string;

  beforeAll(async () => {
    // The gateway serves gRPC only over mutual TLS: it needs the sandbox CA and its certificate.
    await initPkiDirectory(join(dir, 'pki'));
    broker = new KafkaBroker({ dir, port: await freePort(), controllerPort: await freePort(), heapMb: 384 });
    await broker.start(quiet);
    const httpPort = await freePort();
    base = `http://127.0.0.1:${httpPort}`;
    gateway = spawnTs('apps/gateway/src/main.ts', {
      KAFKA_BROKERS: broker.bootstrap,
      MONGO_URL: testEnv().mongoUrl,
      MONGO_DB: uniqueDbName('health_e2e'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      GRPC_URL: `127.0.0.1:${await freePort()}`,
      PKI_DIR: join(dir, 'pki'),
      DELIVERY_GRPC_URL: `127.0.0.1:${await freePort()}`,
      LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    await gateway?.kill('SIGKILL');
    await broker?.stop(quiet);
    rmSync(dir, { recursive: true, force: true });
  });

  const ready = (status: number) => async (): Promise<Reply | false> => {
    if (gateway?.child.exitCode !== null) throw new Error(`gateway exited:\n${gateway?.output() ?? ''}`);
    const reply = await get(`${base}/health/ready`);
    return reply.status === status && reply;
  };

  it('turns ready, unready while Kafka is down, and ready again when it returns', async () => {
    const up = await waitUntil('ready 200', ready(200), { timeoutMs: 60_000, intervalMs: 250 });
    expect(JSON.parse(up.body)).toMatchObject({ status: 'ok', info: { kafka: { status: 'up' }, store: { status: 'up' } } });

    const live = await get(`${base}/health/live`);
    expect(live.status).toBe(200);
    const metrics = await get(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('process_cpu_seconds_total');
    expect(metrics.body).toContain('service="gateway"');

    await broker.stop(quiet);
    const down = await waitUntil('ready 503 with Kafka stopped', ready(503), { timeoutMs: 20_000, intervalMs: 250 });
    expect(JSON.parse(down.body)).toMatchObject({
      status: 'error',
      error: { kafka: { status: 'down' } },
      info: { store: { status: 'up' } },
    });
    // Liveness does not depend on Kafka: the process must not be restarted for a broker outage.
    expect((await get(`${base}/health/live`)).status).toBe(200);

    await broker.start(quiet);
    await waitUntil('ready 200 after Kafka returns', ready(200), { timeoutMs: 60_000, intervalMs: 250 });
  });

  it('exits on SIGTERM', async () => {
    const proc = gateway;
    if (!proc) throw new Error('gateway was not started');
    proc.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'still running'>((r) => {
      timer = setTimeout(() => r('still running'), 15_000);
    });
    const outcome = await Promise.race([proc.exited, deadline]).finally(() => clearTimeout(timer));
    // Nest re-raises the signal after closing, so the exit is reported as SIGTERM (or 0).
    expect([0, 'SIGTERM']).toContain(outcome);
  });
});

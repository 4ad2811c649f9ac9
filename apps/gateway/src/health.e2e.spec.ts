import { KafkaBroker, RUN_DIR } from '@vdx/local-infra';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis } from '@vdx/testing/axis';
import { OUTAGE_TEST_TIMEOUT_MS, freePort, testEnv, waitUntil, type TsProcess } from '@vdx/testing';
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
  let axis: Axis | undefined;
  let gateway: TsProcess | undefined;
  let base: string;

  beforeAll(async () => {
    broker = new KafkaBroker({ dir, port: await freePort(), controllerPort: await freePort(), heapMb: 384 });
    await broker.start(quiet);
    // The gateway alone (it serves gRPC only over mutual TLS: the harness makes its CA and certificate).
    axis = await startAxis({ name: 'health-e2e', services: ['gateway'], kafkaBrokers: broker.bootstrap, mongoUrl: testEnv().mongoUrl });
    gateway = axis.instance('gateway').process;
    base = `http://127.0.0.1:${axis.instance('gateway').httpPort}`;
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    await axis?.stop();
    await broker?.stop(quiet);
    rmSync(dir, { recursive: true, force: true });
  });

  const ready = (status: number) => async (): Promise<Reply | false> => {
    if (gateway?.child.exitCode !== null) throw new Error(`gateway exited:\n${gateway?.output() ?? ''}`);
    const reply = await get(`${base}/health/ready`);
    return reply.status === status && reply;
  };

  // Kafka is stopped and started again, and the client reconnects within its backoff: up to two minutes.
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
  }, OUTAGE_TEST_TIMEOUT_MS);

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

// The whole suite, in the order that fails fastest: types, lint, unit tests, then integration
// and end-to-end tests against a fresh `test` profile of Kafka and FerretDB started here and
// stopped afterwards (or against KAFKA_BROKERS / MONGO_URL when they are set).
import { LocalInfra, PROFILES, consoleProgress } from '@vdx/local-infra';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);

function step(title: string, cmd: string, args: string[], env: Record<string, string> = {}): void {
  process.stderr.write(`\n=== ${title} ===\n`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  process.stderr.write(`=== ${title}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s ===\n`);
  if (r.status !== 0) throw new Error(`${title} failed`);
}

async function main(): Promise<number> {
  step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  // The module-boundary rule reads Nx's project graph; build it fresh so the rule never skips.
  step('project graph', bin('nx'), ['show', 'projects'], { NX_DAEMON: 'false', NX_SKIP_NX_CACHE: 'true' });
  step('lint', bin('eslint'), ['--max-warnings=0', '.']);
  step('unit tests', bin('jest'), ['--selectProjects', 'unit']);
  // Built once into .local/bin (several minutes on a fresh machine), so no test waits on it.
  step('promtool (alert rule tests)', process.execPath, ['-r', '@swc-node/register', join(root, 'tools/metrics/promtool.ts')]);
  // kubeconform, etcd, kube-apiserver and kubectl for tools/k8s/*.int.spec.ts (about 11 minutes once).
  step('Kubernetes validation tools', process.execPath, ['-r', '@swc-node/register', join(root, 'tools/k8s/toolchain.ts')]);
  // podman, the base image and every image, for tools/images/*.e2e.spec.ts (about 1.5 minutes once, seconds after).
  step('container images', process.execPath, ['-r', '@swc-node/register', join(root, 'tools/images/build.ts')]);
  // The OpenTelemetry Collector for libs/observability/src/traces.e2e.spec.ts (about 2 minutes once, nothing after).
  step('OpenTelemetry Collector', process.execPath, ['-r', '@swc-node/register', join(root, 'tools/infra/infra.ts'), 'provision', '--otel-only']);
  const infra = new LocalInfra(PROFILES.test, { kafkaBrokers: process.env['KAFKA_BROKERS'], mongoUrl: process.env['MONGO_URL'] }, consoleProgress);
  await infra.reset();
  const ep = await infra.start();
  try {
    const env = { KAFKA_BROKERS: ep.kafkaBrokers, MONGO_URL: ep.mongoUrl };
    // --forceExit: a test that timed out can leave a Kafka client running, and Jest would then wait
    // for it forever after the run (a passing run leaves none). The failure is reported either way.
    step('integration and end-to-end tests', bin('jest'), ['--selectProjects', 'int', 'e2e', '--runInBand', '--forceExit'], env);
  } finally {
    await infra.stop();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`\nnpm test: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

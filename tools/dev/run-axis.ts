// `npm start [-- --instances N]`: provisions and starts local Kafka and FerretDB (profile `dev`),
// then every service as its own process with its log lines prefixed; with `--instances N`, N
// instances of the gateway, signature, routing and delivery (instance k on ports + 100·k; the
// directory is a single writer, statistics a reader and the legacy edge a client of gateway 0,
// one each). The signature service verifies signatures against the sandbox signing hierarchy
// (tools/dev/sandbox-signing.ts). With `--otel` (or VDX_OTEL=1) it also starts the local
// OpenTelemetry Collector (built once into .local/bin) and every service exports its spans there,
// unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector already. Ctrl-C stops the services, then
// the infrastructure this command started (not infrastructure that was already running).
import { LocalInfra, PROFILES, consoleProgress } from '@vdx/local-infra';
import { initPkiDirectory, INTERNAL_SERVICES, pkiPaths } from '@vdx/pki';
import { axisStateFile, apiOf, clearAxisState, formatEndpoints, labelOf, writeAxisState, type AxisProcess } from './axis-processes';
import { seedDemo } from './demo-seed';
import { instancesOf } from './instances';
import { ensureSandboxSigning, sandboxSignatureEnv, signatureLines } from './sandbox-signing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(__dirname, '../..');
const APPS = [
  ['gateway', 3001],
  ['directory', 3002],
  ['signature', 3003],
  ['routing', 3004],
  ['delivery', 3005],
  ['statistics', 3006],
  ['legacy-edge', 3007],
] as const;
const COLORS = [36, 35, 33, 32, 34, 31, 95];
/** The services that run as several instances; the others run once. */
const SCALED = new Set(['gateway', 'signature', 'routing', 'delivery']);

/** The port of a process's API beside HTTP (see {@link instanceEnv}), or null. */
function apiPortOf(app: string, k: number): number | null {
  if (app === 'gateway') return 5001 + 100 * k;
  if (app === 'delivery') return 5005 + 100 * k;
  if (app === 'directory') return 5002;
  if (app === 'legacy-edge') return Number(process.env['LEGACY_PORT'] ?? '5007');
  return null;
}

/** The environment of instance `k` of `app`: its own ports and instance id; gateway k talks to delivery k. */
function instanceEnv(app: string, port: number, k: number): Record<string, string> {
  const env: Record<string, string> = { HTTP_PORT: String(port + 100 * k) };
  if (app === 'statistics') env['DELIVERY_GRPC_URL'] = `127.0.0.1:${apiPortOf('delivery', 0)}`; // the console's traces and dead letters
  if (!SCALED.has(app)) return env;
  env['INSTANCE_ID'] = String(k);
  if (app === 'gateway') {
    env['GRPC_URL'] = `127.0.0.1:${5001 + 100 * k}`;
    env['DELIVERY_GRPC_URL'] = `127.0.0.1:${5005 + 100 * k}`;
  }
  if (app === 'delivery') env['GRPC_URL'] = `127.0.0.1:${5005 + 100 * k}`;
  return env;
}

/**
 * The legacy edge's `LEGACY_SECRET_KEY`: from the environment, else this machine's own sandbox
 * key in `.local/legacy-secret.key` (made once, kept for the next runs, since the systems'
 * secrets are sealed with it).
 */
function legacySecretKey(file: string): string {
  const given = process.env['LEGACY_SECRET_KEY'];
  if (given) return given;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** What `npm start` prints about traces: the local collector's endpoints, or the collector the services export to. */
function collectorLines(infra: LocalInfra, local: boolean, given: string | undefined): string[] {
  if (given) return [`traces       exported to ${given} (OTEL_EXPORTER_OTLP_ENDPOINT)`];
  if (!local) return ['traces       off (npm start -- --otel starts a local OpenTelemetry Collector)'];
  const c = infra.collector;
  return [`collector    OTLP ${c.endpoint} (gRPC ${c.grpcEndpoint})  metrics ${c.metricsUrl}  spans ${relative(root, c.tracesFile)}`];
}

async function main(): Promise<void> {
  const instances = instancesOf(process.argv.slice(2));
  const infra = new LocalInfra(PROFILES.dev, { kafkaBrokers: process.env['KAFKA_BROKERS'], mongoUrl: process.env['MONGO_URL'] }, consoleProgress);
  const before = await infra.status();
  const ep = await infra.start();
  const startedHere = before.filter((s) => !s.external && !s.ready).length > 0;
  // Traces: to the collector OTEL_EXPORTER_OTLP_ENDPOINT names, else to the local one when asked.
  const givenCollector = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const localCollector = !givenCollector && (process.argv.includes('--otel') || process.env['VDX_OTEL'] === '1');
  const collectorStartedHere = localCollector ? await infra.startCollector() : false;
  const otlpEndpoint = givenCollector ?? (localCollector ? infra.collector.endpoint : undefined);
  // The sandbox PKI: the axis CA, the gateway's server certificate, the services' identities on
  // the internal APIs (mutual TLS) and the local operator's (systems get theirs with `vdx pki issue`).
  const pkiDir = join(root, '.local/pki');
  const pki = await initPkiDirectory(pkiDir);
  process.stderr.write(`[axis] PKI in ${pkiDir}: ${pki.created ? 'created a new CA' : 'reusing the CA'} (fingerprint ${pki.ca.fingerprint})${pki.identitiesIssued.length > 0 ? `; issued ${pki.identitiesIssued.join(', ')}` : ''}\n`);
  process.stderr.write(`[axis] directory.v1 and delivery.v1 take mutual TLS only; operator commands (vdx directory import, vdx deliveries …) use ${pkiPaths(pkiDir).operator('operator').certPath}\n`);
  // The signature service verifies signatures, as a deployment does: against the sandbox
  // document-signing hierarchy (made once in .local/pki/signing, `vdx pki signing`'s directory).
  const signing = await ensureSandboxSigning(join(pkiDir, 'signing'));
  const signatureEnv = sandboxSignatureEnv(signing, process.env);
  for (const line of signatureLines(signing, signatureEnv, process.env, root)) process.stderr.write(`[axis] ${line}\n`);
  const identityEnv = (app: string): Record<string, string> => {
    if (!(INTERNAL_SERVICES as readonly string[]).includes(app)) return {};
    const own = pkiPaths(pkiDir).service(app);
    return { INTERNAL_TLS_CERT: own.certPath, INTERNAL_TLS_KEY: own.keyPath, INTERNAL_TLS_CA: pkiPaths(pkiDir).ca.certPath };
  };
  // Package bodies as files beside the local store's data (BLOB_DIR overrides), shared by every instance.
  const blobDir = process.env['BLOB_DIR'] ?? join(root, '.local/run/dev/blobs');
  const legacyKeyFile = join(root, '.local/legacy-secret.key');
  const legacyKey = legacySecretKey(legacyKeyFile);
  const stateFile = axisStateFile(root);
  const children: ChildProcess[] = [];
  const processes: AxisProcess[] = [];
  let stopping = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\n[axis] stopping services…\n');
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    clearAxisState(stateFile);
    if (collectorStartedHere) await infra.stopCollector();
    if (startedHere) await infra.stop();
    process.exit(code);
  };

  const runs = APPS.flatMap(([app, port], i) => Array.from({ length: SCALED.has(app) ? instances : 1 }, (_, k) => ({ app, port, color: COLORS[i], k })));
  runs.forEach(({ app, port, color, k }) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps', app, 'src/main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        PKI_DIR: pkiDir,
        BLOB_DIR: blobDir,
        KAFKA_BROKERS: ep.kafkaBrokers,
        MONGO_URL: ep.mongoUrl,
        SWC_NODE_PROJECT: join(root, 'tsconfig.json'),
        ...(app === 'legacy-edge' ? { LEGACY_SECRET_KEY: legacyKey } : {}),
        ...(app === 'signature' ? signatureEnv : {}),
        ...identityEnv(app),
        ...(otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint } : {}),
        ...instanceEnv(app, port, k),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const instance = instances > 1 && SCALED.has(app) ? k : null;
    processes.push({ service: app, instance, pid: child.pid ?? -1, httpPort: port + 100 * k, apiPort: apiPortOf(app, k), api: apiOf(app) });
    const label = labelOf({ service: app, instance });
    const prefix = `\u001b[${color}m${label.padEnd(12)}\u001b[0m| `;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
    }
    child.on('exit', (code, signal) => {
      if (!stopping) {
        process.stdout.write(`${prefix}exited (${code ?? signal}); stopping the axis\n`);
        void stopAll(1);
      }
    });
    children.push(child);
  });
  writeAxisState(stateFile, processes);
  const legacyPort = process.env['LEGACY_PORT'] ?? '5007';
  process.stderr.write(
    `[axis] Kafka ${ep.kafkaBrokers}, store ${ep.mongoUrl}. The services (\`npm run infra -- status\` shows their state; Ctrl-C stops):\n` +
      `${formatEndpoints(processes, collectorLines(infra, localCollector, givenCollector))}\n`,
  );
  process.stderr.write(
    `[axis] legacy VXP HTTP API: endpoint http://127.0.0.1:${legacyPort}/XrdAdapter/adapter; a system's secret: ` +
      `LEGACY_SECRET_KEY=${process.env['LEGACY_SECRET_KEY'] ? '<your key>' : '$(cat .local/legacy-secret.key)'} npm run vdx -- system secret issue <systemId>\n`,
  );
  if (instances > 1) process.stderr.write(`[axis] ${instances} instances of gateway, signature, routing and delivery; instance k listens on the ports of instance 0 + 100·k\n`);
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  if (process.env['VDX_DEMO'] !== '0') {
    await seedDemo(pkiDir, '127.0.0.1:5002', (line) => process.stderr.write(`[axis] ${line}\n`)).catch((err: unknown) => {
      process.stderr.write(`[axis] demo agencies not seeded: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`npm start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

// `npm start`: provisions and starts local Kafka and FerretDB (profile `dev`), then every service
// as its own process with its log lines prefixed. Ctrl-C stops the services, then the
// infrastructure this command started (not infrastructure that was already running).
import { LocalInfra, PROFILES, consoleProgress } from '@vdx/local-infra';
import { initPkiDirectory } from '@vdx/pki';
import { seedDemo } from './demo-seed';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(__dirname, '../..');
const APPS = [
  ['gateway', 3001],
  ['directory', 3002],
  ['signature', 3003],
  ['routing', 3004],
  ['delivery', 3005],
  ['statistics', 3006],
] as const;
const COLORS = [36, 35, 33, 32, 34, 31];

async function main(): Promise<void> {
  const infra = new LocalInfra(PROFILES.dev, { kafkaBrokers: process.env['KAFKA_BROKERS'], mongoUrl: process.env['MONGO_URL'] }, consoleProgress);
  const before = await infra.status();
  const ep = await infra.start();
  const startedHere = before.filter((s) => !s.external && !s.ready).length > 0;
  // The sandbox PKI: the axis CA and the gateway's server certificate (systems get theirs with `vdx pki issue`).
  const pkiDir = join(root, '.local/pki');
  const pki = await initPkiDirectory(pkiDir);
  process.stderr.write(`[axis] PKI in ${pkiDir}: ${pki.created ? 'created a new CA' : 'reusing the CA'} (fingerprint ${pki.ca.fingerprint})\n`);
  const children: ChildProcess[] = [];
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
    if (startedHere) await infra.stop();
    process.exit(code);
  };

  APPS.forEach(([app, port], i) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps', app, 'src/main.ts')], {
      cwd: root,
      env: { ...process.env, PKI_DIR: pkiDir, KAFKA_BROKERS: ep.kafkaBrokers, MONGO_URL: ep.mongoUrl, HTTP_PORT: String(port), SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `\u001b[${COLORS[i]}m${app.padEnd(10)}\u001b[0m| `;
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
  process.stderr.write(`[axis] Kafka ${ep.kafkaBrokers}, store ${ep.mongoUrl}; services on http://127.0.0.1:3001-3006, gRPC exchange.v1 (mTLS) on 127.0.0.1:5001, directory.v1 on 127.0.0.1:5002 (Ctrl-C stops)\n`);
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

// A real Kubernetes API server for `kubectl apply --dry-run=server`: etcd and kube-apiserver from
// .local/bin (tools/k8s/toolchain.ts), started on 127.0.0.1 on free ports with their data in a
// fresh folder under .local/run, and stopped (folder removed) afterwards. No controllers, no
// kubelet: the server validates, defaults and admits (Pod Security included) but runs nothing.
// `--endpoint-reconciler-type=none`: it does not publish itself as the `kubernetes` Service.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { toolPath } from './toolchain';

const ROOT = join(__dirname, '../..');

export interface KubectlResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface ApiServer {
  readonly url: string;
  readonly kubeconfig: string;
  /** Seconds from spawning etcd to the API server answering /readyz. */
  readonly startSeconds: number;
  kubectl(args: readonly string[], input?: string): KubectlResult;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function readyz(url: string, token: string, ca: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/readyz`, { headers: { authorization: `Bearer ${token}` }, ...(ca ? { ca } : { rejectUnauthorized: false }), timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited(child);
  clearTimeout(timer);
}

/** Starts etcd and kube-apiserver; resolves once /readyz answers 200 (throws with their logs after `timeoutMs`). */
export async function startApiServer(opts: { timeoutMs?: number } = {}): Promise<ApiServer> {
  for (const tool of ['etcd', 'kube-apiserver', 'kubectl'] as const) {
    if (!existsSync(toolPath(tool))) throw new Error(`K8S_TOOL_MISSING: ${toolPath(tool)}: build it with \`node -r @swc-node/register tools/k8s/toolchain.ts\``);
  }
  const started = Date.now();
  const dir = join(ROOT, '.local', 'run', `k8s-api-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(join(dir, 'certs'), { recursive: true });
  const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},vdx-validator,vdx-validator,"system:masters"\n`, { mode: 0o600 });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

  const logs = { etcd: '', apiserver: '' };
  const keep = (name: keyof typeof logs) => (chunk: Buffer) => {
    logs[name] = (logs[name] + chunk.toString()).slice(-20_000);
  };
  const etcd = spawn(
    toolPath('etcd'),
    [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      // A throw-away store for validation: durability is not needed.
      '--unsafe-no-fsync',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  etcd.stdout?.on('data', keep('etcd'));
  etcd.stderr?.on('data', keep('etcd'));
  const apiserver = spawn(
    toolPath('kube-apiserver'),
    [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${securePort}`,
      `--cert-dir=${join(dir, 'certs')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      '--v=0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  apiserver.stdout?.on('data', keep('apiserver'));
  apiserver.stderr?.on('data', keep('apiserver'));

  const url = `https://127.0.0.1:${securePort}`;
  const stop = async () => {
    await stopChild(apiserver);
    await stopChild(etcd);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = started + (opts.timeoutMs ?? 90_000);
  const certFile = join(dir, 'certs', 'apiserver.crt');
  for (;;) {
    if (apiserver.exitCode !== null || etcd.exitCode !== null) {
      await stop();
      throw new Error(`K8S_API_SERVER_EXITED: ${apiserver.exitCode !== null ? 'kube-apiserver' : 'etcd'} exited:\n--- etcd\n${logs.etcd}\n--- kube-apiserver\n${logs.apiserver}`);
    }
    const ca = existsSync(certFile) ? readFileSync(certFile, 'utf8') : undefined;
    if (ca && (await readyz(url, token, ca))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`K8S_API_SERVER_NOT_READY: no 200 from ${url}/readyz in ${opts.timeoutMs ?? 90_000} ms:\n--- etcd\n${logs.etcd}\n--- kube-apiserver\n${logs.apiserver}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const startSeconds = Math.round((Date.now() - started) / 100) / 10;

  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '  - name: validation',
      '    cluster:',
      `      server: ${url}`,
      `      certificate-authority: ${certFile}`,
      'users:',
      '  - name: validator',
      '    user:',
      `      token: ${token}`,
      'contexts:',
      '  - name: validation',
      '    context: { cluster: validation, user: validator }',
      'current-context: validation',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const kubectl = (args: readonly string[], input?: string): KubectlResult => {
    const r = spawnSync(toolPath('kubectl'), [`--kubeconfig=${kubeconfig}`, ...args], { encoding: 'utf8', input, maxBuffer: 128 * 1024 * 1024 });
    return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  return { url, kubeconfig, startSeconds, kubectl, stop };
}

import { DirectoryClient } from '@vdx/directory-client';
import { documentPackage } from '@vdx/edxml';
import { ExchangeClient, type InboxItem } from '@vdx/exchange-client';
import { loadCredentialFiles } from '@vdx/pki';
import { freePort, uniqueName, waitUntil } from '@vdx/testing';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImages, serviceApps } from './build';
import { ComposeStack, PORT_VARIABLES, type PortVariable } from './compose';
import { podman, ROOT } from './podman';
import { containerPki } from './sandbox-pki';

// The axis from its images, as docker/compose.yaml runs it under podman-compose: Kafka, the store
// and every service in containers on a network of their own, ports published on 127.0.0.1 only
// (free ones, so nothing collides with the test profile or `npm start`). The reference agent
// sends a package through the gateway's published port; the recipient's agent fetches it.
// Everything is removed afterwards, also when a step fails.

const SENDER = { code: '000.00.00.G22', name: 'Văn phòng Chính phủ', systemId: 'smoke-vpcp' };
const RECIPIENT = { code: '000.00.00.H53', name: 'UBND tỉnh Tây Ninh', systemId: 'smoke-tayninh' };

/** `npm run vdx -- …` in a child process: the reference agent as an integrator runs it. */
function vdx(args: readonly string[], timeoutMs = 90_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', join(ROOT, 'tools/cli/vdx.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json') }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the axis from its images under podman-compose (docker/compose.yaml)', () => {
  let dir: string;
  let stack: ComposeStack | undefined;
  const ports = {} as Record<PortVariable, number>;
  const url = (v: PortVariable) => `127.0.0.1:${ports[v]}`;
  const clients: ExchangeClient[] = [];
  let pkiDir: string;
  let fingerprints: ReadonlyMap<string, string>;

  beforeAll(async () => {
    // Built by the `container images` step of npm test; here that is the cached, seconds-long path.
    await buildImages();
    dir = mkdtempSync(join(tmpdir(), 'vdx-compose-smoke-'));
    ({ dir: pkiDir, fingerprints } = await containerPki(join(dir, 'pki'), [SENDER.systemId, RECIPIENT.systemId]));
    for (const v of Object.keys(PORT_VARIABLES) as PortVariable[]) ports[v] = await freePort();
    stack = new ComposeStack({
      project: uniqueName('vdx-smoke'),
      env: { ...Object.fromEntries(Object.entries(ports).map(([k, p]) => [k, String(p)])), VDX_PKI_DIR: pkiDir, LEGACY_SECRET_KEY: randomBytes(32).toString('hex'), VDX_TOPIC_PARTITIONS: '2' },
    });
    await stack.up();
    for (const app of serviceApps()) {
      const port = ports[`VDX_${app === 'legacy-edge' ? 'LEGACY' : app.toUpperCase()}_HTTP_PORT` as PortVariable];
      await waitUntil(
        `${app} answering /health/ready on 127.0.0.1:${port}`,
        async () => (await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(3000) }).catch(() => null))?.status === 200 || undefined,
        { timeoutMs: 240_000, intervalMs: 1000 },
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${stack!.allLogs()}`, { cause: err });
      });
    }
  }, 20 * 60_000);

  afterAll(() => {
    for (const c of clients) c.close();
    const down = stack?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (down && !down.ok) throw new Error(`podman-compose down left containers behind:\n${down.output}`);
  }, 5 * 60_000);

  it('runs every service and the infrastructure as uid 10001 on a read-only root, tini as PID 1, and their HEALTHCHECKs pass', () => {
    const containers = stack!.containers();
    expect(containers.map((c) => c.service).sort()).toEqual([...serviceApps(), 'ferretdb', 'kafka'].sort());
    for (const c of containers) {
      expect([c.service, c.state]).toEqual([c.service, 'running']);
      const [inspected] = JSON.parse(podman(['container', 'inspect', c.name])) as { Config: { User: string }; HostConfig: { ReadonlyRootfs: boolean } }[];
      expect([c.service, inspected!.Config.User, inspected!.HostConfig.ReadonlyRootfs]).toEqual([c.service, '10001:10001', true]);
      expect([c.service, podman(['exec', c.name, 'id', '-u'])]).toEqual([c.service, '10001']);
      expect([c.service, podman(['exec', c.name, 'cat', '/proc/1/cmdline']).split('\0')[0]]).toEqual([c.service, '/usr/bin/tini']);
      expect([c.service, stack!.healthy(c.service)]).toEqual([c.service, true]);
    }
  });

  it('loads every production dependency inside an image: the staging left nothing out that they need', () => {
    const deps = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    const script = `const bad = []; for (const d of ${JSON.stringify(deps)}) { try { require(d); } catch (e) { bad.push(d + ': ' + e.message.split('\\n')[0]); } } console.log(JSON.stringify(bad));`;
    expect(JSON.parse(podman(['exec', '--workdir', '/app', stack!.container('statistics'), 'node', '-e', script]))).toEqual([]);
  });

  it('carries a package from the reference agent through the gateway to the recipient, whose agent fetches and acknowledges it', async () => {
    const directory = new DirectoryClient(url('VDX_DIRECTORY_GRPC_PORT'), loadCredentialFiles(pkiDir, 'operators/operator'));
    try {
      await directory.waitForReady(30_000);
      for (const a of [SENDER, RECIPIENT]) {
        await directory.rpc('RegisterAgency', { code: a.code, name: a.name });
        await directory.rpc('ConnectSystem', { code: a.code, systemId: a.systemId, credentialFingerprint: fingerprints.get(a.systemId) });
      }
    } finally {
      directory.close();
    }
    const recipient = new ExchangeClient(url('VDX_GATEWAY_GRPC_PORT'), loadCredentialFiles(pkiDir, `systems/${RECIPIENT.systemId}`));
    const sender = new ExchangeClient(url('VDX_GATEWAY_GRPC_PORT'), loadCredentialFiles(pkiDir, `systems/${SENDER.systemId}`));
    clients.push(recipient, sender);
    // The gateway authorises from its directory cache, which follows the directory's snapshots.
    await waitUntil('the gateway knowing both systems', async () => (await sender.listInbox().then(() => recipient.listInbox()).then(() => true, () => false)) || undefined, { timeoutMs: 60_000, intervalMs: 500 });

    const body = Buffer.from(documentPackage({ from: SENDER.code, to: [RECIPIENT.code], codeNumber: '12', codeNotation: 'VPCP-KSTT', subject: 'Thử nghiệm ảnh container', attachments: [{ name: 'vb.pdf', bytes: Buffer.from('%PDF-1.7 văn bản thử') }] }).xml);
    const file = join(dir, 'outgoing.edxml');
    writeFileSync(file, body);
    const common = ['--url', url('VDX_GATEWAY_GRPC_PORT'), '--pki', pkiDir, '--json'];
    const sent = await vdx(['agent', 'send', file, '--system', SENDER.systemId, '--as', SENDER.code, ...common]);
    expect({ code: sent.code, stderr: sent.stderr }).toMatchObject({ code: 0 });
    const [receipt] = jsonLines(sent.stdout);
    expect(receipt).toMatchObject({ outcome: 'accepted', duplicate: false, recipientCodes: [RECIPIENT.code] });
    const packageId = receipt!['packageId'] as string;

    const item = await waitUntil<InboxItem>(
      'the delivery in the recipient’s inbox',
      async () => (await recipient.listInbox({ agencyCode: RECIPIENT.code })).items.find((i) => i.packageId === packageId),
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(item).toMatchObject({ senderCode: SENDER.code, recipientCode: RECIPIENT.code, kind: 'edoc', state: 'queued', bodySize: body.length });

    const inbox = join(dir, 'inbox');
    const run = await vdx(['agent', 'run', '--once', '--system', RECIPIENT.systemId, '--as', RECIPIENT.code, '--out-dir', inbox, ...common]);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(jsonLines(run.stdout).find((e) => e['event'] === 'summary')).toMatchObject({ processed: 1, done: 1, failed: 0, errors: 0 });
    const saved = readdirSync(inbox);
    expect(saved).toHaveLength(1);
    expect(readFileSync(join(inbox, saved[0]!)).equals(body)).toBe(true);

    // The statuses the agent answered with (01 arrived, 03 accepted) travel back to the sender.
    const trace = await waitUntil(
      'the recipient’s statuses in the sender’s trace',
      async () => {
        const t = await sender.getTrace(packageId);
        const r = t.recipients.find((x) => x.recipientCode === RECIPIENT.code);
        return r && r.transportState === 'acknowledged' && r.statuses.length >= 2 ? t : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    expect(trace.recipients.find((x) => x.recipientCode === RECIPIENT.code)!.statuses.map((s) => s.code)).toEqual(['01', '03']);
  }, 5 * 60_000);
});

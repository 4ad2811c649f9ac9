import { DirectoryClient } from '@vdx/directory-client';
import { freePort, testEnv, uniqueDbName, uniqueName, waitUntil } from '@vdx/testing';
import { initPkiDirectory, loadCredentialFiles } from '@vdx/pki';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { parseQuantity, workloads } from '../k8s/inspect';
import { ensureTool } from '../k8s/toolchain';
import { parseManifests, render } from '../k8s/validate';
import { buildImages } from './build';
import { podForPlayKube, type PlayKubePod } from './kube-pod';
import { podman, runTool } from './podman';

// One Deployment of the dev overlay, as `kubectl kustomize` renders it, run by `podman kube play`
// from the image `npm run images` built: the directory, with the manifest's security contexts
// (uid 10001, read-only root file system, every capability dropped), resources, mounts and
// environment, pointed at the test Kafka and store. It must answer the manifest's own probes,
// serve directory.v1, and go away with `podman kube down`.

const APP = 'directory';

describe(`the ${APP} Deployment of k8s/overlays/dev under podman kube play`, () => {
  const env = testEnv();
  let dir: string;
  let file: string | undefined;
  let played: PlayKubePod;
  let podName: string;
  let httpPort: number;
  let grpcPort: number;

  beforeAll(async () => {
    await buildImages([APP]);
    ensureTool('kubectl');
    const manifests = parseManifests(render('overlays/dev'));
    const workload = workloads(manifests).find((w) => w.app === APP && w.manifest.kind === 'Deployment');
    if (!workload) throw new Error(`k8s/overlays/dev renders no Deployment of ${APP}`);
    dir = mkdtempSync(join(tmpdir(), 'vdx-play-kube-'));
    // The directory's identity as cert-manager's secret lays it out on /var/run/vdx/identity
    // (tls.crt, tls.key, ca.crt), readable by the pod's uid 10001; the test calls as the operator.
    await initPkiDirectory(join(dir, 'pki'));
    const own = loadCredentialFiles(join(dir, 'pki'), `services/${APP}`);
    for (const [file, pem] of [['tls.crt', own.certPem], ['tls.key', own.keyPem], ['ca.crt', own.caPem]] as const) {
      writeFileSync(join(dir, file), pem);
      chmodSync(join(dir, file), 0o644);
    }
    chmodSync(dir, 0o755);
    httpPort = await freePort();
    grpcPort = await freePort();
    const name = uniqueName(`${APP}-kube`);
    podName = name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
    played = podForPlayKube(workload, manifests, {
      image: `localhost/vdx/${APP}:dev`,
      name: podName,
      // What a single machine differs in: the test Kafka (one broker) and store, topics and a
      // database of this run's own, free ports on the loopback only (the pod is on the host's network).
      env: {
        KAFKA_BROKERS: env.kafkaBrokers,
        MONGO_URL: env.mongoUrl,
        MONGO_DB: uniqueDbName('play_kube'),
        TOPIC_PARTITIONS: '2',
        TOPIC_REPLICATION_FACTOR: '1',
        DIRECTORY_EVENTS_TOPIC: `${name}.directory`,
        DIRECTORY_SNAPSHOT_TOPIC: `${name}.snapshot`,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(httpPort),
        GRPC_URL: `127.0.0.1:${grpcPort}`,
      },
      ports: { http: httpPort, grpc: grpcPort },
      hostDirs: { identity: dir },
    });
    file = join(dir, 'pod.yaml');
    writeFileSync(file, YAML.stringify(played.pod));
    podman(['kube', 'play', file], { timeoutMs: 120_000 });
  }, 10 * 60_000);

  afterAll(() => {
    if (file) runTool('podman', ['kube', 'down', file], { allowFailure: true, timeoutMs: 120_000 });
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect(podman(['pod', 'ps', '--filter', `name=${podName}`, '--format', '{{.Name}}'])).toBe('');
  }, 3 * 60_000);

  it('keeps the manifest’s security context (uid 10001, a read-only root file system, no capabilities) and limits', () => {
    const [c] = JSON.parse(podman(['container', 'inspect', `${podName}-${APP}`])) as { Config: { User: string }; HostConfig: { ReadonlyRootfs: boolean; Memory: number; NanoCpus: number }; EffectiveCaps: string[] | null; Mounts: { Destination: string }[] }[];
    const limits = ((played.pod['spec'] as { containers: { resources: { limits: Record<string, string> } }[] }).containers[0]!.resources.limits);
    expect(c!.Config.User).toBe('10001:10001');
    expect(c!.HostConfig.ReadonlyRootfs).toBe(true);
    expect(c!.EffectiveCaps ?? []).toEqual([]);
    expect([c!.HostConfig.Memory, c!.HostConfig.NanoCpus]).toEqual([parseQuantity(limits['memory']!), parseQuantity(limits['cpu']!) * 1e9]);
    expect(c!.Mounts.map((m) => m.Destination).sort()).toEqual(['/tmp', '/var/run/vdx/identity']);
    expect(podman(['exec', `${podName}-${APP}`, 'id', '-u'])).toBe('10001');
  });

  it('answers its readiness and liveness probes, and serves directory.v1', async () => {
    expect(played.probes.map((p) => [p.kind, p.path, p.port])).toEqual([
      ['readiness', '/health/ready', httpPort],
      ['liveness', '/health/live', httpPort],
      ['startup', '/health/live', httpPort],
    ]);
    for (const p of played.probes) {
      await waitUntil(
        `${APP} answering its ${p.kind} probe ${p.path} on port ${p.port}`,
        async () => (await fetch(`http://127.0.0.1:${p.port}${p.path}`, { signal: AbortSignal.timeout(3000) }).catch(() => null))?.status === 200 || undefined,
        { timeoutMs: 180_000, intervalMs: 1000 },
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${runTool('podman', ['logs', '--tail', '40', `${podName}-${APP}`], { allowFailure: true }).stderr}`, { cause: err });
      });
    }
    const client = new DirectoryClient(`127.0.0.1:${grpcPort}`, loadCredentialFiles(join(dir, 'pki'), 'operators/operator'));
    try {
      await client.waitForReady(30_000);
      await client.rpc('RegisterAgency', { code: '000.00.00.G22', name: 'Văn phòng Chính phủ' });
      const again = await client.rpc('RegisterAgency', { code: '000.00.00.G22', name: 'Văn phòng Chính phủ' }).then(
        () => 'registered twice',
        (err: { code?: string }) => err.code,
      );
      expect(again).toBe('DIRECTORY.DUPLICATE_CODE');
    } finally {
      client.close();
    }
  }, 4 * 60_000);
});

import { workloads } from '../k8s/inspect';
import type { Manifest } from '../k8s/validate';
import { podForPlayKube } from './kube-pod';
import { ImagesError } from './podman';

type Json = Record<string, unknown>;

const configMap = (name: string, data: Record<string, string>): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

function deployment(container: Json, volumes: Json[] = [], extra: Json = {}): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'directory', labels: { 'app.kubernetes.io/name': 'directory' } },
    spec: {
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'directory', 'app.kubernetes.io/part-of': 'vdx' } },
        spec: {
          serviceAccountName: 'vdx-directory',
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 35,
          securityContext: { runAsNonRoot: true, runAsUser: 10001 },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname' }],
          containers: [container],
          volumes,
          ...extra,
        },
      },
    },
  };
}

const CONTAINER: Json = {
  name: 'directory',
  image: 'vdx/directory:dev',
  envFrom: [{ configMapRef: { name: 'vdx-common' } }, { configMapRef: { name: 'vdx-directory' } }],
  env: [{ name: 'MONGO_URL', valueFrom: { secretKeyRef: { name: 'vdx-store-connection', key: 'connectionString.standard' } } }],
  ports: [
    { name: 'http', containerPort: 3002 },
    { name: 'grpc', containerPort: 5002 },
  ],
  readinessProbe: { httpGet: { path: '/health/ready', port: 'http' } },
  livenessProbe: { httpGet: { path: '/health/live', port: 'http' } },
  startupProbe: { httpGet: { path: '/health/live', port: 3002 } },
  lifecycle: { preStop: { sleep: { seconds: 5 } } },
  resources: { limits: { cpu: '1', memory: '1536Mi' } },
  securityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
  volumeMounts: [
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'identity', mountPath: '/var/run/vdx/identity' },
  ],
};
const VOLUMES: Json[] = [
  { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
  { name: 'identity', secret: { secretName: 'vdx-directory-identity' } },
];
const MANIFESTS = (container: Json = CONTAINER, volumes = VOLUMES, extra: Json = {}): Manifest[] => [
  configMap('vdx-common', { KAFKA_BROKERS: 'vdx-kafka-bootstrap:9092', TOPIC_REPLICATION_FACTOR: '3', HTTP_HOST: '0.0.0.0' }),
  configMap('vdx-directory', { HTTP_PORT: '3002', GRPC_URL: '0.0.0.0:5002' }),
  deployment(container, volumes, extra),
];

const play = (manifests: Manifest[], o: Partial<Parameters<typeof podForPlayKube>[2]> = {}) =>
  podForPlayKube(workloads(manifests)[0]!, manifests, { image: 'localhost/vdx/directory:dev', env: { MONGO_URL: 'mongodb://127.0.0.1:27028/' }, hostDirs: { identity: '/srv/identity' }, ...o });

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImagesError) return err.code;
    throw err;
  }
  return 'no error';
};

describe('podForPlayKube', () => {
  it('resolves the environment from the ConfigMaps, then applies the overrides, as literal values', () => {
    const { pod, env } = play(MANIFESTS(), { env: { MONGO_URL: 'mongodb://127.0.0.1:27028/', TOPIC_REPLICATION_FACTOR: '1', DIRECTORY_EVENTS_TOPIC: 't.directory' } });
    expect(env).toEqual({
      KAFKA_BROKERS: 'vdx-kafka-bootstrap:9092',
      TOPIC_REPLICATION_FACTOR: '1',
      HTTP_HOST: '0.0.0.0',
      HTTP_PORT: '3002',
      GRPC_URL: '0.0.0.0:5002',
      MONGO_URL: 'mongodb://127.0.0.1:27028/',
      DIRECTORY_EVENTS_TOPIC: 't.directory',
    });
    const container = (pod['spec'] as { containers: Json[] }).containers[0]!;
    expect(container['envFrom']).toBeUndefined();
    expect(container['env']).toContainEqual({ name: 'MONGO_URL', value: 'mongodb://127.0.0.1:27028/' });
    expect((container['env'] as { name: string }[]).map((e) => e.name)).toEqual([...Object.keys(env)].sort());
  });

  it('keeps the image given, the security contexts, resources and mounts; drops probes, hooks, ports and scheduling', () => {
    const { pod } = play(MANIFESTS());
    expect(pod).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'directory', labels: { 'app.kubernetes.io/name': 'directory', 'app.kubernetes.io/part-of': 'vdx' } } });
    const spec = pod['spec'] as Json & { containers: Json[] };
    expect(spec).toMatchObject({ hostNetwork: true, restartPolicy: 'Never', terminationGracePeriodSeconds: 35, securityContext: { runAsNonRoot: true, runAsUser: 10001 } });
    expect(Object.keys(spec).sort()).toEqual(['containers', 'hostNetwork', 'restartPolicy', 'securityContext', 'terminationGracePeriodSeconds', 'volumes']);
    const c = spec.containers[0]!;
    expect(c).toMatchObject({ image: 'localhost/vdx/directory:dev', imagePullPolicy: 'Never', resources: CONTAINER['resources'], securityContext: CONTAINER['securityContext'], volumeMounts: CONTAINER['volumeMounts'] });
    expect(Object.keys(c).sort()).toEqual(['env', 'image', 'imagePullPolicy', 'name', 'resources', 'securityContext', 'volumeMounts']);
  });

  it('mounts a host directory for a Secret volume and keeps an emptyDir', () => {
    const { pod } = play(MANIFESTS());
    expect((pod['spec'] as { volumes: Json[] }).volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
      { name: 'identity', hostPath: { path: '/srv/identity', type: 'Directory' } },
    ]);
  });

  it('reports the probes with their ports resolved, after the ports were moved', () => {
    expect(play(MANIFESTS(), { ports: { http: 41002 } }).probes).toEqual([
      { kind: 'readiness', path: '/health/ready', port: 41002 },
      { kind: 'liveness', path: '/health/live', port: 41002 },
      { kind: 'startup', path: '/health/live', port: 3002 },
    ]);
  });

  it('refuses a variable whose Secret the manifests do not hold (IMAGES.POD_ENV_UNRESOLVED), naming it', () => {
    expect(codeOf(() => play(MANIFESTS(), { env: {} }))).toBe('IMAGES.POD_ENV_UNRESOLVED');
    expect(() => play(MANIFESTS(), { env: {} })).toThrow(/MONGO_URL comes from Secret vdx-store-connection \(key connectionString.standard\)/);
  });

  it('refuses a variable from a pod field (IMAGES.POD_ENV_UNRESOLVED)', () => {
    const c = { ...CONTAINER, env: [...(CONTAINER['env'] as Json[]), { name: 'INSTANCE_ID', valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } }] };
    expect(codeOf(() => play(MANIFESTS(c)))).toBe('IMAGES.POD_ENV_UNRESOLVED');
    expect(play(MANIFESTS(c), { env: { MONGO_URL: 'mongodb://x/', INSTANCE_ID: '0' } }).env['INSTANCE_ID']).toBe('0');
  });

  it('refuses a Secret volume without a host directory (IMAGES.POD_VOLUME_UNMAPPED)', () => {
    expect(codeOf(() => play(MANIFESTS(), { hostDirs: {} }))).toBe('IMAGES.POD_VOLUME_UNMAPPED');
  });

  it('refuses a port name the container does not declare (IMAGES.POD_PORT_UNKNOWN)', () => {
    expect(codeOf(() => play(MANIFESTS(), { ports: { metrics: 9000 } }))).toBe('IMAGES.POD_PORT_UNKNOWN');
  });

  it('refuses a probe on an undeclared named port (IMAGES.POD_PROBE_PORT)', () => {
    expect(codeOf(() => play(MANIFESTS({ ...CONTAINER, readinessProbe: { httpGet: { path: '/health/ready', port: 'web' } } })))).toBe('IMAGES.POD_PROBE_PORT');
  });

  it('refuses a pod of several containers (IMAGES.POD_CONTAINERS)', () => {
    const manifests = MANIFESTS();
    const spec = ((manifests[2]!['spec'] as Json)['template'] as { spec: { containers: Json[] } }).spec;
    spec.containers.push({ ...CONTAINER, name: 'sidecar' });
    expect(codeOf(() => play(manifests))).toBe('IMAGES.POD_CONTAINERS');
  });
});

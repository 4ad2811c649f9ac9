// One workload of the rendered Kubernetes manifests as a Pod that `podman kube play` runs on this
// machine: the Deployment's (or StatefulSet's) own pod template, with its image, security
// contexts, resources, ports, mounts and environment, and only what a single machine without a
// cluster cannot have replaced:
//
// - the environment is resolved from the manifests' ConfigMaps and Secrets into literal values
//   (podman has no cluster to read them from), then the caller's overrides are applied: where
//   Kafka and the store are, fresh topic names, free ports;
// - Secret, projected and ConfigMap volumes become host directories the caller provides;
// - the pod shares the host's network, so it reaches the test Kafka and store on 127.0.0.1: the
//   container's ports are then the ports it listens on (the caller's), not mappings, and podman
//   refuses `ports` on a host-network pod, so they are left out;
// - probes and lifecycle hooks are dropped: podman turns an httpGet probe into a health check
//   that runs curl, which the images do not carry (the caller asks the probe's path itself), and
//   podman 4.3 does not know `preStop.sleep`; scheduling fields (topology spread, service
//   account) mean nothing on one machine.
import type { Container, Workload } from '../k8s/inspect';
import { environmentOf } from '../k8s/inspect';
import type { Manifest } from '../k8s/validate';
import { ImagesError } from './podman';

type Json = Record<string, unknown>;

export interface PlayKubeOptions {
  /** The local image to run instead of the manifest's (`localhost/vdx/<app>:dev`). */
  readonly image: string;
  /** Variables set over the manifest's environment (also ones it leaves to their defaults). */
  readonly env?: Readonly<Record<string, string>>;
  /** Host directories for the pod's Secret, projected and ConfigMap volumes, by volume name. */
  readonly hostDirs?: Readonly<Record<string, string>>;
  /** New values of the container's named ports (the pod is on the host's network: they are host ports). */
  readonly ports?: Readonly<Record<string, number>>;
  /** The pod's name (default: the workload's app). */
  readonly name?: string;
}

export interface PlayKubePod {
  readonly pod: Json;
  /** The container's environment as it will run. */
  readonly env: Readonly<Record<string, string>>;
  /** The readiness and liveness probes' HTTP paths and ports as the manifest gives them, ports resolved to numbers. */
  readonly probes: { readonly kind: 'readiness' | 'liveness' | 'startup'; readonly path: string; readonly port: number }[];
}

const HOST_BACKED = ['secret', 'projected', 'configMap'];

function probePort(container: Container, port: unknown): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  if (!named) throw new ImagesError('IMAGES.POD_PROBE_PORT', `${container.name}: a probe names port ${JSON.stringify(port)}, which the container does not declare`);
  return named.containerPort;
}

/** The Pod for `podman kube play` (see the file's head for what changes and why). */
export function podForPlayKube(workload: Workload, manifests: readonly Manifest[], o: PlayKubeOptions): PlayKubePod {
  const containers = workload.pod.containers;
  if (containers.length !== 1) throw new ImagesError('IMAGES.POD_CONTAINERS', `${workload.app}: ${containers.length} containers; the smoke test runs pods of one`);
  const source = containers[0]!;
  const overrides = o.env ?? {};
  const env: Record<string, string> = {};
  for (const [name, s] of environmentOf(source, manifests)) {
    if (name in overrides) continue;
    if (s.from === 'field') throw new ImagesError('IMAGES.POD_ENV_UNRESOLVED', `${workload.app}: ${name} comes from the pod's field ${s.fieldPath}; give it a value`);
    if (s.value === undefined) {
      const where = s.from === 'secret' ? `Secret ${s.name} (key ${s.key})` : s.from === 'configMap' ? `ConfigMap ${s.name}` : 'the manifest';
      throw new ImagesError('IMAGES.POD_ENV_UNRESOLVED', `${workload.app}: ${name} comes from ${where}, which the manifests do not hold; give it a value`);
    }
    env[name] = s.value;
  }
  Object.assign(env, overrides);

  const ports = (source.ports ?? []).map((p) => {
    const to = p.name ? o.ports?.[p.name] : undefined;
    return to === undefined ? p : { ...p, containerPort: to };
  });
  for (const name of Object.keys(o.ports ?? {})) {
    if (!(source.ports ?? []).some((p) => p.name === name)) throw new ImagesError('IMAGES.POD_PORT_UNKNOWN', `${workload.app} declares no port named ${name}`);
  }
  const withPorts: Container = { ...source, ports };
  const probes: PlayKubePod['probes'] = [];
  for (const [kind, probe] of [['readiness', source.readinessProbe], ['liveness', source.livenessProbe], ['startup', source.startupProbe]] as const) {
    const get = (probe as { httpGet?: { path: string; port: unknown } } | undefined)?.httpGet;
    if (get) probes.push({ kind, path: get.path, port: probePort(withPorts, get.port) });
  }

  const volumes = (workload.pod.volumes ?? []).map((v) => {
    const kind = HOST_BACKED.find((k) => k in v);
    if (!kind) return v;
    const path = o.hostDirs?.[v.name];
    if (!path) throw new ImagesError('IMAGES.POD_VOLUME_UNMAPPED', `${workload.app}: volume ${v.name} is a ${kind}; give it a host directory`);
    return { name: v.name, hostPath: { path, type: 'Directory' } };
  });

  const container: Json = {
    name: source.name,
    image: o.image,
    imagePullPolicy: 'Never',
    env: Object.entries(env)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    ...(source.resources ? { resources: source.resources } : {}),
    ...(source.securityContext ? { securityContext: source.securityContext } : {}),
    ...(source.volumeMounts ? { volumeMounts: source.volumeMounts } : {}),
  };
  const labels = (workload.manifest['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
  const pod: Json = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name ?? workload.app, labels },
    spec: {
      hostNetwork: true,
      restartPolicy: 'Never',
      ...(workload.pod['terminationGracePeriodSeconds'] !== undefined ? { terminationGracePeriodSeconds: workload.pod['terminationGracePeriodSeconds'] } : {}),
      ...(workload.pod.securityContext ? { securityContext: workload.pod.securityContext } : {}),
      containers: [container],
      volumes,
    },
  };
  return { pod, env, probes };
}

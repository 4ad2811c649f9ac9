// Reading rendered manifests the way the checks of tools/k8s need them: quantities, a
// container's environment as the kubelet would assemble it, the services a workload's
// configuration calls. Pure functions over parsed manifests: no I/O.
import type { Manifest } from './validate';

type Json = Record<string, unknown>;

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes quantity (`250m`, `1.5`, `512Mi`, `2G`, `1e3`) as a number of base units. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(q.trim());
  if (!m) throw new Error(`K8S_BAD_QUANTITY: ${JSON.stringify(q)} is not a Kubernetes quantity`);
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return n * (BINARY[suffix] ?? DECIMAL[suffix]!);
}

export interface Container {
  name: string;
  image?: string;
  env?: { name: string; value?: string; valueFrom?: Json }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string }; prefix?: string }[];
  ports?: { name?: string; containerPort: number }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Json;
  volumeMounts?: { name: string; mountPath: string }[];
  livenessProbe?: Json;
  readinessProbe?: Json;
  startupProbe?: Json;
}

export interface Workload {
  app: string;
  manifest: Manifest;
  pod: Json & { containers: Container[]; volumes?: ({ name: string } & Json)[]; securityContext?: Json };
}

/** The Deployments and StatefulSets, by the app they run (label app.kubernetes.io/name). */
export function workloads(manifests: readonly Manifest[]): Workload[] {
  return manifests
    .filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet')
    .map((m) => {
      const template = (m['spec'] as Json)['template'] as { metadata: { labels: Record<string, string> }; spec: Workload['pod'] };
      return { app: template.metadata.labels['app.kubernetes.io/name'] ?? m.metadata.name, manifest: m, pod: template.spec };
    });
}

/** Where a variable's value comes from, and the value when the manifests hold it. */
export type EnvSource =
  | { from: 'value'; value: string }
  | { from: 'configMap'; name: string; value: string | undefined }
  | { from: 'secret'; name: string; key: string; value: string | undefined }
  | { from: 'field'; fieldPath: string };

function dataOf(manifests: readonly Manifest[], kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) return undefined;
  if (kind === 'ConfigMap') return (m['data'] as Record<string, string> | undefined) ?? {};
  const data = Object.fromEntries(Object.entries((m['data'] as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  return { ...data, ...((m['stringData'] as Record<string, string> | undefined) ?? {}) };
}

/**
 * A container's environment as the kubelet assembles it: `envFrom` sources in order (later ones
 * win), then `env` entries. A ConfigMap or Secret the manifests do not hold (created outside
 * them) gives no value; an `envFrom` whose ConfigMap is missing throws, since its variables
 * cannot be known.
 */
export function environmentOf(container: Container, manifests: readonly Manifest[]): Map<string, EnvSource> {
  const out = new Map<string, EnvSource>();
  for (const src of container.envFrom ?? []) {
    if (src.prefix) throw new Error(`K8S_ENV_PREFIX: ${container.name} uses an envFrom prefix, which the checks do not model`);
    if (src.configMapRef) {
      const data = dataOf(manifests, 'ConfigMap', src.configMapRef.name);
      if (!data) throw new Error(`K8S_ENV_SOURCE_MISSING: ${container.name} reads ConfigMap ${src.configMapRef.name}, which is not in the manifests`);
      for (const [k, v] of Object.entries(data)) out.set(k, { from: 'configMap', name: src.configMapRef.name, value: v });
    }
    if (src.secretRef) {
      const data = dataOf(manifests, 'Secret', src.secretRef.name);
      if (!data) throw new Error(`K8S_ENV_SOURCE_MISSING: ${container.name} reads every key of Secret ${src.secretRef.name}, which is not in the manifests`);
      for (const [k, v] of Object.entries(data)) out.set(k, { from: 'secret', name: src.secretRef.name, key: k, value: v });
    }
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined || !e.valueFrom) {
      out.set(e.name, { from: 'value', value: e.value ?? '' });
      continue;
    }
    const vf = e.valueFrom as { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
    if (vf.configMapKeyRef) out.set(e.name, { from: 'configMap', name: vf.configMapKeyRef.name, value: dataOf(manifests, 'ConfigMap', vf.configMapKeyRef.name)?.[vf.configMapKeyRef.key] });
    else if (vf.secretKeyRef) out.set(e.name, { from: 'secret', name: vf.secretKeyRef.name, key: vf.secretKeyRef.key, value: dataOf(manifests, 'Secret', vf.secretKeyRef.name)?.[vf.secretKeyRef.key] });
    else if (vf.fieldRef) out.set(e.name, { from: 'field', fieldPath: vf.fieldRef.fieldPath });
    else throw new Error(`K8S_ENV_SOURCE_UNKNOWN: ${container.name} ${e.name}`);
  }
  return out;
}

/** `host:port` → its parts (the form of the services' *_GRPC_URL settings). */
export function hostPort(value: string): { host: string; port: number } {
  const m = /^([\w.-]+):(\d{1,5})$/.exec(value);
  if (!m) throw new Error(`K8S_NOT_HOST_PORT: ${JSON.stringify(value)}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** The variables a deliberate-defaults line of a k8s/base/config/*.env file lists (`# defaults: A B C`). */
export function listedDefaults(envFileText: string): string[] {
  return envFileText
    .split('\n')
    .filter((l) => /^#\s*defaults:/.test(l))
    .flatMap((l) => l.replace(/^#\s*defaults:/, '').trim().split(/\s+/))
    .filter((n) => n !== '');
}

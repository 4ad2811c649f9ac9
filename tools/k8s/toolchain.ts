// The Go tools that validate the Kubernetes manifests, built once from their Go modules into
// .local/bin and reused: kubeconform (schema validation), etcd, kube-apiserver and kubectl (a real API
// server and its client for `kubectl apply --dry-run=server`). Run directly
// (`node -r @swc-node/register tools/k8s/toolchain.ts`) it builds what is missing and prints one
// JSON line per tool with its path and build time; the first build of all four takes about 11
// minutes on two cores (kube-apiserver 8.5 of them), later runs take none.
//
// etcd and kube-apiserver cannot be `go install`ed: their go.mod files carry `replace`
// directives (etcd's sub-modules point at sibling folders, Kubernetes's k8s.io/* modules at
// ./staging). Each is therefore built as a dependency of a throw-away module under
// .local/build/<tool>, whose own go.mod replaces those paths by the published modules of the
// same release (k8s.io/api v0.37.2 for Kubernetes v1.37.2, and so on).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KUBERNETES_VERSION = 'v1.37.2';
export const ETCD_VERSION = 'v3.7.3';
export const KUBECONFORM_VERSION = 'v0.8.0';

const ROOT = join(__dirname, '../..');
export const LOCAL_BIN = join(ROOT, '.local', 'bin');
const BUILD_DIR = join(ROOT, '.local', 'build');

/** The k8s.io modules that Kubernetes's go.mod takes from ./staging, published as v0.<minor>.<patch>. */
const STAGING_MODULES = [
  'api', 'apiextensions-apiserver', 'apimachinery', 'apiserver', 'cli-runtime', 'client-go', 'cloud-provider',
  'cluster-bootstrap', 'code-generator', 'component-base', 'component-helpers', 'controller-manager', 'cri-api',
  'cri-client', 'cri-streaming', 'csi-translation-lib', 'dynamic-resource-allocation', 'endpointslice', 'externaljwt',
  'kms', 'kube-aggregator', 'kube-controller-manager', 'kube-proxy', 'kube-scheduler', 'kubectl', 'kubelet', 'metrics',
  'mount-utils', 'pod-security-admission', 'sample-apiserver', 'streaming',
];

export type ToolName = 'kubeconform' | 'etcd' | 'kube-apiserver' | 'kubectl';

interface ToolSpec {
  version: string;
  /** go.mod of the throw-away module (none for a plain `go install`). */
  goMod?: () => string;
  /** The package to build. */
  pkg: string;
  ldflags?: string;
}

/** `v1.37.2` → the staging modules' published version `v0.37.2`. */
export function stagingVersion(kubernetes: string): string {
  const m = /^v1\.(\d+)\.(\d+)$/.exec(kubernetes);
  if (!m) throw new Error(`K8S_VERSION_FORMAT: ${kubernetes} is not a v1.N.M Kubernetes release`);
  return `v0.${m[1]}.${m[2]}`;
}

export function kubeApiserverGoMod(kubernetes: string): string {
  const staging = stagingVersion(kubernetes);
  return [
    'module vdx.local/build/kube-apiserver',
    '',
    'go 1.26.0',
    '',
    `require k8s.io/kubernetes ${kubernetes}`,
    '',
    'replace (',
    ...STAGING_MODULES.map((m) => `\tk8s.io/${m} => k8s.io/${m} ${staging}`),
    ')',
    '',
  ].join('\n');
}

function kubeVersionLdflags(kubernetes: string): string {
  const [major, minor] = kubernetes.slice(1).split('.');
  const pkg = 'k8s.io/component-base/version';
  return [
    `-X ${pkg}.gitVersion=${kubernetes}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
    `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
  ].join(' ');
}

const TOOLS: Record<ToolName, ToolSpec> = {
  kubeconform: { version: KUBECONFORM_VERSION, pkg: `github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}` },
  etcd: {
    version: ETCD_VERSION,
    pkg: 'go.etcd.io/etcd/server/v3',
    goMod: () => ['module vdx.local/build/etcd', '', 'go 1.26.0', '', `require go.etcd.io/etcd/server/v3 ${ETCD_VERSION}`, ''].join('\n'),
  },
  'kube-apiserver': {
    version: KUBERNETES_VERSION,
    pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
    goMod: () => kubeApiserverGoMod(KUBERNETES_VERSION),
    ldflags: kubeVersionLdflags(KUBERNETES_VERSION),
  },
  // The client of the same release (kubectl kustomize, apply --dry-run=server): no version skew.
  kubectl: {
    version: KUBERNETES_VERSION,
    pkg: 'k8s.io/kubernetes/cmd/kubectl',
    goMod: () => kubeApiserverGoMod(KUBERNETES_VERSION).replace('vdx.local/build/kube-apiserver', 'vdx.local/build/kubectl'),
    ldflags: kubeVersionLdflags(KUBERNETES_VERSION),
  },
};

export function toolPath(name: ToolName): string {
  return join(LOCAL_BIN, name);
}

/** Whether the cached binary is the one this version builds. */
export function toolReady(name: ToolName): boolean {
  const bin = toolPath(name);
  const stamp = `${bin}.build`;
  return existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === TOOLS[name].version;
}

export interface BuiltTool {
  tool: ToolName;
  version: string;
  path: string;
  /** Seconds spent building now; 0 when the cached binary was reused. */
  buildSeconds: number;
  cached: boolean;
}

function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // GOTOOLCHAIN=local: build with the machine's Go, never download another toolchain.
  return { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod -buildvcs=false', ...extra };
}

/** Builds one tool into .local/bin unless the cached binary is this version; returns where it is. */
export function ensureTool(name: ToolName, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): BuiltTool {
  const spec = TOOLS[name];
  const bin = toolPath(name);
  if (toolReady(name)) return { tool: name, version: spec.version, path: bin, buildSeconds: 0, cached: true };
  if (spawnSync('go', ['version']).status !== 0) throw new Error(`K8S_GO_MISSING: ${name} is built from its Go module: install Go 1.26+ (https://go.dev/doc/install)`);
  mkdirSync(LOCAL_BIN, { recursive: true });
  const started = Date.now();
  log(`building ${name} ${spec.version} into .local/bin (first run only)…`);
  let r;
  if (!spec.goMod) {
    r = spawnSync('go', ['install', '-trimpath', spec.pkg], { cwd: ROOT, encoding: 'utf8', env: goEnv({ GOBIN: LOCAL_BIN, GOFLAGS: '-buildvcs=false' }) });
  } else {
    const dir = join(BUILD_DIR, name);
    mkdirSync(dir, { recursive: true });
    const goMod = spec.goMod();
    const modFile = join(dir, 'go.mod');
    if (!existsSync(modFile) || readFileSync(modFile, 'utf8') !== goMod) {
      writeFileSync(modFile, goMod);
      writeFileSync(join(dir, 'go.sum'), '');
    }
    const args = ['build', '-trimpath', '-o', bin];
    if (spec.ldflags) args.push(`-ldflags=-s -w ${spec.ldflags}`);
    else args.push('-ldflags=-s -w');
    args.push(spec.pkg);
    r = spawnSync('go', args, { cwd: dir, encoding: 'utf8', env: goEnv(), maxBuffer: 64 * 1024 * 1024 });
  }
  if (r.status !== 0) throw new Error(`K8S_TOOL_BUILD: building ${name} ${spec.version} failed:\n${r.stdout}${r.stderr}`);
  writeFileSync(`${bin}.build`, `${spec.version}\n`);
  const buildSeconds = Math.round((Date.now() - started) / 100) / 10;
  log(`${name} ready in ${buildSeconds} s: ${bin}`);
  return { tool: name, version: spec.version, path: bin, buildSeconds, cached: false };
}

/** Every tool the validation needs, in build order (cheapest first). */
export const ALL_TOOLS: readonly ToolName[] = ['kubeconform', 'etcd', 'kube-apiserver', 'kubectl'];

/** Every tool the validation needs, built in order. */
export function ensureToolchain(log?: (line: string) => void): BuiltTool[] {
  return ALL_TOOLS.map((t) => ensureTool(t, log));
}

if (require.main === module) {
  const only = process.argv.slice(2) as ToolName[];
  const names = only.length > 0 ? only : ALL_TOOLS;
  for (const n of names) {
    if (!(n in TOOLS)) throw new Error(`K8S_TOOL_UNKNOWN: ${n} (one of ${Object.keys(TOOLS).join(', ')})`);
    process.stdout.write(`${JSON.stringify(ensureTool(n))}\n`);
  }
}

// Validates the rendered manifests the two ways CI does: kubeconform -strict against the JSON
// schemas (Kubernetes' from kubernetes-validate, the operators' vendored in k8s/schemas), then
// `kubectl apply --dry-run=server --validate=strict` against a real API server with the vendored
// CRDs installed, which also checks what schemas cannot: selectors against template labels,
// requests against limits, names, immutable and cross-field rules, the CRDs' CEL rules and Pod
// Security admission.
//
// Run directly (`node -r @swc-node/register tools/k8s/validate.ts [overlay…]`) it builds what is
// missing, validates every overlay (or those named) and prints one JSON line of figures per
// overlay and one for the run; exit 1 on any refusal.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { startApiServer, type ApiServer } from './api-server';
import { ensureKubernetesSchemas } from './kubernetes-schemas';
import { ensureToolchain, toolPath, type BuiltTool } from './toolchain';

const ROOT = join(__dirname, '../..');
export const K8S_DIR = join(ROOT, 'k8s');
export const CRD_DIR = join(K8S_DIR, 'crds');
export const OVERLAYS_DIR = join(K8S_DIR, 'overlays');

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;

/** The overlays under k8s/overlays, sorted. */
export function overlays(): string[] {
  return readdirSync(OVERLAYS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** `kubectl kustomize` of a folder under k8s/ (`overlays/dev`, `base`). */
export function render(path: string): string {
  const r = spawnSync(toolPath('kubectl'), ['kustomize', join(K8S_DIR, path)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`K8S_RENDER_FAILED: kubectl kustomize k8s/${path}:\n${r.stderr}`);
  return r.stdout;
}

export function parseManifests(text: string): Manifest[] {
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJSON() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

export const toYaml = (manifests: readonly unknown[]): string => manifests.map((m) => `---\n${YAML.stringify(m)}`).join('');

export interface KubeconformReport {
  valid: number;
  invalid: number;
  errors: number;
  skipped: number;
  /** `<kind>/<name>: <message>` of each resource not valid. */
  problems: string[];
}

/** kubeconform -strict over a multi-document YAML text, reading it from stdin. */
export function kubeconform(yamlText: string, schemaDir = ensureKubernetesSchemas()): KubeconformReport {
  const r = spawnSync(
    toolPath('kubeconform'),
    [
      '-strict',
      '-summary',
      '-output', 'json',
      '-schema-location', join(schemaDir, '{{ .ResourceKind }}{{ .KindSuffix }}.json'),
      '-schema-location', join(K8S_DIR, 'schemas', '{{ .Group }}', '{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
      '-',
    ],
    { encoding: 'utf8', input: yamlText, maxBuffer: 64 * 1024 * 1024 },
  );
  let out: { resources?: { kind: string; name: string; status: string; msg: string }[]; summary?: { valid: number; invalid: number; errors: number; skipped: number } };
  try {
    out = JSON.parse(r.stdout) as typeof out;
  } catch {
    throw new Error(`K8S_KUBECONFORM_FAILED: exit ${r.status}:\n${r.stdout}${r.stderr}`);
  }
  const s = out.summary ?? { valid: 0, invalid: 0, errors: 0, skipped: 0 };
  return {
    ...s,
    problems: (out.resources ?? []).filter((x) => x.status !== 'statusValid').map((x) => `${x.kind}/${x.name}: ${x.msg}`),
  };
}

/** Installs the vendored CRDs (server-side: some are larger than a client-side apply's annotation allows) and waits until they serve. */
export function installCrds(server: ApiServer): void {
  const files = readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')).sort();
  const apply = server.kubectl(['apply', '--server-side', '--field-manager=vdx-validation', ...files.flatMap((f) => ['-f', join(CRD_DIR, f)])]);
  if (apply.status !== 0) throw new Error(`K8S_CRDS_REFUSED: ${apply.stderr}`);
  const wait = server.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  if (wait.status !== 0) throw new Error(`K8S_CRDS_NOT_ESTABLISHED: ${wait.stderr}`);
}

export interface DryRunReport {
  ok: boolean;
  /** What the server refused, one line each (`Error from server …`). */
  refusals: string[];
  /** Warnings the server sent back (deprecations, Pod Security "would violate"). */
  warnings: string[];
  output: string;
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/**
 * `kubectl apply --dry-run=server --validate=strict` of manifests. Their Namespaces are created
 * for real first (a dry run creates nothing, and namespaced objects need theirs to exist).
 */
export function dryRun(server: ApiServer, manifests: readonly Manifest[]): DryRunReport {
  const namespaces = manifests.filter((m) => m.kind === 'Namespace');
  if (namespaces.length > 0) {
    const ns = server.kubectl(['apply', '-f', '-'], toYaml(namespaces));
    if (ns.status !== 0) return { ok: false, refusals: lines(ns.stderr), warnings: [], output: ns.stdout + ns.stderr };
  }
  const r = server.kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], toYaml(manifests));
  const err = lines(r.stderr);
  return {
    ok: r.status === 0,
    refusals: err.filter((l) => !l.startsWith('Warning:')),
    warnings: err.filter((l) => l.startsWith('Warning:')),
    output: r.stdout + r.stderr,
  };
}

export interface OverlayFigures {
  overlay: string;
  resources: number;
  renderSeconds: number;
  kubeconformSeconds: number;
  dryRunSeconds: number;
  kubeconform: KubeconformReport;
  dryRun: Omit<DryRunReport, 'output'>;
}

const since = (t: number) => Math.round((Date.now() - t) / 10) / 100;

export function validateOverlay(server: ApiServer, overlay: string): OverlayFigures {
  let t = Date.now();
  const text = render(`overlays/${overlay}`);
  const renderSeconds = since(t);
  const manifests = parseManifests(text);
  t = Date.now();
  const conform = kubeconform(text);
  const kubeconformSeconds = since(t);
  t = Date.now();
  const { output: _output, ...dry } = dryRun(server, manifests);
  return { overlay, resources: manifests.length, renderSeconds, kubeconformSeconds, dryRunSeconds: since(t), kubeconform: conform, dryRun: dry };
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const tools: BuiltTool[] = ensureToolchain();
  ensureKubernetesSchemas();
  const server = await startApiServer();
  let failed = false;
  try {
    let t = Date.now();
    installCrds(server);
    const crdSeconds = since(t);
    const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : overlays();
    for (const o of names) {
      t = Date.now();
      const f = validateOverlay(server, o);
      if (f.kubeconform.invalid + f.kubeconform.errors > 0 || !f.dryRun.ok || f.dryRun.warnings.length > 0) failed = true;
      process.stdout.write(`${JSON.stringify(f)}\n`);
    }
    process.stdout.write(
      `${JSON.stringify({ tools: tools.map((x) => ({ tool: x.tool, version: x.version, buildSeconds: x.buildSeconds, cached: x.cached })), apiServerStartSeconds: server.startSeconds, crdInstallSeconds: crdSeconds, totalSeconds: since(t0), ok: !failed })}\n`,
    );
  } finally {
    await server.stop();
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

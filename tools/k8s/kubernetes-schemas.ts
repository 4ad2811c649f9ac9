// The JSON schemas of the built-in Kubernetes kinds, for kubeconform, taken from the PyPI
// package kubernetes-validate (which ships them for every release) and cached under
// .local/k8s/schemas. Their `$ref`s point at https://kubernetes.io/api/_definitions.json; they are
// rewritten once to the local `_definitions.json` (and the `$id`s dropped), so kubeconform never
// goes to the network.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The kubernetes-validate release, and the Kubernetes version of the schemas taken from it (the API server's minor). */
export const KUBERNETES_VALIDATE_VERSION = '1.37.0';
export const SCHEMA_KUBERNETES_VERSION = 'v1.37.0';

const ROOT = join(__dirname, '../..');
const CACHE = join(ROOT, '.local', 'k8s');
/** kubeconform's `-schema-location` layout: `<dir>/<kind>-<group>-<version>.json`. */
export const KUBERNETES_SCHEMA_DIR = join(CACHE, 'schemas', `${SCHEMA_KUBERNETES_VERSION}-local-strict`);
const STAMP = join(KUBERNETES_SCHEMA_DIR, '.version');

/** A schema file's text with its references made local. */
export function localiseSchema(text: string): string {
  const schema = JSON.parse(text) as Record<string, unknown>;
  delete schema['$id'];
  return `${JSON.stringify(schema).replaceAll('"/api/_definitions.json#', '"_definitions.json#')}\n`;
}

export function kubernetesSchemasReady(): boolean {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === KUBERNETES_VALIDATE_VERSION;
}

/** The directory of the strict schemas, fetched with pip and rewritten the first time. */
export function ensureKubernetesSchemas(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  if (kubernetesSchemasReady()) return KUBERNETES_SCHEMA_DIR;
  const wheels = join(CACHE, 'wheels');
  mkdirSync(wheels, { recursive: true });
  log(`fetching the Kubernetes ${SCHEMA_KUBERNETES_VERSION} schemas (PyPI kubernetes-validate ${KUBERNETES_VALIDATE_VERSION}) into .local/k8s…`);
  const pip = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', wheels, `kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}`], { encoding: 'utf8' });
  if (pip.status !== 0) throw new Error(`K8S_SCHEMAS_FETCH: pip download kubernetes-validate==${KUBERNETES_VALIDATE_VERSION} failed:\n${pip.stdout}${pip.stderr}`);
  const wheel = readdirSync(wheels).find((f) => f.startsWith(`kubernetes_validate-${KUBERNETES_VALIDATE_VERSION}-`) && f.endsWith('.whl'));
  if (!wheel) throw new Error(`K8S_SCHEMAS_FETCH: no kubernetes_validate ${KUBERNETES_VALIDATE_VERSION} wheel in ${wheels}`);
  const raw = join(CACHE, 'raw');
  rmSync(raw, { recursive: true, force: true });
  const prefix = `kubernetes_validate/kubernetes-json-schema/${SCHEMA_KUBERNETES_VERSION}-local-strict/`;
  // A wheel is a zip: Python's zipfile extracts the one folder needed.
  const unzip = spawnSync(
    'python3',
    ['-c', 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nz.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith(sys.argv[3])])', join(wheels, wheel), raw, prefix],
    { encoding: 'utf8' },
  );
  if (unzip.status !== 0) throw new Error(`K8S_SCHEMAS_FETCH: extracting ${wheel} failed:\n${unzip.stderr}`);
  const from = join(raw, prefix);
  if (!existsSync(join(from, '_definitions.json'))) throw new Error(`K8S_SCHEMAS_FETCH: ${wheel} has no ${prefix}_definitions.json`);
  rmSync(KUBERNETES_SCHEMA_DIR, { recursive: true, force: true });
  mkdirSync(KUBERNETES_SCHEMA_DIR, { recursive: true });
  let files = 0;
  for (const f of readdirSync(from).filter((n) => n.endsWith('.json'))) {
    writeFileSync(join(KUBERNETES_SCHEMA_DIR, f), localiseSchema(readFileSync(join(from, f), 'utf8')));
    files++;
  }
  rmSync(raw, { recursive: true, force: true });
  writeFileSync(STAMP, `${KUBERNETES_VALIDATE_VERSION}\n`);
  log(`${files} schema files in ${KUBERNETES_SCHEMA_DIR}`);
  return KUBERNETES_SCHEMA_DIR;
}

if (require.main === module) process.stdout.write(`${ensureKubernetesSchemas()}\n`);

// Vendors the CustomResourceDefinitions the manifests use into k8s/crds/ and derives from them
// the JSON schemas kubeconform reads (k8s/schemas/). Run it only to change an operator's version
// (`node -r @swc-node/register tools/k8s/vendor-crds.ts`); CI uses the committed files and a unit
// test checks they are consistent (tools/k8s/crds.spec.ts).
//
// Everything comes from package registries, at pinned versions:
// - cert-manager, prometheus-operator and the MongoDB community operator publish their CRDs as
//   plain YAML inside their Go modules: `go mod download` through the Go module proxy;
// - Strimzi is a Java project and publishes no CRD YAML to a registry: its CRDs are generated
//   from the annotated classes of `io.strimzi:api` by Strimzi's own `io.strimzi:crd-generator`
//   (both on Maven Central), with the arguments Strimzi's build uses (api/pom.xml).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { schemasOfCrd, type Crd } from './crd-schemas';

const ROOT = join(__dirname, '../..');
export const CRD_DIR = join(ROOT, 'k8s', 'crds');
export const SCHEMA_DIR = join(ROOT, 'k8s', 'schemas');
const BUILD_DIR = join(ROOT, '.local', 'build', 'strimzi-crds');

export interface GoModuleSource {
  readonly kind: 'go-module';
  readonly module: string;
  readonly version: string;
  /** Files inside the module, relative to its root. */
  readonly files: readonly string[];
}

export interface StrimziSource {
  readonly kind: 'strimzi-crd-generator';
  readonly version: string;
  /** The api classes to generate, as `<class>=<file name>`, in Strimzi's own file names. */
  readonly classes: Readonly<Record<string, string>>;
}

export type CrdSource = GoModuleSource | StrimziSource;

export const CRD_SOURCES: Readonly<Record<string, CrdSource>> = {
  'cert-manager': {
    kind: 'go-module',
    module: 'github.com/cert-manager/cert-manager',
    version: 'v1.21.2',
    files: ['deploy/crds/cert-manager.io_certificates.yaml', 'deploy/crds/cert-manager.io_issuers.yaml'],
  },
  'prometheus-operator': {
    kind: 'go-module',
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.89.0',
    files: ['example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml', 'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml'],
  },
  'mongodb-community-operator': {
    kind: 'go-module',
    module: 'github.com/mongodb/mongodb-kubernetes-operator',
    version: 'v0.13.0',
    files: ['config/crd/bases/mongodbcommunity.mongodb.com_mongodbcommunity.yaml'],
  },
  strimzi: {
    kind: 'strimzi-crd-generator',
    version: '1.2.0',
    classes: {
      'io.strimzi.api.kafka.model.kafka.Kafka': '040-Crd-kafka.yaml',
      'io.strimzi.api.kafka.model.nodepool.KafkaNodePool': '045-Crd-kafkanodepool.yaml',
      'io.strimzi.api.kafka.model.topic.KafkaTopic': '043-Crd-kafkatopic.yaml',
    },
  },
};

/** What k8s/crds/sources.json records: where each vendored file came from and its SHA-256. */
export interface VendoredFile {
  readonly file: string;
  readonly source: string;
  readonly origin: string;
  readonly sha256: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`K8S_VENDOR_FAILED: ${cmd} ${args.join(' ')}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** A `java` of at least `major` (Strimzi's generator is built for Java 21): JAVA_HOME's, the PATH's, or one under /usr/lib/jvm. */
function javaAtLeast(major: number): string {
  const candidates = [process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin', 'java') : null, 'java'];
  const jvmDir = '/usr/lib/jvm';
  if (existsSync(jvmDir)) for (const d of readdirSync(jvmDir).sort().reverse()) candidates.push(join(jvmDir, d, 'bin', 'java'));
  for (const java of candidates) {
    if (!java) continue;
    const r = spawnSync(java, ['-XshowSettings:properties', '-version'], { encoding: 'utf8' });
    const m = /java\.specification\.version = (\d+)/.exec(r.stderr ?? '');
    if (r.status === 0 && m && Number(m[1]) >= major) return java;
  }
  throw new Error(`K8S_VENDOR_FAILED: Strimzi's CRD generator needs Java ${major}+; set JAVA_HOME to one`);
}

function fromGoModule(src: GoModuleSource): { name: string; text: string; origin: string }[] {
  const scratch = join(ROOT, '.local', 'build', 'crd-modules');
  mkdirSync(scratch, { recursive: true });
  if (!existsSync(join(scratch, 'go.mod'))) writeFileSync(join(scratch, 'go.mod'), 'module vdx.local/build/crd-modules\n\ngo 1.26.0\n');
  const out = run('go', ['mod', 'download', '-json', `${src.module}@${src.version}`], scratch, { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' });
  const dir = (JSON.parse(out) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`K8S_VENDOR_FAILED: go mod download ${src.module}@${src.version} gave no directory:\n${out}`);
  return src.files.map((f) => ({ name: f.split('/').pop()!, text: readFileSync(join(dir, f), 'utf8'), origin: `${src.module}@${src.version}/${f}` }));
}

function fromStrimzi(src: StrimziSource): { name: string; text: string; origin: string }[] {
  mkdirSync(BUILD_DIR, { recursive: true });
  const pom = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>vdx.local</groupId>
  <artifactId>strimzi-crds</artifactId>
  <version>0</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>${src.version}</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>${src.version}</version></dependency>
  </dependencies>
</project>
`;
  writeFileSync(join(BUILD_DIR, 'pom.xml'), pom);
  run('mvn', ['-q', '-B', 'dependency:build-classpath', '-Dmdep.outputFile=classpath.txt'], BUILD_DIR);
  const classpath = readFileSync(join(BUILD_DIR, 'classpath.txt'), 'utf8').trim();
  const outDir = join(BUILD_DIR, 'out');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  // The arguments of Strimzi's own build (api/pom.xml, execution generate-crds).
  const args = ['-classpath', classpath, 'io.strimzi.crdgenerator.CrdGenerator', '--label', 'app:strimzi', '--label', 'strimzi.io/crd-install:true', '--target-kube', '1.16+', '--crd-api-version', 'v1', '--api-versions', 'v1', '--storage-version', 'v1', '--yaml'];
  for (const [cls, file] of Object.entries(src.classes)) args.push(`${cls}=${join(outDir, file)}`);
  run(javaAtLeast(21), args, BUILD_DIR);
  return Object.entries(src.classes).map(([cls, file]) => ({ name: file, text: readFileSync(join(outDir, file), 'utf8'), origin: `io.strimzi:api:${src.version} ${cls}, generated by io.strimzi:crd-generator:${src.version}` }));
}

/** The JSON schema files derived from the CRD files in `crdDir`, as file name → text. */
export function deriveSchemas(crdDir = CRD_DIR): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(crdDir).filter((n) => n.endsWith('.yaml')).sort()) {
    for (const doc of YAML.parseAllDocuments(readFileSync(join(crdDir, f), 'utf8'))) {
      const crd = doc.toJSON() as Crd | null;
      if (!crd) continue;
      for (const [name, schema] of schemasOfCrd(crd)) out.set(name, `${JSON.stringify(schema, null, 2)}\n`);
    }
  }
  return out;
}

export function vendor(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): VendoredFile[] {
  rmSync(CRD_DIR, { recursive: true, force: true });
  mkdirSync(CRD_DIR, { recursive: true });
  const vendored: VendoredFile[] = [];
  for (const [source, src] of Object.entries(CRD_SOURCES)) {
    log(`${source} ${src.version}…`);
    const files = src.kind === 'go-module' ? fromGoModule(src) : fromStrimzi(src);
    for (const f of files) {
      const file = `${source}_${f.name}`;
      writeFileSync(join(CRD_DIR, file), f.text);
      vendored.push({ file, source: `${source} ${src.version}`, origin: f.origin, sha256: sha256(f.text) });
    }
  }
  writeFileSync(join(CRD_DIR, 'sources.json'), `${JSON.stringify(vendored, null, 2)}\n`);
  rmSync(SCHEMA_DIR, { recursive: true, force: true });
  for (const [name, text] of deriveSchemas()) {
    mkdirSync(dirname(join(SCHEMA_DIR, name)), { recursive: true });
    writeFileSync(join(SCHEMA_DIR, name), text);
  }
  return vendored;
}

if (require.main === module) {
  for (const v of vendor()) process.stdout.write(`${JSON.stringify(v)}\n`);
}

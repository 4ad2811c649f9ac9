// The build contexts of the images, staged under .local/images/context:
//
//   services/  node                 the Node binary that runs this build (the machine's Node 20)
//              node_modules/        the production dependencies of package-lock.json only, copied
//                                   from the installed node_modules (so the native Kafka client is
//                                   the one bootstrap built), without docs, types and sources
//              app/apps, app/libs   every app and library compiled by swc to CommonJS, the same
//                                   transform `@swc-node/register` applies when `npm start` runs
//                                   them (legacy decorators with metadata, tsconfig paths rewritten
//                                   to relative requires), plus the files they read beside their
//                                   code (the .proto files, the statistics console)
//              app/healthcheck.js   the images' HEALTHCHECK
//   infra/     jre/, kafka-libs/, ferretdb, kafka/…   the local Kafka broker and FerretDB
//
// Files are rewritten only when their content changes, so podman's layer cache holds across runs.
import { transformFileSync, type Options } from '@swc/core';
import { KAFKA_LIBS, FERRETDB_BIN } from '@vdx/local-infra';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DOCKER_DIR, IMAGES_DIR, ImagesError, ROOT } from './podman';

export const CONTEXT_DIR = join(IMAGES_DIR, 'context');
export const SERVICES_CONTEXT = join(CONTEXT_DIR, 'services');
export const INFRA_CONTEXT = join(CONTEXT_DIR, 'infra');

/** A lockfile v2/v3 entry, as far as the staging reads it. */
interface LockPackage {
  readonly name?: string;
  readonly version?: string;
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly link?: boolean;
}

/**
 * The `node_modules/…` folders of the packages a production install has: every lockfile entry
 * not marked `dev` (devOptional and optional ones included), outermost first. Workspace links
 * and the root entry are skipped.
 */
export function productionPackages(lock: { lockfileVersion?: number; packages?: Record<string, LockPackage> }): string[] {
  if (!lock.packages || (lock.lockfileVersion ?? 0) < 2) throw new ImagesError('IMAGES.LOCKFILE', 'package-lock.json must be lockfile version 2 or 3 (npm 7+), with a "packages" map');
  return Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && !p.dev && !p.link)
    .map(([path]) => path)
    .sort();
}

/** Files of a package that the running services never read: documentation, types, sources, maps, tests. */
export function droppedFromPackage(relPath: string): boolean {
  const parts = relPath.split('/');
  const base = parts[parts.length - 1]!.toLowerCase();
  if (/\.(d\.[mc]?ts|ts|tsx|map|md|markdown|mkd)$/.test(base)) return !/^licen[cs]e/.test(base);
  if (/^(changelog|changes|history|readme|authors|contributing)(\.|$)/.test(base)) return true;
  if (/^\.(npmignore|eslintrc|prettierrc|editorconfig|travis\.yml|nycrc)/.test(base)) return true;
  if (parts.slice(0, -1).some((d) => ['__tests__', '.github', 'coverage'].includes(d))) return true;
  // Only at the package's top: a library may keep code in a folder named `doc` (exceljs does).
  return parts.length > 1 && ['test', 'tests', 'example', 'examples', 'benchmark', 'benchmarks'].includes(parts[0]!);
}

/**
 * What the native Kafka client needs at run time: its JavaScript, the addon and the librdkafka
 * it was linked against (`build/deps`, found through the addon's RUNPATH). Its bundled
 * librdkafka sources and build objects (some 250 MB) stay behind.
 */
export function keptFromKafkaClient(relPath: string): boolean {
  if (relPath === 'package.json' || /^licen[cs]e/i.test(relPath) || relPath === 'librdkafka.js') return true;
  if (relPath.startsWith('lib/')) return /\.js$/.test(relPath);
  if (/^build\/Release\/[^/]+\.node$/.test(relPath)) return true;
  return /^build\/deps\/librdkafka(\+\+)?\.so(\.\d+)*$/.test(relPath);
}

const KAFKA_CLIENT = 'node_modules/@confluentinc/kafka-javascript';

/** Writes `content` unless the file already holds exactly that; returns whether it wrote. */
function writeIfChanged(file: string, content: Buffer | string, mode?: number): boolean {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  if (existsSync(file) && statSync(file).size === bytes.length && readFileSync(file).equals(bytes)) return false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  if (mode !== undefined) chmodSync(file, mode);
  return true;
}

function copyIfChanged(from: string, to: string): boolean {
  const st = statSync(from);
  if (existsSync(to)) {
    const dst = statSync(to);
    if (dst.size === st.size && readFileSync(to).equals(readFileSync(from))) return false;
  }
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, st.mode & 0o777);
  return true;
}

/** Every file under `dir` (relative paths, `/`-separated), following no symlinks. */
function walk(dir: string, rel = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return walk(join(dir, e.name), r);
    return e.isFile() || e.isSymbolicLink() ? [r] : [];
  });
}

/** Removes files of `dir` not in `keep` (and the folders left empty). */
function removeOthers(dir: string, keep: ReadonlySet<string>): number {
  let removed = 0;
  for (const f of walk(dir)) {
    if (!keep.has(f)) {
      rmSync(join(dir, f), { force: true });
      removed++;
    }
  }
  const prune = (d: string): boolean => {
    const entries = readdirSync(d, { withFileTypes: true });
    let empty = true;
    for (const e of entries) {
      if (e.isDirectory() && prune(join(d, e.name))) rmSync(join(d, e.name), { recursive: true, force: true });
      else empty = false;
    }
    return empty;
  };
  if (existsSync(dir)) prune(dir);
  return removed;
}

function swcOptions(): Options {
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  return {
    swcrc: false,
    configFile: false,
    sourceMaps: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: ROOT,
      paths: tsconfig.compilerOptions.paths,
    },
    module: { type: 'commonjs' },
  };
}

/** The TypeScript the images run: apps/*\/src and every library's src, without tests. */
export function sourceFiles(root = ROOT): string[] {
  const inSrc = (top: string) => walk(join(root, top)).map((f) => `${top}/${f}`).filter((f) => f.split('/').includes('src') && !f.includes('/node_modules/'));
  return [...inSrc('apps'), ...inSrc('libs')].filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !/\.spec\.ts$|\.spec-helpers\.ts$/.test(f)).sort();
}

/** Files the code reads beside itself at run time (`__dirname`-relative): the .proto files, the console's assets. */
export function assetFiles(root = ROOT): string[] {
  const inSrc = (top: string) =>
    walk(join(root, top))
      .map((f) => `${top}/${f}`)
      .filter((f) => f.split('/').includes('src') && !f.includes('/node_modules/') && !/\.(ts|go|md)$/.test(f) && !f.endsWith('project.json') && !f.includes('.spec.'));
  return [...walk(join(root, 'libs/contracts/proto')).map((f) => `libs/contracts/proto/${f}`), ...inSrc('apps'), ...inSrc('libs')].sort();
}

export interface StagedContext {
  readonly dir: string;
  /** SHA-256 over every file's path, mode and content: equal digests, equal contexts. */
  readonly digest: string;
  readonly files: number;
  readonly written: number;
  readonly bytes: number;
  readonly seconds: number;
}

/** The context's file count, bytes and digest. */
export function contextDigest(dir: string): { files: number; bytes: number; digest: string } {
  const hash = createHash('sha256');
  let files = 0;
  let bytes = 0;
  for (const f of walk(dir).sort()) {
    const path = join(dir, f);
    const st = lstatSync(path);
    files++;
    hash.update(`${f}\0${st.mode.toString(8)}\0`);
    if (st.isSymbolicLink()) hash.update(`-> ${readlinkSync(path)}`);
    else {
      bytes += st.size;
      hash.update(readFileSync(path));
    }
    hash.update('\0');
  }
  return { files, bytes, digest: hash.digest('hex') };
}

/** Compiles the code, copies its assets, the production node_modules and the Node binary into the services context. */
export function stageServices(log: (line: string) => void): StagedContext {
  const started = Date.now();
  const app = join(SERVICES_CONTEXT, 'app');
  const keep = new Set<string>();
  let written = 0;

  const options = swcOptions();
  const sources = sourceFiles();
  for (const src of sources) {
    const out = src.replace(/\.ts$/, '.js');
    const { code } = transformFileSync(join(ROOT, src), { ...options, filename: join(ROOT, src) });
    if (writeIfChanged(join(app, out), code)) written++;
    keep.add(out);
  }
  const health = 'tools/images/healthcheck.ts';
  if (writeIfChanged(join(app, 'healthcheck.js'), transformFileSync(join(ROOT, health), { ...options, filename: join(ROOT, health) }).code)) written++;
  keep.add('healthcheck.js');
  for (const asset of assetFiles()) {
    if (copyIfChanged(join(ROOT, asset), join(app, asset))) written++;
    keep.add(asset);
  }
  const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
  const pkg = `${JSON.stringify({ name: rootPkg.name, version: rootPkg.version, private: true, license: rootPkg.license, type: 'commonjs' }, null, 2)}\n`;
  if (writeIfChanged(join(app, 'package.json'), pkg)) written++;
  keep.add('package.json');
  log(`compiled ${sources.length} TypeScript files (${written} files of the code changed)`);

  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Parameters<typeof productionPackages>[0];
  const packages = productionPackages(lock);
  const native = join(ROOT, KAFKA_CLIENT, 'build/Release/confluent-kafka-javascript.node');
  if (!existsSync(native)) throw new ImagesError('IMAGES.NATIVE_CLIENT_MISSING', `${relative(ROOT, native)} is missing: run npm run bootstrap first (it builds the Kafka client)`);
  const modules = new Set<string>();
  let copied = 0;
  for (const pkgDir of packages) {
    const from = join(ROOT, pkgDir);
    if (!existsSync(from)) continue; // an optional package of another platform
    const nested = (f: string) => f.startsWith('node_modules/');
    for (const f of walk(from)) {
      if (nested(f)) continue; // a nested package is an entry of its own
      if (pkgDir === KAFKA_CLIENT ? !keptFromKafkaClient(f) : droppedFromPackage(f)) continue;
      const rel = `${pkgDir}/${f}`;
      const src = join(from, f);
      const dst = join(SERVICES_CONTEXT, rel);
      modules.add(rel);
      if (lstatSync(src).isSymbolicLink()) {
        const target = readlinkSync(src);
        if (!existsSync(dst) || !lstatSync(dst).isSymbolicLink() || readlinkSync(dst) !== target) {
          rmSync(dst, { force: true });
          mkdirSync(dirname(dst), { recursive: true });
          symlinkSync(target, dst);
          written++;
        }
        continue;
      }
      if (pkgDir === KAFKA_CLIENT && f.includes('.so')) {
        if (stripInto(src, dst)) written++;
      } else if (copyIfChanged(src, dst)) written++;
    }
    copied++;
  }
  log(`copied ${copied} production packages of package-lock.json`);

  // Node itself: the binary that runs this build, so the images run the Node the tests ran.
  if (copyIfChanged(process.execPath, join(SERVICES_CONTEXT, 'node'))) written++;
  removeOthers(SERVICES_CONTEXT, new Set([...[...keep].map((k) => `app/${k}`), ...modules, 'node']));
  const { files, bytes, digest } = contextDigest(SERVICES_CONTEXT);
  return { dir: SERVICES_CONTEXT, digest, files, written, bytes, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

/** Copies a shared library without its symbols when `strip` is there (a third of librdkafka), else as it is. */
function stripInto(src: string, dst: string): boolean {
  const tmp = `${dst}.stripping`;
  mkdirSync(dirname(dst), { recursive: true });
  const r = spawnSync('strip', ['--strip-unneeded', '-o', tmp, src]);
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    return copyIfChanged(src, dst);
  }
  const changed = copyIfChanged(tmp, dst);
  rmSync(tmp, { force: true });
  return changed;
}

/**
 * The Java modules the Kafka broker (and its storage tool) loads: jlink makes a runtime of
 * these alone from the machine's JDK, about a fifth of a full one.
 */
export const KAFKA_JAVA_MODULES = [
  'java.base', 'java.compiler', 'java.desktop', 'java.instrument', 'java.logging', 'java.management', 'java.management.rmi',
  'java.naming', 'java.net.http', 'java.rmi', 'java.scripting', 'java.security.jgss', 'java.security.sasl', 'java.sql',
  'java.transaction.xa', 'java.xml', 'jdk.crypto.cryptoki', 'jdk.crypto.ec', 'jdk.management', 'jdk.naming.dns', 'jdk.net',
  'jdk.security.auth', 'jdk.security.jgss', 'jdk.unsupported', 'jdk.zipfs',
] as const;

/** The JDK's `release` file's JAVA_VERSION. */
function jdkVersion(jlink: string): string {
  const r = spawnSync(jlink, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new ImagesError('IMAGES.JLINK_MISSING', 'jlink (a JDK 17+) makes the Kafka image’s Java runtime: install openjdk-17-jdk-headless');
  return r.stdout.trim();
}

/** Makes the jlinked runtime (cached by JDK version and module list) and copies the broker's jars, FerretDB and docker/kafka into the infra context. */
export function stageInfra(log: (line: string) => void): StagedContext {
  const started = Date.now();
  const jlink = 'jlink';
  const version = jdkVersion(jlink);
  const stamp = createHash('sha256').update(JSON.stringify({ version, modules: KAFKA_JAVA_MODULES })).digest('hex').slice(0, 16);
  const jre = join(INFRA_CONTEXT, 'jre');
  const jreStamp = join(IMAGES_DIR, 'jre.stamp');
  let written = 0;
  if (!(existsSync(join(jre, 'bin', 'java')) && existsSync(jreStamp) && readFileSync(jreStamp, 'utf8') === stamp)) {
    log(`jlink: a Java ${version} runtime of ${KAFKA_JAVA_MODULES.length} modules for the Kafka image…`);
    rmSync(jre, { recursive: true, force: true });
    mkdirSync(INFRA_CONTEXT, { recursive: true });
    const r = spawnSync(jlink, ['--add-modules', KAFKA_JAVA_MODULES.join(','), '--strip-debug', '--no-man-pages', '--no-header-files', '--compress=2', '--output', jre], { encoding: 'utf8' });
    if (r.status !== 0) throw new ImagesError('IMAGES.JLINK_FAILED', `jlink failed:\n${r.stdout}${r.stderr}`);
    writeFileSync(jreStamp, stamp);
    written++;
  }
  if (!existsSync(KAFKA_LIBS) || !existsSync(FERRETDB_BIN)) throw new ImagesError('IMAGES.INFRA_NOT_PROVISIONED', 'the Kafka jars or FerretDB are missing: run npm run infra -- provision');
  const keep = new Set(walk(jre).map((f) => `jre/${f}`));
  for (const jar of readdirSync(KAFKA_LIBS).filter((f) => f.endsWith('.jar'))) {
    if (copyIfChanged(join(KAFKA_LIBS, jar), join(INFRA_CONTEXT, 'kafka-libs', jar))) written++;
    keep.add(`kafka-libs/${jar}`);
  }
  if (copyIfChanged(FERRETDB_BIN, join(INFRA_CONTEXT, 'ferretdb'))) written++;
  keep.add('ferretdb');
  for (const f of walk(join(DOCKER_DIR, 'kafka'))) {
    if (copyIfChanged(join(DOCKER_DIR, 'kafka', f), join(INFRA_CONTEXT, 'kafka', f))) written++;
    keep.add(`kafka/${f}`);
  }
  removeOthers(INFRA_CONTEXT, keep);
  const { files, bytes, digest } = contextDigest(INFRA_CONTEXT);
  return { dir: INFRA_CONTEXT, digest, files, written, bytes, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

if (require.main === module) {
  // `node -r @swc-node/register tools/images/stage.ts [services] [infra]`: stages the contexts
  // (both when none is named) and prints one JSON line each, for a build outside `npm run images`.
  const which = process.argv.slice(2);
  const log = (l: string) => process.stderr.write(`[images] ${l}\n`);
  for (const name of which.length > 0 ? which : ['services', 'infra']) {
    if (name !== 'services' && name !== 'infra') throw new ImagesError('IMAGES.UNKNOWN_CONTEXT', `${name}: the contexts are services and infra`);
    const { digest, files, bytes, seconds } = name === 'services' ? stageServices(log) : stageInfra(log);
    process.stdout.write(`${JSON.stringify({ context: name, dir: name === 'services' ? SERVICES_CONTEXT : INFRA_CONTEXT, files, bytes, digest, seconds })}\n`);
  }
}

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFerretDbPatches, ferretDbPatchId } from './ferretdb-patches';
import { FERRETDB_BIN, KAFKA_LIBS, KAFKA_POM, LOCAL_DIR } from './paths';
import { InfraError, requireTool, run, toolVersion, type Progress } from './process-util';

export const KAFKA_VERSION = '4.1.2';
export const FERRETDB_VERSION = 'v1.24.2';

/** The Debian packages the native Kafka client links against when built from source. */
export const NATIVE_CLIENT_APT_PACKAGES = ['libssl-dev', 'zlib1g-dev', 'libzstd-dev', 'libsasl2-dev', 'liblz4-dev'];

/** Missing Debian packages among `packages` (empty on a machine without dpkg: nothing to check). */
export function missingAptPackages(packages: readonly string[]): string[] {
  if (toolVersion('dpkg-query', ['--version']) === null) return [];
  return packages.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return !(r.status === 0 && r.stdout.includes('install ok installed'));
  });
}

/** Resolves the broker and tools jars from Maven Central into `.local/kafka/libs` once. */
export async function provisionKafka(progress: Progress): Promise<void> {
  const marker = join(KAFKA_LIBS, `kafka_2.13-${KAFKA_VERSION}.jar`);
  // The tools jar came later: a cache without it is resolved again.
  if (existsSync(marker) && existsSync(join(KAFKA_LIBS, `kafka-tools-${KAFKA_VERSION}.jar`))) return;
  requireTool('java', ['-version'], 'install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)');
  requireTool('mvn', ['-v'], 'install Apache Maven (Debian: apt-get install maven)');
  progress(`resolving Apache Kafka ${KAFKA_VERSION} broker jars from Maven Central (first run only)…`);
  rmSync(KAFKA_LIBS, { recursive: true, force: true });
  mkdirSync(KAFKA_LIBS, { recursive: true });
  await run(
    'mvn',
    ['-B', '-ntp', '-f', KAFKA_POM, 'dependency:copy-dependencies', `-DoutputDirectory=${KAFKA_LIBS}`, '-DincludeScope=runtime'],
    { progress: (l) => (/Copying|BUILD|ERROR/.test(l) ? progress(l) : undefined) },
  );
  if (!existsSync(marker)) throw new InfraError(`Maven finished but ${marker} is missing`);
  progress(`Kafka jars ready (${readdirSync(KAFKA_LIBS).length} files)`);
}

/**
 * Builds FerretDB from its Go module into `.local/bin` once. `go install` cannot be used: the
 * module proxy refuses the version list it asks for, and the module's embedded version file is
 * empty outside FerretDB's own build. So the exact version is downloaded, its version file
 * written, the SQLite backend's `_id` lookups patched to use their index (ferretdb-patches.ts),
 * and the command built from that copy.
 */
export async function provisionFerretDb(progress: Progress): Promise<void> {
  const build = `${FERRETDB_VERSION}+patches.${ferretDbPatchId()}\n`;
  const stamp = `${FERRETDB_BIN}.build`;
  if (existsSync(FERRETDB_BIN) && existsSync(stamp) && readFileSync(stamp, 'utf8') === build && (toolVersion(FERRETDB_BIN, ['--version']) ?? '').includes(FERRETDB_VERSION)) return;
  requireTool('go', ['version'], 'install Go 1.22+ (https://go.dev/doc/install or Debian: apt-get install golang)');
  progress(`building FerretDB ${FERRETDB_VERSION} from the Go module proxy (first run only)…`);
  const work = mkdtempSync(join(tmpdir(), 'vdx-ferretdb-'));
  try {
    const dl = spawnSync('go', ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod' },
    });
    if (dl.status !== 0) throw new InfraError(`go mod download failed:\n${dl.stdout}${dl.stderr}`);
    const dir = (JSON.parse(dl.stdout) as { Dir?: string }).Dir;
    if (!dir) throw new InfraError(`go mod download returned no source directory:\n${dl.stdout}`);
    const src = join(work, 'src');
    cpSync(dir, src, { recursive: true });
    // The module cache is read-only; the copy must be writable (and removable afterwards).
    spawnSync('chmod', ['-R', 'u+w', src]);
    writeFileSync(join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    applyFerretDbPatches(src);
    mkdirSync(join(LOCAL_DIR, 'bin'), { recursive: true });
    await run('go', ['build', '-o', FERRETDB_BIN, './cmd/ferretdb'], { cwd: src, progress });
    writeFileSync(stamp, build);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  progress(`FerretDB ready: ${FERRETDB_BIN}`);
}

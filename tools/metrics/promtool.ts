// Prometheus's promtool, built once from its Go module into .local/bin/promtool, for
// `promtool test rules deploy/prometheus/alerts.test.yml` (tools/metrics/alert-rules.int.spec.ts).
// Run directly (`node -r @swc-node/register tools/metrics/promtool.ts`) it builds the binary if
// needed and prints its path; the first build takes several minutes on two cores.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Go module version of Prometheus whose promtool is built (module v0.X0Y.Z is Prometheus 3.X.Y). */
export const PROMETHEUS_MODULE_VERSION = 'v0.305.0';

const ROOT = join(__dirname, '../..');
export const PROMTOOL_BIN = join(ROOT, '.local', 'bin', 'promtool');
const STAMP = `${PROMTOOL_BIN}.build`;

/** Whether the cached binary is the one this version builds. */
export function promtoolReady(): boolean {
  return existsSync(PROMTOOL_BIN) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === PROMETHEUS_MODULE_VERSION;
}

/**
 * The path of promtool, built first when the cache does not hold this version. The module is
 * downloaded through the Go module proxy and the command built inside it (its own go.mod and
 * go.sum, so replace and exclude directives hold as they do for Prometheus itself).
 */
export function ensurePromtool(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  if (promtoolReady()) return PROMTOOL_BIN;
  if (spawnSync('go', ['version']).status !== 0) throw new Error('promtool is built from its Go module: install Go 1.23+ (https://go.dev/doc/install)');
  log(`building promtool (Prometheus module ${PROMETHEUS_MODULE_VERSION}) into .local/bin (first run only, several minutes)…`);
  const dl = spawnSync('go', ['mod', 'download', '-json', `github.com/prometheus/prometheus@${PROMETHEUS_MODULE_VERSION}`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  if (dl.status !== 0) throw new Error(`go mod download failed:\n${dl.stdout}${dl.stderr}`);
  const dir = (JSON.parse(dl.stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download returned no source directory:\n${dl.stdout}`);
  mkdirSync(join(ROOT, '.local', 'bin'), { recursive: true });
  const build = spawnSync('go', ['build', '-trimpath', '-o', PROMTOOL_BIN, './cmd/promtool'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0' } });
  if (build.status !== 0) throw new Error(`go build ./cmd/promtool failed:\n${build.stdout}${build.stderr}`);
  writeFileSync(STAMP, `${PROMETHEUS_MODULE_VERSION}\n`);
  log(`promtool ready: ${PROMTOOL_BIN}`);
  return PROMTOOL_BIN;
}

if (require.main === module) process.stdout.write(`${ensurePromtool()}\n`);

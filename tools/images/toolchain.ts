// The container tools, installed once: podman, runc and mmdebstrap from Debian (as root, with
// apt-get, when missing), and podman-compose from PyPI into a virtual environment under
// .local/images/venv. Run directly (`node -r @swc-node/register tools/images/toolchain.ts`) it
// installs what is missing and prints one JSON line with the versions.
import { missingAptPackages } from '@vdx/local-infra';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES_DIR, ImagesError, runTool } from './podman';

/** Debian packages the images are built and run with (podman pulls in netavark, aardvark-dns, conmon). */
export const CONTAINER_APT_PACKAGES = ['podman', 'runc', 'mmdebstrap'] as const;
/** podman-compose from PyPI: Debian's 1.0.3 predates the compose features docker/compose.yaml uses. */
export const PODMAN_COMPOSE_VERSION = '1.6.0';

const VENV = join(IMAGES_DIR, 'venv');
export const PODMAN_COMPOSE = join(VENV, 'bin', 'podman-compose');

/** Installs the Debian packages that are missing (root only; otherwise says what to run). */
export function ensureAptPackages(log: (line: string) => void): string[] {
  const missing = missingAptPackages(CONTAINER_APT_PACKAGES);
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) throw new ImagesError('IMAGES.APT_MISSING', `missing Debian packages: run  sudo apt-get install -y ${missing.join(' ')}  and try again`);
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  runTool('apt-get', ['update', '-q'], { env, timeoutMs: 600_000 });
  runTool('apt-get', ['install', '-y', '-q', ...missing], { env, timeoutMs: 900_000 });
  return missing;
}

/** podman-compose in .local/images/venv, installed from PyPI when missing or of another version. */
export function ensurePodmanCompose(log: (line: string) => void): string {
  const stamp = join(VENV, '.vdx-podman-compose');
  if (existsSync(PODMAN_COMPOSE) && existsSync(stamp) && readFileSync(stamp, 'utf8') === PODMAN_COMPOSE_VERSION) return PODMAN_COMPOSE;
  log(`installing podman-compose ${PODMAN_COMPOSE_VERSION} from PyPI into .local/images/venv…`);
  const venv = spawnSync('python3', ['-m', 'venv', '--clear', VENV], { encoding: 'utf8' });
  if (venv.status !== 0) throw new ImagesError('IMAGES.PYTHON_VENV', `python3 -m venv failed (Debian: apt-get install python3-venv):\n${venv.stderr}`);
  runTool(join(VENV, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', `podman-compose==${PODMAN_COMPOSE_VERSION}`], { timeoutMs: 600_000 });
  writeFileSync(stamp, PODMAN_COMPOSE_VERSION);
  return PODMAN_COMPOSE;
}

export interface Toolchain {
  podman: string;
  podmanCompose: string;
  installed: string[];
}

/** Everything the image build and the smoke tests run. */
export function ensureContainerTools(log: (line: string) => void = (l) => process.stderr.write(`[images] ${l}\n`)): Toolchain {
  const installed = ensureAptPackages(log);
  const compose = ensurePodmanCompose(log);
  const podmanVersion = runTool('podman', ['--version']).stdout.trim();
  const composeVersion = runTool(compose, ['--version']).stdout.trim().split('\n').find((l) => l.startsWith('podman-compose')) ?? '';
  return { podman: podmanVersion, podmanCompose: composeVersion, installed };
}

if (require.main === module) process.stdout.write(`${JSON.stringify(ensureContainerTools())}\n`);

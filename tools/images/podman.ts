// Running podman the project's way: the runtime and limits of docker/containers.conf (runc, and
// ulimits the sandboxed machines can grant), and an image store of the project's own under
// .local/images, so nothing here touches the machine's other containers and `rm -rf .local`
// starts again from nothing.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError, type ErrorCodeOf } from '@vdx/contracts/errors';

export const ROOT = join(__dirname, '../..');
export const DOCKER_DIR = join(ROOT, 'docker');
/** Everything the image tools make or cache: base tarballs, build contexts, the podman-compose venv, the image store. */
export const IMAGES_DIR = join(ROOT, '.local', 'images');
export const CONTAINERS_CONF = join(DOCKER_DIR, 'containers.conf');
const STORAGE_CONF = join(IMAGES_DIR, 'storage.conf');

/** A coded failure of the image tools (`ERROR_CODES.IMAGES`): the code starts the message, as `IMAGES.COMMAND_FAILED: …`. */
export class ImagesError extends CodedError<ErrorCodeOf<'IMAGES'>> {
  override readonly name = 'ImagesError';
  constructor(code: ErrorCodeOf<'IMAGES'>, detail: string) {
    super(code, `${code}: ${detail}`);
  }
}

/** containers-storage.conf(5) for the project's store: overlay layers under .local/images/storage. */
export function storageConf(imagesDir: string): string {
  return ['[storage]', 'driver = "overlay"', `graphroot = "${join(imagesDir, 'storage')}"`, `runroot = "${join(imagesDir, 'run')}"`, ''].join('\n');
}

/** The environment every podman (and podman-compose) call of the project runs with. */
export function podmanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const conf = storageConf(IMAGES_DIR);
  if (!existsSync(STORAGE_CONF) || readFileSync(STORAGE_CONF, 'utf8') !== conf) {
    mkdirSync(IMAGES_DIR, { recursive: true });
    writeFileSync(STORAGE_CONF, conf);
  }
  return { ...process.env, CONTAINERS_CONF, CONTAINERS_STORAGE_CONF: STORAGE_CONF, ...extra };
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Bytes written to the command's standard input. */
  readonly input?: string | Buffer;
  /** Milliseconds before the command is killed (default 10 minutes). */
  readonly timeoutMs?: number;
  /** Return the result instead of throwing on a non-zero exit. */
  readonly allowFailure?: boolean;
}

function check(what: string, r: SpawnSyncReturns<string>, allowFailure: boolean | undefined): SpawnSyncReturns<string> {
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new ImagesError('IMAGES.TOOL_MISSING', `${what}: not installed (npm run images installs podman and its tools)`);
  if (r.error) throw new ImagesError('IMAGES.COMMAND_FAILED', `${what}: ${r.error.message}`);
  if (r.status !== 0 && !allowFailure) {
    throw new ImagesError('IMAGES.COMMAND_FAILED', `${what} exited ${r.status ?? r.signal}:\n${(r.stdout + r.stderr).slice(-4000)}`);
  }
  return r;
}

/** Runs a command to its end with the project's podman environment; throws a coded error on failure. */
export function runTool(cmd: string, args: readonly string[], opts: RunOptions = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: podmanEnv(opts.env),
    encoding: 'utf8',
    input: opts.input,
    timeout: opts.timeoutMs ?? 600_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return check(`${cmd} ${args.join(' ')}`, r, opts.allowFailure);
}

/** `podman …`, its standard output trimmed. */
export function podman(args: readonly string[], opts: RunOptions = {}): string {
  return runTool('podman', args, opts).stdout.trim();
}

/**
 * Runs a long command with its output streamed line by line to `progress` (a build), resolving
 * when it ends; rejects with the last lines on failure.
 */
export function streamTool(cmd: string, args: readonly string[], progress: (line: string) => void, opts: Omit<RunOptions, 'input' | 'allowFailure'> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: podmanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    let partial = '';
    const onData = (b: Buffer) => {
      const text = partial + b.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail = `${tail}${line}\n`.slice(-4000);
        if (line.trim() !== '') progress(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 1_800_000);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new ImagesError('IMAGES.TOOL_MISSING', `${cmd}: not installed (npm run images installs podman and its tools)`) : err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new ImagesError('IMAGES.COMMAND_FAILED', `${cmd} ${args.join(' ')} exited ${code ?? signal}:\n${tail}${partial}`));
    });
  });
}

/** Whether the project's store holds an image of that name. */
export function imageExists(name: string): boolean {
  return runTool('podman', ['image', 'exists', name], { allowFailure: true }).status === 0;
}

/** A label of an image in the project's store, or undefined when the image or the label is missing. */
export function imageLabel(name: string, label: string): string | undefined {
  if (!imageExists(name)) return undefined;
  const out = podman(['image', 'inspect', '--format', `{{index .Labels "${label}"}}`, name]);
  return out === '' || out === '<no value>' ? undefined : out;
}

/** An image's size in bytes, as `podman image ls` counts it (every layer it has). */
export function imageSize(name: string): number {
  return Number(podman(['image', 'inspect', '--format', '{{.Size}}', name]));
}

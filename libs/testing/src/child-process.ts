import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');

/** A TypeScript entry point started as its own Node process, as a deployment would run it. */
export interface TsProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or the signal name) once it has exited. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export function spawnTs(entry: string, env: Record<string, string>, opts: { echo?: boolean; nodeArgs?: readonly string[] } = {}): TsProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', ...(opts.nodeArgs ?? []), entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-20_000);
    if (opts.echo) process.stderr.write(b);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((res) => child.on('exit', (code, signal) => res(code ?? signal ?? 'unknown')));
  return {
    child,
    output: () => out,
    exited,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Path of a fixture script beside a test file. */
export const scriptPath = (dir: string, file: string): string => join(dir, file);

/**
 * Stops a process as an orchestrator would: SIGTERM, then SIGKILL if it has not exited after
 * `graceMs`. Resolves with its exit code or signal.
 */
export async function stopProcess(p: TsProcess, graceMs = 20_000): Promise<number | string> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exited;
  p.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
  const first = await Promise.race([p.exited, late]).finally(() => clearTimeout(timer));
  return first === 'late' ? p.kill('SIGKILL') : first;
}

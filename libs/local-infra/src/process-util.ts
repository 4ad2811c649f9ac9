import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { CodedError, type CodedErrorOptions } from '@vdx/contracts/errors';

/** Raised when a prerequisite is missing or a step fails (`INFRA.FAILED`); the message says what to do. */
export class InfraError extends CodedError<'INFRA.FAILED'> {
  override readonly name = 'InfraError';
  constructor(message: string, options?: CodedErrorOptions) {
    super('INFRA.FAILED', message, options);
  }
}

/** Lines of progress for a person watching a first, slow start. */
export type Progress = (line: string) => void;
export const consoleProgress: Progress = (line) => process.stderr.write(`[infra] ${line}\n`);

/** The first line a command prints of its version, or null when it is not installed. */
export function toolVersion(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '';
}

/** Requires a command, failing with the Debian package that provides it. */
export function requireTool(cmd: string, versionArgs: string[], install: string): string {
  const v = toolVersion(cmd, versionArgs);
  if (v === null) throw new InfraError(`${cmd} is required but not installed: ${install}`);
  return v;
}

/** Runs a command to completion, streaming its output through `progress`, and throws on failure. */
export async function run(cmd: string, args: string[], opts: SpawnOptions & { progress?: Progress } = {}): Promise<void> {
  const { progress, ...spawnOpts } = opts;
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn(cmd, args, { ...spawnOpts, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-4000);
      if (progress) for (const line of text.split('\n')) if (line.trim()) progress(`  ${line.trimEnd()}`);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new InfraError(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${tail}`)),
    );
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readPid(pidFile: string): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    rmSync(pidFile, { force: true });
    return null;
  }
  return pid;
}

/** Polls `check` until it returns true or the deadline passes; the last error explains a timeout. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      if (await check()) return;
      lastError = null;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new InfraError(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stopPid(pid: number, graceMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  try {
    await waitFor(`process ${pid} to exit`, async () => !isAlive(pid), graceMs, 100);
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await waitFor(`process ${pid} to exit after SIGKILL`, async () => !isAlive(pid), 5000, 50);
  }
}

/** Starts a long-running server detached from this process, logging to `logFile`, and records its pid. */
export function spawnDaemon(cmd: string, args: string[], pidFile: string, logFile: string): number {
  const log = openSync(logFile, 'a');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  if (!child.pid) throw new InfraError(`${cmd} did not start`);
  writeFileSync(pidFile, String(child.pid));
  return child.pid;
}

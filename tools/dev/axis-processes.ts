// The services `npm start` runs, for the operator: where each one's health, metrics and APIs
// answer (printed at start-up), and a state file (`.local/run/dev/axis.json`) that
// `npm run infra -- status` reads to show every process with its ports and state.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CodedError } from '@vdx/contracts/errors';

/** One service process started by `npm start`. */
export interface AxisProcess {
  readonly service: string;
  /** The instance number of a scaled service (`--instances N`), null for the single ones. */
  readonly instance: number | null;
  readonly pid: number;
  /** Health (`/health/live`, `/health/ready`) and metrics (`/metrics`). */
  readonly httpPort: number;
  /** The service's API port beside HTTP (gRPC, or the legacy edge's VXP HTTP API), if it has one. */
  readonly apiPort: number | null;
  /** What answers on `apiPort`. */
  readonly api: string | null;
}

/** The `npm start` state file's shape, versioned so a later layout is refused, not misread. */
interface AxisState {
  readonly version: 1;
  readonly startedAt: string;
  readonly supervisorPid: number;
  readonly processes: readonly AxisProcess[];
}

/** A state file that cannot be read as one `npm start` wrote. */
export class AxisStateError extends CodedError<'DEV.AXIS_STATE_UNREADABLE'> {
  override readonly name = 'AxisStateError';
  constructor(file: string, why: string) {
    super('DEV.AXIS_STATE_UNREADABLE', `${file}: ${why}; delete it (npm start writes a new one)`, { path: file });
  }
}

/** What answers on a service's API port, by service. */
const APIS: Readonly<Record<string, string>> = {
  gateway: 'gRPC exchange.v1 (mTLS)',
  directory: 'gRPC directory.v1',
  delivery: 'gRPC delivery.v1',
  'legacy-edge': 'VXP HTTP API (/XrdAdapter/adapter)',
};

/** The API a service serves on its own port beside HTTP, or null. */
export function apiOf(service: string): string | null {
  return APIS[service] ?? null;
}

/** The label of a process in tables and log prefixes: `gateway#1` for instance 1 of a scaled service. */
export function labelOf(p: Pick<AxisProcess, 'service' | 'instance'>): string {
  return p.instance === null ? p.service : `${p.service}#${p.instance}`;
}

/** The operator's view of the processes: one line per process with its health, metrics and API endpoints. */
export function formatEndpoints(processes: readonly AxisProcess[], extra: readonly string[] = []): string {
  const width = Math.max(12, ...processes.map((p) => labelOf(p).length + 1));
  const lines = processes.map((p) => {
    const http = `http://127.0.0.1:${p.httpPort}`;
    const api = p.apiPort === null ? '' : `  ${p.api ?? 'API'} 127.0.0.1:${p.apiPort}`;
    const console = p.service === 'statistics' ? `  console ${http}/console/` : '';
    return `  ${labelOf(p).padEnd(width)} health ${http}/health/ready  metrics ${http}/metrics${api}${console}`;
  });
  return [...lines, ...extra.map((l) => `  ${l}`)].join('\n');
}

/** Writes the state file atomically (a temporary file renamed over it). */
export function writeAxisState(file: string, processes: readonly AxisProcess[], supervisorPid = process.pid, now = new Date()): void {
  const state: AxisState = { version: 1, startedAt: now.toISOString(), supervisorPid, processes };
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, file);
}

/** Removes the state file (npm start stopping). */
export function clearAxisState(file: string): void {
  rmSync(file, { force: true });
}

/** The processes of the state file; none when there is no file; {@link AxisStateError} when it is not one npm start wrote. */
export function readAxisState(file: string): { readonly startedAt: string; readonly supervisorPid: number; readonly processes: readonly AxisProcess[] } | null {
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AxisStateError(file, `not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const s = parsed as Partial<AxisState> | null;
  if (s === null || typeof s !== 'object' || s.version !== 1) throw new AxisStateError(file, 'not a version 1 state file');
  if (typeof s.startedAt !== 'string' || typeof s.supervisorPid !== 'number' || !Array.isArray(s.processes)) throw new AxisStateError(file, 'startedAt, supervisorPid or processes missing');
  for (const p of s.processes as unknown[]) {
    const q = p as Partial<AxisProcess> | null;
    const port = (v: unknown) => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;
    if (q === null || typeof q.service !== 'string' || !Number.isInteger(q.pid) || !port(q.httpPort) || !(q.apiPort === null || port(q.apiPort)) || !(q.instance === null || Number.isInteger(q.instance))) {
      throw new AxisStateError(file, `an entry is not a process: ${JSON.stringify(p)}`);
    }
  }
  return { startedAt: s.startedAt, supervisorPid: s.supervisorPid, processes: s.processes as AxisProcess[] };
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type ProcessState = 'ready' | 'not ready' | 'stopped';

/** A process's state: stopped (no such pid), else ready when `/health/ready` answers 200 within the timeout. */
export async function probeProcess(p: Pick<AxisProcess, 'pid' | 'httpPort'>, timeoutMs = 1500): Promise<ProcessState> {
  if (!isAlive(p.pid)) return 'stopped';
  try {
    const res = await fetch(`http://127.0.0.1:${p.httpPort}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200 ? 'ready' : 'not ready';
  } catch {
    return 'not ready';
  }
}

/** The status rows of `npm run infra -- status` for the processes, in the same columns as the infrastructure's. */
export function formatStatusRows(rows: readonly { readonly process: AxisProcess; readonly state: ProcessState }[]): string[] {
  return rows.map(({ process: p, state }) => {
    const ports = `http :${p.httpPort}${p.apiPort === null ? '' : `, api :${p.apiPort}`}`;
    return `${labelOf(p).padEnd(12)} ${ports.padEnd(28)} ${(state === 'stopped' ? 'not running' : `pid ${p.pid}`).padEnd(12)} ${state}`;
  });
}

/** Where `npm start` keeps its state file under the repository root (the `dev` profile's run directory). */
export function axisStateFile(root: string): string {
  return join(root, '.local/run/dev/axis.json');
}

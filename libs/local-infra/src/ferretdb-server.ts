import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FERRETDB_BIN } from './paths';
import { InfraError, readPid, spawnDaemon, stopPid, waitFor, type Progress } from './process-util';
import { probeMongo } from './probes';

export interface FerretDbOptions {
  readonly dir: string;
  readonly port: number;
  /** Where its debug listener serves Prometheus metrics (`/debug/metrics`); the OS picks a port when absent. */
  readonly metricsPort?: number;
}

/** FerretDB with its SQLite handler: the MongoDB-wire store for local runs and tests. */
export class FerretDbServer {
  constructor(readonly opts: FerretDbOptions) {}

  get url(): string {
    return `mongodb://127.0.0.1:${this.opts.port}/`;
  }

  /** FerretDB's Prometheus metrics, when its debug listener has a known port. */
  get metricsUrl(): string | null {
    return this.opts.metricsPort ? `http://127.0.0.1:${this.opts.metricsPort}/debug/metrics` : null;
  }

  private get pidFile(): string {
    return join(this.opts.dir, 'ferretdb.pid');
  }

  get logFile(): string {
    return join(this.opts.dir, 'ferretdb.log');
  }

  pid(): number | null {
    return readPid(this.pidFile);
  }

  async start(progress: Progress): Promise<void> {
    if (this.pid() !== null) {
      await this.awaitReady(30_000);
      return;
    }
    if (!existsSync(FERRETDB_BIN)) throw new InfraError(`no FerretDB at ${FERRETDB_BIN}: run npm run infra -- provision`);
    const data = join(this.opts.dir, 'data');
    mkdirSync(data, { recursive: true });
    progress(`starting FerretDB on 127.0.0.1:${this.opts.port}`);
    const pid = spawnDaemon(
      FERRETDB_BIN,
      [
        '--handler=sqlite',
        // WAL with synchronous=NORMAL: a commit is not fsynced (a checkpoint is). The store holds
        // projections of the log, so a power cut costs a replay at worst; a killed process loses
        // nothing. Twice the single-writer update rate of the default FULL (docs/adr/0009).
        // Transactions take the write lock when they begin (IMMEDIATE): a batched update reads
        // before it writes, and a read transaction can't always be upgraded (docs/adr/0002).
        `--sqlite-url=file:${data}/?_pragma=synchronous(normal)&_txlock=immediate`,
        `--listen-addr=127.0.0.1:${this.opts.port}`,
        // The debug listener serves the store's metrics (the benchmark's operation counts).
        `--debug-addr=127.0.0.1:${this.opts.metricsPort ?? 0}`,
        `--state-dir=${this.opts.dir}`,
        '--telemetry=disable',
        '--log-level=warn',
      ],
      this.pidFile,
      this.logFile,
    );
    await this.awaitReady(30_000, pid);
    progress(`FerretDB ready on ${this.url}`);
  }

  async awaitReady(timeoutMs: number, pid?: number): Promise<void> {
    await waitFor(
      `FerretDB on ${this.url} (log: ${this.logFile})`,
      async () => {
        if (pid !== undefined && this.pid() === null) throw new InfraError(`FerretDB exited during start; see ${this.logFile}`);
        return probeMongo(this.url, 1000);
      },
      timeoutMs,
      200,
    );
  }

  async stop(progress: Progress): Promise<void> {
    const pid = this.pid();
    if (pid === null) return;
    progress(`stopping FerretDB (pid ${pid})`);
    await stopPid(pid, 10_000);
  }
}

import type { ReadinessProbe } from './readiness-probe';

/** The part of a MongoDB `Db` the probe uses. */
export interface PingableDb {
  command(command: { ping: 1 }): Promise<Record<string, unknown>>;
}

/**
 * The store is ready when it answers `ping`. The driver reconnects on its own, so the shared
 * client is reused; the caller's deadline keeps a dead server from holding the check.
 */
export class StoreReadinessProbe implements ReadinessProbe {
  constructor(private readonly db: PingableDb) {}

  async check(): Promise<void> {
    const res = await this.db.command({ ping: 1 });
    if (res['ok'] !== 1) throw new Error(`store answered ping with ${JSON.stringify(res)}`);
  }
}

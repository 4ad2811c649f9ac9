import type { ReadinessProbe } from './readiness-probe';
import { withTimeout } from './readiness-probe';

/** The part of the Kafka admin client the probe uses (KafkaJS-compatible). */
export interface ProbeAdmin {
  connect(): Promise<void>;
  listTopics(options?: { timeout?: number }): Promise<string[]>;
  disconnect(): Promise<void>;
}

/**
 * Kafka is ready when the cluster answers a metadata request. A healthy admin connection is
 * reused between checks; after any failure it is dropped and the next check starts a fresh one,
 * so a broker that comes back is seen at once and no stale connection state is cached.
 */
export class KafkaReadinessProbe implements ReadinessProbe {
  private admin: ProbeAdmin | undefined;
  private connecting: Promise<ProbeAdmin> | undefined;

  constructor(
    private readonly newAdmin: () => ProbeAdmin,
    private readonly timeoutMs: number,
  ) {}

  async check(): Promise<void> {
    try {
      const admin = await withTimeout(this.connected(), this.timeoutMs, 'kafka');
      await withTimeout(admin.listTopics({ timeout: this.timeoutMs }), this.timeoutMs, 'kafka');
    } catch (err) {
      this.reset();
      throw err;
    }
  }

  /** Releases the admin client; called on application shutdown. */
  async close(): Promise<void> {
    const pending = this.connecting;
    this.admin = undefined;
    this.connecting = undefined;
    const admin = await pending?.catch(() => undefined);
    if (admin) await withTimeout(admin.disconnect(), this.timeoutMs, 'kafka disconnect').catch(() => undefined);
  }

  private connected(): Promise<ProbeAdmin> {
    if (this.admin) return Promise.resolve(this.admin);
    if (!this.connecting) {
      const admin = this.newAdmin();
      // Shared by concurrent checks so two requests never open two clients.
      this.connecting = admin.connect().then(() => {
        this.admin = admin;
        return admin;
      });
      // A connect that fails after its check timed out must not surface as an unhandled rejection.
      this.connecting.catch(() => undefined);
    }
    return this.connecting;
  }

  private reset(): void {
    const pending = this.connecting;
    this.admin = undefined;
    this.connecting = undefined;
    // Not awaited: disconnecting from a dead broker may itself be slow, and the check must fail fast.
    void pending
      ?.then((admin) => admin.disconnect())
      .catch(() => undefined);
  }
}

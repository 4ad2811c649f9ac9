import { DIRECTORY_SNAPSHOT_TOPIC, decodeAgencySnapshot, type AgencySnapshot } from '@vdx/contracts';
import { TopicFollower, type ConsumedRecord, type KafkaSettings } from '@vdx/messaging';

export interface DirectoryCacheOptions {
  readonly topic?: string;
  readonly onError?: (err: Error) => void;
}

/** Where a document for `requested` goes, and why. */
export interface SuccessorResolution {
  readonly code: string;
  /** Every retired code passed through, the requested one first; empty when it is current. */
  readonly via: readonly string[];
}

const MAX_CHAIN = 64;

/**
 * A process-local, always-current copy of the directory, built from the compacted snapshot
 * topic (`vdx.directory.snapshot.v1`). `start` resolves once the copy holds everything the
 * directory had committed when it was called; later changes keep flowing in.
 */
export class DirectoryCache {
  private readonly agencies = new Map<string, AgencySnapshot>();
  private readonly follower: TopicFollower;
  private readonly listeners = new Set<(changed: readonly AgencySnapshot[]) => void>();
  private undecodable = 0;

  constructor(settings: KafkaSettings, private readonly opts: DirectoryCacheOptions = {}) {
    this.follower = new TopicFollower(settings, opts.topic ?? DIRECTORY_SNAPSHOT_TOPIC, (records) => this.apply(records), {
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }

  async start(): Promise<void> {
    await this.follower.start();
    await this.follower.caughtUp;
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  get size(): number {
    return this.agencies.size;
  }

  /** Snapshots that could not be decoded and were skipped (a newer writer, or corruption). */
  get skipped(): number {
    return this.undecodable;
  }

  get(code: string): AgencySnapshot | undefined {
    return this.agencies.get(code);
  }

  /** Called with the agencies each batch of snapshot records changed. */
  onChange(listener: (changed: readonly AgencySnapshot[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Follows retired codes to their successors; undefined when unknown or retired without a current successor. */
  resolveSuccessor(code: string): SuccessorResolution | undefined {
    const via: string[] = [];
    let current = this.agencies.get(code);
    while (current && current.status === 'retired') {
      if (via.length >= MAX_CHAIN || via.includes(current.code) || !current.successorCode) return undefined;
      via.push(current.code);
      current = this.agencies.get(current.successorCode);
    }
    return current ? { code: current.code, via } : undefined;
  }

  /** The agency itself when it has a connected system, else its nearest ancestor that has one. */
  nearestConnected(code: string): AgencySnapshot | undefined {
    let current = this.agencies.get(code);
    for (let depth = 0; current && depth < 4; depth++) {
      if (current.status === 'active' && current.systems.length > 0) return current;
      current = current.parentCode ? this.agencies.get(current.parentCode) : undefined;
    }
    return undefined;
  }

  private apply(records: readonly ConsumedRecord[]): void {
    const changed: AgencySnapshot[] = [];
    for (const r of records) {
      if (!r.value) continue;
      try {
        const snapshot = decodeAgencySnapshot(r.value, r.headers);
        const known = this.agencies.get(snapshot.code);
        // A compacted topic can hold an older record beside a newer one until it compacts.
        if (known && known.version > snapshot.version) continue;
        this.agencies.set(snapshot.code, snapshot);
        changed.push(snapshot);
      } catch (err) {
        this.undecodable += 1;
        this.opts.onError?.(err as Error);
      }
    }
    if (changed.length > 0) for (const l of this.listeners) l(changed);
  }
}

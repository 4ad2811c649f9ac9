import { DIRECTORY_SNAPSHOT_TOPIC, decodeAgencySnapshot, type AgencySnapshot } from '@vdx/contracts';
import { TopicFollower, type ConsumedRecord, type KafkaSettings } from '@vdx/messaging';
import { DirectoryIndex, type SuccessorResolution } from './directory-index';

export interface DirectoryCacheOptions {
  readonly topic?: string;
  readonly onError?: (err: Error) => void;
}


/**
 * A process-local, always-current copy of the directory, built from the compacted snapshot
 * topic (`vdx.directory.snapshot.v1`). `start` resolves once the copy holds everything the
 * directory had committed when it was called; later changes keep flowing in.
 */
export class DirectoryCache {
  private readonly index = new DirectoryIndex();
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
    return this.index.size;
  }

  /** Snapshots that could not be decoded and were skipped (a newer writer, or corruption). */
  get skipped(): number {
    return this.undecodable;
  }

  get(code: string): AgencySnapshot | undefined {
    return this.index.get(code);
  }

  /** Called with the agencies each batch of snapshot records changed. */
  onChange(listener: (changed: readonly AgencySnapshot[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Follows retired codes to their successors; undefined when unknown or retired without a current successor. */
  resolveSuccessor(code: string): SuccessorResolution | undefined {
    return this.index.resolveSuccessor(code);
  }

  /** The agency itself when it is active with a connected system, else its nearest such ancestor. */
  nearestConnected(code: string): AgencySnapshot | undefined {
    return this.index.nearestConnected(code);
  }

  /** Active agencies where a system with this certificate fingerprint is connected. */
  agenciesOfCredential(fingerprint: string): AgencySnapshot[] {
    return this.index.agenciesOfCredential(fingerprint);
  }

  /** Whether the system holding this certificate may act for `code` (see {@link DirectoryIndex.mayActFor}). */
  mayActFor(fingerprint: string, code: string): boolean {
    return this.index.mayActFor(fingerprint, code);
  }

  private apply(records: readonly ConsumedRecord[]): void {
    const changed: AgencySnapshot[] = [];
    for (const r of records) {
      if (!r.value) continue;
      try {
        const snapshot = decodeAgencySnapshot(r.value, r.headers);
        if (this.index.put(snapshot)) changed.push(snapshot);
      } catch (err) {
        this.undecodable += 1;
        this.opts.onError?.(err as Error);
      }
    }
    if (changed.length > 0) for (const l of this.listeners) l(changed);
  }
}

/**
 * A bounded map of answers that expire: an entry is served until its own `expiresAt` (an OCSP
 * response's or a CRL's nextUpdate), the oldest entry goes when the map is full. Concurrent
 * look-ups of one key share one promise, so a burst asks the network once.
 */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  hits = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number,
  ) {}

  /** The value while fresh (`accept` may refuse it, e.g. an answer older than the time asked about). */
  get(key: string, accept: (value: V) => boolean = () => true): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    if (!accept(entry.value)) return undefined;
    this.hits += 1;
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    if (expiresAt <= this.clock() || this.maxEntries <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Runs `load` once for concurrent callers of the same key. */
  async once<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const promise = load().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  get size(): number {
    return this.entries.size;
  }
}

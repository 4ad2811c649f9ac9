// Heap measurement for the streaming test and benchmark.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A function forcing a full GC, exposed at runtime when node was not started with --expose-gc. */
export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) return existing;
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function') throw new Error('could not expose gc');
  return () => {
    gc();
  };
}

export function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

/**
 * Tracks heap use while a job runs: `sample()` records the current heap; every `gcEveryBytes`
 * of progress a full GC runs first, so `retainedPeak` measures what is really held, while
 * `rawPeak` includes garbage not yet collected.
 */
export class HeapProbe {
  readonly baseline: number;
  rawPeak: number;
  retainedPeak: number;
  private sinceGc = 0;

  constructor(
    private readonly gc: () => void,
    private readonly gcEveryBytes: number,
  ) {
    gc();
    this.baseline = heapUsed();
    this.rawPeak = this.baseline;
    this.retainedPeak = this.baseline;
  }

  progress(bytes: number): void {
    this.sinceGc += bytes;
    this.rawPeak = Math.max(this.rawPeak, heapUsed());
    if (this.sinceGc >= this.gcEveryBytes) {
      this.sinceGc = 0;
      this.gc();
      this.retainedPeak = Math.max(this.retainedPeak, heapUsed());
    }
  }

  get rawGrowthMb(): number {
    return (this.rawPeak - this.baseline) / 2 ** 20;
  }

  get retainedGrowthMb(): number {
    return (this.retainedPeak - this.baseline) / 2 ** 20;
  }
}

/** Java's `String.hashCode`: s[0]*31^(n-1) + … + s[n-1] over UTF-16 code units, in 32-bit ints. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The iteration order of a `java.util.HashMap<String, String>` (Java 8 and later): table of 16
 * buckets doubled past a load factor of 0.75, bucket index `(h ^ (h >>> 16)) & (n - 1)`,
 * entries of one bucket in insertion order; replacing a value keeps the entry's place. (A
 * bucket is only turned into a tree past 8 entries, which a header map never reaches.)
 */
export class JavaHashMap {
  private readonly keys: string[] = [];
  private readonly values = new Map<string, string>();

  put(key: string, value: string): void {
    if (!this.values.has(key)) this.keys.push(key);
    this.values.set(key, value);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  private capacity(): number {
    let n = 16;
    while (this.keys.length > n * 0.75) n *= 2;
    return n;
  }

  /** Entries in the order the Java map iterates them. */
  entries(): [string, string][] {
    const n = this.capacity();
    const bucket = (k: string) => {
      const h = javaStringHash(k);
      return (h ^ (h >>> 16)) & (n - 1);
    };
    return this.keys
      .map((k, i) => ({ k, i, b: bucket(k) }))
      .sort((x, y) => x.b - y.b || x.i - y.i)
      .map(({ k }) => [k, this.values.get(k)!]);
  }
}

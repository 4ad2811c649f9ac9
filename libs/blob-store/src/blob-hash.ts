import { createHash, type Hash } from 'node:crypto';
import { BlobStoreError } from './blob-store.error';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Whether `value` is a blob address: 64 lower-case hex digits. */
export function isSha256(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX.test(value);
}

/** Throws BLOB.INVALID_HASH unless `value` is a blob address. */
export function assertSha256(value: unknown): asserts value is string {
  if (!isSha256(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
    throw new BlobStoreError('BLOB.INVALID_HASH', `not a lower-case hex SHA-256: ${shown}`);
  }
}

/** Hashes and counts bytes as they pass, refusing to go past `maxBytes`. */
export class HashingCounter {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;

  constructor(readonly maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
  }

  /** Size so far. */
  get size(): number {
    return this.bytes;
  }

  /** Counts and hashes `chunk`; throws BLOB.TOO_LARGE (and counts nothing) if it would pass the limit. */
  add(chunk: Uint8Array): void {
    if (this.bytes + chunk.byteLength > this.maxBytes) {
      throw new BlobStoreError('BLOB.TOO_LARGE', `blob exceeds the limit of ${this.maxBytes} bytes`);
    }
    this.bytes += chunk.byteLength;
    this.hash.update(chunk);
  }

  /** The lower-case hex SHA-256 of everything added (call once). */
  digest(): string {
    return this.hash.digest('hex');
  }
}

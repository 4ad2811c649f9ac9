import { Readable } from 'node:stream';
import { DEFAULT_MAX_BYTES, type BlobRef, type BlobSource, type BlobStore, type BlobWriter, type ByteRange, type PutOptions, type PutResult } from './blob-store';
import { BlobStoreError } from './blob-store.error';
import { assertSha256, HashingCounter } from './blob-hash';
import { resolveRange } from './byte-range';
import { putFromSource } from './put-from-source';

interface StoredBlob {
  readonly bytes: Buffer;
  readonly contentType?: string;
}

const READ_CHUNK = 64 * 1024;

/** A BlobStore in process memory, for unit tests of code that uses the port. */
export class InMemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, StoredBlob>();

  /** Number of distinct blobs stored. */
  get count(): number {
    return this.blobs.size;
  }

  /** @inheritdoc */
  put(source: BlobSource, opts?: PutOptions): Promise<PutResult> {
    return putFromSource(source, this.openWriter(opts));
  }

  /** @inheritdoc */
  async get(sha256: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    const blob = this.require(sha256);
    const { start, end } = resolveRange(blob.bytes.length, range);
    const slice = blob.bytes.subarray(start, end);
    return Readable.from(chunksOf(slice), { objectMode: false });
  }

  /** @inheritdoc */
  async stat(sha256: string): Promise<BlobRef | null> {
    assertSha256(sha256);
    const blob = this.blobs.get(sha256);
    return blob ? toRef(sha256, blob) : null;
  }

  /** @inheritdoc */
  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  /** @inheritdoc */
  openWriter(opts?: PutOptions): BlobWriter {
    const counter = new HashingCounter(opts?.maxBytes ?? DEFAULT_MAX_BYTES);
    const contentType = opts?.contentType;
    let parts: Buffer[] = [];
    let state: 'open' | 'closed' = 'open';
    const ensureOpen = (): void => {
      if (state !== 'open') throw new Error('blob writer is already ended or aborted');
    };
    return {
      write: async (chunk) => {
        ensureOpen();
        try {
          counter.add(chunk);
        } catch (error) {
          state = 'closed';
          parts = [];
          throw error;
        }
        parts.push(Buffer.from(chunk)); // a copy: the caller may reuse its buffer
      },
      end: async () => {
        ensureOpen();
        state = 'closed';
        const sha256 = counter.digest();
        const existing = this.blobs.get(sha256);
        if (existing) return { ...toRef(sha256, existing), existed: true };
        const blob: StoredBlob = contentType === undefined ? { bytes: Buffer.concat(parts) } : { bytes: Buffer.concat(parts), contentType };
        parts = [];
        this.blobs.set(sha256, blob);
        return { ...toRef(sha256, blob), existed: false };
      },
      abort: async () => {
        state = 'closed';
        parts = [];
      },
    };
  }

  private require(sha256: string): StoredBlob {
    assertSha256(sha256);
    const blob = this.blobs.get(sha256);
    if (!blob) throw new BlobStoreError('BLOB.NOT_FOUND', `no blob ${sha256}`);
    return blob;
  }
}

function toRef(sha256: string, blob: StoredBlob): BlobRef {
  return blob.contentType === undefined ? { sha256, size: blob.bytes.length } : { sha256, size: blob.bytes.length, contentType: blob.contentType };
}

function* chunksOf(bytes: Buffer): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += READ_CHUNK) yield bytes.subarray(i, i + READ_CHUNK);
}

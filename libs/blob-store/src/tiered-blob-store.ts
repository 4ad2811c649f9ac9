import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Binary, MongoServerError, type Collection, type Db } from 'mongodb';
import { DEFAULT_MAX_BYTES, type BlobRef, type BlobSource, type BlobStore, type BlobWriter, type ByteRange, type PutOptions, type PutResult } from './blob-store';
import { BlobStoreError, isBlobStoreError } from './blob-store.error';
import { assertSha256 } from './blob-hash';
import { resolveRange } from './byte-range';
import { withMappedErrors } from './driver-errors';
import { FileBlobStore } from './file-blob-store';
import { GridFsBlobStore } from './gridfs-blob-store';
import { putFromSource } from './put-from-source';

/** Options of TieredBlobStore. */
export interface TieredBlobStoreOptions {
  /** Blobs up to this size live in one document addressed by their hash; default 1 MiB. */
  readonly inlineMaxBytes?: number;
  /** Collection of the inline blobs; default `blobs.inline`. */
  readonly collection?: string;
}

interface InlineBlob {
  _id: string;
  data: Binary;
  size: number;
  contentType?: string;
}

const DUPLICATE_KEY = 11000;

/**
 * Small blobs in one document each, addressed by `_id` = SHA-256 (one indexed lookup on every
 * store, FerretDB included); larger ones in GridFS. Typical packages (hundreds of KB) never
 * touch GridFS, whose chunk reads by `files_id` scan their table on FerretDB. The tier is chosen
 * by size, so the same bytes always land in the same place.
 */
export class TieredBlobStore implements BlobStore {
  private readonly inline: Collection<InlineBlob>;
  private readonly inlineMaxBytes: number;

  constructor(
    db: Db,
    private readonly large: GridFsBlobStore,
    opts: TieredBlobStoreOptions = {},
  ) {
    this.inline = db.collection<InlineBlob>(opts.collection ?? 'blobs.inline');
    this.inlineMaxBytes = opts.inlineMaxBytes ?? 1024 * 1024;
  }

  ensureIndexes(): Promise<void> {
    return this.large.ensureIndexes();
  }

  put(source: BlobSource, opts?: PutOptions): Promise<PutResult> {
    return putFromSource(source, this.openWriter(opts));
  }

  openWriter(opts?: PutOptions): BlobWriter {
    return new TieredWriter(this.inline, this.large, this.inlineMaxBytes, opts ?? {});
  }

  async get(sha256: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    assertSha256(sha256);
    const small = await withMappedErrors('reading a blob', () => this.inline.findOne({ _id: sha256 }));
    if (!small) return this.large.get(sha256, range);
    const bytes = Buffer.from(small.data.buffer);
    const { start, end } = resolveRange(bytes.length, range);
    return Readable.from(start === end ? [] : [bytes.subarray(start, end)], { objectMode: false });
  }

  async stat(sha256: string): Promise<BlobRef | null> {
    assertSha256(sha256);
    const small = await withMappedErrors('looking up a blob', () => this.inline.findOne({ _id: sha256 }, { projection: { size: 1, contentType: 1 } }));
    if (!small) return this.large.stat(sha256);
    return { sha256, size: small.size, ...(small.contentType ? { contentType: small.contentType } : {}) };
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }
}

/** Buffers up to the inline limit; past it, streams everything into GridFS instead. */
class TieredWriter implements BlobWriter {
  private readonly buffered: Buffer[] = [];
  private size = 0;
  private large: BlobWriter | null = null;
  private readonly maxBytes: number;

  constructor(
    private readonly inline: Collection<InlineBlob>,
    private readonly store: GridFsBlobStore,
    private readonly inlineMaxBytes: number,
    private readonly opts: PutOptions,
  ) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.size += chunk.byteLength;
    if (this.size > this.maxBytes) {
      await this.abort();
      throw new BlobStoreError('BLOB.TOO_LARGE', `the blob is larger than the ${this.maxBytes} bytes allowed`);
    }
    if (this.large) return this.large.write(chunk);
    this.buffered.push(Buffer.from(chunk));
    if (this.size > this.inlineMaxBytes) {
      this.large = this.store.openWriter(this.opts);
      for (const b of this.buffered.splice(0)) await this.large.write(b);
    }
  }

  async end(): Promise<PutResult> {
    if (this.large) return this.large.end();
    const bytes = Buffer.concat(this.buffered);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const contentType = this.opts.contentType;
    try {
      await this.inline.insertOne({ _id: sha256, data: new Binary(bytes), size: bytes.length, ...(contentType ? { contentType } : {}) });
      return { sha256, size: bytes.length, ...(contentType ? { contentType } : {}), existed: false };
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return { sha256, size: bytes.length, ...(contentType ? { contentType } : {}), existed: true };
      return withMappedErrors('storing a blob', () => Promise.reject(error));
    }
  }

  async abort(): Promise<void> {
    this.buffered.length = 0;
    await this.large?.abort();
  }
}

/** The axis's blob store on a database: small bodies inline, large ones in GridFS bucket `blobs`. */
export function createBlobStore(db: Db, opts: TieredBlobStoreOptions = {}): TieredBlobStore {
  return new TieredBlobStore(db, new GridFsBlobStore(db), opts);
}

/** A blob store with its start-up step (indexes or directories). */
export type ManagedBlobStore = BlobStore & { ensureIndexes(): Promise<void> };

/**
 * Bodies as files under `dir` when it is given (see FileBlobStore), else in the document store.
 * With a directory, blobs stored before it was configured are still read from the document
 * store: new bodies go to files, and a lookup that misses there asks the store.
 */
export function openBlobStore(db: Db, opts: { dir?: string | undefined } = {}): ManagedBlobStore {
  return opts.dir ? new FilesFirstBlobStore(new FileBlobStore(opts.dir), createBlobStore(db)) : createBlobStore(db);
}

/** Writes to files; reads from files, then from the document store (bodies from before). */
class FilesFirstBlobStore implements ManagedBlobStore {
  constructor(
    private readonly files: FileBlobStore,
    private readonly earlier: TieredBlobStore,
  ) {}

  async ensureIndexes(): Promise<void> {
    await this.files.ensureIndexes();
  }

  put(source: BlobSource, opts?: PutOptions): Promise<PutResult> {
    return this.files.put(source, opts);
  }

  openWriter(opts?: PutOptions): BlobWriter {
    return this.files.openWriter(opts);
  }

  async get(sha256: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    try {
      return await this.files.get(sha256, range);
    } catch (err) {
      if (!isBlobStoreError(err, 'BLOB.NOT_FOUND')) throw err;
      return this.earlier.get(sha256, range);
    }
  }

  async stat(sha256: string): Promise<BlobRef | null> {
    return (await this.files.stat(sha256)) ?? this.earlier.stat(sha256);
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.files.has(sha256)) || this.earlier.has(sha256);
  }
}

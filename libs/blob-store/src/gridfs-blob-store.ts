import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GridFSBucket, MongoGridFSChunkError, ObjectId, type Db, type GridFSBucketReadStream } from 'mongodb';
import { DEFAULT_MAX_BYTES, type BlobRef, type BlobSource, type BlobStore, type BlobWriter, type ByteRange, type PutOptions, type PutResult } from './blob-store';
import { BlobStoreError } from './blob-store.error';
import { assertSha256 } from './blob-hash';
import { resolveRange } from './byte-range';
import { mapDriverError, withMappedErrors } from './driver-errors';
import { GridFsBlobWriter } from './gridfs-blob-writer';
import { GridFsLayout, refOf, type BlobFile } from './gridfs-layout';
import { putFromSource } from './put-from-source';

/** Options of GridFsBlobStore. */
export interface GridFsBlobStoreOptions {
  /** GridFS bucket name (collections `<bucketName>.files` and `.chunks`); default `blobs`. */
  bucketName?: string;
  /** Bytes per chunk document; default 255 KiB. */
  chunkSizeBytes?: number;
}

/** Deletes issued per command by sweepPending (FerretDB prefers small batches). */
const SWEEP_BATCH = 50;

/**
 * BlobStore on GridFS (MongoDB 7 in production, FerretDB in the sandbox). A blob is a GridFS file
 * whose filename is its SHA-256; uploads stay `pending:<uuid>` until hashed (see README).
 */
export class GridFsBlobStore implements BlobStore {
  private readonly bucket: GridFSBucket;
  private readonly layout: GridFsLayout;

  constructor(db: Db, opts: GridFsBlobStoreOptions = {}) {
    const bucketName = opts.bucketName ?? 'blobs';
    this.bucket = new GridFSBucket(db, { bucketName, chunkSizeBytes: opts.chunkSizeBytes ?? 255 * 1024 });
    this.layout = new GridFsLayout(db, bucketName);
  }

  /** Creates the lookup index on files (`filename`, `uploadDate`) and the unique chunk index (`files_id`, `n`). */
  async ensureIndexes(): Promise<void> {
    await withMappedErrors('creating indexes', async () => {
      await this.layout.files.createIndex({ filename: 1, uploadDate: 1 });
      await this.layout.chunks.createIndex({ files_id: 1, n: 1 }, { unique: true });
    });
  }

  /** @inheritdoc */
  put(source: BlobSource, opts?: PutOptions): Promise<PutResult> {
    return putFromSource(source, this.openWriter(opts));
  }

  /** @inheritdoc */
  openWriter(opts?: PutOptions): BlobWriter {
    return new GridFsBlobWriter(this.bucket, this.layout, opts?.maxBytes ?? DEFAULT_MAX_BYTES, opts?.contentType);
  }

  /** @inheritdoc */
  async get(sha256: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    const file = await this.require(sha256);
    const { start, end } = resolveRange(file.length, range);
    if (start === end) return Readable.from([]);
    return Readable.from(mapReadErrors(this.bucket.openDownloadStream(file._id, { start, end })), { objectMode: false });
  }

  /** @inheritdoc */
  async stat(sha256: string): Promise<BlobRef | null> {
    assertSha256(sha256);
    const file = await withMappedErrors('looking up a blob', () => this.layout.winner(sha256));
    return file ? refOf(sha256, file) : null;
  }

  /** @inheritdoc */
  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  /** Rehashes the stored bytes: true if they still match their address and size. BLOB.NOT_FOUND if absent. */
  async verify(sha256: string): Promise<boolean> {
    const file = await this.require(sha256);
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of this.bucket.openDownloadStream(file._id) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
      }
    } catch (error) {
      if (error instanceof MongoGridFSChunkError) return false;
      throw mapDriverError(error, 'verifying a blob');
    }
    return size === file.length && hash.digest('hex') === sha256;
  }

  /**
   * Deletes uploads started before `olderThan` that never became blobs: finished but not
   * finalized (`pending:` files documents) and crashed mid-stream (chunks without a files
   * document). `olderThan` must lie further back than the longest upload can take, or an upload
   * still in flight loses its chunks. Returns the number of uploads removed.
   */
  async sweepPending(olderThan: Date): Promise<number> {
    return withMappedErrors('sweeping pending uploads', async () => {
      const cutoff = ObjectId.createFromTime(Math.floor(olderThan.getTime() / 1000));
      let removed = 0;
      const pending = await this.layout.files.find({ 'metadata.pending': true, _id: { $lt: cutoff } }, { projection: { _id: 1 } }).toArray();
      for (const { _id } of pending) {
        // Conditional delete: an upload finalized meanwhile keeps its chunks.
        const { deletedCount } = await this.layout.files.deleteOne({ _id, 'metadata.pending': true });
        if (deletedCount === 1) {
          await this.layout.chunks.deleteMany({ files_id: _id });
          removed += 1;
        }
      }
      const owners = (await this.layout.chunks.distinct('files_id', { n: 0, files_id: { $lt: cutoff } })) as ObjectId[];
      for (let i = 0; i < owners.length; i += SWEEP_BATCH) {
        const batch = owners.slice(i, i + SWEEP_BATCH);
        const known = await this.layout.files.find({ _id: { $in: batch } }, { projection: { _id: 1 } }).toArray();
        const orphans = batch.filter((id) => !known.some((file) => file._id.equals(id)));
        if (orphans.length === 0) continue;
        await this.layout.chunks.deleteMany({ files_id: { $in: orphans } });
        removed += orphans.length;
      }
      return removed;
    });
  }

  private async require(sha256: string): Promise<BlobFile> {
    assertSha256(sha256);
    const file = await withMappedErrors('looking up a blob', () => this.layout.winner(sha256));
    if (!file) throw new BlobStoreError('BLOB.NOT_FOUND', `no blob ${sha256}`);
    return file;
  }
}

async function* mapReadErrors(download: GridFSBucketReadStream): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of download as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    throw mapDriverError(error, 'reading a blob');
  } finally {
    download.destroy();
  }
}

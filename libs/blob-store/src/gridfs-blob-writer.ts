import { randomUUID } from 'node:crypto';
import { ObjectId, type GridFSBucket, type GridFSBucketWriteStream } from 'mongodb';
import type { BlobWriter, PutResult } from './blob-store';
import { BlobStoreError } from './blob-store.error';
import { HashingCounter } from './blob-hash';
import { mapDriverError } from './driver-errors';
import { PENDING_PREFIX, refOf, type BlobFileMetadata, type GridFsLayout } from './gridfs-layout';

/**
 * One upload into GridFS: bytes go under a fresh ObjectId and a `pending:<uuid>` filename while
 * they are hashed; `end()` then either finalizes the file (filename := hash) or, if the hash is
 * already stored, deletes it. Calls are serialized, so an unawaited write cannot race an abort.
 */
export class GridFsBlobWriter implements BlobWriter {
  private readonly id = new ObjectId();
  private readonly pendingName = `${PENDING_PREFIX}${randomUUID()}`;
  private readonly counter: HashingCounter;
  private stream: GridFSBucketWriteStream | undefined;
  private state: 'open' | 'closed' = 'open';
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bucket: GridFSBucket,
    private readonly layout: GridFsLayout,
    maxBytes: number,
    private readonly contentType: string | undefined,
  ) {
    this.counter = new HashingCounter(maxBytes);
  }

  /** Hashes and uploads `chunk`; resolves once the chunk may be reused. */
  write(chunk: Uint8Array): Promise<void> {
    return this.serialize(async () => {
      this.ensureOpen();
      try {
        this.counter.add(chunk);
        await writeTo(this.openStream(), chunk);
      } catch (error) {
        // If deleting fails too, the chunks are an orphaned pending upload for sweepPending.
        await this.discard().catch(() => undefined);
        throw mapDriverError(error, 'uploading a blob');
      }
    });
  }

  /** Completes the upload and stores it under its hash (or finds it already stored). */
  end(): Promise<PutResult> {
    return this.serialize(async () => {
      this.ensureOpen();
      this.state = 'closed';
      const sha256 = this.counter.digest();
      let finalizing = false;
      try {
        await endStream(this.openStream());
        const existing = await this.layout.winner(sha256);
        if (existing) {
          // A failed delete leaves a pending upload behind, which sweepPending removes later.
          await this.layout.deleteUpload(this.id).catch(() => undefined);
          return { ...refOf(sha256, existing), existed: true };
        }
        finalizing = true;
        await this.finalize(sha256);
      } catch (error) {
        // Once finalizing started the file may already be a visible blob: never delete it then.
        if (!finalizing) await this.layout.deleteUpload(this.id).catch(() => undefined);
        throw mapDriverError(error, 'storing a blob');
      }
      return this.settleRace(sha256);
    });
  }

  /** Discards everything written; nothing of the upload remains. Safe to call more than once. */
  abort(): Promise<void> {
    return this.serialize(async () => {
      if (this.state === 'closed') return;
      await this.discard();
    });
  }

  private async finalize(sha256: string): Promise<void> {
    const result = await this.layout.files.updateOne(
      { _id: this.id, filename: this.pendingName },
      { $set: { filename: sha256, 'metadata.sha256': sha256 }, $unset: { 'metadata.pending': '' } },
    );
    if (result.matchedCount !== 1) {
      throw new BlobStoreError('BLOB.CORRUPT', `pending upload ${this.pendingName} vanished before it was finalized (swept too early?)`);
    }
  }

  /**
   * A concurrent put of the same bytes may have finalized too. Every such upload compares itself
   * with the winner and deletes itself if it lost, so copies converge to one; the winner never
   * deletes itself, so at least one always remains. Failures here are harmless (the blob is stored).
   */
  private async settleRace(sha256: string): Promise<PutResult> {
    const size = this.counter.size;
    const own = this.contentType === undefined ? { sha256, size } : { sha256, size, contentType: this.contentType };
    try {
      const winner = await this.layout.winner(sha256);
      if (winner && !winner._id.equals(this.id)) {
        await this.layout.deleteUpload(this.id);
        return { ...refOf(sha256, winner), existed: true };
      }
    } catch {
      // keep our copy: it is finalized and complete
    }
    return { ...own, existed: false };
  }

  private openStream(): GridFSBucketWriteStream {
    if (!this.stream) {
      const metadata: BlobFileMetadata = this.contentType === undefined ? { pending: true } : { pending: true, contentType: this.contentType };
      this.stream = this.bucket.openUploadStreamWithId(this.id, this.pendingName, { metadata });
      this.stream.on('error', () => undefined); // failures surface through write/end callbacks
    }
    return this.stream;
  }

  /** Closes the writer and deletes what was uploaded so far (GridFS `abort()` deletes the chunks). */
  private async discard(): Promise<void> {
    this.state = 'closed';
    const stream = this.stream;
    if (!stream) return;
    try {
      await stream.abort();
    } catch {
      await this.layout.deleteUpload(this.id);
    }
  }

  private ensureOpen(): void {
    if (this.state !== 'open') throw new Error('blob writer is already ended or aborted');
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function writeTo(stream: GridFSBucketWriteStream, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

function endStream(stream: GridFSBucketWriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('finish', () => resolve());
    stream.once('error', reject);
    stream.end();
  });
}

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DEFAULT_MAX_BYTES, type BlobRef, type BlobSource, type BlobStore, type BlobWriter, type ByteRange, type PutOptions, type PutResult } from './blob-store';
import { BlobStoreError } from './blob-store.error';
import { HashingCounter, assertSha256 } from './blob-hash';
import { resolveRange } from './byte-range';
import { putFromSource } from './put-from-source';

/** Where uploads are written before they are known (and renamed into place). */
const PARTIAL_DIR = '.partial';

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

const unavailable = (what: string, err: unknown): BlobStoreError => new BlobStoreError('BLOB.STORE_UNAVAILABLE', `${what}: ${(err as Error).message}`, { cause: err });

/**
 * Blobs as files under one directory: `<dir>/<first two hex digits>/<sha256>`, with the content
 * type beside it in `<sha256>.type` when one was given. An upload is written to
 * `<dir>/.partial/` and fsynced, then renamed into place, so a blob is either whole or absent;
 * the same bytes stored twice keep the first file. Every instance of every service that reads
 * or writes bodies must see the same directory (one host, or a shared volume).
 *
 * Bodies kept outside the document store cost the store nothing: on FerretDB a 50 KB body is a
 * 67 KB JSON string decoded on every read.
 */
export class FileBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  /** Creates the directories (idempotent). */
  async ensureIndexes(): Promise<void> {
    await mkdir(join(this.dir, PARTIAL_DIR), { recursive: true }).catch((err: unknown) => {
      throw unavailable(`creating the blob directory ${this.dir}`, err);
    });
  }

  put(source: BlobSource, opts?: PutOptions): Promise<PutResult> {
    return putFromSource(source, this.openWriter(opts));
  }

  openWriter(opts?: PutOptions): BlobWriter {
    return new FileWriter(this.dir, opts ?? {});
  }

  async get(sha256: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    assertSha256(sha256);
    const size = await this.sizeOf(sha256);
    if (size === null) throw new BlobStoreError('BLOB.NOT_FOUND', `no blob ${sha256}`);
    const { start, end } = resolveRange(size, range);
    if (start === end) return Readable.from([], { objectMode: false });
    return createReadStream(pathOf(this.dir, sha256), { start, end: end - 1 });
  }

  async stat(sha256: string): Promise<BlobRef | null> {
    assertSha256(sha256);
    const size = await this.sizeOf(sha256);
    if (size === null) return null;
    const contentType = await readFile(`${pathOf(this.dir, sha256)}.type`, 'utf8').catch((err: unknown) => {
      if (isMissing(err)) return undefined;
      throw unavailable(`reading the content type of ${sha256}`, err);
    });
    return { sha256, size, ...(contentType ? { contentType } : {}) };
  }

  async has(sha256: string): Promise<boolean> {
    assertSha256(sha256);
    return (await this.sizeOf(sha256)) !== null;
  }

  private async sizeOf(sha256: string): Promise<number | null> {
    try {
      return (await stat(pathOf(this.dir, sha256))).size;
    } catch (err) {
      if (isMissing(err)) return null;
      throw unavailable(`looking up blob ${sha256}`, err);
    }
  }
}

function pathOf(dir: string, sha256: string): string {
  return join(dir, sha256.slice(0, 2), sha256);
}

class FileWriter implements BlobWriter {
  private readonly counter: HashingCounter;
  private readonly partial: string;
  private file: Promise<FileHandle> | null = null;
  private state: 'open' | 'closed' = 'open';

  constructor(
    private readonly dir: string,
    private readonly opts: PutOptions,
  ) {
    this.counter = new HashingCounter(opts.maxBytes ?? DEFAULT_MAX_BYTES);
    this.partial = join(dir, PARTIAL_DIR, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`);
  }

  private handle(): Promise<FileHandle> {
    this.file ??= (async () => {
      await mkdir(join(this.dir, PARTIAL_DIR), { recursive: true });
      return open(this.partial, 'wx');
    })().catch((err: unknown) => {
      throw unavailable(`opening an upload in ${this.dir}`, err);
    });
    return this.file;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.ensureOpen();
    try {
      this.counter.add(chunk);
    } catch (err) {
      await this.abort();
      throw err;
    }
    // The write completes before this resolves, so the caller may reuse its buffer.
    const file = await this.handle();
    await file.write(chunk).catch(async (err: unknown) => {
      await this.abort();
      throw unavailable('writing an upload', err);
    });
  }

  async end(): Promise<PutResult> {
    this.ensureOpen();
    this.state = 'closed';
    const file = await this.handle();
    const sha256 = this.counter.digest();
    const size = this.counter.size;
    const target = pathOf(this.dir, sha256);
    try {
      await file.sync();
      await file.close();
      await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
      const existed = await stat(target).then(
        () => true,
        (err: unknown) => {
          if (isMissing(err)) return false;
          throw err;
        },
      );
      if (existed) {
        await rm(this.partial, { force: true });
        const contentType = await readFile(`${target}.type`, 'utf8').catch(() => undefined);
        return { sha256, size, ...(contentType ? { contentType } : {}), existed: true };
      }
      // The content type goes first: a blob visible under its name has its type already.
      if (this.opts.contentType) await writeFile(`${target}.type`, this.opts.contentType);
      await rename(this.partial, target);
      return { sha256, size, ...(this.opts.contentType ? { contentType: this.opts.contentType } : {}), existed: false };
    } catch (err) {
      await rm(this.partial, { force: true }).catch(() => undefined);
      throw unavailable(`storing blob ${sha256}`, err);
    }
  }

  async abort(): Promise<void> {
    this.state = 'closed';
    const file = this.file;
    this.file = null;
    if (file) await (await file.catch(() => null))?.close().catch(() => undefined);
    await rm(this.partial, { force: true }).catch(() => undefined);
  }

  private ensureOpen(): void {
    if (this.state !== 'open') throw new Error('blob writer is already ended or aborted');
  }
}

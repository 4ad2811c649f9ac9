/** What a stored blob is: its address (lower-case hex SHA-256 of the bytes), size and content type. */
export interface BlobRef {
  readonly sha256: string;
  readonly size: number;
  readonly contentType?: string;
}

/** The result of storing bytes: their reference, and whether the same bytes were already stored. */
export type PutResult = BlobRef & { existed: boolean };

/** Options of `put` and `openWriter`. */
export interface PutOptions {
  /** Bytes allowed before the upload is rejected with BLOB.TOO_LARGE (default 256 MiB). */
  maxBytes?: number;
  /** Stored with the blob and reported by `stat`; the first upload of some bytes decides it. */
  contentType?: string;
}

/** A byte range: `start` inclusive, `end` exclusive (like `Buffer.subarray`); both clamped to the size. */
export interface ByteRange {
  start: number;
  end?: number;
}

/** What the bytes of a `put` come from. */
export type BlobSource = AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/**
 * A sink for a streaming producer (e.g. the edXML parser): `write` resolves when the chunk may be
 * reused (backpressure), `end` stores the blob, `abort` discards everything written.
 */
export interface BlobWriter {
  write(chunk: Uint8Array): Promise<void>;
  end(): Promise<PutResult>;
  abort(): Promise<void>;
}

/** Port: content-addressed blob storage. The address is the lower-case hex SHA-256 of the bytes. */
export interface BlobStore {
  /**
   * Streams bytes in, computing SHA-256 and size as they pass; stores them under their hash.
   * Storing the same bytes twice keeps one copy and reports `existed: true`. Rejects with
   * BLOB.TOO_LARGE past `maxBytes` (default 256 MiB) without leaving a partial blob behind.
   */
  put(source: BlobSource, opts?: PutOptions): Promise<PutResult>;
  /** A readable stream of the blob's bytes (optionally a range); BLOB.NOT_FOUND if absent. */
  get(sha256: string, range?: ByteRange): Promise<NodeJS.ReadableStream>;
  /** The blob's reference, or null if absent. */
  stat(sha256: string): Promise<BlobRef | null>;
  /** Whether the blob is stored. */
  has(sha256: string): Promise<boolean>;
  /** A writer for producers that push bytes; nothing is visible until `end()` resolves. */
  openWriter(opts?: PutOptions): BlobWriter;
}

/** Default upper bound of one blob: 256 MiB. */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

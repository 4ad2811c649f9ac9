import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore } from './blob-store';
import { isBlobStoreError, type BlobStoreErrorCode } from './blob-store.error';

/** A store under test, with views into its storage that the port does not offer. */
export interface BlobStoreFixture {
  readonly store: BlobStore;
  /** How many stored copies represent `sha256`. */
  copies(sha256: string): Promise<number>;
  /** A count of everything held (blobs, partial uploads, chunks): equal before and after means nothing was left behind. */
  footprint(): Promise<number>;
}

/** The bytes of a stream, concatenated. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(parts);
}

/** Lower-case hex SHA-256 computed by Node, the reference for every store. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `bytes` as an async iterable of chunks whose sizes cycle through `sizes`. */
export async function* inChunks(bytes: Buffer, sizes: readonly number[] = [1, 4093, 65_537, 250_001, 7]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

/** Expects `promise` to reject with a BlobStoreError of `code`. */
export async function expectBlobError(promise: Promise<unknown>, code: BlobStoreErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isBlobStoreError(error, code)) throw new Error(`expected BlobStoreError ${code}, got ${String(error)}`);
}

const KiB = 1024;

/**
 * Registers the behaviour every BlobStore must have. `factory` runs before each test and should
 * give a store with nothing in it (or at least nothing the tests write: they use random bytes).
 */
export function describeBlobStoreContract(name: string, factory: () => Promise<BlobStoreFixture> | BlobStoreFixture): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fx: BlobStoreFixture;
    let store: BlobStore;

    beforeEach(async () => {
      fx = await factory();
      store = fx.store;
    });

    async function roundTrip(bytes: Buffer, source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream = inChunks(bytes)): Promise<void> {
      const ref = await store.put(source);
      expect(ref).toEqual({ sha256: sha256Of(bytes), size: bytes.length, existed: false });
      expect(await store.stat(ref.sha256)).toEqual({ sha256: ref.sha256, size: bytes.length });
      expect(await store.has(ref.sha256)).toBe(true);
      const back = await readAll(await store.get(ref.sha256));
      expect(back.length).toBe(bytes.length);
      expect(back.equals(bytes)).toBe(true);
    }

    it('round-trips 0 bytes', async () => {
      await roundTrip(Buffer.alloc(0));
    });

    it('round-trips 1 byte', async () => {
      await roundTrip(Buffer.from([0x2a]));
    });

    it('round-trips 3 MB put in odd-sized chunks, with the hash and size Node computes', async () => {
      await roundTrip(randomBytes(3 * 1024 * KiB + 17));
    });

    it('reads a Node readable stream as the source', async () => {
      const bytes = randomBytes(300 * KiB + 1);
      await roundTrip(bytes, Readable.from(inChunks(bytes)));
    });

    it('reports the content type given on the first put', async () => {
      const bytes = randomBytes(100);
      const ref = await store.put(inChunks(bytes), { contentType: 'application/xml' });
      expect(ref).toEqual({ sha256: sha256Of(bytes), size: 100, contentType: 'application/xml', existed: false });
      expect(await store.stat(ref.sha256)).toEqual({ sha256: ref.sha256, size: 100, contentType: 'application/xml' });
    });

    it('keeps one copy of the same bytes stored twice and reports existed', async () => {
      const bytes = randomBytes(600 * KiB);
      const first = await store.put(inChunks(bytes));
      const footprint = await fx.footprint();
      const second = await store.put(inChunks(bytes, [70_000]));
      expect(first.existed).toBe(false);
      expect(second).toEqual({ sha256: first.sha256, size: bytes.length, existed: true });
      expect(await fx.copies(first.sha256)).toBe(1);
      expect(await fx.footprint()).toBe(footprint);
      expect((await readAll(await store.get(first.sha256))).equals(bytes)).toBe(true);
    });

    it('accepts exactly maxBytes', async () => {
      const bytes = randomBytes(1000);
      const ref = await store.put(inChunks(bytes), { maxBytes: 1000 });
      expect(ref.size).toBe(1000);
    });

    it('rejects past maxBytes with BLOB.TOO_LARGE and leaves nothing behind', async () => {
      const bytes = randomBytes(1024 * KiB);
      const footprint = await fx.footprint();
      await expectBlobError(store.put(inChunks(bytes, [100 * KiB]), { maxBytes: 600 * KiB }), 'BLOB.TOO_LARGE');
      expect(await fx.footprint()).toBe(footprint);
      expect(await store.has(sha256Of(bytes))).toBe(false);
    });

    it('aborts the put when the source fails, leaving nothing behind', async () => {
      const footprint = await fx.footprint();
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield randomBytes(300 * KiB);
        yield randomBytes(300 * KiB);
        throw new Error('source broke');
      }
      await expect(store.put(failing())).rejects.toThrow('source broke');
      expect(await fx.footprint()).toBe(footprint);
    });

    it('answers BLOB.NOT_FOUND / null / false for an absent hash', async () => {
      const absent = sha256Of(randomBytes(32));
      await expectBlobError(store.get(absent), 'BLOB.NOT_FOUND');
      await expectBlobError(store.get(absent, { start: 0, end: 1 }), 'BLOB.NOT_FOUND');
      expect(await store.stat(absent)).toBeNull();
      expect(await store.has(absent)).toBe(false);
    });

    it.each([
      ['short', 'abc'],
      ['upper case', 'A'.repeat(64)],
      ['non-hex', 'g'.repeat(64)],
      ['too long', 'a'.repeat(65)],
      ['empty', ''],
    ])('rejects a %s hash with BLOB.INVALID_HASH', async (_label, hash) => {
      await expectBlobError(store.get(hash), 'BLOB.INVALID_HASH');
      await expectBlobError(store.stat(hash), 'BLOB.INVALID_HASH');
      await expectBlobError(store.has(hash), 'BLOB.INVALID_HASH');
    });

    it('reads byte ranges (start inclusive, end exclusive, clamped to the size)', async () => {
      const bytes = randomBytes(700 * KiB + 3);
      const { sha256 } = await store.put(inChunks(bytes));
      const ranges: Array<[number, number | undefined]> = [
        [0, 1],
        [0, undefined],
        [261_119, 261_121], // across the default GridFS chunk boundary (255 KiB)
        [100_000, 600_000],
        [500_000, undefined],
        [500_000, 10_000_000],
        [bytes.length - 1, undefined],
        [bytes.length, undefined],
        [10, 10],
        [10_000_000, undefined],
      ];
      for (const [start, end] of ranges) {
        const got = await readAll(await store.get(sha256, end === undefined ? { start } : { start, end }));
        expect({ start, end, equal: got.equals(bytes.subarray(start, end)) }).toEqual({ start, end, equal: true });
      }
      await expect(store.get(sha256, { start: -1 })).rejects.toThrow(RangeError);
    });

    it('stores through openWriter', async () => {
      const bytes = randomBytes(555 * KiB);
      const writer = store.openWriter({ contentType: 'application/octet-stream' });
      for await (const chunk of inChunks(bytes)) await writer.write(chunk);
      const ref = await writer.end();
      expect(ref).toEqual({ sha256: sha256Of(bytes), size: bytes.length, contentType: 'application/octet-stream', existed: false });
      expect((await readAll(await store.get(ref.sha256))).equals(bytes)).toBe(true);
    });

    it('copies chunks, so a writer caller may reuse its buffer after write resolves', async () => {
      const reused = Buffer.alloc(64 * KiB);
      const expected: Buffer[] = [];
      const writer = store.openWriter();
      for (let i = 0; i < 10; i++) {
        reused.fill(i + 1);
        expected.push(Buffer.from(reused));
        await writer.write(reused);
      }
      const ref = await writer.end();
      const all = Buffer.concat(expected);
      expect(ref.sha256).toBe(sha256Of(all));
      expect((await readAll(await store.get(ref.sha256))).equals(all)).toBe(true);
    });

    it('leaves nothing behind when a writer is aborted', async () => {
      const footprint = await fx.footprint();
      const bytes = randomBytes(800 * KiB);
      const writer = store.openWriter();
      for await (const chunk of inChunks(bytes)) await writer.write(chunk);
      await writer.abort();
      await writer.abort(); // idempotent
      expect(await fx.footprint()).toBe(footprint);
      expect(await store.has(sha256Of(bytes))).toBe(false);
      await expect(writer.write(Buffer.from([1]))).rejects.toThrow();
      await expect(writer.end()).rejects.toThrow();
    });

    it('rejects a writer going past maxBytes with BLOB.TOO_LARGE and leaves nothing behind', async () => {
      const footprint = await fx.footprint();
      const writer = store.openWriter({ maxBytes: 500 * KiB });
      await writer.write(randomBytes(300 * KiB));
      await expectBlobError(writer.write(randomBytes(300 * KiB)), 'BLOB.TOO_LARGE');
      expect(await fx.footprint()).toBe(footprint);
      await writer.abort();
      expect(await fx.footprint()).toBe(footprint);
    });
  });
}

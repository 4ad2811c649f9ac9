import { freePort, testEnv, uniqueDbName } from '@vdx/testing';
import { createHash, randomBytes } from 'node:crypto';
import { GridFSBucket, MongoClient, ObjectId, type Db } from 'mongodb';
import { describeBlobStoreContract, expectBlobError, inChunks, readAll, sha256Of } from './blob-store.contract';
import { GridFsBlobStore } from './gridfs-blob-store';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('GridFsBlobStore (real FerretDB / MongoDB)', () => {
  const env = testEnv();
  let mongo: MongoClient;
  let db: Db;
  let buckets = 0;

  /** A store on a bucket no other test uses, so counts start at zero. */
  function freshStore(): { store: GridFsBlobStore; bucketName: string } {
    const bucketName = `blobs${++buckets}`;
    return { store: new GridFsBlobStore(db, { bucketName }), bucketName };
  }

  async function counts(bucketName: string): Promise<{ files: number; chunks: number }> {
    return {
      files: await db.collection(`${bucketName}.files`).countDocuments({}),
      chunks: await db.collection(`${bucketName}.chunks`).countDocuments({}),
    };
  }

  beforeAll(async () => {
    mongo = await MongoClient.connect(env.mongoUrl);
    db = mongo.db(uniqueDbName('blobs'));
  });

  afterAll(async () => {
    await db.dropDatabase();
    await mongo.close();
  });

  describeBlobStoreContract('GridFsBlobStore', async () => {
    const { store, bucketName } = freshStore();
    await store.ensureIndexes();
    return {
      store,
      copies: (sha256) => db.collection(`${bucketName}.files`).countDocuments({ filename: sha256 }),
      footprint: async () => {
        const { files, chunks } = await counts(bucketName);
        return files + chunks;
      },
    };
  });

  it('leaves no chunks and no files documents behind after BLOB.TOO_LARGE', async () => {
    const { store, bucketName } = freshStore();
    // 2 MiB in 256 KiB pieces against a 1 MiB limit: several chunks are written before the limit hits.
    await expectBlobError(store.put(inChunks(randomBytes(2 * MiB), [256 * KiB]), { maxBytes: MiB }), 'BLOB.TOO_LARGE');
    expect(await counts(bucketName)).toEqual({ files: 0, chunks: 0 });
  });

  it('streams a 20 MB blob in and out with matching hash, without holding it in memory', async () => {
    const { store } = freshStore();
    const size = 20 * MiB;
    const expected = createHash('sha256');
    async function* generate(): AsyncGenerator<Uint8Array> {
      for (let sent = 0; sent < size; sent += 64 * KiB) {
        const piece = randomBytes(Math.min(64 * KiB, size - sent));
        expected.update(piece);
        yield piece;
      }
    }
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage().heapUsed;
    const ref = await store.put(generate(), { contentType: 'application/xml' });
    gc?.();
    const growth = process.memoryUsage().heapUsed - before;
    const sha256 = expected.digest('hex');
    expect(ref).toEqual({ sha256, size, contentType: 'application/xml', existed: false });
    // Only meaningful with --expose-gc; without it, the hash and size prove the streaming path.
    if (gc) expect(growth).toBeLessThan(40 * MiB);

    const readBack = createHash('sha256');
    let read = 0;
    for await (const chunk of (await store.get(sha256)) as AsyncIterable<Buffer>) {
      readBack.update(chunk);
      read += chunk.length;
    }
    expect(read).toBe(size);
    expect(readBack.digest('hex')).toBe(sha256);
    expect(await store.verify(sha256)).toBe(true);
  });

  it('lets concurrent puts of the same bytes all succeed, and serves the bytes', async () => {
    const { store, bucketName } = freshStore();
    const bytes = randomBytes(600 * KiB);
    const results = await Promise.all([0, 1, 2, 3].map((i) => store.put(inChunks(bytes, [50_000 + i * 1_001]))));
    const sha256 = sha256Of(bytes);
    for (const result of results) expect(result).toMatchObject({ sha256, size: bytes.length });
    expect(results.some((r) => !r.existed)).toBe(true);
    expect((await readAll(await store.get(sha256))).equals(bytes)).toBe(true);
    expect(await store.stat(sha256)).toEqual({ sha256, size: bytes.length });
    const copies = await db.collection(`${bucketName}.files`).countDocuments({ filename: sha256 });
    expect(copies).toBeGreaterThanOrEqual(1);
    expect(await db.collection(`${bucketName}.files`).countDocuments({ 'metadata.pending': true })).toBe(0);
  });

  it('sweeps abandoned pending uploads older than the cutoff and nothing else', async () => {
    const { store, bucketName } = freshStore();
    const bucket = new GridFSBucket(db, { bucketName, chunkSizeBytes: 255 * KiB });
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;

    // Crashed mid-stream an hour ago: chunks, no files document.
    const crashed = bucket.openUploadStreamWithId(ObjectId.createFromTime(hourAgo), 'pending:crashed', { metadata: { pending: true } });
    await new Promise<void>((resolve, reject) => crashed.write(randomBytes(600 * KiB), (e) => (e ? reject(e) : resolve())));
    // Finished but never finalized an hour ago: a pending files document with chunks.
    const unfinalized = bucket.openUploadStreamWithId(ObjectId.createFromTime(hourAgo - 1), 'pending:unfinalized', { metadata: { pending: true } });
    await new Promise<void>((resolve, reject) => unfinalized.end(randomBytes(300 * KiB), () => resolve()).once('error', reject));

    const kept = randomBytes(400 * KiB);
    const { sha256 } = await store.put(inChunks(kept));
    const inFlight = store.openWriter();
    const inFlightBytes = randomBytes(600 * KiB);
    await inFlight.write(inFlightBytes);

    expect(await store.sweepPending(new Date(Date.now() - 60_000))).toBe(2);
    expect(await db.collection(`${bucketName}.chunks`).countDocuments({ files_id: { $in: [crashed.id, unfinalized.id] } })).toBe(0);
    expect(await db.collection(`${bucketName}.files`).countDocuments({ 'metadata.pending': true })).toBe(0);
    expect((await readAll(await store.get(sha256))).equals(kept)).toBe(true);
    const late = await inFlight.end();
    expect((await readAll(await store.get(late.sha256))).equals(inFlightBytes)).toBe(true);
    expect(await store.sweepPending(new Date(Date.now() - 60_000))).toBe(0);
  });

  it('verifies stored bytes and reports damaged chunks as BLOB.CORRUPT', async () => {
    const { store, bucketName } = freshStore();
    const bytes = randomBytes(600 * KiB);
    const { sha256 } = await store.put(inChunks(bytes));
    expect(await store.verify(sha256)).toBe(true);

    const file = await db.collection(`${bucketName}.files`).findOne({ filename: sha256 });
    const chunks = db.collection(`${bucketName}.chunks`);
    await chunks.updateOne({ files_id: file?.['_id'], n: 1 }, { $set: { data: randomBytes(255 * KiB) } });
    expect(await store.verify(sha256)).toBe(false);

    await chunks.deleteOne({ files_id: file?.['_id'], n: 1 });
    expect(await store.verify(sha256)).toBe(false);
    await expectBlobError(store.get(sha256).then(readAll), 'BLOB.CORRUPT');
  });

  it('maps an unreachable store to BLOB.STORE_UNAVAILABLE', async () => {
    const dead = new MongoClient(`mongodb://127.0.0.1:${await freePort()}/`, { serverSelectionTimeoutMS: 300 });
    try {
      const store = new GridFsBlobStore(dead.db('nowhere'));
      await expectBlobError(store.stat(sha256Of(Buffer.from('x'))), 'BLOB.STORE_UNAVAILABLE');
      await expectBlobError(store.put(inChunks(randomBytes(10))), 'BLOB.STORE_UNAVAILABLE');
    } finally {
      await dead.close();
    }
  });
});

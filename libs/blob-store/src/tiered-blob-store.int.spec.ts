import { testEnv, uniqueDbName } from '@vdx/testing';
import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { describeBlobStoreContract, inChunks, readAll, sha256Of } from './blob-store.contract';
import { GridFsBlobStore } from './gridfs-blob-store';
import { TieredBlobStore } from './tiered-blob-store';

describe('TieredBlobStore (real FerretDB / MongoDB)', () => {
  const env = testEnv();
  let mongo: MongoClient;
  let db: Db;
  let n = 0;

  /** Small blobs (≤ 64 KiB here) inline, the rest in GridFS, on collections no other test uses. */
  function fresh() {
    n += 1;
    const bucketName = `tiered${n}`;
    const inline = `tiered${n}.inline`;
    const store = new TieredBlobStore(db, new GridFsBlobStore(db, { bucketName }), { inlineMaxBytes: 64 * 1024, collection: inline });
    const count = (c: string, filter: object = {}) => db.collection(c).countDocuments(filter);
    return { store, bucketName, inline, count };
  }

  beforeAll(async () => {
    mongo = await MongoClient.connect(env.mongoUrl);
    db = mongo.db(uniqueDbName('tiered'));
  });

  afterAll(async () => {
    await db.dropDatabase();
    await mongo.close();
  });

  describeBlobStoreContract('TieredBlobStore', async () => {
    const { store, bucketName, inline, count } = fresh();
    await store.ensureIndexes();
    return {
      store,
      copies: async (sha256) => (await count(inline, { _id: sha256 })) + (await count(`${bucketName}.files`, { filename: sha256 })),
      footprint: async () => (await count(inline)) + (await count(`${bucketName}.files`)) + (await count(`${bucketName}.chunks`)),
    };
  });

  it('keeps a small blob in one document addressed by its hash, and a large one in GridFS', async () => {
    const { store, bucketName, inline, count } = fresh();
    const small = randomBytes(10_000);
    const large = randomBytes(200_000);
    expect(await store.put(inChunks(small, [3000]))).toMatchObject({ sha256: sha256Of(small), size: small.length, existed: false });
    expect(await store.put(inChunks(large, [7000]))).toMatchObject({ sha256: sha256Of(large), size: large.length, existed: false });
    expect(await count(inline, { _id: sha256Of(small) })).toBe(1);
    expect(await count(`${bucketName}.files`, { filename: sha256Of(large) })).toBe(1);
    expect(await count(`${bucketName}.files`, { filename: sha256Of(small) })).toBe(0);
    expect(await readAll(await store.get(sha256Of(small), { start: 10, end: 20 }))).toEqual(small.subarray(10, 20));
    expect(await readAll(await store.get(sha256Of(large)))).toEqual(large);
  });
});

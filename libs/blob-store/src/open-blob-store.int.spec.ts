import { testEnv, uniqueDbName } from '@vdx/testing';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { describeBlobStoreContract, expectBlobError, readAll, sha256Of } from './blob-store.contract';
import { createBlobStore, openBlobStore } from './tiered-blob-store';

const once = (bytes: Buffer) => (async function* () { yield bytes; })();

/** BLOB_DIR set: new bodies as files, bodies from before still read from the document store (real store). */
describe('openBlobStore with a directory (int: real store)', () => {
  const env = testEnv();
  let mongo: MongoClient;
  let db: Db;
  const dirs: string[] = [];
  const freshDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'vdx-open-blobs-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    mongo = await MongoClient.connect(env.mongoUrl);
    db = mongo.db(uniqueDbName('open_blobs'));
  });

  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await mongo.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  describeBlobStoreContract('openBlobStore(dir)', async () => {
    const dir = freshDir();
    const store = openBlobStore(db, { dir });
    await store.ensureIndexes();
    const files = (prefix = ''): string[] => readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(prefix, e.name)) : [join(prefix, e.name)]));
    return { store, copies: async (sha) => files().filter((f) => f.endsWith(sha)).length, footprint: async () => files().length };
  });

  it('writes new bodies to files only, and still reads the ones the document store holds', async () => {
    const before = Buffer.from('a body stored before BLOB_DIR was set');
    const old = await createBlobStore(db).put(once(before));
    const dir = freshDir();
    const store = openBlobStore(db, { dir });
    await store.ensureIndexes();
    expect(await readAll(await store.get(old.sha256))).toEqual(before);
    expect(await store.stat(old.sha256)).toMatchObject({ sha256: old.sha256, size: before.length });
    expect(await store.has(old.sha256)).toBe(true);

    const after = Buffer.from('a body stored with BLOB_DIR set');
    const fresh = await store.put(once(after));
    expect(fresh.sha256).toBe(sha256Of(after));
    expect(readdirSync(join(dir, fresh.sha256.slice(0, 2)))).toEqual([fresh.sha256]);
    expect(await createBlobStore(db).has(fresh.sha256)).toBe(false);
    expect(await readAll(await store.get(fresh.sha256, { start: 2, end: 6 }))).toEqual(after.subarray(2, 6));
    await expectBlobError(store.get(sha256Of(Buffer.from('neither'))), 'BLOB.NOT_FOUND');
  });
});

import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBlobStoreContract, expectBlobError, readAll, sha256Of } from './blob-store.contract';
import { FileBlobStore } from './file-blob-store';

/** Every file under `dir`, recursively, as paths relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)]));
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const freshDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'vdx-blobs-'));
  dirs.push(d);
  return d;
};

describeBlobStoreContract('FileBlobStore', async () => {
  const dir = freshDir();
  const store = new FileBlobStore(dir);
  await store.ensureIndexes();
  return {
    store,
    copies: async (sha256) => filesUnder(dir).filter((f) => f.endsWith(sha256)).length,
    footprint: async () => filesUnder(dir).length,
  };
});

describe('FileBlobStore on disk', () => {
  it('files a blob under its hash, whole, with nothing left in the upload area', async () => {
    const dir = freshDir();
    const store = new FileBlobStore(dir);
    const bytes = Buffer.from('<edXMLEnvelope/>');
    const ref = await store.put((async function* () { yield bytes; })(), { contentType: 'application/xml' });
    expect(ref).toEqual({ sha256: sha256Of(bytes), size: bytes.length, contentType: 'application/xml', existed: false });
    expect(filesUnder(dir).sort()).toEqual([join(ref.sha256.slice(0, 2), ref.sha256), join(ref.sha256.slice(0, 2), `${ref.sha256}.type`)].sort());
    expect(statSync(join(dir, ref.sha256.slice(0, 2), ref.sha256)).size).toBe(bytes.length);
    // A second store on the same directory (another instance) sees it.
    expect(await readAll(await new FileBlobStore(dir).get(ref.sha256))).toEqual(bytes);
  });

  it('answers BLOB.STORE_UNAVAILABLE, not a crash, when the directory cannot be written', async () => {
    const dir = freshDir();
    // A file where the upload area should be: every upload fails to open.
    writeFileSync(join(dir, '.partial'), 'not a directory');
    const store = new FileBlobStore(dir);
    await expectBlobError(store.put((async function* () { yield Buffer.from('x'); })()), 'BLOB.STORE_UNAVAILABLE');
  });

  it('answers BLOB.STORE_UNAVAILABLE when a blob cannot be looked up', async () => {
    const dir = freshDir();
    const sha = sha256Of(Buffer.from('y'));
    // A file where the blob's folder must be (ENOTDIR, whoever runs the test).
    writeFileSync(join(dir, sha.slice(0, 2)), 'not a directory');
    await expectBlobError(new FileBlobStore(dir).stat(sha), 'BLOB.STORE_UNAVAILABLE');
    await expectBlobError(new FileBlobStore(dir).get(sha), 'BLOB.STORE_UNAVAILABLE');
  });
});

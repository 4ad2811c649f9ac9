import { freePort, waitUntil, within } from '@vdx/testing';
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FerretDbServer } from './ferretdb-server';
import { RUN_DIR } from './paths';
import { isAlive } from './process-util';

const quiet = (): void => undefined;
const ROUNDS = 4;
const WORKERS = 4;
/** Collections created before the kill in each round: enough that it lands inside a change. */
const CREATES_BEFORE_KILL = 30;

/**
 * FerretDB 1.24's SQLite registry made a collection with CREATE TABLE, then its metadata row,
 * then its `_id` index and the index's settings, each statement committed on its own; a drop
 * deleted the row, then the table. A store killed between two of them kept a table it did not
 * know (every later insert failed with "table already exists") or a collection without its unique
 * `_id` index. The project's patch (docs/adr/0002-ferretdb-sqlite-indexes.md) commits each change
 * whole. A database's file and its metadata table were two steps too, and a store killed between
 * them could not start again; it now makes the missing table when it loads the file. This kills a private store with SIGKILL while collections are being created and dropped,
 * then checks every collection that was touched: it takes an insert and refuses a second `_id`.
 */
describe('FerretDB keeps its registry whole when killed mid-change (int: real store, SIGKILL)', () => {
  const dir = join(RUN_DIR, `registry-atomic-int-${process.pid}`);
  let store: FerretDbServer;

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    store = new FerretDbServer({ dir, port: await freePort() });
    await store.start(quiet);
  });

  afterAll(async () => {
    await store.stop(quiet);
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = (): MongoClient => new MongoClient(store.url, { maxPoolSize: WORKERS * 2, serverSelectionTimeoutMS: 2_000, retryWrites: false, retryReads: false });

  /** Runs `change` over names from WORKERS loops, kills the store after `killAfter` changes and restarts it; returns every name touched. */
  async function killDuring(round: string, killAfter: number, change: (db: Db, name: string) => Promise<unknown>, names: (w: number) => Iterable<string>): Promise<string[]> {
    const client = connect();
    const db = client.db('registry');
    const touched: string[] = [];
    let done = 0;
    const workers = Array.from({ length: WORKERS }, async (_, w) => {
      for (const name of names(w)) {
        touched.push(name);
        try {
          await change(db, name);
        } catch {
          return; // the store is gone
        }
        done += 1;
      }
    });
    await waitUntil(`${round}: ${killAfter} changes made`, () => done >= killAfter, { timeoutMs: 30_000 });
    const pid = store.pid();
    if (pid === null) throw new Error(`${round}: the store is not running`);
    process.kill(pid, 'SIGKILL');
    await within(`${round}: the workers to see the store gone`, Promise.all(workers), { timeoutMs: 30_000 });
    await client.close(true);
    await waitUntil(`${round}: the killed store to exit`, () => !isAlive(pid), { timeoutMs: 10_000 });
    await store.start(quiet);
    return touched;
  }

  /** Every collection named is usable and keeps `_id` unique. */
  async function expectWhole(round: string, names: readonly string[]): Promise<void> {
    const client = connect();
    try {
      const db = client.db('registry');
      const broken: string[] = [];
      for (const name of names) {
        const coll = db.collection<{ _id: string }>(name);
        try {
          await coll.insertOne({ _id: `probe-${round}` });
        } catch (err) {
          broken.push(`${name}: insert failed: ${(err as Error).message}`);
          continue;
        }
        const second = await coll.insertOne({ _id: `probe-${round}` }).then(
          () => 'accepted',
          (err: unknown) => (err instanceof MongoServerError ? err.code : String(err)),
        );
        if (second !== 11000) broken.push(`${name}: a second document with the same _id was ${String(second)}`);
      }
      expect(broken).toEqual([]);
    } finally {
      await client.close(true);
    }
  }

  it('every collection touched by creates or drops cut short takes inserts and keeps _id unique', async () => {
    for (let r = 0; r < ROUNDS; r++) {
      const round = `round ${r}`;
      // Creations cut short by the kill.
      const created = await killDuring(`${round} create`, CREATES_BEFORE_KILL, (db, name) => db.createCollection(name), function* (w) {
        for (let i = 0; ; i++) yield `c${r}_${w}_${i}`;
      });
      expect(created.length).toBeGreaterThanOrEqual(CREATES_BEFORE_KILL);
      await expectWhole(round, created);

      // Drops cut short by the kill halfway, over the collections just checked.
      const perWorker = Math.ceil(created.length / WORKERS);
      const dropped = await killDuring(`${round} drop`, Math.floor(created.length / 2), (db, name) => db.dropCollection(name), function* (w) {
        yield* created.slice(w * perWorker, (w + 1) * perWorker);
      });
      await expectWhole(`${round}-after-drop`, dropped);
    }
  });

  it('starts with a database file that has no metadata table yet (killed while creating the database), and that database takes writes', async () => {
    await store.stop(quiet);
    // What a kill between the two steps leaves: a SQLite file with no table (an empty file is one).
    writeFileSync(join(dir, 'data', 'halfmade.sqlite'), '');
    await within('the store to start with the half-made database', store.start(quiet), { timeoutMs: 30_000 });
    const client = connect();
    try {
      const db = client.db('halfmade');
      await db.collection<{ _id: string }>('entries').insertOne({ _id: 'first' });
      expect((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name)).toEqual(['entries']);
      expect(await db.collection('entries').countDocuments()).toBe(1);
    } finally {
      await client.close(true);
    }
  });
});

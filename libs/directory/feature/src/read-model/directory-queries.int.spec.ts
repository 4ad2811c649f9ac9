import { testEnv, uniqueDbName } from '@vdx/testing';
import { MongoClient } from 'mongodb';
import { AGENCIES_COLLECTION } from './agency.projection';
import { DirectoryQueries } from './directory-queries';

describe('DirectoryQueries indexes (real store)', () => {
  const env = testEnv();
  const client = new MongoClient(env.mongoUrl);
  const db = client.db(uniqueDbName('directory_queries'));

  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });

  it('creates its indexes once and survives being asked again at every restart', async () => {
    const queries = new DirectoryQueries(db);
    await queries.ensureIndexes(); // collection does not exist yet
    await db.collection(AGENCIES_COLLECTION).insertOne({ _id: '000.00.00.H53' as never, code: '000.00.00.H53' });
    await queries.ensureIndexes(); // all exist: a restart
    await queries.ensureIndexes();
    const names = (await db.collection(AGENCIES_COLLECTION).listIndexes().toArray()).map((i) => String(i['name'])).sort();
    expect(names).toEqual(['_id_', 'ancestors', 'nameKey', 'rev']);
  });
});

// `npm run bench:store`: what the document store answers, measured the way the pipeline uses it.
// Prints one JSON object:
//   - updateOne by `_id` (1 KB documents), one at a time and with 8 in flight;
//   - insertMany of 1 KB documents;
//   - a page of 50 from an `_id` range, sorted and limited (an agency's inbox), and a read of
//     100 documents by an `_id` $in list;
//   - deleteMany by 200 `_id`s;
//   - a find on an indexed field that is not `_id` (FerretDB scans the table for it).
// Uses MONGO_URL (and KAFKA_BROKERS) when set, else the `test` profile's local infrastructure
// (started if needed, and stopped again). BENCH_STORE_DOCS (default 20,000) sizes the collection; every step is bounded
// in count, and the database is dropped at the end.
import { LocalInfra, PROFILES } from '@vdx/local-infra';
import { uniqueDbName } from '@vdx/testing';
import { MongoClient, type Collection } from 'mongodb';

const log = (line: string) => process.stderr.write(`[bench:store] ${line}\n`);
const DOCS = Math.max(1000, Math.round(Number(process.env['BENCH_STORE_DOCS'] ?? 20_000)));
const PAD = 'x'.repeat(1000);

interface Doc {
  _id: string;
  recipient: string;
  n: number;
  pad: string;
}

const idOf = (i: number): string => `000.00.00.G${String(i % 50).padStart(2, '0')}|1|${String(i).padStart(8, '0')}`;

/** Runs `op` `count` times with `inFlight` at once; returns operations per second. */
async function rate(count: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < count; i = next++) await op(i);
    }),
  );
  return Math.round((count / (performance.now() - started)) * 1000);
}

async function timed(op: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await op();
  return Math.round(performance.now() - started);
}

async function main(): Promise<void> {
  const infra = new LocalInfra(PROFILES.test, { kafkaBrokers: process.env['KAFKA_BROKERS'], mongoUrl: process.env['MONGO_URL'] }, log);
  const { mongoUrl } = await infra.start();
  const client = await MongoClient.connect(mongoUrl);
  const db = client.db(uniqueDbName('bench_store'));
  const coll: Collection<Doc> = db.collection('entries');
  try {
    await coll.createIndex({ recipient: 1 }, { name: 'recipient' });
    log(`inserting ${DOCS} documents of 1 KB`);
    const docs = Array.from({ length: DOCS }, (_, i): Doc => ({ _id: idOf(i), recipient: `r${i % 50}`, n: i, pad: PAD }));
    const insertStarted = performance.now();
    for (let i = 0; i < docs.length; i += 1000) await coll.insertMany(docs.slice(i, i + 1000), { ordered: false });
    const insertManyPerSecond = Math.round((DOCS / (performance.now() - insertStarted)) * 1000);

    log('updateOne by _id');
    const update = (i: number) => coll.updateOne({ _id: idOf((i * 7919) % DOCS) }, { $set: { n: -i } });
    const updatesSerial = await rate(1000, 1, update);
    const updates8InFlight = await rate(2000, 8, update);

    log('pages of an _id range, $in reads, deletes');
    const pageMs: number[] = [];
    for (let k = 0; k < 50; k++) {
      const code = `000.00.00.G${String(k % 50).padStart(2, '0')}|`;
      pageMs.push(await timed(() => coll.find({ _id: { $gte: code, $lt: `${code}~` } }).sort({ _id: 1 }).limit(50).toArray()));
    }
    const inMs = await timed(() => coll.find({ _id: { $in: Array.from({ length: 100 }, (_, i) => idOf(i * 13)) } }).toArray());
    const deleteMs = await timed(() => coll.deleteMany({ _id: { $in: Array.from({ length: 200 }, (_, i) => idOf(DOCS - 1 - i)) } }));

    log('a find on an indexed field other than _id (a scan on FerretDB), 3 times');
    const scanMs: number[] = [];
    // One document of a rare value, inserted last: the scan reads every row before it.
    await coll.insertOne({ _id: 'zz|rare', recipient: 'rare', n: -1, pad: PAD });
    for (let k = 0; k < 3; k++) scanMs.push(await timed(() => coll.find({ recipient: 'rare' }).toArray()));

    const plan = await db.command({ explain: { find: 'entries', filter: { _id: { $gte: '000.00.00.G01|', $lt: '000.00.00.G01|~' } }, sort: { _id: 1 }, limit: 50 } });
    const sorted = [...pageMs].sort((a, b) => a - b);
    process.stdout.write(
      `${JSON.stringify(
        {
          store: mongoUrl.includes('127.0.0.1') ? 'local (npm run infra)' : 'external',
          documents: DOCS,
          documentBytes: 1024,
          insertManyPerSecond,
          updateOneByIdPerSecond: { serial: updatesSerial, eightInFlight: updates8InFlight },
          idRangePageOf50Ms: { p50: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] },
          idInListOf100Ms: inMs,
          deleteManyBy200IdsMs: deleteMs,
          indexedNonIdFindMs: scanMs,
          rangePushedDown: 'filterPushdown' in plan ? { filter: plan['filterPushdown'], sort: plan['sortPushdown'], limit: plan['limitPushdown'] } : 'not reported (not FerretDB)',
        },
        null,
        1,
      )}\n`,
    );
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
    await infra.stopStarted();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

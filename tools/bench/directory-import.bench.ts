// `npm run bench:directory`: imports a synthetic national directory (111,000 codes over four
// levels) through a running directory service (started with `startAxis`), and prints one JSON
// object: rows, seconds until the import returned (every event durably appended), seconds until
// the read model held every agency (counted in the store), rows/s, then the time a restarted
// directory takes to fold its log back before answering, and a second import of the same file
// (everything unchanged). Uses KAFKA_BROKERS / MONGO_URL when set, else the `test` profile.
// BENCH_ROWS sets the row count (default 111,000).
import { LocalInfra, PROFILES } from '@vdx/local-infra';
import { waitUntil } from '@vdx/testing';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis } from '@vdx/testing/axis';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { join } from 'node:path';
import { directoryImport } from '../cli/directory-import';

async function main(): Promise<void> {
  const rows = Number(process.env['BENCH_ROWS'] ?? 111_000);
  const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);
  const file = join(__dirname, `../../.local/fixtures/synthetic-directory-${rows}.csv`);
  if (!existsSync(file)) {
    log(`generating ${rows} synthetic agencies into ${file}`);
    const gen = spawnSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, '../directory/generate-synthetic.ts'), `--count=${rows}`, `--out=${file}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (gen.status !== 0) throw new Error('the synthetic directory generator failed');
  }
  const infra = new LocalInfra(PROFILES.test, { kafkaBrokers: process.env['KAFKA_BROKERS'], mongoUrl: process.env['MONGO_URL'] }, log);
  const ep = await infra.start();
  let axis: Axis | undefined;
  try {
    // The directory alone, as the e2e suites start it: over mutual TLS with a throw-away PKI, the
    // import calling as the operator; on the service's default TOPIC_PARTITIONS (6).
    axis = await startAxis({ name: 'bench-directory', services: ['directory'], kafkaBrokers: ep.kafkaBrokers, mongoUrl: ep.mongoUrl, partitions: 6, readyTimeoutMs: AXIS_START_TIMEOUT_MS });
    const { directoryUrl: url, operatorTls: identity, db } = axis;
    log(`importing ${rows} rows`);
    const started = process.hrtime.bigint();
    const summary = await directoryImport(file, { url, identity, batchSize: 2000, json: true, progress: process.stderr.isTTY ? 'bar' : 'lines' });
    const importSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    log(`import returned after ${importSeconds.toFixed(1)} s; waiting for the read model`);
    // Counted in the store itself: paging the change feed would measure the feed, not the model.
    const mongo = await MongoClient.connect(ep.mongoUrl);
    try {
      const agencies = mongo.db(db).collection('directory_agencies');
      await waitUntil('read model complete', async () => (await agencies.estimatedDocumentCount()) >= summary.created, { timeoutMs: 900_000, intervalMs: 250 });
    } finally {
      await mongo.close();
    }
    const readModelSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    // A restart folds the whole log back into the writer before gRPC answers; the same file
    // imported again must then change nothing.
    log('restarting the directory');
    await axis.kill('directory', 0, 'SIGTERM');
    const restarted = process.hrtime.bigint();
    axis.start('directory');
    // Answering as when the axis started (`/health/ready`, then gRPC); fails at once if it exits.
    await axis.ready('directory');
    const restartSeconds = Number(process.hrtime.bigint() - restarted) / 1e9;
    log(`ready again after ${restartSeconds.toFixed(1)} s; importing the same file again`);
    const again = process.hrtime.bigint();
    const second = await directoryImport(file, { url, identity, batchSize: 2000, json: true, progress: process.stderr.isTTY ? 'bar' : 'lines' });
    const reimportSeconds = Number(process.hrtime.bigint() - again) / 1e9;
    process.stdout.write(
      `${JSON.stringify({
        rows: summary.total,
        fileBytes: statSync(file).size,
        created: summary.created,
        unchanged: summary.unchanged,
        rejected: summary.rejected.length,
        importSeconds: +importSeconds.toFixed(2),
        rowsPerSecond: Math.round(summary.total / importSeconds),
        readModelSeconds: +readModelSeconds.toFixed(2),
        restartSeconds: +restartSeconds.toFixed(2),
        reimport: { seconds: +reimportSeconds.toFixed(2), created: second.created, updated: second.updated, unchanged: second.unchanged, rejected: second.rejected.length },
        store: ep.mongoUrl.includes(String(PROFILES.test.mongoPort)) ? 'FerretDB 1.24.2 (SQLite)' : ep.mongoUrl,
      })}\n`,
    );
  } finally {
    await axis?.stop();
    await infra.stopStarted();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

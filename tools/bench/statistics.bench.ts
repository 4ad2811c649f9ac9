// `npm run bench:statistics`: the statistics read models on the document store. Prints one JSON object:
//   - projection: synthetic events of a working day over a directory of 111,000 agencies, in the
//     order the pipeline appends them, cut into batches per topic-partition the way a consumer
//     catching up receives them, folded and written exactly as the live runner does (facts read
//     by `_id`, guarded upserts, counters first), the partition batches taken together as the
//     runner's group commit takes them (BENCH_STATISTICS_GROUP records, default 10,000, the
//     service's STATISTICS_GROUP_RECORDS) → events/s;
//   - nationalYear: p50/p95 of the year's national report (the country's total and one row per
//     level-1 agency with its subtree) over documents written for all 111,000 agencies;
//   - provinceMonth: p50/p95 of the biggest level-1 agency's monthly report with its subtree and
//     one row per child (a sum over every own document of the subtree).
// Reports are timed through `StatisticsReports` (store reads, sums, JSON), as the API answers them.
// Uses MONGO_URL when set, else the `test` profile's local store (started if needed, stopped again).
// BENCH_STATISTICS_EVENTS (default 20,000) sizes the projection run; every step is bounded, and
// the database is dropped at the end.
import { formatCompactAgencyCode, parseAgencyCodeOrThrow } from '@vdx/agency-code';
import { generateSyntheticDirectory, mulberry32 } from '@vdx/directory-import';
import { LocalInfra, PROFILES } from '@vdx/local-infra';
import { DEFAULT_PARTITIONS_AT_ONCE } from '@vdx/messaging';
import {
  COMBINATIONS,
  DIRECTIONS,
  LATENCY_BUCKETS,
  STATUS_CODES,
  VERDICTS,
  documentLife,
  fieldOf,
  parseQuery,
  treeEntryOf,
  type CopySpec,
  type LifeEvent,
} from '@vdx/statistics-domain';
import { STATISTICS_COLLECTIONS, StatisticsReports, applyStatisticsBatch, statisticsProjection, type PositionedEvent } from '@vdx/statistics-feature';
import { uniqueDbName } from '@vdx/testing';
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { MongoClient, type Db, type Document } from 'mongodb';

const log = (line: string) => process.stderr.write(`[bench:statistics] ${line}\n`);
const EVENTS = Math.max(2000, Math.round(Number(process.env['BENCH_STATISTICS_EVENTS'] ?? 20_000)));
const AGENCIES = 111_000;
const PARTITIONS = 6;
/** The service's defaults: `STATISTICS_BATCH_SIZE` records per partition batch, `STATISTICS_GROUP_RECORDS` per group. */
const BATCH = 2000;
const GROUP = Math.max(1, Math.round(Number(process.env['BENCH_STATISTICS_GROUP'] ?? 10_000)));
const RUNS = 20;


const random = mulberry32(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));

function byLevel(codes: readonly string[]): string[][] {
  const levels: string[][] = [[], [], [], []];
  for (const c of codes) levels[parseAgencyCodeOrThrow(c).level - 1]!.push(c);
  return levels;
}

/** A sender or recipient: ministries and provinces and their departments send and receive most. */
function agency(levels: readonly string[][], weights: readonly number[]): string {
  const r = random();
  let acc = 0;
  for (let level = 0; level < 4; level++) {
    acc += weights[level]!;
    if (r < acc && levels[level]!.length > 0) return pick(levels[level]!);
  }
  return pick(levels[0]!);
}

const VERDICT_MIX: readonly [string, boolean, number][] = [
  ['valid', true, 0.6],
  ['valid', false, 0.1],
  ['unknown', false, 0.1],
  ['unsigned', false, 0.1],
  ['invalid', false, 0.05],
  ['not-performed', false, 0.05],
];
const FINDINGS = ['EDXML.INVALID_DATE', 'EDXML.INVALID_ORGAN_ID', 'EDXML.TOO_LONG', 'EDXML.UNCLOSED_ELEMENT', 'EDXML.MISSING_FIELD'];

/** Documents of one working day (15 July 2025, 08:00–17:00 in Vietnam) until `EVENTS` events. */
function workingDay(levels: readonly string[][]): { events: LifeEvent[]; documents: number } {
  const events: LifeEvent[] = [];
  let documents = 0;
  const start = Date.parse('2025-07-15T01:00:00Z');
  while (events.length < EVENTS) {
    const sender = agency(levels, [0.25, 0.45, 0.25, 0.05]);
    const recipients = [...new Set(Array.from({ length: between(1, 4) }, () => agency(levels, [0.4, 0.4, 0.15, 0.05])))].filter((r) => r !== sender);
    if (recipients.length === 0) continue;
    const v = random();
    let acc = 0;
    const [cryptographic, decree30] = VERDICT_MIX.find(([, , share]) => (acc += share) > v) ?? ['valid', true];
    const copies: CopySpec[] = recipients.map((recipient) => {
      const fetched = random() < 0.95;
      const fetchedAfterMs = fetched ? between(1, 600) * 1000 : null;
      const statuses = fetched && random() < 0.8 ? [{ code: '01', afterMs: fetchedAfterMs! + between(1, 120) * 60_000 }, ...(random() < 0.3 ? [{ code: '06', afterMs: 6 * 3600_000 }] : [])] : [];
      return { recipient, fetchedAfterMs, ack: fetched ? 'done' : null, deadlineMissed: !fetched, statuses };
    });
    events.push(
      ...documentLife({
        packageId: `bench-${documents}`,
        documentId: `${sender},2025/07/15,${documents}/BENCH`,
        sender,
        copies,
        acceptedAt: new Date(start + Math.floor(random() * 9 * 3600_000)),
        priority: random() < 0.1 ? '3' : '0',
        cryptographic,
        decree30,
        warnings: random() < 0.3 ? [pick(FINDINGS)] : [],
      }),
    );
    documents += 1;
  }
  return { events, documents };
}

const partitionOf = (key: string): number => createHash('sha1').update(key).digest().readUInt32BE(0) % PARTITIONS;

/**
 * The events in the order the pipeline appends them (by time), each on its topic-partition with
 * the next offset there, then cut as a consumer catching up gets them: up to `BATCH` records of
 * one topic-partition at a time, the topic-partitions taken in turn.
 */
function batches(events: readonly LifeEvent[]): PositionedEvent[][] {
  const sorted = [...events].sort((a, b) => Date.parse(a.event.occurredAt) - Date.parse(b.event.occurredAt));
  const streams = new Map<string, PositionedEvent[]>();
  for (const e of sorted) {
    const topic = `vdx.${e.source}.events.v1${e.urgent ? '.urgent' : ''}`;
    const partition = partitionOf(e.key);
    const key = `${topic}/${partition}`;
    const stream = streams.get(key) ?? streams.set(key, []).get(key)!;
    stream.push({ event: e.event, record: { topic, partition, offset: String(stream.length) } });
  }
  const out: PositionedEvent[][] = [];
  const queues = [...streams.values()];
  for (let round = 0; queues.some((q) => q.length > round * BATCH); round++) {
    for (const q of queues) if (q.length > round * BATCH) out.push(q.slice(round * BATCH, (round + 1) * BATCH));
  }
  return out;
}

/**
 * The partition batches as the runner's group commit takes them while catching up: the batches
 * its workers hold (up to `DEFAULT_PARTITIONS_AT_ONCE`), in turn, up to `GROUP` records but at
 * least one batch.
 */
function groups(cut: readonly PositionedEvent[][]): PositionedEvent[][] {
  const out: PositionedEvent[][] = [];
  let current: PositionedEvent[] = [];
  let batches = 0;
  for (const batch of cut) {
    if (batches > 0 && (current.length + batch.length > GROUP || batches >= DEFAULT_PARTITIONS_AT_ONCE)) {
      out.push(current);
      current = [];
      batches = 0;
    }
    current = current.concat(batch);
    batches += 1;
  }
  if (current.length > 0) out.push(current);
  return out;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function timeRuns(what: string, run: () => Promise<unknown>): Promise<{ p50Ms: number; p95Ms: number; maxMs: number; runs: number; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < 3; i++) bytes = JSON.stringify(await run()).length;
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    bytes = JSON.stringify(await run()).length;
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  log(`${what}: p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms`);
  return { p50Ms: Math.round(percentile(ms, 50) * 10) / 10, p95Ms: Math.round(percentile(ms, 95) * 10) / 10, maxMs: Math.round(ms[ms.length - 1]! * 10) / 10, runs: RUNS, bytes };
}

/** Guards as the live runner leaves them on a document written from every partition of the counters' topics. */
function guards(): Document {
  const pos: Document = {};
  for (const t of ['signature', 'routing', 'delivery']) for (const lane of ['', '_urgent']) for (let p = 0; p < PARTITIONS; p++) pos[`vdx_${t}_events_v1${lane}~${p}`] = 1_000_000 + p;
  return pos;
}

/** A busy agency's (or subtree's) headline counters of a long period: every counter of both directions and kinds non-zero, flat (`sdn_fch`). */
function denseCounters(scale: number): Document {
  const doc: Document = {};
  const n = () => Math.max(1, Math.round(scale * (0.5 + random())));
  for (const direction of DIRECTIONS) {
    for (const combination of COMBINATIONS.filter((c) => c !== 'su')) {
      const counters = ['acc', 'dlv', 'fch', 'ack', 'nak', 'dead', 'wdr', 'unr', 'vb', 'nf', 'ot', 'lt', 'qs', 'fs', ...(combination[0] === 'd' ? ['rev', 'upd', 'rep', 'os'] : [])];
      for (const c of counters) doc[fieldOf(direction, combination, c)] = n();
    }
  }
  doc['_pos'] = guards();
  return doc;
}

/** The breakdown of the same: statuses per code, every verdict but `vb`, the latency buckets. */
function denseDetail(scale: number): Document {
  const doc: Document = {};
  const n = () => Math.max(1, Math.round(scale * (0.5 + random())));
  for (const direction of DIRECTIONS) {
    for (const combination of COMBINATIONS.filter((c) => c !== 'su')) {
      for (const v of Object.keys(VERDICTS).filter((v) => v !== 'vb')) doc[fieldOf(direction, combination, v)] = n();
      if (combination[0] === 's') for (const code of STATUS_CODES) doc[fieldOf(direction, combination, `st${code}`)] = n();
      for (const h of ['q', 'f', ...(combination[0] === 'd' ? ['o'] : [])]) for (let i = 0; i < LATENCY_BUCKETS; i++) doc[fieldOf(direction, combination, `${h}${i}`)] = n();
    }
  }
  doc['_pos'] = guards();
  return doc;
}

/**
 * A typical agency's own counters, with their breakdowns (an own document holds both): documents
 * both ways, statuses, the integrity verifier, a few latency buckets.
 */
function sparseCounters(): Document {
  const n = () => between(1, 50);
  const doc: Document = {};
  for (const d of DIRECTIONS) {
    Object.assign(doc, { [`${d}dn_acc`]: n(), [`${d}dn_dlv`]: n(), [`${d}dn_fch`]: n(), [`${d}dn_ack`]: n(), [`${d}dn_vb`]: n(), [`${d}dn_ot`]: n(), [`${d}dn_qs`]: n(), [`${d}dn_fs`]: n() * 60, [`${d}dn_os`]: n() * 600 });
    Object.assign(doc, { [`${d}dn_np`]: n(), [`${d}dn_q0`]: n(), [`${d}dn_f2`]: n(), [`${d}dn_f3`]: n(), [`${d}dn_o4`]: n() });
    Object.assign(doc, { [`${d}sn_acc`]: n(), [`${d}sn_dlv`]: n(), [`${d}sn_fch`]: n(), [`${d}sn_ack`]: n(), [`${d}sn_qs`]: 1 });
    Object.assign(doc, { [`${d}sn_np`]: n(), [`${d}sn_st01`]: n(), [`${d}sn_st06`]: n(), [`${d}sn_q0`]: n(), [`${d}sn_f2`]: n() });
  }
  doc['_pos'] = Object.fromEntries(Object.entries(guards()).slice(0, 8));
  return doc;
}

/** The agency tree as the directory's events leave it: one document per parent naming its children. */
function treeOf(directory: readonly string[]): Document[] {
  const byParent = new Map<string, Document>();
  for (const code of directory) {
    const entry = treeEntryOf(parseAgencyCodeOrThrow(code));
    let doc = byParent.get(entry.id);
    if (doc === undefined) byParent.set(entry.id, (doc = { _id: entry.id, c: {} }));
    (doc['c'] as Document)[entry.field.slice(2)] = 1;
  }
  return [...byParent.values()];
}

async function insertAll(db: Db, collection: string, docs: readonly Document[]): Promise<void> {
  for (let i = 0; i < docs.length; i += 1000) await db.collection(collection).insertMany(docs.slice(i, i + 1000) as Document[], { ordered: false });
}

async function main(): Promise<void> {
  const infra = new LocalInfra(PROFILES.test, { kafkaBrokers: process.env['KAFKA_BROKERS'], mongoUrl: process.env['MONGO_URL'] }, log);
  const { mongoUrl } = await infra.start();
  const client = await MongoClient.connect(mongoUrl);
  const db = client.db(uniqueDbName('bench_statistics'));
  try {
    log(`a synthetic directory of ${AGENCIES} agencies`);
    const directory = generateSyntheticDirectory({ count: AGENCIES, seed: 1 }).map((a) => a.code);
    const levels = byLevel(directory);

    // 1. Projection throughput.
    const { events, documents } = workingDay(levels);
    const cut = batches(events);
    const grouped = groups(cut);
    log(`folding ${events.length} events (${documents} documents) in ${cut.length} partition batches of up to ${BATCH}, ${grouped.length} groups of up to ${GROUP}`);
    const projection = statisticsProjection({ factCache: 200_000 });
    let applied = 0;
    let skipped = 0;
    let operations = 0;
    const started = performance.now();
    for (const group of grouped) {
      const r = await applyStatisticsBatch(db, projection, group);
      applied += r.applied;
      skipped += r.skipped;
      operations += r.operations;
    }
    const seconds = (performance.now() - started) / 1000;
    const written = await db.collection(STATISTICS_COLLECTIONS.headline).countDocuments();
    const writtenDetail = await db.collection(STATISTICS_COLLECTIONS.detail).countDocuments();
    log(`projected ${events.length} events in ${seconds.toFixed(1)} s`);

    // 2. Reports over documents written for the whole country: a year of every level-1 subtree and agency.
    for (const c of [STATISTICS_COLLECTIONS.headline, STATISTICS_COLLECTIONS.detail, STATISTICS_COLLECTIONS.tree]) await db.collection(c).drop().catch(() => undefined);
    const level1 = levels[0]!;
    const compact = (code: string) => formatCompactAgencyCode(parseAgencyCodeOrThrow(code));
    log(`writing the year's documents of ${level1.length} level-1 subtrees and ${directory.length} agencies`);
    const H = STATISTICS_COLLECTIONS.headline;
    await insertAll(db, STATISTICS_COLLECTIONS.tree, treeOf(directory));
    await insertAll(db, H, [{ _id: 'Y2025|N', ...denseCounters(1_000_000) }, ...level1.map((c) => ({ _id: `Y2025|T:${compact(c)}`, ...denseCounters(10_000) }))]);
    await insertAll(db, STATISTICS_COLLECTIONS.detail, [{ _id: 'Y2025|N', ...denseDetail(1_000_000) }, ...level1.map((c) => ({ _id: `Y2025|T:${compact(c)}`, ...denseDetail(10_000) }))]);
    await insertAll(db, H, directory.map((c) => ({ _id: `Y2025|A:${compact(c)}`, ...sparseCounters() })));
    const subtreeSizes = new Map<string, number>();
    for (const c of directory) subtreeSizes.set(c.slice(-3), (subtreeSizes.get(c.slice(-3)) ?? 0) + 1);
    const [biggest, subtreeSize] = [...subtreeSizes].sort((a, b) => b[1] - a[1])[0]!;
    const province = level1.find((c) => c.endsWith(biggest))!;
    const inProvince = directory.filter((c) => c.endsWith(`.${biggest}`));
    log(`writing the month's documents of ${province} and the ${inProvince.length} agencies of its subtree`);
    await insertAll(db, H, [{ _id: `M2025-07|T:${biggest}`, ...denseCounters(1000) }, ...inProvince.map((c) => ({ _id: `M2025-07|A:${compact(c)}`, ...sparseCounters() }))]);

    const reports = new StatisticsReports(db, STATISTICS_COLLECTIONS);
    const nationalYear = await timeRuns('national year report', () => reports.flows(parseQuery('report', { period: 'year', from: '2025' })));
    const provinceMonth = await timeRuns('province month report', () => reports.flows(parseQuery('report', { period: 'month', from: '2025-07', agency: province, rows: 'children', limit: '1000' })));

    process.stdout.write(
      `${JSON.stringify(
        {
          store: mongoUrl.includes('127.0.0.1') ? 'local (npm run infra)' : 'external',
          machine: { cpus: cpus().length, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 },
          projection: {
            events: events.length,
            documents,
            batches: cut.length,
            batchSize: BATCH,
            groups: grouped.length,
            groupRecords: GROUP,
            seconds: Math.round(seconds * 100) / 100,
            eventsPerSecond: Math.round(events.length / seconds),
            goalEventsPerSecond: 5000,
            writesApplied: applied,
            writesSkipped: skipped,
            upsertsSent: operations,
            upsertsPerSecond: Math.round(operations / seconds),
            headlineDocuments: written,
            detailDocuments: writtenDetail,
            unattributed: projection.unattributed,
          },
          nationalYear: { agencies: directory.length, level1Rows: level1.length, ...nationalYear, goalP95Ms: 200 },
          provinceMonth: { agency: province, agenciesInSubtree: subtreeSize, ...provinceMonth },
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

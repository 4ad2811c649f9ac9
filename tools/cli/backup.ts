// `vdx backup <dir>` and `vdx restore <dir>`: every event topic of the cluster (both lanes, the
// compacted directory snapshot, the dead letters, the delivery commands), record for record with
// keys, headers, timestamps and partitions, and the blob store's bodies, into a directory with a
// checksum per file; and back into an empty cluster and store. Read models are not backed up:
// `vdx replay <model>` rebuilds each from the restored log (docs/runbooks/backup.md).
import { DEFAULT_MAX_BYTES, isSha256, openBlobStore } from '@vdx/blob-store';
import {
  RawRecordWriter,
  commitGroupOffsets,
  committedGroupOffsets,
  createKafka,
  describeTopics,
  ensureTopics,
  readRawRecords,
  recordSpans,
  type KafkaSettings,
  type RawOutgoing,
  type RawRecord,
  type TopicLayout,
} from '@vdx/messaging';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { MongoClient, type Db } from 'mongodb';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  BLOB_INDEX_FILE,
  BackupError,
  MANIFEST_CHECKSUM_FILE,
  MANIFEST_FILE,
  RECORD_FILE_MAGIC,
  RecordFileDecoder,
  RecordFormatError,
  blobFileName,
  checkPrefix,
  encodeRecord,
  manifestProblem,
  partitionFileName,
  progressText,
  skipReason,
  topicConfig,
  topicKind,
  type BackedUpTopic,
  type BackupManifest,
  type BlobEntry,
  type PartitionFile,
  type StoredRecord,
} from './backup-format';

export type ProgressMode = 'bar' | 'lines' | 'none';

/** Where the store is; `blobDir` is BLOB_DIR of the services (bodies as files), if they use one. */
export interface StoreOptions {
  readonly mongoUrl: string;
  readonly db: string;
  readonly blobDir?: string | undefined;
}

export interface BackupOptions extends StoreOptions {
  readonly brokers: string;
  /** The topics to take: every one whose name starts with it (`vdx.`). */
  readonly prefix: string;
  /** False: the topics only (the blob store is backed up on its own). */
  readonly blobs: boolean;
  readonly progress: ProgressMode;
}

export interface RestoreOptions extends StoreOptions {
  readonly brokers: string;
  /** The prefix of the restored topics; the backup's own when absent. */
  readonly prefix?: string | undefined;
  /** Restore even into topics that hold records or a store that holds blobs (appending to them). */
  readonly force: boolean;
  /** False: leave the consumer groups' offsets alone (a drill beside a live cluster, whose groups have members). */
  readonly groupOffsets?: boolean;
  readonly replicationFactor: number;
  readonly progress: ProgressMode;
}

export interface BackupSummary {
  readonly dir: string;
  readonly topics: number;
  readonly partitions: number;
  readonly records: number;
  readonly blobs: number;
  readonly bytes: number;
  readonly skipped: readonly { readonly topic: string; readonly reason: string }[];
  /** Consumer groups whose committed offsets the backup holds. */
  readonly groups: number;
  readonly seconds: number;
  /** Exporting the records only, the blobs excluded. */
  readonly recordsPerSecond: number;
}

export interface RestoreSummary {
  readonly dir: string;
  readonly prefix: string;
  readonly topics: number;
  readonly created: number;
  readonly records: number;
  readonly blobs: number;
  /** Blobs the target store held already (only with --force). */
  readonly blobsExisted: number;
  /** Consumer groups whose offsets were translated and committed (none with --force: groups are left as they are). */
  readonly groups: number;
  readonly seconds: number;
  /** Restoring the records only, verification excluded. */
  readonly recordsPerSecond: number;
}

const LINE_EVERY_MS = 2000;

/** A bar (a terminal), a line every ~2 s (logs, CI), or nothing, per phase of the work. */
function phase(mode: ProgressMode, what: string, total: number, unit: string): { update(done: number): void; stop(done: number): void } {
  const bar = mode === 'bar' ? new SingleBar({ format: `${what} |{bar}| {value}/{total} ${unit} · {rate} ${unit}/s · {eta_formatted} left`, hideCursor: true, stream: process.stderr }) : null;
  const began = Date.now();
  let last = began;
  const rate = (done: number) => (done * 1000) / Math.max(1, Date.now() - began);
  bar?.start(total, 0, { rate: 0 });
  return {
    update(done) {
      bar?.update(Math.min(done, total), { rate: Math.round(rate(done)) });
      if (mode !== 'lines' || Date.now() - last < LINE_EVERY_MS) return;
      last = Date.now();
      process.stderr.write(`${progressText(what, done, total, rate(done), unit)}\n`);
    },
    stop(done) {
      if (bar) {
        bar.setTotal(done);
        bar.update(done, { rate: Math.round(rate(done)) });
        bar.stop();
      }
      if (mode === 'lines') process.stderr.write(`${progressText(what, done, done, rate(done), unit)}\n`);
    },
  };
}

const settingsOf = (brokers: string): KafkaSettings => ({ brokers, clientId: 'vdx-cli' });

/** The store's client, connected (`mongo`: one not connected yet, a test's); `BACKUP.STORE_UNREACHABLE` when the store does not answer. */
export async function connectStore(o: StoreOptions, mongo = new MongoClient(o.mongoUrl, { serverSelectionTimeoutMS: 10_000, appName: 'vdx-backup' })): Promise<MongoClient> {
  await mongo.connect().catch((err: unknown) => {
    throw new BackupError('BACKUP.STORE_UNREACHABLE', `cannot reach the store at ${o.mongoUrl} (${(err as Error).message}); is it running (npm start)?`, { cause: err });
  });
  return mongo;
}

/** A partition's file being written: magic, then length-prefixed records, hashed as they go. */
class PartitionSink {
  private readonly hash = createHash('sha256');
  bytes = 0;
  records = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly file: string,
  ) {}

  static async open(root: string, file: string): Promise<PartitionSink> {
    await mkdir(dirname(join(root, file)), { recursive: true });
    const sink = new PartitionSink(await open(join(root, file), 'wx'), file);
    await sink.write(RECORD_FILE_MAGIC, 0);
    return sink;
  }

  async write(bytes: Buffer, records: number): Promise<void> {
    this.hash.update(bytes);
    await this.handle.write(bytes);
    this.bytes += bytes.length;
    this.records += records;
  }

  async close(): Promise<{ bytes: number; sha256: string; records: number }> {
    await this.handle.sync();
    await this.handle.close();
    return { bytes: this.bytes, sha256: this.hash.digest('hex'), records: this.records };
  }
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/** The blob addresses a directory laid out as `<dir>/<aa>/<sha256>` holds (`.partial` uploads and `.type` files are not blobs). */
async function blobsInDir(dir: string): Promise<string[]> {
  const out: string[] = [];
  const tops = await readdir(dir).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [] as string[];
    throw err;
  });
  for (const top of tops) {
    if (!/^[0-9a-f]{2}$/.test(top)) continue;
    for (const name of await readdir(join(dir, top))) if (isSha256(name) && name.startsWith(top)) out.push(name);
  }
  return out;
}

/** Every blob the store holds, by where it is: files of the directory, inline documents, finished GridFS files. */
async function storedBlobs(db: Db, blobDir: string | undefined, limit?: number): Promise<{ files: string[]; inline: string[]; gridfs: string[] }> {
  const files = blobDir ? await blobsInDir(blobDir) : [];
  const inlineCursor = db.collection('blobs.inline').find({}, { projection: { _id: 1 } });
  const gridfsCursor = db.collection('blobs.files').find({ 'metadata.pending': { $ne: true } }, { projection: { filename: 1 } });
  if (limit !== undefined) {
    inlineCursor.limit(limit);
    gridfsCursor.limit(limit);
  }
  const inline = (await inlineCursor.toArray()).map((d) => String(d['_id'])).filter(isSha256);
  const gridfs = (await gridfsCursor.toArray()).map((d) => String(d['filename'])).filter(isSha256);
  return { files, inline, gridfs };
}

/**
 * Backs up every topic under `prefix` (but the replies) and the blob store into `dir`, which
 * must be empty or absent. Each partition is read from its start to the committed end it had
 * when the backup began; what is appended meanwhile is left for the next backup.
 */
export async function runBackup(dir: string, opts: BackupOptions): Promise<BackupSummary> {
  const prefix = checkPrefix(opts.prefix);
  if (!(await isEmptyDir(dir))) throw new BackupError('BACKUP.DIR_NOT_EMPTY', `${dir} is not empty: a backup goes into an empty or new directory`);
  const began = Date.now();
  const settings = settingsOf(opts.brokers);
  const layouts = await describeTopics(settings, prefix);
  const skipped: { topic: string; reason: string }[] = [];
  const chosen: TopicLayout[] = [];
  for (const l of layouts) {
    const reason = skipReason(l.topic.slice(prefix.length));
    if (reason) skipped.push({ topic: l.topic, reason });
    else chosen.push(l);
  }
  if (chosen.length === 0) throw new BackupError('BACKUP.NOTHING_TO_BACK_UP', `no topic of the cluster at ${opts.brokers} starts with ${JSON.stringify(prefix)}${skipped.length > 0 ? ` (but the skipped ${skipped.map((s) => s.topic).join(', ')})` : ''}`);
  await mkdir(dir, { recursive: true });

  // The groups' offsets before the ends: a record decided after this is decided again after a
  // restore (at least once), never skipped.
  const groupOffsets = await committedGroupOffsets(settings, chosen.map((l) => l.topic));
  const spans = await recordSpans(settings, chosen.map((l) => l.topic));
  const sinks = new Map<string, PartitionSink>();
  const sinkKey = (topic: string, partition: number) => `${topic}/${partition}`;
  for (const s of spans) sinks.set(sinkKey(s.topic, s.partition), await PartitionSink.open(dir, partitionFileName(s.topic, s.partition)));
  const approx = spans.reduce((n, s) => n + Number(BigInt(s.high) - BigInt(s.low)), 0);
  const exporting = phase(opts.progress, 'exporting records', approx, 'records');
  const recordsBegan = Date.now();
  const read = await readRawRecords(
    settings,
    spans.map((s) => ({ topic: s.topic, partition: s.partition, endOffset: s.high })),
    async (records: RawRecord[]) => {
      const byPartition = new Map<string, Buffer[]>();
      for (const r of records) {
        const k = sinkKey(r.topic, r.partition);
        const list = byPartition.get(k) ?? [];
        list.push(encodeRecord(r));
        byPartition.set(k, list);
      }
      for (const [k, list] of byPartition) await sinks.get(k)!.write(Buffer.concat(list), list.length);
    },
    { onProgress: (n) => exporting.update(n) },
  );
  exporting.stop(read);
  const recordSeconds = (Date.now() - recordsBegan) / 1000;
  const closed = new Map<string, PartitionFile>();
  for (const s of spans) {
    const sink = sinks.get(sinkKey(s.topic, s.partition))!;
    const c = await sink.close();
    closed.set(sinkKey(s.topic, s.partition), { partition: s.partition, file: sink.file, records: c.records, bytes: c.bytes, sha256: c.sha256, endOffset: s.high });
  }
  const topics: BackedUpTopic[] = chosen.map((l) => {
    const name = l.topic.slice(prefix.length);
    const kind = topicKind(name);
    const files = [...closed.values()].filter((f) => f.file === partitionFileName(l.topic, f.partition)).sort((a, b) => a.partition - b.partition);
    return { name, topic: l.topic, kind, partitions: l.partitions, replicationFactor: l.replicationFactor, config: topicConfig(kind), files };
  });

  const blobs = opts.blobs ? await backupBlobs(dir, opts) : null;
  const records = topics.reduce((n, t) => n + t.files.reduce((m, f) => m + f.records, 0), 0);
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: new Date(began).toISOString(),
    prefix,
    topics,
    skipped,
    blobs,
    groups: groupOffsets.map((g) => ({ group: g.group, name: g.topic.slice(prefix.length), partition: g.partition, offset: g.offset })),
    totals: { records, blobs: blobs?.count ?? 0 },
  };
  const text = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, MANIFEST_FILE), text, { flag: 'wx' });
  await writeFile(join(dir, MANIFEST_CHECKSUM_FILE), `${sha256Of(text)}  ${MANIFEST_FILE}\n`, { flag: 'wx' });
  const seconds = (Date.now() - began) / 1000;
  const bytes = topics.reduce((n, t) => n + t.files.reduce((m, f) => m + f.bytes, 0), 0) + (blobs?.bytes ?? 0);
  const groups = new Set(groupOffsets.map((g) => g.group)).size;
  return { dir, topics: topics.length, partitions: closed.size, records, blobs: blobs?.count ?? 0, bytes, skipped, groups, seconds: Math.round(seconds * 1000) / 1000, recordsPerSecond: Math.round(records / Math.max(recordSeconds, 0.001)) };
}

async function backupBlobs(dir: string, opts: BackupOptions): Promise<NonNullable<BackupManifest['blobs']>> {
  const mongo = await connectStore(opts);
  try {
    const db = mongo.db(opts.db);
    const found = await storedBlobs(db, opts.blobDir);
    const all = [...new Set([...found.files, ...found.inline, ...found.gridfs])].sort();
    const sources = [...(found.files.length > 0 ? ['files' as const] : []), ...(found.inline.length > 0 ? ['blobs.inline' as const] : []), ...(found.gridfs.length > 0 ? ['blobs.files' as const] : [])];
    const store = openBlobStore(db, { dir: opts.blobDir });
    const entries: BlobEntry[] = [];
    let bytes = 0;
    const exporting = phase(opts.progress, 'exporting blobs', all.length, 'blobs');
    for (const sha256 of all) {
      const ref = await store.stat(sha256);
      if (!ref) continue; // removed since it was listed (a swept upload): nothing refers to it
      const file = blobFileName(sha256);
      await mkdir(dirname(join(dir, file)), { recursive: true });
      const handle = await open(join(dir, file), 'wx');
      const hash = createHash('sha256');
      let size = 0;
      try {
        for await (const chunk of (await store.get(sha256)) as AsyncIterable<Buffer | string>) {
          const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          hash.update(b);
          size += b.length;
          await handle.write(b);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const actual = hash.digest('hex');
      if (actual !== sha256 || size !== ref.size) {
        throw new BackupError('BACKUP.SOURCE_BLOB_CORRUPT', `the store's blob ${sha256} reads as ${size} bytes hashing to ${actual} (expected ${ref.size} bytes): the store itself is damaged; the backup is incomplete`, { path: file });
      }
      entries.push({ sha256, size, ...(ref.contentType ? { contentType: ref.contentType } : {}) });
      bytes += size;
      exporting.update(entries.length);
    }
    exporting.stop(entries.length);
    const index = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await mkdir(dirname(join(dir, BLOB_INDEX_FILE)), { recursive: true });
    await writeFile(join(dir, BLOB_INDEX_FILE), index, { flag: 'wx' });
    return { sources, count: entries.length, bytes, index: { file: BLOB_INDEX_FILE, bytes: index.length, sha256: sha256Of(index) } };
  } finally {
    await mongo.close();
  }
}

/** Streams a file's bytes, hashing them; `onChunk` sees each chunk. */
async function hashFile(path: string, onChunk?: (chunk: Buffer) => void): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    onChunk?.(chunk);
  }
  return { sha256: hash.digest('hex'), bytes };
}

const corrupt = (file: string, reason: string): BackupError => new BackupError('BACKUP.CORRUPT', `the backup is corrupted, nothing was restored: ${file} ${reason}`, { path: file });

async function readManifest(dir: string): Promise<BackupManifest> {
  const [text, sum] = await Promise.all([readFile(join(dir, MANIFEST_FILE)).catch(() => null), readFile(join(dir, MANIFEST_CHECKSUM_FILE), 'utf8').catch(() => null)]);
  if (text === null) throw new BackupError('BACKUP.NOT_A_BACKUP', `${dir} holds no ${MANIFEST_FILE}: it is not a vdx backup (or not its top directory)`, { path: MANIFEST_FILE });
  if (sum === null) throw corrupt(MANIFEST_CHECKSUM_FILE, 'is missing');
  const expected = sum.trim().split(/\s+/)[0] ?? '';
  const actual = sha256Of(text);
  if (actual !== expected) throw corrupt(MANIFEST_FILE, `has SHA-256 ${actual}, but ${MANIFEST_CHECKSUM_FILE} says ${expected}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.toString('utf8'));
  } catch (err) {
    throw corrupt(MANIFEST_FILE, `is not JSON (${(err as Error).message})`);
  }
  const problem = manifestProblem(parsed);
  if (problem) throw corrupt(MANIFEST_FILE, problem);
  const m = parsed as BackupManifest;
  if (m.version > BACKUP_VERSION) throw new BackupError('BACKUP.UNSUPPORTED_VERSION', `the backup is of format version ${m.version}; this vdx reads up to ${BACKUP_VERSION}`, { path: MANIFEST_FILE });
  return m;
}

/**
 * Checks every file of the backup against the manifest before anything is written: a record
 * file's size, SHA-256 and record count (decoding every record), the blob index's checksum and
 * each blob's bytes against its name. Returns the blob index.
 */
export async function verifyBackup(dir: string, progress: ProgressMode = 'none'): Promise<{ manifest: BackupManifest; blobs: BlobEntry[] }> {
  const manifest = await readManifest(dir);
  const files = manifest.topics.flatMap((t) => t.files);
  const totalBytes = files.reduce((n, f) => n + f.bytes, 0);
  const verifying = phase(progress, 'verifying record files', totalBytes, 'bytes');
  let done = 0;
  for (const f of files) {
    const decoder = new RecordFileDecoder();
    let records = 0;
    let got: { sha256: string; bytes: number };
    try {
      got = await hashFile(join(dir, f.file), (chunk) => {
        records += decoder.push(chunk).length;
      });
      decoder.end();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw corrupt(f.file, 'is missing');
      if (err instanceof RecordFormatError) {
        // A checksum mismatch says more than where the decoding tripped over it.
        const sum = await hashFile(join(dir, f.file));
        throw corrupt(f.file, sum.sha256 !== f.sha256 ? `has SHA-256 ${sum.sha256}, but the manifest says ${f.sha256} (${err.message})` : `cannot be read: ${err.message}`);
      }
      throw err;
    }
    if (got.bytes !== f.bytes) throw corrupt(f.file, `is ${got.bytes} bytes long, but the manifest says ${f.bytes}`);
    if (got.sha256 !== f.sha256) throw corrupt(f.file, `has SHA-256 ${got.sha256}, but the manifest says ${f.sha256}`);
    if (records !== f.records) throw corrupt(f.file, `holds ${records} records, but the manifest says ${f.records}`);
    done += got.bytes;
    verifying.update(done);
  }
  verifying.stop(done);
  if (!manifest.blobs) return { manifest, blobs: [] };
  const indexFile = manifest.blobs.index.file;
  const index = await readFile(join(dir, indexFile)).catch(() => null);
  if (index === null) throw corrupt(indexFile, 'is missing');
  if (sha256Of(index) !== manifest.blobs.index.sha256) throw corrupt(indexFile, `has SHA-256 ${sha256Of(index)}, but the manifest says ${manifest.blobs.index.sha256}`);
  const blobs = index
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as BlobEntry);
  const malformed = blobs.find((b) => !isSha256(b.sha256) || !Number.isInteger(b.size));
  if (malformed) throw corrupt(indexFile, `lists a malformed entry ${JSON.stringify(malformed)}`);
  if (blobs.length !== manifest.blobs.count) throw corrupt(indexFile, `lists ${blobs.length} blobs, but the manifest says ${manifest.blobs.count}`);
  const checking = phase(progress, 'verifying blobs', blobs.length, 'blobs');
  let n = 0;
  for (const b of blobs) {
    const file = blobFileName(b.sha256);
    const got = await hashFile(join(dir, file)).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw corrupt(file, 'is missing');
      throw err;
    });
    if (got.sha256 !== b.sha256) throw corrupt(file, `has SHA-256 ${got.sha256}: its bytes are not the blob it is named after`);
    if (got.bytes !== b.size) throw corrupt(file, `is ${got.bytes} bytes long, but the index says ${b.size}`);
    checking.update((n += 1));
  }
  checking.stop(n);
  return { manifest, blobs };
}

/** Reads a verified record file record by record. */
async function* recordsOf(path: string): AsyncGenerator<StoredRecord> {
  const decoder = new RecordFileDecoder();
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) yield* decoder.push(chunk);
  decoder.end();
}

const RESTORE_BATCH = 500;

/**
 * Restores a backup into the cluster and store of `opts`: verifies every file first, refuses a
 * target that holds records or blobs (unless `force`), creates the topics with the backup's
 * partition counts and the project's settings, and appends each partition's records to the
 * same partition in the same order, with their keys, headers and timestamps. The offsets are
 * new (dense from the topic's end); each consumer group's committed offset is translated to the
 * new offset of the same record and committed (not with `force`).
 */
export async function runRestore(dir: string, opts: RestoreOptions): Promise<RestoreSummary> {
  const began = Date.now();
  const { manifest, blobs } = await verifyBackup(dir, opts.progress);
  const prefix = checkPrefix(opts.prefix ?? manifest.prefix);
  const settings = settingsOf(opts.brokers);
  const target = (t: BackedUpTopic) => `${prefix}${t.name}`;

  const existing = new Map((await describeTopics(settings, prefix)).map((l) => [l.topic, l]));
  const mismatched = manifest.topics.filter((t) => existing.has(target(t)) && existing.get(target(t))!.partitions !== t.partitions);
  if (mismatched.length > 0) {
    throw new BackupError('BACKUP.PARTITIONS_MISMATCH', `cannot put records back on their partitions: ${mismatched.map((t) => `${target(t)} has ${existing.get(target(t))!.partitions} partitions, the backup ${t.partitions}`).join('; ')}`);
  }
  const present = manifest.topics.filter((t) => existing.has(target(t))).map(target);
  const before = new Map((await recordSpans(settings, present)).map((s) => [`${s.topic}/${s.partition}`, s]));
  const holding = present.filter((topic) => [...before.values()].some((s) => s.topic === topic && BigInt(s.high) > BigInt(s.low)));

  const mongo = manifest.blobs ? await connectStore(opts) : null;
  try {
    const db = mongo?.db(opts.db) ?? null;
    const stored = db ? await storedBlobs(db, opts.blobDir, 1) : { files: [], inline: [], gridfs: [] };
    const storeHolds = [...(stored.files.length > 0 ? [`files in ${opts.blobDir}`] : []), ...(stored.inline.length > 0 ? [`${opts.db}.blobs.inline`] : []), ...(stored.gridfs.length > 0 ? [`${opts.db}.blobs.files`] : [])];
    if (!opts.force && (holding.length > 0 || storeHolds.length > 0)) {
      const what = [...(holding.length > 0 ? [`topics that hold records: ${holding.join(', ')}`] : []), ...(storeHolds.length > 0 ? [`a blob store that holds blobs: ${storeHolds.join(', ')}`] : [])];
      throw new BackupError('BACKUP.TARGET_NOT_EMPTY', `the target is not empty (${what.join('; ')}); restore into an empty cluster and store, another --prefix or --db, or pass --force to append to what is there`);
    }

    const kafka = createKafka(settings);
    const created = await ensureTopics(
      kafka,
      manifest.topics.map((t) => ({ name: target(t), partitions: t.partitions, replicationFactor: opts.replicationFactor, config: t.config })),
    );
    const total = manifest.totals.records;
    const writing = phase(opts.progress, 'restoring records', total, 'records');
    const writer = new RawRecordWriter(settings);
    await writer.connect();
    const recordsBegan = Date.now();
    let written = 0;
    // Each group's committed offset becomes the count of the partition's records before it.
    const committed = new Map<string, { group: string; offset: bigint; before: number }[]>();
    for (const g of manifest.groups ?? []) {
      const key = `${g.name}/${g.partition}`;
      committed.set(key, [...(committed.get(key) ?? []), { group: g.group, offset: BigInt(g.offset), before: 0 }]);
    }
    try {
      for (const t of manifest.topics) {
        for (const f of t.files) {
          const groups = committed.get(`${t.name}/${f.partition}`) ?? [];
          let batch: RawOutgoing[] = [];
          const flush = async () => {
            await writer.write(target(t), f.partition, batch);
            written += batch.length;
            batch = [];
            writing.update(written);
          };
          for await (const r of recordsOf(join(dir, f.file))) {
            for (const g of groups) if (BigInt(r.offset) < g.offset) g.before += 1;
            batch.push(r);
            if (batch.length >= RESTORE_BATCH) await flush();
          }
          await flush();
        }
      }
    } finally {
      await writer.disconnect();
    }
    writing.stop(written);
    const recordSeconds = (Date.now() - recordsBegan) / 1000;
    // Every partition grew by exactly its records: none lost, none doubled.
    const after = await recordSpans(settings, manifest.topics.map(target));
    const wrong: string[] = [];
    for (const t of manifest.topics) {
      for (const f of t.files) {
        const key = `${target(t)}/${f.partition}`;
        const grew = BigInt(after.find((s) => `${s.topic}/${s.partition}` === key)?.high ?? '0') - BigInt(before.get(key)?.high ?? '0');
        if (grew !== BigInt(f.records)) wrong.push(`${key} grew by ${grew}, not ${f.records}`);
      }
    }
    if (wrong.length > 0) throw new BackupError('BACKUP.RESTORE_MISMATCH', `the restored partitions do not hold what the backup does (was something else writing to them?): ${wrong.join('; ')}`);

    // The groups resume where they were, at the new offsets of the same records (empty topics: the
    // restored records start at offset 0). With --force the records went after others: left alone.
    const byGroup = new Map<string, { topic: string; partition: number; offset: string }[]>();
    if (!opts.force && opts.groupOffsets !== false) {
      for (const [key, groups] of committed) {
        const cut = key.lastIndexOf('/');
        const topic = `${prefix}${key.slice(0, cut)}`;
        const partition = Number(key.slice(cut + 1));
        const base = BigInt(before.get(`${topic}/${partition}`)?.high ?? '0');
        for (const g of groups) byGroup.set(g.group, [...(byGroup.get(g.group) ?? []), { topic, partition, offset: String(base + BigInt(g.before)) }]);
      }
      for (const [group, offsets] of byGroup) await commitGroupOffsets(settings, group, offsets);
    }

    let existed = 0;
    if (db && blobs.length > 0) {
      const store = openBlobStore(db, { dir: opts.blobDir });
      await store.ensureIndexes();
      const putting = phase(opts.progress, 'restoring blobs', blobs.length, 'blobs');
      let n = 0;
      for (const b of blobs) {
        const file = blobFileName(b.sha256);
        const put = await store.put(createReadStream(join(dir, file)), { maxBytes: Math.max(DEFAULT_MAX_BYTES, b.size), ...(b.contentType ? { contentType: b.contentType } : {}) });
        if (put.sha256 !== b.sha256) throw corrupt(file, `was stored as ${put.sha256}: it changed after it was verified`);
        if (put.existed) existed += 1;
        putting.update((n += 1));
      }
      putting.stop(n);
    }
    const seconds = (Date.now() - began) / 1000;
    return {
      dir,
      prefix,
      topics: manifest.topics.length,
      created: created.length,
      records: written,
      blobs: blobs.length,
      blobsExisted: existed,
      groups: byGroup.size,
      seconds: Math.round(seconds * 1000) / 1000,
      recordsPerSecond: Math.round(written / Math.max(recordSeconds, 0.001)),
    };
  } finally {
    await mongo?.close();
  }
}

export function backupSummaryLines(s: BackupSummary): string[] {
  return [
    `backed up ${s.records} records of ${s.topics} topics (${s.partitions} partitions), the offsets of ${s.groups} consumer groups and ${s.blobs} blobs into ${s.dir}: ${s.bytes} bytes in ${s.seconds.toFixed(1)} s (${s.recordsPerSecond} records/s)`,
    ...s.skipped.map((k) => `left out ${k.topic}: ${k.reason}`),
  ];
}

export function restoreSummaryLines(s: RestoreSummary): string[] {
  return [
    `restored ${s.records} records into ${s.topics} topics under ${s.prefix} (${s.created} created), the offsets of ${s.groups} consumer groups and ${s.blobs} blobs${s.blobsExisted > 0 ? ` (${s.blobsExisted} were there already)` : ''} from ${s.dir} in ${s.seconds.toFixed(1)} s (${s.recordsPerSecond} records/s)`,
    'the records have new offsets (the groups\' committed offsets were translated to them); before starting the services, rebuild every read model with `vdx replay <model>` (docs/runbooks/backup.md)',
  ];
}

const wholeNumber = (min: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number, ${min} or more`);
  return n;
};

/** What the commands run; tests pass their own. */
export interface BackupDeps {
  readonly backup: (dir: string, opts: BackupOptions) => Promise<BackupSummary>;
  readonly restore: (dir: string, opts: RestoreOptions) => Promise<RestoreSummary>;
}

interface ParsedCommon {
  brokers: string;
  mongoUrl: string;
  db: string;
  blobDir?: string;
  json: boolean;
  progress: boolean;
}

/** Registers `vdx backup <dir>` and `vdx restore <dir>`. */
export function registerBackupCommands(program: Command, deps: BackupDeps = { backup: runBackup, restore: runRestore }): void {
  const common = (c: Command) =>
    c
      .addOption(new Option('--brokers <host:port,...>', 'Kafka bootstrap servers').default(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092'))
      .addOption(new Option('--mongo-url <url>', 'the store (its blobs)').default(process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27018/'))
      .addOption(new Option('--db <name>', 'the database of the blob store').default(process.env['MONGO_DB'] ?? 'vdx'))
      .addOption(new Option('--blob-dir <dir>', "the services' BLOB_DIR, when bodies are files").default(process.env['BLOB_DIR']))
      .option('--json', 'print the summary as JSON', false)
      .option('--no-progress', 'no progress output (a bar on a terminal, else a line every 2 s)');
  const mode = (o: ParsedCommon): ProgressMode => (!o.progress ? 'none' : process.stderr.isTTY ? 'bar' : 'lines');
  const store = (o: ParsedCommon): StoreOptions => ({ mongoUrl: o.mongoUrl, db: o.db, ...(o.blobDir ? { blobDir: o.blobDir } : {}) });
  common(
    program
      .command('backup')
      .description('export every event topic (both lanes, the directory snapshot, dead letters, delivery commands) with keys, headers, timestamps and partitions, and the blob store, into a new directory with a SHA-256 per file')
      .argument('<dir>', 'an empty or new directory')
      .option('--prefix <prefix>', 'take the topics whose names start with it: `vdx.`, or `<name>.vdx.`', 'vdx.')
      .option('--no-blobs', 'the topics only (the blob store is backed up on its own)'),
  ).action(async (dir: string, o: ParsedCommon & { prefix: string; blobs: boolean }) => {
    const summary = await deps.backup(dir, { brokers: o.brokers, prefix: o.prefix, blobs: o.blobs, progress: mode(o), ...store(o) });
    process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : `${backupSummaryLines(summary).join('\n')}\n`);
  });
  common(
    program
      .command('restore')
      .description('verify a backup, then load it into an empty cluster and store: the same topics, partitions, order, keys, headers and timestamps, and the blobs; then rebuild the read models with `vdx replay`')
      .argument('<dir>', 'the directory `vdx backup` wrote')
      .option('--prefix <prefix>', "the restored topics' prefix instead of the backup's, `<name>.vdx.` (a drill beside the live topics)")
      .option('--force', 'restore even into topics that hold records or a store that holds blobs, appending to them', false)
      .option('--no-group-offsets', "leave the consumer groups' offsets alone (a drill beside a live cluster)")
      .addOption(new Option('--replication-factor <n>', 'of the topics it creates').argParser(wholeNumber(1)).default(Number(process.env['TOPIC_REPLICATION_FACTOR'] ?? 1))),
  ).action(async (dir: string, o: ParsedCommon & { prefix?: string; force: boolean; groupOffsets: boolean; replicationFactor: number }) => {
    const summary = await deps.restore(dir, { brokers: o.brokers, prefix: o.prefix, force: o.force, groupOffsets: o.groupOffsets, replicationFactor: o.replicationFactor, progress: mode(o), ...store(o) });
    process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : `${restoreSummaryLines(summary).join('\n')}\n`);
  });
}


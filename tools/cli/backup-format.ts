// The on-disk format of `vdx backup` and what `vdx restore` checks, without I/O: record files,
// the manifest, which topics a backup takes and with which settings a restore recreates them.
import { DEAD_LETTER_TOPIC_CONFIG, EVENT_TOPIC_CONFIG } from '@vdx/contracts';
import { CodedError, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';
import { compactedTopicSpec, type RawHeader, type RawRecord } from '@vdx/messaging';

/** Why `vdx backup` or `vdx restore` refused (`ERROR_CODES.BACKUP`; `BACKUP.BAD_RECORD` is {@link RecordFormatError}'s). */
export type BackupErrorCode = Exclude<ErrorCodeOf<'BACKUP'>, 'BACKUP.BAD_RECORD'>;

/** A refusal of `vdx backup` or `vdx restore`; `path` (and `file`) names the backup file at fault when there is one. */
export class BackupError extends CodedError<BackupErrorCode> {
  override readonly name = 'BackupError';
  constructor(code: BackupErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }

  /** The backup file at fault, if one is. */
  get file(): string | undefined {
    return this.path === '' ? undefined : this.path;
  }
}

export const MANIFEST_FILE = 'manifest.json';
/** The SHA-256 of manifest.json, in `sha256sum` format: the manifest's own checksum. */
export const MANIFEST_CHECKSUM_FILE = 'manifest.json.sha256';
export const BLOB_INDEX_FILE = 'blobs/index.jsonl';
export const BACKUP_FORMAT = 'vdx-backup';
export const BACKUP_VERSION = 1;
/** The first 8 bytes of every record file. */
export const RECORD_FILE_MAGIC = Buffer.from('VDXREC1\n', 'latin1');

/** Topic-name characters Kafka allows. */
const TOPIC_CHARS = /^[A-Za-z0-9._-]+$/;

/**
 * A topic prefix given on the command line: what selects (backup) or names (restore) the
 * topics. It is the project's namespace, `vdx.` or `<name>.vdx.` (a drill's), so that the rest
 * of a topic's name says what it is (`gateway.events.v1`, `directory.snapshot.v1`, `dlq.<group>`).
 */
export function checkPrefix(prefix: string): string {
  if (!TOPIC_CHARS.test(prefix) || prefix.startsWith('__') || !(prefix === 'vdx.' || prefix.endsWith('.vdx.'))) {
    throw new BackupError('BACKUP.BAD_ARGUMENTS', `--prefix ${JSON.stringify(prefix)} is not the project's topic namespace: \`vdx.\`, or \`<name>.vdx.\` (letters, digits, '.', '_', '-')`);
  }
  return prefix;
}

/** What a topic is, by its name after the prefix; it decides the settings a restore recreates it with. */
export type TopicKind = 'events' | 'compacted' | 'dead-letters' | 'commands';

/** Topics under the prefix that a backup leaves out, with why (docs/runbooks/backup.md). */
const SKIPPED: Readonly<Record<string, string>> = {
  'delivery.replies.v1': 'answers to callers that waited at most 30 s, kept a day: none is awaited after a restore',
};

/** Compacted topics of the project: the directory snapshot, the dead-letter replay ledger. */
const COMPACTED = new Set(['directory.snapshot.v1', 'dlq-replays.v1']);

/** Why the topic `name` (after the prefix) is left out of a backup, or null when it is taken. */
export function skipReason(name: string): string | null {
  return SKIPPED[name] ?? null;
}

export function topicKind(name: string): TopicKind {
  if (COMPACTED.has(name)) return 'compacted';
  if (name.startsWith('dlq.')) return 'dead-letters';
  if (name === 'delivery.commands.v1') return 'commands';
  return 'events';
}

/**
 * The settings a topic of `kind` is created with, the same the services use (the client has no
 * way to read a topic's settings back from the broker, so they are the project's, not the cluster's).
 */
export function topicConfig(kind: TopicKind): Readonly<Record<string, string>> {
  switch (kind) {
    case 'compacted':
      return compactedTopicSpec('', 1, 1).config;
    case 'dead-letters':
      return DEAD_LETTER_TOPIC_CONFIG;
    default:
      return EVENT_TOPIC_CONFIG;
  }
}

/** One topic-partition's file. */
export interface PartitionFile {
  readonly partition: number;
  /** Relative to the backup directory. */
  readonly file: string;
  readonly records: number;
  readonly bytes: number;
  readonly sha256: string;
  /** The partition's committed end when the backup read it (its original offsets are in the file). */
  readonly endOffset: string;
}

export interface BackedUpTopic {
  /** The name after the prefix: what a restore puts its own prefix before. */
  readonly name: string;
  /** The full name it had. */
  readonly topic: string;
  readonly kind: TopicKind;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
  readonly files: readonly PartitionFile[];
}

export interface BlobEntry {
  readonly sha256: string;
  readonly size: number;
  readonly contentType?: string;
}

export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: number;
  readonly createdAt: string;
  readonly prefix: string;
  readonly topics: readonly BackedUpTopic[];
  readonly skipped: readonly { readonly topic: string; readonly reason: string }[];
  /** Null when the backup was made with --no-blobs. */
  readonly blobs: null | {
    /** Where they were read from: a directory (BLOB_DIR), the document store, or both. */
    readonly sources: readonly ('files' | 'blobs.inline' | 'blobs.files')[];
    readonly count: number;
    readonly bytes: number;
    /** One BlobEntry per line; each blob's file is `blobs/<aa>/<sha256>`, its name its checksum. */
    readonly index: { readonly file: string; readonly bytes: number; readonly sha256: string };
  };
  /**
   * The consumer groups' committed offsets on the backed-up topics, read before the records: a
   * restore translates each into the new offset of the same record.
   */
  readonly groups: readonly { readonly group: string; readonly name: string; readonly partition: number; readonly offset: string }[];
  readonly totals: { readonly records: number; readonly blobs: number };
}

/** A partition's file name: `topics/<full topic>/<partition>.records`. */
export function partitionFileName(topic: string, partition: number): string {
  return `topics/${topic}/${partition}.records`;
}

/** A blob's file name: `blobs/<aa>/<sha256>`, as in a BLOB_DIR. */
export function blobFileName(sha256: string): string {
  return `blobs/${sha256.slice(0, 2)}/${sha256}`;
}

const nullable = (b: Buffer | null): Buffer[] => {
  const len = Buffer.alloc(4);
  len.writeInt32BE(b === null ? -1 : b.length);
  return b === null ? [len] : [len, b];
};

/**
 * One record, length-prefixed (big-endian): u32 length of what follows; i64 original offset;
 * i64 timestamp (ms, -1 none); i32 key length (-1 null) and key; i32 value length (-1 null) and
 * value; u32 header count, then per header u32 name length, UTF-8 name, i32 value length (-1
 * null) and value.
 */
export function encodeRecord(r: Pick<RawRecord, 'offset' | 'timestamp' | 'key' | 'value' | 'headers'>): Buffer {
  const fixed = Buffer.alloc(16);
  fixed.writeBigInt64BE(BigInt(r.offset), 0);
  fixed.writeBigInt64BE(BigInt(r.timestamp), 8);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(r.headers.length);
  const parts: Buffer[] = [fixed, ...nullable(r.key), ...nullable(r.value), count];
  for (const h of r.headers) {
    const name = Buffer.from(h.name, 'utf8');
    const nameLen = Buffer.alloc(4);
    nameLen.writeUInt32BE(name.length);
    parts.push(nameLen, name, ...nullable(h.value));
  }
  const body = Buffer.concat(parts);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** A record read back from a file: what a restore writes (its offset is the one it had). */
export interface StoredRecord {
  readonly offset: string;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RawHeader[];
}

/** Why bytes are not a record file (`BACKUP.BAD_RECORD`); `at` is the byte position. */
export class RecordFormatError extends CodedError<'BACKUP.BAD_RECORD'> {
  override readonly name = 'RecordFormatError';
  readonly at: number;
  constructor(message: string, options: CodedErrorOptions & { readonly at: number }) {
    super('BACKUP.BAD_RECORD', message, options);
    this.at = options.at;
  }
}

function decodeBody(body: Buffer, at: number): StoredRecord {
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > body.length) throw new RecordFormatError(`the record at byte ${at} is cut short`, { at });
  };
  const nullableAt = (): Buffer | null => {
    need(4);
    const len = body.readInt32BE(pos);
    pos += 4;
    if (len < -1) throw new RecordFormatError(`the record at byte ${at} has a negative length`, { at });
    if (len === -1) return null;
    need(len);
    const b = Buffer.from(body.subarray(pos, pos + len));
    pos += len;
    return b;
  };
  need(16);
  const offset = body.readBigInt64BE(0).toString();
  const timestamp = Number(body.readBigInt64BE(8));
  pos = 16;
  const key = nullableAt();
  const value = nullableAt();
  need(4);
  const count = body.readUInt32BE(pos);
  pos += 4;
  const headers: RawHeader[] = [];
  for (let i = 0; i < count; i += 1) {
    need(4);
    const nameLen = body.readUInt32BE(pos);
    pos += 4;
    need(nameLen);
    const name = body.subarray(pos, pos + nameLen).toString('utf8');
    pos += nameLen;
    headers.push({ name, value: nullableAt() });
  }
  if (pos !== body.length) throw new RecordFormatError(`the record at byte ${at} has ${body.length - pos} byte(s) past its last header`, { at });
  return { offset, timestamp, key, value, headers };
}

/**
 * Splits the bytes of a record file as they stream in: `push` returns the records completed by
 * a chunk, `end` refuses a file that stops inside a record or lacks the magic.
 */
export class RecordFileDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private consumed = 0;
  private sawMagic = false;

  push(chunk: Buffer): StoredRecord[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: StoredRecord[] = [];
    if (!this.sawMagic) {
      if (this.pending.length < RECORD_FILE_MAGIC.length) return out;
      if (!this.pending.subarray(0, RECORD_FILE_MAGIC.length).equals(RECORD_FILE_MAGIC)) throw new RecordFormatError('it does not begin like a vdx record file', { at: 0 });
      this.sawMagic = true;
      this.advance(RECORD_FILE_MAGIC.length);
    }
    while (this.pending.length >= 4) {
      const len = this.pending.readUInt32BE(0);
      if (this.pending.length < 4 + len) break;
      out.push(decodeBody(this.pending.subarray(4, 4 + len), this.consumed));
      this.advance(4 + len);
    }
    return out;
  }

  end(): void {
    if (!this.sawMagic) throw new RecordFormatError('it does not begin like a vdx record file', { at: 0 });
    if (this.pending.length > 0) throw new RecordFormatError(`it ends inside the record at byte ${this.consumed}`, { at: this.consumed });
  }

  private advance(n: number): void {
    this.pending = this.pending.subarray(n);
    this.consumed += n;
  }
}

/** A path inside the backup directory: relative, without `.` or `..` segments. */
function safeRelativePath(path: string): boolean {
  return path.length > 0 && !path.startsWith('/') && path.split('/').every((seg) => seg.length > 0 && seg !== '.' && seg !== '..');
}

/** Why a parsed manifest cannot be restored, or null. (Checksums are checked against the files separately.) */
export function manifestProblem(m: unknown): string | null {
  const o = m as Partial<BackupManifest> | null;
  if (typeof o !== 'object' || o === null || o.format !== BACKUP_FORMAT) return `it is not a ${BACKUP_FORMAT} manifest`;
  if (!Array.isArray(o.topics) || typeof o.prefix !== 'string') return 'it has no topics or no prefix';
  for (const t of o.topics as readonly Partial<BackedUpTopic>[]) {
    if (typeof t?.name !== 'string' || typeof t.partitions !== 'number' || !Number.isInteger(t.partitions) || t.partitions < 1 || !Array.isArray(t.files)) return `its topic ${JSON.stringify(t?.name)} is malformed`;
    const files = t.files as readonly PartitionFile[];
    const parts = files.map((f) => f.partition).sort((a, b) => a - b);
    if (parts.length !== t.partitions || parts.some((p, i) => p !== i)) return `its topic ${t.name} lists files for partitions ${parts.join(',')} of ${t.partitions}`;
    for (const f of files) if (typeof f.file !== 'string' || !safeRelativePath(f.file) || !/^[0-9a-f]{64}$/.test(String(f.sha256))) return `its file entry ${JSON.stringify(f.file)} is malformed`;
  }
  if (o.groups !== undefined && !Array.isArray(o.groups)) return 'its consumer groups are malformed';
  return null;
}

/** A line of progress: `<what>: <done>/<total> (<pct>%), <rate> <unit>/s`. */
export function progressText(what: string, done: number, total: number, perSecond: number, unit: string): string {
  const pct = total === 0 ? 100 : Math.min(100, Math.floor((done / total) * 100));
  return `${what}: ${done}/${total} (${pct}%), ${Math.round(perSecond)} ${unit}/s`;
}

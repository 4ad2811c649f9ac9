import { PackageAcceptedEvent } from '@vdx/contracts';
import { Command } from 'commander';
import { registerBackupCommands, type BackupOptions, type RestoreOptions } from './backup';
import {
  BACKUP_FORMAT,
  BackupError,
  RECORD_FILE_MAGIC,
  RecordFileDecoder,
  RecordFormatError,
  checkPrefix,
  encodeRecord,
  manifestProblem,
  partitionFileName,
  skipReason,
  topicConfig,
  topicKind,
  type StoredRecord,
} from './backup-format';

const records: StoredRecord[] = [
  {
    offset: '0',
    timestamp: Date.parse('2026-07-01T01:00:00Z'),
    key: Buffer.from('000.00.00.H53'),
    value: Buffer.from([0, 1, 2, 255]),
    headers: [
      { name: 'vdx-type', value: Buffer.from(PackageAcceptedEvent.type) },
      { name: 'trace', value: Buffer.from('a') },
      { name: 'trace', value: Buffer.from('b') },
      { name: 'tên', value: Buffer.from('công văn', 'utf8') },
    ],
  },
  // A tombstone of the compacted snapshot, without a timestamp or headers.
  { offset: '7', timestamp: -1, key: Buffer.from('k'), value: null, headers: [] },
  // Keyless, an empty value (not null), a header without a value, an offset past 2^32.
  { offset: '9007199254740993', timestamp: 0, key: null, value: Buffer.alloc(0), headers: [{ name: 'empty', value: null }] },
];

const file = (rs: readonly StoredRecord[]): Buffer => Buffer.concat([RECORD_FILE_MAGIC, ...rs.map(encodeRecord)]);

function decodeAll(bytes: Buffer, chunk: number): StoredRecord[] {
  const d = new RecordFileDecoder();
  const out: StoredRecord[] = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(...d.push(bytes.subarray(i, i + chunk)));
  d.end();
  return out;
}

describe('record files', () => {
  it('give back every record as written: null and empty apart, repeated headers in order, 64-bit offsets', () => {
    const bytes = file(records);
    expect(decodeAll(bytes, bytes.length)).toEqual(records);
  });

  it('decode the same however the bytes are split as they stream in', () => {
    const bytes = file(records);
    for (const chunk of [1, 3, 7, 64]) expect(decodeAll(bytes, chunk)).toEqual(records);
  });

  it('of no records are the magic alone', () => {
    expect(decodeAll(file([]), 8)).toEqual([]);
    expect(file([])).toEqual(Buffer.from('VDXREC1\n', 'latin1'));
  });

  it('refuse a file cut inside a record, with the byte where it began', () => {
    const bytes = file(records);
    const first = RECORD_FILE_MAGIC.length + encodeRecord(records[0]!).length;
    const d = new RecordFileDecoder();
    expect(d.push(bytes.subarray(0, first + 5))).toHaveLength(1);
    expect(() => d.end()).toThrow(new RecordFormatError(`it ends inside the record at byte ${first}`, { at: first }));
  });

  it('refuse bytes that are not a record file', () => {
    const d = new RecordFileDecoder();
    expect(() => d.push(Buffer.from('{"not":"records"}'))).toThrow('it does not begin like a vdx record file');
    expect(() => new RecordFileDecoder().end()).toThrow('it does not begin like a vdx record file');
  });

  it('refuse a record whose inner lengths overrun it', () => {
    const bytes = Buffer.from(file(records.slice(0, 1)));
    // The key length (after the record's length, offset and timestamp) claims more than the record holds.
    bytes.writeInt32BE(1_000_000, RECORD_FILE_MAGIC.length + 4 + 16);
    expect(() => decodeAll(bytes, bytes.length)).toThrow(`the record at byte ${RECORD_FILE_MAGIC.length} is cut short`);
  });
});

describe('which topics a backup takes, and how a restore recreates them', () => {
  it('leaves out only the replies, saying why', () => {
    expect(skipReason('delivery.replies.v1')).toMatch(/waited at most 30 s/);
    for (const name of ['gateway.events.v1', 'gateway.events.v1.urgent', 'delivery.commands.v1', 'directory.snapshot.v1', 'dlq.delivery', 'dlq-replays.v1', 'legacy-edge.events.v1']) expect(skipReason(name)).toBeNull();
  });

  it('recreates the snapshot and the replay ledger compacted, everything else never expiring nor compacted', () => {
    expect(topicKind('directory.snapshot.v1')).toBe('compacted');
    expect(topicKind('dlq-replays.v1')).toBe('compacted');
    expect(topicKind('dlq.projection.exchange-traces')).toBe('dead-letters');
    expect(topicKind('delivery.commands.v1')).toBe('commands');
    expect(topicKind('routing.events.v1.urgent')).toBe('events');
    expect(topicConfig('compacted')).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '-1', 'min.compaction.lag.ms': '0' });
    for (const k of ['events', 'dead-letters', 'commands'] as const) expect(topicConfig(k)).toEqual({ 'retention.ms': '-1', 'cleanup.policy': 'delete' });
  });

  it('refuses a prefix that is not the project\'s topic namespace (BACKUP.BAD_ARGUMENTS)', () => {
    expect(checkPrefix('vdx.')).toBe('vdx.');
    expect(checkPrefix('drill-2026.vdx.')).toBe('drill-2026.vdx.');
    // A prefix that cuts a name elsewhere would leave the rest unable to say what the topic is.
    for (const bad of ['', 'vdx', 'vdx.gateway.', 'bk-', 'x/y.vdx.', 'v dx.vdx.', '__consumer.vdx.']) {
      expect(() => checkPrefix(bad)).toThrow(BackupError);
      try {
        checkPrefix(bad);
      } catch (err) {
        expect((err as BackupError).code).toBe('BACKUP.BAD_ARGUMENTS');
      }
    }
  });
});

describe('manifest checks', () => {
  const sha = 'a'.repeat(64);
  const good = {
    format: BACKUP_FORMAT,
    version: 1,
    prefix: 'vdx.',
    topics: [{ name: 'gateway.events.v1', partitions: 2, files: [0, 1].map((p) => ({ partition: p, file: partitionFileName('vdx.gateway.events.v1', p), sha256: sha })) }],
  };

  it('accepts a manifest with a file per partition', () => {
    expect(manifestProblem(good)).toBeNull();
  });

  it('names what is wrong with a malformed one', () => {
    expect(manifestProblem({ ...good, format: 'other' })).toBe('it is not a vdx-backup manifest');
    expect(manifestProblem(null)).toBe('it is not a vdx-backup manifest');
    expect(manifestProblem({ ...good, topics: [{ ...good.topics[0]!, partitions: 3 }] })).toBe('its topic gateway.events.v1 lists files for partitions 0,1 of 3');
    expect(manifestProblem({ ...good, topics: [{ ...good.topics[0]!, files: [{ partition: 0, file: '../../etc/passwd', sha256: sha }, good.topics[0]!.files[1]] }] })).toBe('its file entry "../../etc/passwd" is malformed');
    expect(manifestProblem({ ...good, topics: [{ ...good.topics[0]!, files: [{ ...good.topics[0]!.files[0]!, sha256: 'x' }, good.topics[0]!.files[1]] }] })).toBe(`its file entry "${good.topics[0]!.files[0]!.file}" is malformed`);
  });
});

describe('vdx backup and vdx restore, as parsed', () => {
  type Calls = { backup: [string, BackupOptions][]; restore: [string, RestoreOptions][] };
  async function run(argv: string[]): Promise<Calls> {
    const calls: Calls = { backup: [], restore: [] };
    const program = new Command('vdx').exitOverride().configureOutput({ writeErr: () => undefined });
    registerBackupCommands(program, {
      backup: async (dir, o) => {
        calls.backup.push([dir, o]);
        return { dir, topics: 0, partitions: 0, records: 0, blobs: 0, bytes: 0, skipped: [], groups: 0, seconds: 0, recordsPerSecond: 0 };
      },
      restore: async (dir, o) => {
        calls.restore.push([dir, o]);
        return { dir, prefix: o.prefix ?? 'vdx.', topics: 0, created: 0, records: 0, blobs: 0, blobsExisted: 0, groups: 0, seconds: 0, recordsPerSecond: 0 };
      },
    });
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await program.parseAsync(['node', 'vdx', ...argv]);
    } finally {
      write.mockRestore();
    }
    return calls;
  }

  it('backs up every vdx. topic and the blobs by default, a chosen prefix, or the topics alone', async () => {
    const calls = await run(['backup', 'drill/b', '--brokers', '127.0.0.1:1', '--no-progress']);
    expect(calls.backup).toEqual([['drill/b', expect.objectContaining({ prefix: 'vdx.', blobs: true, brokers: '127.0.0.1:1', progress: 'none' })]]);
    const chosen = await run(['backup', 'drill/c', '--prefix', 'drill.vdx.', '--no-blobs', '--blob-dir', 'drill/blobs', '--no-progress']);
    expect(chosen.backup[0]![1]).toMatchObject({ prefix: 'drill.vdx.', blobs: false, blobDir: 'drill/blobs' });
  });

  it("restores under the backup's prefix unless told another, refusing a non-empty target unless --force", async () => {
    const calls = await run(['restore', 'drill/b', '--no-progress']);
    expect(calls.restore).toEqual([['drill/b', expect.objectContaining({ prefix: undefined, force: false, groupOffsets: true, replicationFactor: 1 })]]);
    const forced = await run(['restore', 'drill/b', '--prefix', 'copy.vdx.', '--force', '--no-group-offsets', '--replication-factor', '3', '--no-progress']);
    expect(forced.restore[0]![1]).toMatchObject({ prefix: 'copy.vdx.', force: true, groupOffsets: false, replicationFactor: 3 });
  });

  it('refuses a replication factor that is not a whole number', async () => {
    await expect(run(['restore', 'drill/b', '--replication-factor', '0'])).rejects.toThrow(/whole number, 1 or more/);
  });
});

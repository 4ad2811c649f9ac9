import type { AttachmentSink, AttachmentStart, AttachmentWriter } from '@vdx/edxml';
import type { ByteSource } from '@vdx/signature-validator';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { readSync } from 'node:fs';
import { join } from 'node:path';

interface Entry {
  /** In memory: one buffer of the declared size, filled in place (no second copy). */
  memory?: Buffer;
  /** Spooled: the file it was written to, kept open for reading. */
  file?: FileHandle;
  written: number;
  /** More bytes arrived than were declared: the integrity check fails, nothing is kept. */
  overflow: boolean;
}

/**
 * Where a package's decoded attachments are kept while it is verified: each one in a single
 * buffer of its accepted size while they fit `memoryBudget` together, the others in files under
 * a fresh directory of `spoolDir`, read back a window at a time through a `ByteSource` (so a
 * 100 MB PDF is digested without being held). `close()` removes the files.
 */
export class AttachmentStore implements AttachmentSink {
  private readonly entries: Entry[] = [];
  private dir: Promise<string> | undefined;
  private left: number;

  constructor(
    /** The size accepted at the edge for each attachment index (unknown: not kept). */
    private readonly declaredSize: (index: number) => number | undefined,
    memoryBudget: number,
    private readonly spoolDir: string,
  ) {
    this.left = memoryBudget;
  }

  open(start: AttachmentStart): AttachmentWriter {
    const size = this.declaredSize(start.index);
    const entry: Entry = { written: 0, overflow: size === undefined };
    this.entries[start.index] = entry;
    if (size !== undefined && size <= this.left) {
      this.left -= size;
      entry.memory = Buffer.allocUnsafe(size);
    }
    let opening: Promise<FileHandle> | undefined;
    const file = (): Promise<FileHandle> => {
      opening ??= this.directory().then(async (dir) => {
        const handle = await open(join(dir, `${start.index}.bin`), 'w+');
        entry.file = handle;
        return handle;
      });
      return opening;
    };
    // Writes queue in order at fixed offsets; a chunk is copied so the parser may reuse its buffer.
    let queue: Promise<unknown> = Promise.resolve();
    return {
      write: (chunk) => {
        if (entry.overflow) return undefined;
        if (size === undefined || entry.written + chunk.length > size) {
          entry.overflow = true;
          entry.memory = undefined;
          return undefined;
        }
        const at = entry.written;
        entry.written += chunk.length;
        if (entry.memory) {
          chunk.copy(entry.memory, at);
          return undefined;
        }
        const copy = Buffer.from(chunk);
        queue = queue.then(async () => (await file()).write(copy, 0, copy.length, at));
        return queue.then(() => undefined);
      },
      end: async () => {
        // An empty spooled attachment still gets its (empty) file.
        if (!entry.memory && !entry.overflow) queue = queue.then(file);
        await queue;
      },
    };
  }

  /** The bytes of attachment `index` when they are in memory. */
  bytes(index: number): Uint8Array | undefined {
    const e = this.entries[index];
    return e?.memory && !e.overflow ? e.memory.subarray(0, e.written) : undefined;
  }

  /** The bytes of attachment `index`, in memory or spooled; undefined when they were not kept. */
  source(index: number): ByteSource | undefined {
    const e = this.entries[index];
    if (!e || e.overflow) return undefined;
    const inMemory = this.bytes(index);
    if (inMemory) return { length: inMemory.length, readRange: (offset, length) => inMemory.subarray(offset, offset + length) };
    const fd = e.file?.fd;
    if (fd === undefined) return undefined;
    return {
      length: e.written,
      readRange: (offset, length) => {
        const buffer = Buffer.allocUnsafe(length);
        let got = 0;
        while (got < length) {
          const n = readSync(fd, buffer, got, length - got, offset + got);
          if (n === 0) break;
          got += n;
        }
        return buffer.subarray(0, got);
      },
    };
  }

  /** How many attachments went to files. */
  get spooled(): number {
    return this.entries.filter((e) => e?.file).length;
  }

  /** Closes and removes the spooled files. */
  async close(): Promise<void> {
    await Promise.all(this.entries.map((e) => e?.file?.close().catch(() => undefined)));
    const dir = this.dir && (await this.dir.catch(() => undefined));
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  private directory(): Promise<string> {
    this.dir ??= mkdtemp(join(this.spoolDir, 'vdx-signature-'));
    return this.dir;
  }
}

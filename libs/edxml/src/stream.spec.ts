import { createHash } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { MemorySink, discardSink, writerFromWritable, type AttachmentSink, type AttachmentStart } from './attachment-sink';
import { parseEdxml, parseEdxmlStream } from './parse-package';
import { createSyntheticPackage } from './synthetic-package';
import { hex, sample } from './test-support/fixtures';
import { HeapProbe, exposeGc } from './test-support/heap';

const MB = 1024 * 1024;

describe('streaming parse', () => {
  it('tells the sink what precedes the content and delivers the decoded bytes', async () => {
    const starts: AttachmentStart[] = [];
    const memory = new MemorySink();
    const sink: AttachmentSink = {
      open: (start) => {
        starts.push(start);
        return memory.open(start);
      },
    };
    const result = await parseEdxmlStream(Readable.from([sample('edoc_update.edxml')]), sink);
    expect(starts).toEqual([
      {
        index: 0,
        path: 'edXML/AttachmentEncoded/Attachment[1]',
        contentId: 'cid:209',
        attachmentName: '1896_QD-TTg_m_294779.doc',
        description: '1896_QD-TTg_m_294779.doc',
        contentType: 'application/zip',
      },
    ]);
    const [content] = memory.contents(1);
    expect(content?.length).toBe(result.package.attachments[0]?.size);
    expect(createHash('sha256').update(content ?? Buffer.alloc(0)).digest('hex')).toBe(result.package.attachments[0]?.sha256);
  });

  it('streams several attachments, each to its own writer', async () => {
    const { stream, package: expected } = createSyntheticPackage({ targetBytes: 600_000, attachments: 3, chunkBytes: 10_000 });
    const opened: number[] = [];
    const hashes = new Map<number, ReturnType<typeof createHash>>();
    const sink: AttachmentSink = {
      open: ({ index }) => {
        opened.push(index);
        const hash = createHash('sha256');
        hashes.set(index, hash);
        return { write: (chunk) => void hash.update(chunk), end: () => undefined };
      },
    };
    const result = await parseEdxmlStream(stream, sink);
    expect(opened).toEqual([0, 1, 2]);
    expect(result.package).toStrictEqual(expected);
    expect(result.findings).toEqual([]);
    expect([0, 1, 2].map((i) => hashes.get(i)?.digest('hex'))).toEqual(expected.attachments.map((a) => a.sha256));
  });

  it('waits for a slow sink before reading more input (bounded buffering)', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let written = 0;
    const sink: AttachmentSink = {
      open: () => ({
        write: async (chunk) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1));
          written += chunk.length;
          inFlight--;
        },
        end: () => undefined,
      }),
    };
    const { stream, package: expected } = createSyntheticPackage({ targetBytes: 2 * MB, chunkBytes: 16 * 1024 });
    await parseEdxmlStream(stream, sink);
    expect(written).toBe(expected.attachments[0]?.size);
    // One write per input chunk at most, plus the final partial group.
    expect(maxInFlight).toBeLessThanOrEqual(2);
  });

  it('adapts a Node Writable, honouring drain', async () => {
    const received: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        received.push(chunk);
        setImmediate(done);
      },
    });
    const sink: AttachmentSink = { open: () => writerFromWritable(slow) };
    const bytes = sample('edoc_revocation.edxml');
    await parseEdxmlStream(Readable.from([bytes]), sink);
    expect(hex([Buffer.concat(received)])).toEqual(hex(parseEdxml(bytes).contents));
    expect(slow.writableFinished).toBe(true);
  });

  it('reports a failing sink as EDXML.SINK_FAILED', async () => {
    const throwing: AttachmentSink = { open: () => ({ write: () => { throw new Error('disk full'); }, end: () => undefined }) };
    await expect(parseEdxmlStream(Readable.from([sample('edoc_new.edxml')]), throwing)).rejects.toMatchObject({
      code: 'EDXML.SINK_FAILED',
      message: 'attachment sink failed: disk full',
    });
    const rejecting: AttachmentSink = { open: () => ({ write: () => Promise.reject(new Error('quota')), end: () => undefined }) };
    await expect(parseEdxmlStream(Readable.from([sample('edoc_new.edxml')]), rejecting)).rejects.toMatchObject({
      code: 'EDXML.SINK_FAILED',
    });
    const failingWritable: AttachmentSink = {
      open: () => writerFromWritable(new PassThrough({ write: (_c, _e, done) => done(new Error('broken pipe')) })),
    };
    await expect(parseEdxmlStream(Readable.from([sample('edoc_new.edxml')]), failingWritable)).rejects.toMatchObject({
      code: 'EDXML.SINK_FAILED',
    });
  });

  it('accepts string chunks too', async () => {
    const text = sample('status.edxml').toString('utf8');
    const result = await parseEdxmlStream(Readable.from([text.slice(0, 500), text.slice(500)]), discardSink);
    expect(result.package).toStrictEqual(parseEdxml(text).package);
  });

  it(
    'parses a ~100 MB package with under 50 MB heap growth',
    async () => {
      const probe = new HeapProbe(exposeGc(), 8 * MB);
      const { stream, package: expected } = createSyntheticPackage({ targetBytes: 100 * MB });
      const hash = createHash('sha256');
      const sink: AttachmentSink = {
        open: () => ({
          write: (chunk) => {
            hash.update(chunk);
            probe.progress(chunk.length);
          },
          end: () => undefined,
        }),
      };
      const result = await parseEdxmlStream(stream, sink);
      expect(result.bytesRead).toBeGreaterThan(99 * MB);
      expect(result.package).toStrictEqual(expected);
      expect(result.findings).toEqual([]);
      expect(hash.digest('hex')).toBe(expected.attachments[0]?.sha256);
      expect(probe.retainedGrowthMb).toBeLessThan(50);
      // Even counting garbage not yet collected, the heap stays well under the bound.
      expect(probe.rawGrowthMb).toBeLessThan(50);
    },
    120_000,
  );
});

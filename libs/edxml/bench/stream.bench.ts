// Streaming benchmark: parses a ~100 MB package generated on the fly and prints JSON.
// Run from the repository root: node -r @swc-node/register libs/edxml/bench/stream.bench.ts [megabytes]

import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createSyntheticPackage, parseEdxmlStream, type AttachmentSink } from '../src/index';
import { HeapProbe, exposeGc } from '../src/test-support/heap';

const MB = 1024 * 1024;

async function drain(stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}

async function main(): Promise<void> {
  const targetBytes = Number(process.argv[2] ?? '100') * MB;
  const gc = exposeGc();

  // Generation alone, so the parse figure can be read net of it.
  const genStart = process.hrtime.bigint();
  await drain(createSyntheticPackage({ targetBytes }).stream);
  const generatorOnlySeconds = Number(process.hrtime.bigint() - genStart) / 1e9;

  const { stream, package: expected } = createSyntheticPackage({ targetBytes });
  const probe = new HeapProbe(gc, 8 * MB);
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
  const start = process.hrtime.bigint();
  const result = await parseEdxmlStream(stream, sink);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (hash.digest('hex') !== expected.attachments[0]?.sha256) throw new Error('content digest mismatch');

  const round = (n: number): number => Math.round(n * 100) / 100;
  process.stdout.write(
    `${JSON.stringify({
      packageBytes: result.bytesRead,
      seconds: round(seconds),
      mbPerSecond: round(result.bytesRead / MB / seconds),
      heapGrowthMb: round(probe.retainedGrowthMb),
      rawHeapGrowthMb: round(probe.rawGrowthMb),
      // Generation runs interleaved with parsing inside `seconds`; this is its cost alone.
      generatorOnlySeconds: round(generatorOnlySeconds),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});

import type { BlobSource, BlobWriter, PutResult } from './blob-store';

/** Feeds `source` into `writer` and ends it; aborts the writer if reading or writing fails. */
export async function putFromSource(source: BlobSource, writer: BlobWriter): Promise<PutResult> {
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      await writer.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    }
  } catch (error) {
    await writer.abort().catch(() => undefined);
    throw error;
  }
  return writer.end();
}

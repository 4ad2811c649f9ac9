import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** What is known about an attachment when its content starts (the elements that precede `ContentTransferEncoded`). */
export interface AttachmentStart {
  /** 0-based position among `AttachmentEncoded/Attachment` elements; matches `package.attachments`. */
  readonly index: number;
  readonly path: string;
  readonly contentId?: string;
  readonly attachmentName?: string;
  readonly description?: string;
  readonly contentType?: string;
}

/**
 * Receives the decoded bytes of one attachment. A returned promise makes the parser wait before
 * reading more input (backpressure); writes arrive in order and `end` comes after the last one.
 */
export interface AttachmentWriter {
  write(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
  /** Called instead of `end` when parsing fails after the attachment was opened. */
  abort?(error: Error): void | Promise<void>;
}

/** Where attachment content goes, e.g. a content-addressed blob store. */
export interface AttachmentSink {
  open(start: AttachmentStart): AttachmentWriter;
}

/** Adapts a Node `Writable` (file, hash, upload stream) to an {@link AttachmentWriter}, honouring `drain`. */
export function writerFromWritable(stream: Writable): AttachmentWriter {
  let failure: Error | undefined;
  // A permanent listener: an 'error' between writes must not crash the process.
  stream.on('error', (error: Error) => {
    failure ??= error;
  });
  return {
    write(chunk) {
      if (failure !== undefined) return Promise.reject(failure);
      if (stream.write(chunk)) return undefined;
      return whenWritable(stream);
    },
    end() {
      if (failure !== undefined) return Promise.reject(failure);
      stream.end();
      return finished(stream);
    },
    abort(error) {
      stream.destroy(error);
    },
  };
}

// Writable emits no 'drain' once end() was called, so finishing or closing also releases a waiting write.
function whenWritable(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown): void => {
      stream.off('drain', onReady);
      stream.off('finish', onReady);
      stream.off('close', onReady);
      stream.off('error', onError);
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onReady = (): void => settle();
    const onError = (error: unknown): void => settle(error);
    stream.on('drain', onReady);
    stream.on('finish', onReady);
    stream.on('close', onReady);
    stream.on('error', onError);
  });
}

/** A sink that drops the content; the parser still reports size and SHA-256. */
export const discardSink: AttachmentSink = Object.freeze({
  open: (): AttachmentWriter => ({ write: () => undefined, end: () => undefined }),
});

/** A sink that keeps every attachment in memory; for small packages and tests. */
export class MemorySink implements AttachmentSink {
  private readonly parts = new Map<number, Buffer[]>();

  open(start: AttachmentStart): AttachmentWriter {
    const chunks: Buffer[] = [];
    this.parts.set(start.index, chunks);
    return {
      write: (chunk) => {
        chunks.push(chunk);
      },
      end: () => undefined,
    };
  }

  /** Contents aligned with `package.attachments` (empty for an attachment without content). */
  contents(count: number): Buffer[] {
    return Array.from({ length: count }, (_, i) => Buffer.concat(this.parts.get(i) ?? []));
  }
}

// Test and benchmark support: a signed PDF of any size that is never held whole. The file is a
// list of segments (bytes, or a long run of filler inside a content stream) produced a megabyte
// at a time; each signature's digest is computed by streaming the segments it covers.
import { createHash } from 'node:crypto';
import { contentsHex, minimalPdf, signatureUpdate, type PlaceholderOptions } from './pdf-builder';

type Segment = { readonly bytes: Uint8Array } | { readonly filler: number };

const CHUNK = 1024 * 1024;
const latin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const pad10 = (n: number): string => String(n).padStart(10, '0');

/** A PDF streamed in chunks: its length, its SHA-256, and its bytes as often as asked. */
export interface StreamedPdf {
  readonly length: number;
  readonly sha256: string;
  chunks(): Generator<Uint8Array>;
}

let fillerChunk: Uint8Array | undefined;
/** A megabyte of printable filler (content-stream comments), the same every time. */
function filler(): Uint8Array {
  if (!fillerChunk) {
    const line = '% lorem ipsum dolor sit amet, consectetur adipiscing elit 0123456789\n';
    fillerChunk = latin1(line.repeat(Math.ceil(CHUNK / line.length)).slice(0, CHUNK));
  }
  return fillerChunk;
}

function* segmentChunks(segments: readonly Segment[], from = 0, to = Number.POSITIVE_INFINITY): Generator<Uint8Array> {
  let at = 0;
  for (const s of segments) {
    const length = 'bytes' in s ? s.bytes.length : s.filler;
    const start = Math.max(from, at);
    const end = Math.min(to, at + length);
    if (start < end) {
      if ('bytes' in s) yield s.bytes.subarray(start - at, end - at);
      else for (let p = start; p < end; p += CHUNK) yield filler().subarray(0, Math.min(CHUNK, end - p));
    }
    at += length;
  }
}

const lengthOf = (segments: readonly Segment[]): number => segments.reduce((n, s) => n + ('bytes' in s ? s.bytes.length : s.filler), 0);

/**
 * A one-page PDF whose page content stream carries `fillerBytes` of filler, signed in one
 * incremental update per `signers` entry (each is given the SHA-256 of the bytes its byte range
 * covers and returns the CMS), as `signPdf` would, without the file ever being in memory.
 */
export async function largeSignedPdf(fillerBytes: number, signers: readonly { readonly field: PlaceholderOptions; readonly sign: (coveredSha256: Uint8Array) => Promise<Uint8Array> }[]): Promise<StreamedPdf> {
  // minimalPdf's objects, with a fifth object holding the filler stream; a correct xref table.
  const small = text(minimalPdf());
  const headEnd = small.indexOf('xref\n');
  const streamHead = latin1(`6 0 obj\n<< /Length ${fillerBytes} >>\nstream\n`);
  const streamTail = latin1('\nendstream\nendobj\n');
  const sixAt = headEnd;
  const xrefAt = headEnd + streamHead.length + fillerBytes + streamTail.length;
  const offsets = [...small.slice(small.indexOf('xref\n')).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
  const xref = `xref\n0 7\n0000000000 65535 f \n${[...offsets, sixAt].map((o) => `${pad10(o)} 00000 n \n`).join('')}trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  const head = latin1(small.slice(0, headEnd));
  const segments: Segment[] = [{ bytes: head }, { bytes: streamHead }, { filler: fillerBytes }, { bytes: streamTail }, { bytes: latin1(xref) }];
  // The markup the update writer reads: everything but the filler.
  let markup = `${small.slice(0, headEnd)}${text(streamHead)}${text(streamTail)}${xref}`;
  for (const s of signers) {
    const before = lengthOf(segments);
    const { update, byteRange } = signatureUpdate(markup, before, s.field);
    segments.push({ bytes: update });
    const hash = createHash('sha256');
    for (const c of segmentChunks(segments, 0, byteRange[1])) hash.update(c);
    for (const c of segmentChunks(segments, byteRange[2], byteRange[2] + byteRange[3])) hash.update(c);
    const cms = await s.sign(new Uint8Array(hash.digest()));
    update.set(contentsHex(cms, byteRange[1], byteRange[2]), byteRange[1] + 1 - before);
    markup += text(update);
  }
  const whole = createHash('sha256');
  for (const c of segmentChunks(segments)) whole.update(c);
  return { length: lengthOf(segments), sha256: whole.digest('hex'), chunks: () => segmentChunks(segments) };
}

import { createHash, type Hash } from 'node:crypto';

/**
 * Random access to a file's bytes. Everything reads through this, in bounded windows, so a
 * file-descriptor or blob-store backed source can replace the in-memory one without the PDF
 * reader or the digests ever holding the whole file.
 */
export interface ByteSource {
  readonly length: number;
  /** `length` bytes from `offset`; callers stay within `[0, this.length)`. */
  readRange(offset: number, length: number): Uint8Array;
}

/** A {@link ByteSource} over bytes already in memory (no copy). */
export function byteSourceOf(bytes: Uint8Array): ByteSource {
  return {
    length: bytes.length,
    readRange: (offset, length) => bytes.subarray(offset, offset + length),
  };
}

/** The digests the validator computes. SHA-1 only to report it weak. */
export type DigestName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const NODE_HASH: Record<DigestName, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const CHUNK = 1024 * 1024;

/** The digest of bytes in memory. */
export function digest(name: DigestName, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(NODE_HASH[name]).update(data).digest());
}

/**
 * The digest of the concatenation of byte ranges `[offset, offset + length)` of a source, read
 * a megabyte at a time (a PDF signature covers the whole file but its /Contents).
 */
export function digestRanges(name: DigestName, source: ByteSource, ranges: readonly (readonly [number, number])[]): Uint8Array {
  const hash = createHash(NODE_HASH[name]);
  for (const [offset, length] of ranges) {
    for (let at = offset; at < offset + length; at += CHUNK) {
      hash.update(source.readRange(at, Math.min(CHUNK, offset + length - at)));
    }
  }
  return new Uint8Array(hash.digest());
}

function hashRange(hash: Hash, source: ByteSource, offset: number, length: number): void {
  for (let at = offset; at < offset + length; at += CHUNK) hash.update(source.readRange(at, Math.min(CHUNK, offset + length - at)));
}

/**
 * Digests of byte ranges like {@link digestRanges}, sharing work between calls whose first range
 * starts at 0: the hash state at the end of each first range is kept, and a later call continues
 * from the furthest one before its own. Every signature of a PDF covers the file from its first
 * byte, so the revisions two signatures share are hashed once.
 */
export function prefixDigester(source: ByteSource): (name: DigestName, ranges: readonly (readonly [number, number])[]) => Uint8Array {
  const states = new Map<DigestName, { at: number; hash: Hash }[]>();
  return (name, ranges) => {
    const [first, ...rest] = ranges;
    if (!first || first[0] !== 0) return digestRanges(name, source, ranges);
    const end = first[1];
    const kept = states.get(name) ?? [];
    let from: { at: number; hash: Hash } | undefined;
    for (const s of kept) if (s.at <= end && (!from || s.at > from.at)) from = s;
    const hash = from ? from.hash.copy() : createHash(NODE_HASH[name]);
    hashRange(hash, source, from?.at ?? 0, end - (from?.at ?? 0));
    if (!kept.some((s) => s.at === end)) kept.push({ at: end, hash: hash.copy() });
    states.set(name, kept);
    for (const [offset, length] of rest) hashRange(hash, source, offset, length);
    return new Uint8Array(hash.digest());
  };
}

/** Byte-wise equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** An ArrayBuffer holding exactly these bytes (WebCrypto and asn1js want one). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

import { createHash } from 'node:crypto';

/**
 * The reference client's rendering of a digest: each byte as `Integer.toHexString(b & 0xff)`,
 * so bytes below 0x10 lose their leading zero (32 to 64 characters for SHA-256).
 */
export function unpaddedHex(digest: Uint8Array): string {
  let out = '';
  for (const b of digest) out += b.toString(16);
  return out;
}

export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** Whether a `hash-file` value names these bytes: the client's unpadded hex, or ordinary hex from other clients. */
export function hashFileMatches(hashFile: string, bytes: Uint8Array): boolean {
  const stated = hashFile.trim().toLowerCase();
  const digest = sha256(bytes);
  return stated === unpaddedHex(digest) || stated === digest.toString('hex');
}

const CRLF_LENGTH = 2;

function endsWithCrlf(body: Buffer): boolean {
  return body.length >= CRLF_LENGTH && body[body.length - 2] === 0x0d && body[body.length - 1] === 0x0a;
}

/**
 * The file a `sendEdoc` body carries. The reference client posts the file followed by one
 * `\r\n`; other clients post the file alone. With a `hash-file`, the candidate it names wins
 * (the body without its last CRLF first, then the body as it came); undefined when neither
 * matches. Without one, one trailing CRLF is taken off, as the reference client adds it.
 */
export function fileOfSendBody(body: Buffer, hashFile: string | undefined): Buffer | undefined {
  const stripped = endsWithCrlf(body) ? body.subarray(0, body.length - CRLF_LENGTH) : undefined;
  if (hashFile === undefined || hashFile.trim() === '') return stripped ?? body;
  if (stripped && hashFileMatches(hashFile, stripped)) return stripped;
  if (hashFileMatches(hashFile, body)) return body;
  return undefined;
}

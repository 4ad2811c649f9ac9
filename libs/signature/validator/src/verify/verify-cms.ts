import { byteSourceOf, digestRanges, type ByteSource } from '../bytes';
import type { VerificationContext } from '../context';
import { fileVerdict } from '../verdict/aggregate';
import type { FileVerdict } from '../verdict/verdict';
import { verifySignedData } from './verify-signed-data';

/**
 * Verifies a detached CMS signature (`.p7s`, DER) over `content`: one signature verdict per
 * signer, each with its timestamp, path, revocation and Decree 30 kind. Never throws. Content
 * behind a `ByteSource` (a spooled file) is digested a megabyte at a time; a signer without
 * signed attributes then needs the bytes in memory and is indeterminate.
 */
export async function verifyDetachedCms(content: Uint8Array | ByteSource, p7s: Uint8Array, ctx: VerificationContext, name?: string): Promise<FileVerdict> {
  const inMemory = content instanceof Uint8Array ? content : undefined;
  const source = inMemory ? byteSourceOf(inMemory) : (content as ByteSource);
  const whole = [[0, source.length]] as const;
  const signatures = await verifySignedData(p7s, { digest: (hash) => digestRanges(hash, source, whole), ...(inMemory ? { bytes: inMemory } : {}) }, ctx, { requireSignedAttributes: false });
  return fileVerdict(signatures, [], name);
}

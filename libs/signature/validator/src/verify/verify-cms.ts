import { digest } from '../bytes';
import type { VerificationContext } from '../context';
import { fileVerdict } from '../verdict/aggregate';
import type { FileVerdict } from '../verdict/verdict';
import { verifySignedData } from './verify-signed-data';

/**
 * Verifies a detached CMS signature (`.p7s`, DER) over `content`: one signature verdict per
 * signer, each with its timestamp, path, revocation and Decree 30 kind. Never throws.
 */
export async function verifyDetachedCms(content: Uint8Array, p7s: Uint8Array, ctx: VerificationContext, name?: string): Promise<FileVerdict> {
  const signatures = await verifySignedData(p7s, { digest: (hash) => digest(hash, content), bytes: content }, ctx, { requireSignedAttributes: false });
  return fileVerdict(signatures, [], name);
}

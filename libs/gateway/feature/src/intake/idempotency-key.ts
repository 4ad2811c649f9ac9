import { createHash } from 'node:crypto';
import type { PackageFacts } from './package-facts';

/**
 * What identifies a resend of the same package (docs/architecture.md invariant 8): the client's own id
 * when it gives one; else, for a document, sender + DocumentId + business type + recipients;
 * for a status, sender + the document + status code + its timestamp.
 */
export function idempotencyKey(senderCode: string, facts: PackageFacts, clientRef: string | null): string {
  if (clientRef !== null) return `ref|${senderCode}|${clientRef}`;
  if (facts.kind === 'edoc') {
    const recipients = [...facts.recipientCodes].sort().join(',');
    return `edoc|${senderCode}|${facts.documentId ?? ''}|${facts.businessDocType ?? '0'}|${recipients}`;
  }
  return `status|${senderCode}|${facts.documentId ?? ''}|${facts.statusCode ?? ''}|${facts.statusTimestamp ?? ''}`;
}

/** The key's store id: short, fixed length, and free of characters a store may dislike. */
export function keyId(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

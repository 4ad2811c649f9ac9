import { normaliseAgencyCode } from '@vdx/agency-code';
import { isBlobStoreError, type BlobStore } from '@vdx/blob-store';
import type { PackageRef } from '@vdx/contracts';
import { discardSink, isEdxmlError, parseEdxmlStream, type EdxmlPackage } from '@vdx/edxml';
import { NO_LIFECYCLE, needsLifecycleFacts, type LifecycleFacts } from '@vdx/routing-domain';

/** What routing's owner asks about a package before deciding it: its business block's lists. */
export type ReadLifecycle = (ref: PackageRef) => Promise<LifecycleFacts>;

/** A code as the axis reads it: canonical when it has one reading, else as written (it then matches no recipient). */
function codeOf(value: string | undefined): string | null {
  const text = value?.trim() ?? '';
  if (text === '') return null;
  const read = normaliseAgencyCode(text);
  return read.ok ? read.code.toString() : text;
}

const present = (v: string | null): v is string => v !== null;

/** The receiver list of an update and the replacement list of a replacement, from a parsed package. */
export function lifecycleOfPackage(pkg: EdxmlPackage): LifecycleFacts {
  if (pkg.kind !== 'edoc' || !pkg.business) return NO_LIFECYCLE;
  const receivers = pkg.business.businessDocumentInfo?.receiverList ?? [];
  const ofType = (type: string) => [...new Set(receivers.filter((r) => r.receiverType?.trim() === type).map((r) => codeOf(r.organId)).filter(present))];
  const replacements = (pkg.business.replacementInfoList ?? [])
    .map((r) => ({ documentId: r.documentId?.trim() ?? '', organIds: [...new Set(r.organIdList.map(codeOf).filter(present))] }))
    .filter((r) => r.documentId !== '');
  return { receiversAdded: ofType('1'), receiversRemoved: ofType('0'), replacements };
}

/**
 * Reads an update's or a replacement's lists from its stored body (content-addressed: the same
 * bytes on every attempt, so a redone batch decides the same). Other packages are not read. A
 * body that is gone or unreadable (the signature step proved it intact, so neither happens in
 * practice) says nothing beyond its header; a store that does not answer is thrown, for the
 * processor to retry.
 */
export function lifecycleFromBodies(blobs: BlobStore): ReadLifecycle {
  return async (ref) => {
    if (!needsLifecycleFacts(ref)) return NO_LIFECYCLE;
    try {
      const body = (await blobs.get(ref.bodySha256)) as AsyncIterable<Uint8Array>;
      const parsed = await parseEdxmlStream(body, discardSink);
      return lifecycleOfPackage(parsed.package);
    } catch (err) {
      if (isBlobStoreError(err, 'BLOB.NOT_FOUND') || isEdxmlError(err)) return NO_LIFECYCLE;
      throw err;
    }
  };
}

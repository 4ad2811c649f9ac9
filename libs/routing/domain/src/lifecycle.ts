import type { PackageRef } from '@vdx/contracts';
import { PACKAGE_ROUTED, type RoutingDecision } from './decision';
import { BusinessDocType } from './package-kinds';
import type { DirectoryView, DocumentView } from './ports';

/**
 * What a revoke, an update or a replacement says in its business block besides the earlier
 * document it names (`relatedDocumentId` of the PackageRef), read from the package itself:
 * an update's `ReceiverList` and a replacement's `ReplacementInfoList`. Codes are as read
 * (canonical when they have one reading).
 */
export interface LifecycleFacts {
  /** An update's receivers with `ReceiverType` 1: they get the document. */
  readonly receiversAdded: readonly string[];
  /** An update's receivers with `ReceiverType` 0: the earlier document is withdrawn at them. */
  readonly receiversRemoved: readonly string[];
  /** A replacement's list: each document it replaces and the organisations it replaces it for. */
  readonly replacements: readonly { readonly documentId: string; readonly organIds: readonly string[] }[];
}

/** A package that says nothing beyond its header (a new document, a revoke, a status). */
export const NO_LIFECYCLE: LifecycleFacts = Object.freeze({ receiversAdded: [], receiversRemoved: [], replacements: [] });

/** The copies of an earlier document that a decision withdraws, and at which recipients. */
export interface Withdrawal {
  readonly documentId: string;
  /** Recipients of that document (as routing registered them) whose copies are withdrawn. */
  readonly recipientCodes: readonly string[];
}

/** Whether the package's body must be read for its {@link LifecycleFacts}: an update or a replacement. */
export function needsLifecycleFacts(ref: PackageRef): boolean {
  return ref.kind === 'edoc' && (ref.businessDocType === BusinessDocType.UPDATE || ref.businessDocType === BusinessDocType.REPLACE);
}

/** The codes as the directory knows them now: a retired code stands for its successor too. */
function resolved(codes: readonly string[], directory: DirectoryView): Set<string> {
  const out = new Set<string>();
  for (const code of codes) {
    out.add(code);
    const current = directory.resolveSuccessor(code);
    if (current) out.add(current.code);
  }
  return out;
}

/**
 * The withdrawals a routed revoke, update or replacement decides, each against the earlier
 * document's registered recipients (routing's own state of that document):
 * - revoke (`1`): the related document, at each of its recipients the revoke is addressed to;
 * - update (`2`): the related document, at each of its recipients the receiver list removes;
 * - replace (`3`): each document of the replacement list issued by the same sender, at each of
 *   its recipients listed for it (an unknown document, or another issuer's, withdraws nothing).
 * Empty for anything else (a rejection, a new document, a status), and a recipient that never
 * received the document is not listed. Pure.
 */
export function withdrawalsOf(decision: RoutingDecision, documents: DocumentView, directory: DirectoryView, lifecycle: LifecycleFacts = NO_LIFECYCLE): Withdrawal[] {
  if (decision.type !== PACKAGE_ROUTED) return [];
  const { package: ref, deliveries } = decision.payload;
  if (ref.kind !== 'edoc') return [];
  const at = (documentId: string | null, codes: Set<string>): Withdrawal[] => {
    const document = documentId === null ? undefined : documents.get(documentId);
    if (!document || document.senderCode !== ref.senderCode) return [];
    const recipientCodes = document.recipientCodes.filter((c) => codes.has(c));
    return recipientCodes.length > 0 ? [{ documentId: document.documentId, recipientCodes }] : [];
  };
  switch (ref.businessDocType) {
    case BusinessDocType.REVOKE: {
      const addressed = resolved(ref.recipientCodes, directory);
      for (const d of deliveries) addressed.add(d.recipientCode);
      return at(ref.relatedDocumentId, addressed);
    }
    case BusinessDocType.UPDATE:
      return at(ref.relatedDocumentId, resolved(lifecycle.receiversRemoved, directory));
    case BusinessDocType.REPLACE: {
      const byDocument = new Map<string, Set<string>>();
      for (const r of lifecycle.replacements) {
        const codes = byDocument.get(r.documentId) ?? new Set<string>();
        for (const c of resolved(r.organIds, directory)) codes.add(c);
        byDocument.set(r.documentId, codes);
      }
      return [...byDocument].flatMap(([documentId, codes]) => at(documentId, codes));
    }
    default:
      return [];
  }
}

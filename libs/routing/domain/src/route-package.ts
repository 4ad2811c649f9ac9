import type { PackageRef } from '@vdx/contracts';
import { rejected, routed, type RoutingDecision } from './decision';
import { BusinessDocType, RECALL_STATUS_CODE, RECIPIENT_STATUS_CODES } from './package-kinds';
import { NO_PROGRESS, impossibleTransition } from './business-status';
import type { DirectoryView, DocumentView, RoutedDocument } from './ports';
import { routeRecipients } from './route-recipients';
import { RoutingErrorCode } from './routing-error';
import { NO_LIFECYCLE, type LifecycleFacts } from './lifecycle';

/**
 * Decides where a package goes. Edocs go to the codes they name (revoke, update and replace only
 * from the issuer of the related document; an update also to the receivers its list adds, and
 * not to those it removes); recipient statuses go back to the document's issuer; a recall (13)
 * goes from the issuer to every recipient of the document. Pure: the directory and the
 * document registry are read, never written. `lifecycle` is what an update's or a
 * replacement's business block says (read from the package).
 */
export function routePackage(ref: PackageRef, directory: DirectoryView, documents: DocumentView, lifecycle: LifecycleFacts = NO_LIFECYCLE): RoutingDecision {
  if (ref.kind === 'edoc') return routeEdoc(ref, directory, documents, lifecycle);
  if (ref.kind === 'status') return routeStatus(ref, directory, documents);
  return rejected(ref, RoutingErrorCode.UNSUPPORTED_PACKAGE, `package kind ${JSON.stringify(ref.kind)} is not routed`);
}

function routeEdoc(ref: PackageRef, directory: DirectoryView, documents: DocumentView, lifecycle: LifecycleFacts): RoutingDecision {
  const type = ref.businessDocType ?? BusinessDocType.NEW;
  switch (type) {
    case BusinessDocType.NEW:
      return routeTo(ref, ref.recipientCodes, directory);
    case BusinessDocType.REVOKE:
    case BusinessDocType.UPDATE:
    case BusinessDocType.REPLACE: {
      const related = knownDocument(ref, ref.relatedDocumentId, documents);
      if (!isDocument(related)) return related;
      if (related.senderCode !== ref.senderCode) return notTheSender(ref, related);
      if (type !== BusinessDocType.UPDATE) return routeTo(ref, ref.recipientCodes, directory);
      // An update's receiver list: the receivers it adds get it, those it removes do not.
      const removed = new Set(lifecycle.receiversRemoved);
      return routeTo(ref, [...new Set([...ref.recipientCodes, ...lifecycle.receiversAdded])].filter((c) => !removed.has(c)), directory);
    }
    default:
      return rejected(ref, RoutingErrorCode.UNSUPPORTED_PACKAGE, `business document type ${JSON.stringify(type)} is not routed`);
  }
}

function routeStatus(ref: PackageRef, directory: DirectoryView, documents: DocumentView): RoutingDecision {
  const statusCode = ref.statusCode;
  if (statusCode !== null && RECIPIENT_STATUS_CODES.includes(statusCode)) {
    const document = knownDocument(ref, ref.documentId, documents);
    if (!isDocument(document)) return document;
    if (!document.recipientCodes.includes(ref.senderCode)) {
      return rejected(
        ref,
        RoutingErrorCode.NOT_A_RECIPIENT,
        `${ref.senderCode} never received document ${document.documentId}, so it may not report its status`,
      );
    }
    const impossible = impossibleTransition(document.progress?.[ref.senderCode] ?? NO_PROGRESS, statusCode);
    if (impossible) return rejected(ref, RoutingErrorCode.IMPOSSIBLE_TRANSITION, impossible);
    // The document's issuer is the authority: ref.recipientCodes is not trusted for statuses.
    return routeTo(ref, [document.senderCode], directory);
  }
  if (statusCode === RECALL_STATUS_CODE) {
    const document = knownDocument(ref, ref.documentId, documents);
    if (!isDocument(document)) return document;
    if (document.senderCode !== ref.senderCode) return notTheSender(ref, document);
    // A recall goes to every recipient whose copy is not already withdrawn.
    const open = document.recipientCodes.filter((code) => (document.progress?.[code] ?? NO_PROGRESS).recall !== 'agreed');
    if (open.length === 0) return rejected(ref, RoutingErrorCode.IMPOSSIBLE_TRANSITION, `every recipient of ${document.documentId} already agreed to withdraw it`);
    return routeTo(ref, open, directory);
  }
  return rejected(ref, RoutingErrorCode.UNSUPPORTED_PACKAGE, `status code ${JSON.stringify(statusCode)} is not routed`);
}

/** Routes to `codes`: PackageRouted when at least one delivery, else RoutingRejected NO_RECIPIENT. */
function routeTo(ref: PackageRef, codes: readonly string[], directory: DirectoryView): RoutingDecision {
  if (codes.length === 0) return rejected(ref, RoutingErrorCode.NO_RECIPIENT, 'the package names no recipient');
  const { deliveries, unroutable } = routeRecipients(ref.packageId, codes, directory);
  if (deliveries.length > 0) return routed(ref, deliveries, unroutable);
  return rejected(ref, RoutingErrorCode.NO_RECIPIENT, `none of the ${unroutable.length} recipient(s) can be reached`, unroutable);
}

/** The registered document `documentId`, or the UNKNOWN_DOCUMENT rejection. */
function knownDocument(ref: PackageRef, documentId: string | null, documents: DocumentView): RoutedDocument | RoutingDecision {
  const document = documentId === null ? undefined : documents.get(documentId);
  if (document) return document;
  const what = documentId === null ? 'the package names no document' : `document ${documentId} was never routed`;
  return rejected(ref, RoutingErrorCode.UNKNOWN_DOCUMENT, what);
}

function isDocument(value: RoutedDocument | RoutingDecision): value is RoutedDocument {
  return 'documentId' in value;
}

function notTheSender(ref: PackageRef, document: RoutedDocument): RoutingDecision {
  return rejected(
    ref,
    RoutingErrorCode.NOT_THE_SENDER,
    `document ${document.documentId} was issued by ${document.senderCode}, not ${ref.senderCode}`,
  );
}

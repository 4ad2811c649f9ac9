import { NO_PROGRESS, progressAfter } from './business-status';
import { PACKAGE_ROUTED, type RoutingDecision } from './decision';
import type { Withdrawal } from './lifecycle';
import { BusinessDocType } from './package-kinds';
import type { RoutedDocument } from './ports';

/**
 * The registry entry a decision adds or extends, to be stored under `ref.documentId`; null when
 * the decision registers nothing (rejections, statuses, revokes, edocs without a documentId).
 *
 * `previous` is the entry the package builds on: for an update/replace the related document's
 * entry (`relatedDocumentId`), for a new document the entry already held under its own id (a
 * resend). It is only used when issued by the same sender, and its recipients come first:
 * - new (`0` or null): the delivered recipients (appended to a same-sender resend's, whose
 *   recipients' progress is kept); null when
 *   another sender already registered that documentId (the first issuer keeps its authority);
 * - update/replace (`2`/`3`): the related document's recipients plus the new ones (union, in
 *   order), so each of them may report status on, or be recalled from, the new document; the
 *   related document's recipients the decision withdraws it from (`withdrawn`, of
 *   `withdrawalsOf`: removed by an update's receiver list, listed in a replacement) are not
 *   carried over, unless the new document is delivered to them;
 * - revoke (`1`): nothing new to remember.
 */
export function documentAfter(decision: RoutingDecision, previous: RoutedDocument | undefined, withdrawn: readonly Withdrawal[] = []): RoutedDocument | null {
  if (decision.type !== PACKAGE_ROUTED) return null;
  const { package: ref, deliveries } = decision.payload;
  if (ref.kind !== 'edoc' || ref.documentId === null) return null;

  const type = ref.businessDocType ?? BusinessDocType.NEW;
  let builtOn: string | null;
  if (type === BusinessDocType.NEW) builtOn = ref.documentId;
  else if (type === BusinessDocType.UPDATE || type === BusinessDocType.REPLACE) builtOn = ref.relatedDocumentId;
  else return null;

  const applies = previous !== undefined && previous.documentId === builtOn;
  // A new document reusing another issuer's id must not take the registered document over.
  if (applies && type === BusinessDocType.NEW && previous.senderCode !== ref.senderCode) return null;
  const gone = new Set(withdrawn.filter((w) => applies && w.documentId === previous.documentId).flatMap((w) => w.recipientCodes));
  const base = applies && previous.senderCode === ref.senderCode ? previous.recipientCodes.filter((c) => !gone.has(c)) : [];
  // A resend extends the same document: what its recipients reported so far stays. An update
  // or a replacement is a new document, whose recipients start afresh.
  const progress = applies && type === BusinessDocType.NEW && previous.progress ? { progress: previous.progress } : {};
  return {
    documentId: ref.documentId,
    senderCode: ref.senderCode,
    recipientCodes: union(base, deliveries.map((d) => d.recipientCode)),
    ...progress,
  };
}

function union(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second])];
}

/**
 * The registry entry after a routed status: the reporting recipient's progress moves on (for a
 * recall, every recipient it went to). Null for anything else, or a status that was not routed.
 */
export function statusAfter(decision: RoutingDecision, document: RoutedDocument | undefined): RoutedDocument | null {
  if (decision.type !== PACKAGE_ROUTED || !document) return null;
  const ref = decision.payload.package;
  if (ref.kind !== 'status' || ref.statusCode === null) return null;
  const code = ref.statusCode;
  const progress = { ...(document.progress ?? {}) };
  const movers = code === '13' ? decision.payload.deliveries.map((d) => d.recipientCode) : [ref.senderCode];
  for (const recipient of movers) progress[recipient] = progressAfter(progress[recipient] ?? NO_PROGRESS, code);
  return { ...document, progress };
}

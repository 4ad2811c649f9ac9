import type { AttachmentSummary, PackageFinding } from '@vdx/contracts';
import type { EdxmlFinding, EdxmlPackage } from '@vdx/edxml';

/** What the axis needs to know about a package, read from its edXML header. */
export interface PackageFacts {
  readonly kind: 'edoc' | 'status';
  /** `From/OrganId` as written. */
  readonly fromCode: string | null;
  readonly recipientCodes: readonly string[];
  readonly documentId: string | null;
  readonly businessDocType: string | null;
  readonly relatedDocumentId: string | null;
  readonly statusCode: string | null;
  readonly subject: string | null;
  readonly priority: string | null;
  readonly dueDate: string | null;
  /** Status `Timestamp`, part of what identifies a status resend. */
  readonly statusTimestamp: string | null;
  readonly attachments: readonly AttachmentSummary[];
}

const orNull = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : v.trim());

/**
 * The facts of a parsed package. A document is addressed to its `To` agencies; a status to the
 * issuer of the document it is about (`ResponseFor/OrganId`), except a recall (13), which the
 * sender addresses to every recipient of its document: routing finds those.
 */
export function packageFacts(pkg: EdxmlPackage): PackageFacts {
  const attachments = pkg.attachments.map((a) => ({
    contentId: orNull(a.contentId),
    name: orNull(a.attachmentName),
    contentType: orNull(a.contentType),
    size: a.size,
    sha256: a.sha256,
  }));
  const business = {
    businessDocType: orNull(pkg.business?.businessDocType),
    relatedDocumentId: orNull(pkg.business?.documentId),
  };
  if (pkg.kind === 'edoc') {
    const h = pkg.header;
    const recipients = [...new Set(h.to.map((o) => orNull(o.organId)).filter((c): c is string => c !== null))];
    return {
      kind: 'edoc',
      fromCode: orNull(h.from?.organId),
      recipientCodes: recipients,
      documentId: orNull(h.documentId),
      ...business,
      businessDocType: business.businessDocType ?? '0',
      statusCode: null,
      subject: orNull(h.subject),
      priority: orNull(h.otherInfo?.priority),
      dueDate: orNull(h.dueDate),
      statusTimestamp: null,
      attachments,
    };
  }
  const h = pkg.header;
  const statusCode = orNull(h.statusCode);
  const addressee = orNull(h.responseFor?.organId);
  return {
    kind: 'status',
    fromCode: orNull(h.from?.organId),
    recipientCodes: statusCode === '13' || addressee === null ? [] : [addressee],
    documentId: orNull(h.responseFor?.documentId),
    businessDocType: null,
    relatedDocumentId: null,
    statusCode,
    subject: orNull(h.description),
    priority: null,
    dueDate: null,
    statusTimestamp: orNull(h.timestamp),
    attachments,
  };
}

export function toPackageFinding(f: EdxmlFinding): PackageFinding {
  return { code: f.code, path: f.path, severity: f.severity, message: f.message };
}

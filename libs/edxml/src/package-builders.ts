// Builders of well-formed packages for senders (the reference agency client, tests, benchmarks):
// name the essentials, get a package the validator accepts and the writer can serialise.

import { createHash } from 'node:crypto';
import type { Attachment, EdocPackage, StatusPackage } from './model';
import { writePackage } from './write-package';

export interface DocumentPackageOptions {
  /** Issuer agency code (`From/OrganId`). */
  readonly from: string;
  readonly fromName?: string;
  /** Recipient agency codes (`To/OrganId`). */
  readonly to: readonly string[];
  /** Document number and notation, e.g. `123` and `UBND-VP`. */
  readonly codeNumber: string;
  readonly codeNotation: string;
  /** `yyyy/MM/dd`; default today (UTC). */
  readonly promulgationDate?: string;
  readonly subject: string;
  /** 0 new (default), 1 revoke, 2 update, 3 replace. */
  readonly businessDocType?: '0' | '1' | '2' | '3';
  /** The earlier document a revoke, update or replace concerns. */
  readonly relatedDocumentId?: string;
  readonly businessDocReason?: string;
  /** For an update: recipients removed (0) or added (1). */
  readonly receiverChanges?: readonly { readonly organId: string; readonly receiverType: '0' | '1' }[];
  /** For a replacement: the documents replaced and for whom. */
  readonly replaces?: readonly { readonly documentId: string; readonly organIds: readonly string[] }[];
  readonly priority?: string;
  /** `yyyy/MM/dd` */
  readonly dueDate?: string;
  /** Attachments as (name, bytes); PDF by default. */
  readonly attachments?: readonly { readonly name: string; readonly bytes: Uint8Array; readonly contentType?: string }[];
}

export interface BuiltPackage<P> {
  readonly package: P;
  readonly contents: readonly Uint8Array[];
  /** The edXML text. */
  readonly xml: string;
  /** The DocumentId of the document (or, for a status, of the document it is about). */
  readonly documentId: string;
}

const today = (): string => new Date().toISOString().slice(0, 10).replace(/-/g, '/');
const nowTimestamp = (): string => new Date().toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, '/');

/** A document package (edoc): new, or a revoke/update/replace of an earlier one. */
export function documentPackage(o: DocumentPackageOptions): BuiltPackage<EdocPackage> {
  const date = o.promulgationDate ?? today();
  const documentId = `${o.from},${date},${o.codeNumber}/${o.codeNotation}`;
  const files = o.attachments ?? [];
  const attachments: Attachment[] = files.map((f, i) => ({
    contentId: `cid:att-${i + 1}`,
    attachmentName: f.name,
    contentType: f.contentType ?? 'application/pdf',
    size: f.bytes.byteLength,
    sha256: createHash('sha256').update(f.bytes).digest('hex'),
  }));
  const type = o.businessDocType ?? '0';
  const pkg: EdocPackage = {
    kind: 'edoc',
    header: {
      from: { organId: o.from, organName: o.fromName ?? o.from },
      to: o.to.map((code) => ({ organId: code, organName: code })),
      documentId,
      code: { codeNumber: o.codeNumber, codeNotation: o.codeNotation },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: date },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: o.subject,
      signerInfo: { position: 'Chánh Văn phòng', fullName: 'Nguyễn Văn A' },
      ...(o.dueDate ? { dueDate: o.dueDate } : {}),
      otherInfo: { priority: o.priority ?? '0', appendixes: [] },
      responseFor: [],
      steeringType: '1',
      toPlaces: [],
    },
    traceHeaders: [{ organId: o.from, timestamp: nowTimestamp() }],
    business: {
      businessDocType: type,
      paper: '0',
      ...(o.relatedDocumentId ? { documentId: o.relatedDocumentId } : {}),
      ...(o.businessDocReason ? { businessDocReason: o.businessDocReason } : {}),
      // An update always says what changed: the content (DocumentInfo) and/or the receivers.
      ...(type === '2' || o.receiverChanges
        ? {
            businessDocumentInfo: {
              documentInfo: '1',
              documentReceiver: o.receiverChanges?.length ? '1' : '0',
              receiverList: (o.receiverChanges ?? []).map((r) => ({ ...r })),
            },
          }
        : {}),
      ...(o.replaces ? { replacementInfoList: o.replaces.map((r) => ({ documentId: r.documentId, organIdList: [...r.organIds] })) } : {}),
    },
    manifest: {
      version: '1.0',
      references: attachments.map((a) => ({ contentId: a.contentId ?? '', contentType: a.contentType ?? '', attachmentName: a.attachmentName ?? '' })),
    },
    attachments,
  };
  const contents = files.map((f) => f.bytes);
  return { package: pkg, contents, xml: writePackage(pkg, { contents }), documentId };
}

export interface StatusPackageOptions {
  /** The agency reporting the status. */
  readonly from: string;
  /** The document concerned and its issuer. */
  readonly documentId: string;
  readonly documentIssuer: string;
  /** 01..06, 13, 15, 16 */
  readonly statusCode: string;
  readonly description?: string;
  /** `yyyy/MM/dd HH:mm:ss`; default now. */
  readonly timestamp?: string;
}

/** A status package about an earlier document. */
export function statusPackage(o: StatusPackageOptions): BuiltPackage<StatusPackage> {
  const [, date = today(), codeAndNotation = ''] = o.documentId.split(',');
  const pkg: StatusPackage = {
    kind: 'status',
    header: {
      from: { organId: o.from, organName: o.from },
      responseFor: { organId: o.documentIssuer, code: codeAndNotation, promulgationDate: date, documentId: o.documentId },
      staffInfo: { department: 'Văn thư', staff: 'Trần Thị B', email: 'vanthu@example.gov.vn', mobile: '0900000000' },
      statusCode: o.statusCode,
      description: o.description ?? `status ${o.statusCode}`,
      timestamp: o.timestamp ?? nowTimestamp(),
    },
    traceHeaders: [],
    attachments: [],
  };
  return { package: pkg, contents: [], xml: writePackage(pkg), documentId: o.documentId };
}

import { normaliseAgencyCode } from '@vdx/agency-code';
import type { AttachmentSummary, PackageFinding } from '@vdx/contracts';
import { DEFAULT_DIALECT, type EdxmlDialect, type EdxmlFinding, type EdxmlPackage } from '@vdx/edxml';
import { normaliseDate, normaliseTimestamp } from './normalise';

/** A value the facts read otherwise than it is written: `path` is the finding path of the field. */
export interface Normalisation {
  readonly path: string;
  readonly written: string;
  readonly readAs: string;
}

/**
 * What the axis needs to know about a package, read from its edXML header. Values with one
 * obvious meaning are normalised (agency codes in the compact or undotted form, dates written
 * `dd/MM/yyyy`); each such reading is listed in `normalisations`. Values with no such reading
 * stay as written, so they can be carried and reported.
 */
export interface PackageFacts {
  readonly kind: 'edoc' | 'status';
  /** `From/OrganId`, normalised when it has one reading. */
  readonly fromCode: string | null;
  /** `To/OrganId` of a document (normalised, repeats removed); a status's addressee. */
  readonly recipientCodes: readonly string[];
  readonly documentId: string | null;
  readonly businessDocType: string | null;
  readonly relatedDocumentId: string | null;
  readonly statusCode: string | null;
  readonly subject: string | null;
  readonly priority: string | null;
  /** `PromulgationInfo/PromulgationDate` of a document, `yyyy/MM/dd` when it has a reading. */
  readonly promulgationDate: string | null;
  /** `yyyy/MM/dd` when it has a reading. */
  readonly dueDate: string | null;
  /** Status `Timestamp` (`yyyy/MM/dd HH:mm:ss` when it has a reading), part of what identifies a status resend. */
  readonly statusTimestamp: string | null;
  readonly attachments: readonly AttachmentSummary[];
  readonly normalisations: readonly Normalisation[];
}

const HEADER = 'edXML/edXMLEnvelope/edXMLHeader';

const orNull = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : v.trim());

/** Reads values through their normalisers, recording every value read otherwise than written. */
class Reader {
  readonly normalisations: Normalisation[] = [];

  code(value: string | undefined, path: string): string | null {
    return this.read(value, path, (v) => {
      const r = normaliseAgencyCode(v);
      return r.ok ? r.code.toString() : undefined;
    });
  }

  date(value: string | undefined, path: string): string | null {
    return this.read(value, path, normaliseDate);
  }

  timestamp(value: string | undefined, path: string): string | null {
    return this.read(value, path, normaliseTimestamp);
  }

  private read(value: string | undefined, path: string, normalise: (v: string) => string | undefined): string | null {
    const written = orNull(value);
    if (written === null) return null;
    const readAs = normalise(written) ?? written;
    if (readAs !== written) this.normalisations.push({ path, written, readAs });
    return readAs;
  }
}

/**
 * The facts of a parsed package. A document is addressed to its `To` agencies; a status to the
 * issuer of the document it is about (`ResponseFor/OrganId`), except a recall (13), which the
 * sender addresses to every recipient of its document: routing finds those. `dialect` (the
 * parser's) names the status header in the paths of `normalisations`.
 */
export function packageFacts(pkg: EdxmlPackage, dialect: EdxmlDialect = DEFAULT_DIALECT): PackageFacts {
  const read = new Reader();
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
    const base = `${HEADER}/MessageHeader`;
    const fromCode = read.code(h.from?.organId, `${base}/From/OrganId`);
    const to = h.to.map((o, i) => read.code(o.organId, `${base}/To[${i + 1}]/OrganId`));
    return {
      kind: 'edoc',
      fromCode,
      recipientCodes: [...new Set(to.filter((c): c is string => c !== null))],
      documentId: orNull(h.documentId),
      ...business,
      businessDocType: business.businessDocType ?? '0',
      statusCode: null,
      subject: orNull(h.subject),
      priority: orNull(h.otherInfo?.priority),
      promulgationDate: read.date(h.promulgationInfo?.promulgationDate, `${base}/PromulgationInfo/PromulgationDate`),
      dueDate: read.date(h.dueDate, `${base}/DueDate`),
      statusTimestamp: null,
      attachments,
      normalisations: read.normalisations,
    };
  }
  const h = pkg.header;
  const base = `${HEADER}/${dialect.headerElement}`;
  const statusCode = orNull(h.statusCode);
  const fromCode = read.code(h.from?.organId, `${base}/From/OrganId`);
  const addressee = read.code(h.responseFor?.organId, `${base}/ResponseFor/OrganId`);
  return {
    kind: 'status',
    fromCode,
    recipientCodes: statusCode === '13' || addressee === null ? [] : [addressee],
    documentId: orNull(h.responseFor?.documentId),
    businessDocType: null,
    relatedDocumentId: null,
    statusCode,
    subject: orNull(h.description),
    priority: null,
    promulgationDate: null,
    dueDate: null,
    statusTimestamp: read.timestamp(h.timestamp, `${base}/Timestamp`),
    attachments,
    normalisations: read.normalisations,
  };
}

export function toPackageFinding(f: EdxmlFinding): PackageFinding {
  return { code: f.code, path: f.path, severity: f.severity, message: f.message };
}

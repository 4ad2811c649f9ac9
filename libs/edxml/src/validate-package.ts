// Semantic rules over the model. Returns every problem; never throws on content.
// Severity rule: `error` when the package cannot be routed, correlated or interpreted as meant
// (routing codes, required fields, code lists, Decree 30 lengths, unreadable dates, broken
// manifest links, undecodable content); `warning` when it is usable but inconsistent or
// non-conformant (mismatched ids, trace codes, placeholder signature, suspicious content types).

import { FindingCodes } from './codes';
import { FindingList, type EdxmlFinding, type FindingSeverity } from './finding';
import {
  DEFAULT_DIALECT,
  type EdocHeader,
  type EdxmlDialect,
  type EdxmlPackage,
  type Organization,
  type ResponseFor,
  type StaffInfo,
  type StatusHeader,
} from './model';
import {
  BUSINESS_DOC_TYPES,
  FIELD_LIMITS,
  PRIORITIES,
  RECEIVER_TYPES,
  STEERING_TYPES,
  charLength,
  expectedContentTypes,
  formatDay,
  isAgencyCode,
  isStatusCode,
  parseDate,
  parseDocumentId,
  parseTimestamp,
  type DocumentIdParts,
  type LimitedField,
} from './rules';
import { PATHS, businessNames } from './schema';
import { placeholderReason } from './signature';

export interface ValidateOptions {
  /** Element spellings to use in paths; the parser returns the sender's. */
  readonly dialect?: Partial<EdxmlDialect>;
}

/** Checks a package against the edXML rules and returns every finding, in a stable order. */
export function validatePackage(pkg: EdxmlPackage, options: ValidateOptions = {}): EdxmlFinding[] {
  const v = new Validator({ ...DEFAULT_DIALECT, ...options.dialect });
  let reference: number | undefined;
  if (pkg.kind === 'edoc') {
    reference = v.edocHeader(pkg.header);
  } else {
    v.statusHeader(pkg.header);
  }
  v.traces(pkg, reference);
  v.business(pkg);
  v.attachments(pkg);
  if (pkg.signature !== undefined) {
    const reason = placeholderReason(pkg.signature);
    if (reason !== undefined) {
      v.f.warning(FindingCodes.PLACEHOLDER_SIGNATURE, PATHS.signature, `signature looks like a placeholder: ${reason}`);
    }
  }
  return v.f.items;
}

interface DocumentIdExpectation {
  readonly issuer?: string;
  readonly date?: string;
  readonly code?: string;
}

class Validator {
  readonly f = new FindingList();

  constructor(private readonly dialect: EdxmlDialect) {}

  /** Returns the promulgation day, which later date checks compare against. */
  edocHeader(h: EdocHeader): number | undefined {
    const base = `${PATHS.header}/MessageHeader`;
    this.organization(h.from, `${base}/From`);
    if (h.to.length === 0) this.f.error(FindingCodes.MISSING_FIELD, `${base}/To`, 'the package has no recipient (To)');
    const seen = new Map<string, number>();
    h.to.forEach((org, i) => {
      const path = `${base}/To[${i + 1}]`;
      this.organization(org, path);
      if (org.organId === undefined) return;
      const first = seen.get(org.organId);
      if (first === undefined) seen.set(org.organId, i + 1);
      else this.f.warning(FindingCodes.DUPLICATE_RECIPIENT, `${path}/OrganId`, `${org.organId} is already recipient To[${first}]`);
    });

    const code = h.code;
    if (code === undefined) {
      this.f.error(FindingCodes.MISSING_FIELD, `${base}/Code`, 'Code (number and notation) is missing');
    } else {
      const number = this.required(code.codeNumber, `${base}/Code/CodeNumber`, 'error');
      if (number !== undefined) {
        this.maxLength(number, `${base}/Code/CodeNumber`, 'CodeNumber');
        if (!/^\d+$/.test(number)) {
          this.f.warning(FindingCodes.INVALID_CODE_NUMBER, `${base}/Code/CodeNumber`, `CodeNumber "${number}" is not written in digits`);
        }
      }
      const notation = this.required(code.codeNotation, `${base}/Code/CodeNotation`, 'error');
      if (notation !== undefined) this.maxLength(notation, `${base}/Code/CodeNotation`, 'CodeNotation');
    }

    let promulgated: number | undefined;
    if (h.promulgationInfo === undefined) {
      this.f.error(FindingCodes.MISSING_FIELD, `${base}/PromulgationInfo`, 'PromulgationInfo is missing');
    } else {
      promulgated = this.date(h.promulgationInfo.promulgationDate, `${base}/PromulgationInfo/PromulgationDate`, true);
    }

    const subject = this.required(h.subject, `${base}/Subject`, 'error');
    if (subject !== undefined) this.maxLength(subject, `${base}/Subject`, 'Subject');

    if (h.signerInfo === undefined) {
      this.f.warning(FindingCodes.MISSING_FIELD, `${base}/SignerInfo`, 'SignerInfo is missing');
    } else {
      const s = h.signerInfo;
      if (s.position !== undefined) this.maxLength(s.position, `${base}/SignerInfo/Position`, 'Position');
      const name = this.required(s.fullName, `${base}/SignerInfo/FullName`, 'warning');
      if (name !== undefined) this.maxLength(name, `${base}/SignerInfo/FullName`, 'FullName');
    }

    const id = this.required(h.documentId, `${base}/DocumentId`, 'error');
    if (id !== undefined) {
      this.documentId(id, `${base}/DocumentId`, {
        issuer: h.from?.organId,
        date: h.promulgationInfo?.promulgationDate,
        code: joinCode(h.code?.codeNumber, h.code?.codeNotation),
      });
    }

    const due = this.date(h.dueDate, `${base}/DueDate`, false);
    if (due !== undefined && promulgated !== undefined && due < promulgated) {
      this.f.warning(
        FindingCodes.INCONSISTENT_DATES,
        `${base}/DueDate`,
        `DueDate ${formatDay(due)} is before PromulgationDate ${formatDay(promulgated)}`,
      );
    }

    const priority = h.otherInfo?.priority;
    if (priority !== undefined && !PRIORITIES.includes(priority)) {
      this.f.error(FindingCodes.UNKNOWN_PRIORITY, `${base}/OtherInfo/Priority`, `Priority "${priority}" is not one of 0-4`);
    }
    if (h.steeringType !== undefined && !STEERING_TYPES.includes(h.steeringType)) {
      this.f.error(FindingCodes.UNKNOWN_STEERING_TYPE, `${base}/SteeringType`, `SteeringType "${h.steeringType}" is not one of 1-3`);
    }

    h.responseFor.forEach((r, i) => {
      const path = `${base}/ResponseFor[${i + 1}]`;
      if (Object.keys(r).length === 0) {
        this.f.warning(FindingCodes.EMPTY_ELEMENT, path, 'ResponseFor has no values');
        return;
      }
      this.responseFor(r, path, 'warning');
    });
    return promulgated;
  }

  statusHeader(h: StatusHeader): void {
    const base = `${PATHS.header}/${this.dialect.headerElement}`;
    this.organization(h.from, `${base}/From`);
    let reference: number | undefined;
    if (h.responseFor === undefined) {
      this.f.error(FindingCodes.MISSING_RESPONSE_FOR, `${base}/ResponseFor`, 'a status must name the document it is about (ResponseFor)');
    } else {
      reference = this.responseFor(h.responseFor, `${base}/ResponseFor`, 'error');
    }
    const code = this.required(h.statusCode, `${base}/StatusCode`, 'error');
    if (code !== undefined && !isStatusCode(code)) {
      this.f.error(FindingCodes.UNKNOWN_STATUS_CODE, `${base}/StatusCode`, `StatusCode "${code}" is not one of 01-06, 13, 15, 16`);
    }
    const at = this.timestamp(h.timestamp, `${base}/Timestamp`, 'error');
    if (at !== undefined && reference !== undefined && at < reference) {
      this.f.warning(
        FindingCodes.INCONSISTENT_DATES,
        `${base}/Timestamp`,
        `status time ${h.timestamp ?? ''} is before the document's date ${formatDay(reference)}`,
      );
    }
    this.staff(h.staffInfo, `${base}/StaffInfo`);
  }

  traces(pkg: EdxmlPackage, promulgated: number | undefined): void {
    pkg.traceHeaders.forEach((t, i) => {
      const path = `${PATHS.traceList}/TraceHeader[${i + 1}]`;
      this.organId(t.organId, `${path}/OrganId`, 'warning');
      const at = this.timestamp(t.timestamp, `${path}/Timestamp`, 'warning');
      if (at !== undefined && promulgated !== undefined && at < promulgated) {
        this.f.warning(
          FindingCodes.INCONSISTENT_DATES,
          `${path}/Timestamp`,
          `trace time ${t.timestamp ?? ''} is before PromulgationDate ${formatDay(promulgated)}`,
        );
      }
    });
  }

  business(pkg: EdxmlPackage): void {
    const spelling = this.dialect.businessElement;
    const names = businessNames(spelling);
    const base = `${PATHS.traceList}/${spelling}`;
    const b = pkg.business;
    if (b === undefined) {
      if (pkg.kind === 'edoc') {
        this.f.warning(FindingCodes.MISSING_FIELD, base, `no ${spelling} block; the document is taken as new (type 0)`);
      }
      return;
    }
    const type = this.required(b.businessDocType, `${base}/${names.docType}`, 'error');
    if (type !== undefined && !BUSINESS_DOC_TYPES.includes(type)) {
      this.f.error(FindingCodes.UNKNOWN_BUSINESS_TYPE, `${base}/${names.docType}`, `${names.docType} "${type}" is not one of 0-3`);
    }
    if (b.documentId !== undefined) {
      this.documentId(b.documentId, `${base}/DocumentId`, {});
    } else if (type === '1' || type === '2' || type === '3') {
      this.missingEarlierDocument(pkg, type, `${base}/DocumentId`);
    }
    this.staff(b.staffInfo, `${base}/StaffInfo`);

    const infoPath = `${base}/${names.documentInfo}`;
    const info = b.businessDocumentInfo;
    if (type === '2') {
      if (info === undefined) {
        this.f.error(FindingCodes.MISSING_FIELD, infoPath, `an update needs ${names.documentInfo}`);
      } else if (info.documentReceiver !== '0' && (info.receiverList?.length ?? 0) === 0) {
        this.f.error(FindingCodes.MISSING_FIELD, `${infoPath}/ReceiverList`, 'an update needs the receiver list');
      }
    }
    info?.receiverList?.forEach((r, i) => {
      const path = `${infoPath}/ReceiverList/Receiver[${i + 1}]`;
      this.organId(r.organId, `${path}/OrganId`, 'error');
      const kind = this.required(r.receiverType, `${path}/ReceiverType`, 'error');
      if (kind !== undefined && !RECEIVER_TYPES.includes(kind)) {
        this.f.error(FindingCodes.UNKNOWN_RECEIVER_TYPE, `${path}/ReceiverType`, `ReceiverType "${kind}" is not 0 (removed) or 1 (added)`);
      }
    });

    const replacements = b.replacementInfoList;
    if (type === '3' && (replacements?.length ?? 0) === 0) {
      this.f.error(FindingCodes.MISSING_FIELD, `${base}/ReplacementInfoList`, 'a replacement needs ReplacementInfoList');
    }
    replacements?.forEach((r, i) => {
      const path = `${base}/ReplacementInfoList/ReplacementInfo[${i + 1}]`;
      const id = this.required(r.documentId, `${path}/DocumentId`, 'error');
      if (id !== undefined) this.documentId(id, `${path}/DocumentId`, {});
      if (r.organIdList.length === 0) {
        this.f.error(FindingCodes.MISSING_FIELD, `${path}/OrganIdList`, 'no OrganId names who receives the replacement');
      }
      r.organIdList.forEach((organ, j) => this.organId(organ, `${path}/OrganIdList/OrganId[${j + 1}]`, 'error'));
    });
  }

  attachments(pkg: EdxmlPackage): void {
    const refs = pkg.manifest?.references ?? [];
    const atts = pkg.attachments;
    if (atts.length > 0 && pkg.manifest === undefined) {
      this.f.error(FindingCodes.MISSING_FIELD, PATHS.manifest, 'attachments are present but there is no manifest');
    }
    const refIds = this.contentIds(
      refs.map((r) => r.contentId),
      (i) => `${PATHS.manifest}/Reference[${i + 1}]/ContentId`,
    );
    const attIds = this.contentIds(
      atts.map((a) => a.contentId),
      (i) => `${PATHS.attachments}/Attachment[${i + 1}]/ContentId`,
    );
    refs.forEach((ref, i) => {
      const id = refIds[i];
      if (id !== undefined && !attIds.includes(id)) {
        this.f.error(
          FindingCodes.MANIFEST_ATTACHMENT_MISMATCH,
          `${PATHS.manifest}/Reference[${i + 1}]/ContentId`,
          `no attachment has content id ${ref.contentId ?? ''}`,
        );
      }
    });
    atts.forEach((att, i) => {
      const path = `${PATHS.attachments}/Attachment[${i + 1}]`;
      const id = attIds[i];
      const ref = id === undefined ? undefined : refs[refIds.indexOf(id)];
      if (id !== undefined && ref === undefined && pkg.manifest !== undefined) {
        this.f.error(FindingCodes.MANIFEST_ATTACHMENT_MISMATCH, `${path}/ContentId`, `the manifest has no reference to ${att.contentId ?? ''}`);
      }
      const name = this.required(att.attachmentName, `${path}/AttachmentName`, 'warning');
      if (ref?.attachmentName !== undefined && name !== undefined && ref.attachmentName !== name) {
        this.f.warning(
          FindingCodes.MANIFEST_ATTACHMENT_MISMATCH,
          `${path}/AttachmentName`,
          `manifest names it "${ref.attachmentName}", the attachment "${name}"`,
        );
      }
      const type = this.required(att.contentType, `${path}/ContentType`, 'warning');
      if (ref?.contentType !== undefined && type !== undefined && mediaType(ref.contentType) !== mediaType(type)) {
        this.f.warning(
          FindingCodes.MANIFEST_ATTACHMENT_MISMATCH,
          `${path}/ContentType`,
          `manifest says ${ref.contentType}, the attachment ${type}`,
        );
      }
      if (name !== undefined && type !== undefined) {
        const expected = expectedContentTypes(name);
        const actual = mediaType(type);
        if (expected !== undefined && !expected.includes(actual) && actual !== 'application/octet-stream') {
          this.f.warning(
            FindingCodes.CONTENT_TYPE_MISMATCH,
            `${path}/ContentType`,
            `"${name}" is declared as ${type}; expected ${expected.join(' or ')} (pdf, doc, docx and xls are sent as they are)`,
          );
        }
      }
      if (att.size === 0) this.f.error(FindingCodes.MISSING_FIELD, `${path}/ContentTransferEncoded`, 'the attachment has no content');
    });
  }

  /** Normalised ids (without `cid:`), reporting missing, malformed and duplicate ones. */
  private contentIds(ids: ReadonlyArray<string | undefined>, pathOf: (i: number) => string): Array<string | undefined> {
    const seen = new Set<string>();
    return ids.map((raw, i) => {
      const path = pathOf(i);
      if (raw === undefined) {
        this.f.error(FindingCodes.MISSING_FIELD, path, 'ContentId is missing');
        return undefined;
      }
      if (!/^cid:/i.test(raw)) this.f.warning(FindingCodes.INVALID_CONTENT_ID, path, `content id "${raw}" does not start with cid:`);
      const id = raw.replace(/^cid:/i, '');
      if (seen.has(id)) this.f.error(FindingCodes.DUPLICATE_CONTENT_ID, path, `content id ${raw} is used twice`);
      seen.add(id);
      return id;
    });
  }

  private missingEarlierDocument(pkg: EdxmlPackage, type: string, path: string): void {
    const responseFor = pkg.kind === 'edoc' ? pkg.header.responseFor : [];
    const replacements = pkg.business?.replacementInfoList ?? [];
    let fallback: string | undefined;
    if (type === '1' && responseFor.some((r) => r.documentId !== undefined)) {
      fallback = 'MessageHeader/ResponseFor names it';
    } else if (type === '3' && replacements.length > 0 && replacements.every((r) => r.documentId !== undefined)) {
      fallback = 'ReplacementInfo names it';
    }
    const what = type === '1' ? 'revoke' : type === '2' ? 'update' : 'replace';
    if (fallback === undefined) {
      this.f.error(FindingCodes.MISSING_FIELD, path, `a ${what} must name the earlier document (DocumentId)`);
    } else {
      this.f.warning(FindingCodes.MISSING_FIELD, path, `a ${what} should name the earlier document (DocumentId); ${fallback}`);
    }
  }

  /** Checks a ResponseFor; returns the day of the document it names when known. */
  private responseFor(r: ResponseFor, path: string, severity: FindingSeverity): number | undefined {
    this.organId(r.organId, `${path}/OrganId`, severity);
    const day = this.date(r.promulgationDate, `${path}/PromulgationDate`, false);
    const id = this.required(r.documentId, `${path}/DocumentId`, severity);
    const parts =
      id === undefined ? undefined : this.documentId(id, `${path}/DocumentId`, { issuer: r.organId, date: r.promulgationDate, code: r.code });
    return day ?? parts?.day;
  }

  private documentId(value: string, path: string, expect: DocumentIdExpectation): DocumentIdParts | undefined {
    const parsed = parseDocumentId(value);
    if (!parsed.ok) {
      this.f.warning(FindingCodes.INVALID_DOCUMENT_ID, path, `DocumentId "${value}" is malformed: ${parsed.reason}`);
      return undefined;
    }
    const p = parsed.parts;
    const mismatches: string[] = [];
    if (expect.issuer !== undefined && expect.issuer !== p.issuer) mismatches.push(`issuer ${p.issuer} ≠ ${expect.issuer}`);
    if (expect.date !== undefined && expect.date !== p.date) mismatches.push(`date ${p.date} ≠ ${expect.date}`);
    const code = `${p.number}/${p.notation}`;
    if (expect.code !== undefined && expect.code !== code) mismatches.push(`code ${code} ≠ ${expect.code}`);
    if (mismatches.length > 0) {
      this.f.warning(FindingCodes.DOCUMENT_ID_MISMATCH, path, `DocumentId disagrees with the header: ${mismatches.join('; ')}`);
    }
    return p;
  }

  private organization(org: Organization | undefined, path: string): void {
    if (org === undefined) {
      this.f.error(FindingCodes.MISSING_FIELD, path, `${path.slice(path.lastIndexOf('/') + 1)} is missing`);
      return;
    }
    this.organId(org.organId, `${path}/OrganId`, 'error');
    const name = this.required(org.organName, `${path}/OrganName`, 'warning');
    if (name !== undefined) this.maxLength(name, `${path}/OrganName`, 'OrganName');
    if (org.organAdd !== undefined) this.maxLength(org.organAdd, `${path}/OrganAdd`, 'OrganAdd');
    if (org.email !== undefined) this.maxLength(org.email, `${path}/Email`, 'Email');
  }

  private staff(staff: StaffInfo | undefined, path: string): void {
    if (staff?.email !== undefined) this.maxLength(staff.email, `${path}/Email`, 'Email');
  }

  private organId(value: string | undefined, path: string, severity: FindingSeverity): void {
    const id = this.required(value, path, severity);
    if (id !== undefined && !isAgencyCode(id)) {
      this.report(severity, FindingCodes.INVALID_ORGAN_ID, path, `"${id}" is not an agency code (expected the form 000.00.00.G22)`);
    }
  }

  private date(value: string | undefined, path: string, required: boolean): number | undefined {
    if (value === undefined) {
      if (required) this.f.error(FindingCodes.MISSING_FIELD, path, `${leaf(path)} is missing`);
      return undefined;
    }
    const day = parseDate(value);
    if (day === undefined) this.f.error(FindingCodes.INVALID_DATE, path, `"${value}" is not a valid yyyy/MM/dd date`);
    return day;
  }

  private timestamp(value: string | undefined, path: string, missing: FindingSeverity): number | undefined {
    if (this.required(value, path, missing) === undefined || value === undefined) return undefined;
    const day = parseTimestamp(value);
    if (day === undefined) this.f.error(FindingCodes.INVALID_DATE, path, `"${value}" is not a valid yyyy/MM/dd HH:mm:ss timestamp`);
    return day;
  }

  private required(value: string | undefined, path: string, severity: FindingSeverity): string | undefined {
    if (value === undefined) this.report(severity, FindingCodes.MISSING_FIELD, path, `${leaf(path)} is missing`);
    return value;
  }

  private maxLength(value: string, path: string, field: LimitedField): void {
    const max = FIELD_LIMITS[field];
    const length = charLength(value);
    if (length > max) this.f.error(FindingCodes.TOO_LONG, path, `${field} has ${length} characters; Decree 30 allows ${max}`);
  }

  private report(severity: FindingSeverity, code: EdxmlFinding['code'], path: string, message: string): void {
    if (severity === 'error') this.f.error(code, path, message);
    else this.f.warning(code, path, message);
  }
}

function joinCode(number: string | undefined, notation: string | undefined): string | undefined {
  return number === undefined || notation === undefined ? undefined : `${number}/${notation}`;
}

function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function leaf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

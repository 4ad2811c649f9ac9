// Maps the element tree to the typed model. Tolerant by design: elements are matched by local
// name in any order, both header containers and both Business spellings are accepted, and
// anything surprising becomes a finding instead of an exception.

import { createHash } from 'node:crypto';
import { FindingCodes } from './codes';
import { FindingList, type EdxmlFinding } from './finding';
import {
  EDXML_NAMESPACE,
  type Attachment,
  type Business,
  type BusinessDocumentInfo,
  type EdocHeader,
  type EdxmlDialect,
  type EdxmlPackage,
  type Manifest,
  type Organization,
  type OtherInfo,
  type PackageParts,
  type ReplacementInfo,
  type StatusHeader,
  type TraceHeader,
} from './model';
import {
  CODE_FIELDS,
  DOCUMENT_TYPE_FIELDS,
  ORGANIZATION_FIELDS,
  OTHER_INFO_FIELDS,
  PATHS,
  PROMULGATION_FIELDS,
  RECEIVER_FIELDS,
  REFERENCE_FIELDS,
  RESPONSE_FOR_FIELDS,
  SIGNER_FIELDS,
  STAFF_FIELDS,
  TRACE_FIELDS,
  type FieldTable,
  type TextFields,
} from './schema';
import { readSignature } from './signature';
import { xmlTrim } from './xml-text';
import { EMPTY_SCOPE, childElements, directText, unboundAttributePrefixes, type XmlElement } from './xml-tree';

export interface ReadResult {
  readonly package: EdxmlPackage;
  readonly dialect: EdxmlDialect;
  readonly findings: EdxmlFinding[];
}

interface Located {
  readonly el: XmlElement;
  readonly path: string;
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** Reads a package from the root `edXML` element; structural problems become findings. */
export function readPackage(root: XmlElement): ReadResult {
  return new PackageReader().read(root);
}

class PackageReader {
  private readonly findings = new FindingList();
  private foreignCount = 0;
  private readonly unboundReported = new Set<string>();
  private firstForeign: string | undefined;
  private business: EdxmlDialect['businessElement'] = 'Bussiness';

  read(root: XmlElement): ReadResult {
    const top = this.scope({ el: root, path: PATHS.root });
    const envelope = this.require(top.first('edXMLEnvelope'), PATHS.envelope);
    const encoded = top.first('AttachmentEncoded');
    top.finish();

    const env = envelope && this.scope(envelope);
    const header = env && this.require(env.first('edXMLHeader'), PATHS.header);
    const body = env?.first('edXMLBody');
    env?.finish();

    const hs = header && this.scope(header);
    const container = hs?.first('MessageHeader', 'Status');
    const traceList = hs?.first('TraceHeaderList');
    const signature = hs?.first('Signature');
    hs?.finish();
    if (header !== undefined && container === undefined) {
      this.findings.error(FindingCodes.MISSING_FIELD, `${PATHS.header}/MessageHeader`, 'MessageHeader (or Status) is missing');
    }

    const isStatus =
      container !== undefined &&
      (container.el.local === 'Status' || childElements(container.el).some((c) => c.local === 'StatusCode'));
    // Header first so findings come out in document order.
    const statusHeader = isStatus && container !== undefined ? this.readStatusHeader(container) : undefined;
    const edocHeader = !isStatus && container !== undefined ? this.readEdocHeader(container) : undefined;
    const parts: PackageParts = this.compact({
      traceHeaders: [] as TraceHeader[],
      ...(traceList === undefined ? {} : this.readTraceList(traceList)),
      signature: signature && readSignature(signature.el, header?.el.scope ?? EMPTY_SCOPE),
      manifest: body && this.readBody(body),
      attachments: encoded === undefined ? [] : this.readAttachments(encoded),
    });
    const pkg: EdxmlPackage = isStatus
      ? { kind: 'status', header: statusHeader ?? {}, ...parts }
      : { kind: 'edoc', header: edocHeader ?? emptyEdocHeader(), ...parts };

    if (this.firstForeign !== undefined) {
      this.findings.warning(
        FindingCodes.UNEXPECTED_NAMESPACE,
        this.firstForeign,
        `${this.foreignCount} element(s) are outside the namespace ${EDXML_NAMESPACE}, starting here`,
      );
    }
    const dialect: EdxmlDialect = {
      headerElement: container?.el.local === 'Status' ? 'Status' : 'MessageHeader',
      businessElement: this.business,
    };
    return { package: pkg, dialect, findings: this.findings.items };
  }

  private readEdocHeader(loc: Located): EdocHeader {
    const s = this.scope(loc);
    const from = s.first('From');
    const to = s.many('To');
    const documentId = s.text('DocumentId');
    const code = s.first('Code');
    const promulgation = s.first('PromulgationInfo');
    const documentType = s.first('DocumentType');
    const subject = s.text('Subject');
    const content = s.text('Content');
    const signer = s.first('SignerInfo');
    const dueDate = s.text('DueDate');
    const otherInfo = s.first('OtherInfo');
    const responseFor = s.many('ResponseFor');
    const steeringType = s.text('SteeringType');
    const toPlaces = s.first('ToPlaces');
    s.finish();
    return this.compact({
      from: from && this.readOrganization(from),
      to: to.map((l) => this.readOrganization(l)),
      documentId,
      code: code && this.readBlock(code, CODE_FIELDS),
      promulgationInfo: promulgation && this.readBlock(promulgation, PROMULGATION_FIELDS),
      documentType: documentType && this.readBlock(documentType, DOCUMENT_TYPE_FIELDS),
      subject,
      content,
      signerInfo: signer && this.readBlock(signer, SIGNER_FIELDS),
      dueDate,
      otherInfo: otherInfo && this.readOtherInfo(otherInfo),
      responseFor: responseFor.map((l) => this.readBlock(l, RESPONSE_FOR_FIELDS)),
      steeringType,
      toPlaces: toPlaces === undefined ? [] : this.readList(toPlaces, 'Place'),
    });
  }

  private readStatusHeader(loc: Located): StatusHeader {
    const s = this.scope(loc);
    const from = s.first('From');
    const responseFor = s.first('ResponseFor');
    const staff = s.first('StaffInfo');
    const header = {
      statusCode: s.text('StatusCode'),
      description: s.text('Description'),
      timestamp: s.text('Timestamp'),
    };
    s.finish();
    return this.compact({
      from: from && this.readOrganization(from),
      responseFor: responseFor && this.readBlock(responseFor, RESPONSE_FOR_FIELDS),
      staffInfo: staff && this.readBlock(staff, STAFF_FIELDS),
      ...header,
    });
  }

  private readOrganization(loc: Located): Organization {
    const kids = childElements(loc.el);
    // The reference SDK's own sample wraps From in another From; read the inner block.
    if (kids.some((k) => k.local === loc.el.local) && !kids.some((k) => k.local === 'OrganId')) {
      const s = this.scope(loc);
      const inner = s.first(loc.el.local);
      s.finish();
      if (inner !== undefined) {
        this.findings.warning(
          FindingCodes.NESTED_ORGANIZATION,
          inner.path,
          `${loc.el.local} is wrapped in another ${loc.el.local}; the inner block was read`,
        );
        return this.readOrganization(inner);
      }
    }
    return this.readBlock(loc, ORGANIZATION_FIELDS);
  }

  private readOtherInfo(loc: Located): TextFields<OtherInfo> & { appendixes: string[] } {
    const s = this.scope(loc);
    const fields = this.readFields(s, OTHER_INFO_FIELDS);
    const appendixes = s.first('Appendixes');
    s.finish();
    return { ...fields, appendixes: appendixes === undefined ? [] : this.readList(appendixes, 'Appendix') };
  }

  private readTraceList(loc: Located): Pick<PackageParts, 'traceHeaders' | 'business'> {
    const s = this.scope(loc);
    const traces = s.many('TraceHeader');
    const business = s.first('Bussiness', 'Business');
    s.finish();
    if (business !== undefined) this.business = business.el.local === 'Business' ? 'Business' : 'Bussiness';
    return this.compact({
      traceHeaders: traces.map((l) => this.readBlock(l, TRACE_FIELDS)),
      business: business && this.readBusiness(business),
    });
  }

  private readBusiness(loc: Located): Business {
    const s = this.scope(loc);
    const fields = {
      documentId: s.text('DocumentId'),
      businessDocType: s.text('BussinessDocType', 'BusinessDocType'),
      businessDocReason: s.text('BussinessDocReason', 'BusinessDocReason'),
      paper: s.text('Paper'),
    };
    const staff = s.first('StaffInfo');
    const info = s.first('BussinessDocumentInfo', 'BusinessDocumentInfo');
    const replacements = s.first('ReplacementInfoList');
    s.finish();
    return this.compact({
      ...fields,
      staffInfo: staff && this.readBlock(staff, STAFF_FIELDS),
      businessDocumentInfo: info && this.readDocumentInfo(info),
      replacementInfoList: replacements && this.readReplacements(replacements),
    });
  }

  private readDocumentInfo(loc: Located): BusinessDocumentInfo {
    const s = this.scope(loc);
    const fields = { documentInfo: s.text('DocumentInfo'), documentReceiver: s.text('DocumentReceiver') };
    const list = s.first('ReceiverList');
    s.finish();
    let receiverList: BusinessDocumentInfo['receiverList'];
    if (list !== undefined) {
      const ls = this.scope(list);
      receiverList = ls.many('Receiver').map((l) => this.readBlock(l, RECEIVER_FIELDS));
      ls.finish();
    }
    return this.compact({ ...fields, receiverList });
  }

  private readReplacements(loc: Located): ReplacementInfo[] {
    const s = this.scope(loc);
    const items = s.many('ReplacementInfo').map((item) => {
      const is = this.scope(item);
      const documentId = is.text('DocumentId');
      const organs = is.first('OrganIdList');
      is.finish();
      return this.compact({ documentId, organIdList: organs === undefined ? [] : this.readList(organs, 'OrganId') });
    });
    s.finish();
    return items;
  }

  private readBody(loc: Located): Manifest | undefined {
    const s = this.scope(loc);
    const manifest = s.first('edXMLManifest');
    s.finish();
    if (manifest === undefined) return undefined;
    const ms = this.scope(manifest);
    const references = ms.many('Reference').map((l) => this.readBlock(l, REFERENCE_FIELDS));
    ms.finish();
    const version = manifest.el.attributes.find(([name]) => name === 'version')?.[1];
    return this.compact({ version, references });
  }

  private readAttachments(loc: Located): Attachment[] {
    const s = this.scope(loc);
    const items = s.many('Attachment').map((item): Attachment => {
      const is = this.scope(item);
      const fields = {
        contentId: is.text('ContentId'),
        attachmentName: is.text('AttachmentName'),
        description: is.text('Description'),
        contentType: is.text('ContentType'),
      };
      const encoded = is.first('ContentTransferEncoded');
      is.finish();
      const content = encoded?.el.content;
      if (encoded !== undefined && content?.problem !== undefined) {
        this.findings.error(FindingCodes.INVALID_BASE64, encoded.path, `content is not valid base64: ${content.problem}`);
      }
      return this.compact({ ...fields, size: content?.size ?? 0, sha256: content?.sha256 ?? EMPTY_SHA256 });
    });
    s.finish();
    return items;
  }

  /** A block made only of leaf fields. */
  private readBlock<T>(loc: Located, table: FieldTable<T>): TextFields<T> {
    const s = this.scope(loc);
    const out = this.readFields(s, table);
    s.finish();
    return out;
  }

  private readFields<T>(s: ElementScope, table: FieldTable<T>): TextFields<T> {
    const out: TextFields<T> = {};
    for (const [key, name] of table) {
      const value = s.text(name);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /** Repeated leaf elements; empty ones are reported and skipped. */
  private readList(loc: Located, name: string): string[] {
    const s = this.scope(loc);
    const out: string[] = [];
    for (const item of s.many(name)) {
      const value = this.leafText(item);
      if (value === undefined) this.findings.warning(FindingCodes.EMPTY_ELEMENT, item.path, `${name} is empty and was skipped`);
      else out.push(value);
    }
    s.finish();
    return out;
  }

  leafText(loc: Located): string | undefined {
    for (const child of childElements(loc.el)) {
      this.findings.warning(FindingCodes.UNKNOWN_ELEMENT, `${loc.path}/${child.local}`, `unexpected element inside ${loc.el.local}`);
    }
    const value = xmlTrim(directText(loc.el));
    return value === '' ? undefined : value;
  }

  /** Every element the reader uses passes here: namespace checks happen once per element. */
  visit(loc: Located): void {
    const { el } = loc;
    this.reportUnclosed(loc.path, el);
    if (el.unboundPrefix) {
      this.unbound(el.prefix, loc.path);
    } else if (el.ns !== EDXML_NAMESPACE && el.local !== 'Signature') {
      this.foreignCount++;
      this.firstForeign ??= loc.path;
    }
    for (const name of unboundAttributePrefixes(el)) this.unbound(name.slice(0, name.indexOf(':')), `${loc.path}/@${name}`);
  }

  /** Reported once per prefix, where it is first used: one mistake, one finding. */
  private unbound(prefix: string, path: string): void {
    if (this.unboundReported.has(prefix)) return;
    this.unboundReported.add(prefix);
    this.findings.warning(FindingCodes.UNBOUND_PREFIX, path, `prefix "${prefix}" is used without a namespace declaration in scope`);
  }

  reportUnknown(path: string, el: XmlElement, parent: XmlElement): void {
    this.reportUnclosed(path, el);
    this.findings.warning(FindingCodes.UNKNOWN_ELEMENT, path, `${el.local} is not expected inside ${parent.local}`);
  }

  private reportUnclosed(path: string, el: XmlElement): void {
    if (el.unclosed !== true) return;
    this.findings.error(
      FindingCodes.UNCLOSED_ELEMENT,
      path,
      `${el.qname} has no end tag (the package is not well-formed XML); it was closed before its first foreign child`,
    );
  }

  reportDuplicate(path: string, first: XmlElement): void {
    this.findings.warning(FindingCodes.DUPLICATE_ELEMENT, path, `${first.local} appears more than once; only the first is read`);
  }

  private scope(loc: Located): ElementScope {
    return new ElementScope(this, loc);
  }

  private require(loc: Located | undefined, path: string): Located | undefined {
    if (loc === undefined) this.findings.error(FindingCodes.MISSING_FIELD, path, `${path.slice(path.lastIndexOf('/') + 1)} is missing`);
    return loc;
  }

  /** Drops undefined values so the model never carries `key: undefined`. */
  private compact<T extends object>(value: T): T {
    for (const key of Object.keys(value) as Array<keyof T>) {
      if (value[key] === undefined) delete value[key];
    }
    return value;
  }
}

/** The children of one element, consumed by name; leftovers are reported as unknown. */
class ElementScope {
  private readonly kids: XmlElement[];
  private readonly used = new Set<string>();
  // Precomputed so that thousands of siblings cost linear time, not quadratic.
  private readonly ordinals = new Map<XmlElement, number>();
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly reader: PackageReader,
    private readonly loc: Located,
  ) {
    this.kids = childElements(loc.el);
    for (const el of this.kids) {
      const n = (this.counts.get(el.local) ?? 0) + 1;
      this.counts.set(el.local, n);
      this.ordinals.set(el, n);
    }
    if (loc.path === PATHS.root) reader.visit(loc);
  }

  /** The first child with one of the names; later ones are reported as duplicates. */
  first(...names: string[]): Located | undefined {
    for (const n of names) this.used.add(n);
    let found: Located | undefined;
    for (const el of this.kids) {
      if (!names.includes(el.local)) continue;
      if (found === undefined) {
        found = { el, path: `${this.loc.path}/${el.local}` };
        this.reader.visit(found);
      } else {
        this.reader.reportDuplicate(`${this.loc.path}/${el.local}[${this.ordinal(el)}]`, found.el);
      }
    }
    return found;
  }

  /** All children with the name, with 1-based indexed paths. */
  many(name: string): Located[] {
    this.used.add(name);
    const out: Located[] = [];
    for (const el of this.kids) {
      if (el.local !== name) continue;
      const loc = { el, path: `${this.loc.path}/${name}[${out.length + 1}]` };
      this.reader.visit(loc);
      out.push(loc);
    }
    return out;
  }

  /** Trimmed text of the first child with one of the names; empty text reads as absent. */
  text(...names: string[]): string | undefined {
    const loc = this.first(...names);
    return loc === undefined ? undefined : this.reader.leafText(loc);
  }

  finish(): void {
    for (const el of this.kids) {
      if (this.used.has(el.local)) continue;
      const several = (this.counts.get(el.local) ?? 0) > 1;
      const path = `${this.loc.path}/${el.local}${several ? `[${this.ordinal(el)}]` : ''}`;
      this.reader.reportUnknown(path, el, this.loc.el);
    }
  }

  private ordinal(el: XmlElement): number {
    return this.ordinals.get(el) ?? 0;
  }
}

function emptyEdocHeader(): EdocHeader {
  return { to: [], responseFor: [], toPlaces: [] };
}

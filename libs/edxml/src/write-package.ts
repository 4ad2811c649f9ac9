// Writes packages the way the reference SDK lays them out, so existing receivers read them.
// The root declares only the edXML prefix (no default namespace): an unprefixed, undeclared
// Signature copied from another package then keeps the namespace it had there.

import { Readable } from 'node:stream';
import { ErrorCodes } from './codes';
import { EdxmlError } from './edxml.error';
import {
  DEFAULT_DIALECT,
  EDXML_NAMESPACE,
  type Attachment,
  type Business,
  type EdocHeader,
  type EdxmlDialect,
  type EdxmlPackage,
  type Organization,
  type StatusHeader,
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
  businessNames,
  type FieldTable,
} from './schema';
import { signatureFromXml } from './signature';
import { escapeAttribute, escapeText, invalidXmlCharIndex } from './xml-text';

export interface WriteOptions {
  /** Element spellings to write (status header container, Business spelling); defaults to the reference SDK's. */
  readonly dialect?: Partial<EdxmlDialect>;
}

export interface BufferedWriteOptions extends WriteOptions {
  /** Attachment bytes aligned with `package.attachments`; required when there are attachments. */
  readonly contents?: readonly Uint8Array[];
}

/** Supplies attachment bytes to the streaming writer, one attachment at a time. */
export interface AttachmentSource {
  open(attachment: Attachment, index: number): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

const P = 'edXML:';
const INDENT = '  ';

/**
 * Writes a package to an XML string. `size` and `sha256` of attachments are ignored: the bytes
 * come from `contents`. Throws {@link EdxmlError} for values XML cannot carry
 * (`EDXML.INVALID_CHARACTER`), a bad signature block or missing contents.
 */
export function writePackage(pkg: EdxmlPackage, options: BufferedWriteOptions = {}): string {
  const layout = layoutPackage(pkg, options);
  const contents = options.contents ?? [];
  if (contents.length !== pkg.attachments.length) {
    throw new EdxmlError(
      ErrorCodes.MISSING_CONTENT,
      `${pkg.attachments.length} attachment(s) but ${contents.length} content buffer(s)`,
      { path: PATHS.attachments },
    );
  }
  let xml = layout.head;
  layout.attachments.forEach((part, i) => {
    const bytes = contents[i] ?? new Uint8Array();
    xml += part.open + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') + part.close;
  });
  return xml + layout.tail;
}

/**
 * Writes a package as a byte stream, encoding each attachment from `source` as it is read, so
 * memory stays bounded whatever the attachment sizes.
 */
export function writePackageStream(pkg: EdxmlPackage, source: AttachmentSource, options: WriteOptions = {}): Readable {
  const layout = layoutPackage(pkg, options);
  async function* generate(): AsyncGenerator<Buffer> {
    yield Buffer.from(layout.head, 'utf8');
    for (const [i, part] of layout.attachments.entries()) {
      const attachment = pkg.attachments[i];
      if (attachment === undefined) continue;
      yield Buffer.from(part.open, 'utf8');
      let carry: Buffer = Buffer.alloc(0);
      for await (const chunk of source.open(attachment, i)) {
        const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const all = carry.length === 0 ? bytes : Buffer.concat([carry, bytes]);
        const usable = all.length - (all.length % 3);
        if (usable > 0) yield Buffer.from(all.subarray(0, usable).toString('base64'), 'latin1');
        // Copy: the producer may reuse its buffer.
        carry = Buffer.from(all.subarray(usable));
      }
      if (carry.length > 0) yield Buffer.from(carry.toString('base64'), 'latin1');
      yield Buffer.from(part.close, 'utf8');
    }
    yield Buffer.from(layout.tail, 'utf8');
  }
  return Readable.from(generate(), { objectMode: false });
}

interface Layout {
  readonly head: string;
  /** Text before and after each attachment's base64 content. */
  readonly attachments: ReadonlyArray<{ readonly open: string; readonly close: string }>;
  readonly tail: string;
}

function layoutPackage(pkg: EdxmlPackage, options: WriteOptions): Layout {
  const dialect: EdxmlDialect = { ...DEFAULT_DIALECT, ...options.dialect };
  const w = new XmlWriter();
  w.line('<?xml version="1.0" encoding="UTF-8"?>');
  w.open('edXML', PATHS.root, [['xmlns:edXML', EDXML_NAMESPACE]]);
  w.open('edXMLEnvelope', PATHS.envelope);
  w.open('edXMLHeader', PATHS.header);
  if (pkg.kind === 'edoc') writeEdocHeader(w, pkg.header);
  else writeStatusHeader(w, pkg.header, dialect.headerElement);
  if (pkg.traceHeaders.length > 0 || pkg.business !== undefined) {
    w.open('TraceHeaderList', PATHS.traceList);
    pkg.traceHeaders.forEach((t, i) => w.block('TraceHeader', `${PATHS.traceList}/TraceHeader[${i + 1}]`, t, TRACE_FIELDS));
    if (pkg.business !== undefined) writeBusiness(w, pkg.business, dialect.businessElement);
    w.close('TraceHeaderList');
  }
  if (pkg.signature !== undefined) {
    // Re-reading proves the block is one well-formed Signature element before it is copied verbatim.
    signatureFromXml(pkg.signature.xml);
    w.line(pkg.signature.xml);
  }
  w.close('edXMLHeader');
  if (pkg.manifest !== undefined) {
    w.open('edXMLBody', PATHS.body);
    const attrs: Array<readonly [string, string]> = pkg.manifest.version === undefined ? [] : [['version', pkg.manifest.version]];
    w.open('edXMLManifest', PATHS.manifest, attrs);
    pkg.manifest.references.forEach((r, i) =>
      w.block('Reference', `${PATHS.manifest}/Reference[${i + 1}]`, r, REFERENCE_FIELDS),
    );
    w.close('edXMLManifest');
    w.close('edXMLBody');
  }
  w.close('edXMLEnvelope');
  if (pkg.attachments.length === 0) {
    w.close('edXML');
    return { head: w.take(), attachments: [], tail: '' };
  }
  w.open('AttachmentEncoded', PATHS.attachments);
  const head = w.take();
  const attachments = pkg.attachments.map((a, i) => {
    const path = `${PATHS.attachments}/Attachment[${i + 1}]`;
    w.open('Attachment', path);
    w.leaf('ContentId', a.contentId, `${path}/ContentId`);
    w.leaf('AttachmentName', a.attachmentName, `${path}/AttachmentName`);
    w.leaf('Description', a.description, `${path}/Description`);
    w.leaf('ContentType', a.contentType, `${path}/ContentType`);
    w.indent();
    w.raw(`<${P}ContentTransferEncoded>`);
    const open = w.take();
    w.raw(`</${P}ContentTransferEncoded>\n`);
    w.close('Attachment');
    return { open, close: w.take() };
  });
  w.close('AttachmentEncoded');
  w.close('edXML');
  return { head, attachments, tail: w.take() };
}

function writeOrganization(w: XmlWriter, name: string, path: string, org: Organization): void {
  w.block(name, path, org, ORGANIZATION_FIELDS);
}

function writeEdocHeader(w: XmlWriter, h: EdocHeader): void {
  const base = `${PATHS.header}/MessageHeader`;
  w.open('MessageHeader', base);
  if (h.from !== undefined) writeOrganization(w, 'From', `${base}/From`, h.from);
  h.to.forEach((org, i) => writeOrganization(w, 'To', `${base}/To[${i + 1}]`, org));
  w.leaf('DocumentId', h.documentId, `${base}/DocumentId`);
  if (h.code !== undefined) w.block('Code', `${base}/Code`, h.code, CODE_FIELDS);
  if (h.promulgationInfo !== undefined) {
    w.block('PromulgationInfo', `${base}/PromulgationInfo`, h.promulgationInfo, PROMULGATION_FIELDS);
  }
  if (h.documentType !== undefined) w.block('DocumentType', `${base}/DocumentType`, h.documentType, DOCUMENT_TYPE_FIELDS);
  w.leaf('Subject', h.subject, `${base}/Subject`);
  w.leaf('Content', h.content, `${base}/Content`);
  if (h.signerInfo !== undefined) w.block('SignerInfo', `${base}/SignerInfo`, h.signerInfo, SIGNER_FIELDS);
  w.leaf('DueDate', h.dueDate, `${base}/DueDate`);
  if (h.otherInfo !== undefined) {
    const path = `${base}/OtherInfo`;
    w.open('OtherInfo', path);
    w.fields(path, h.otherInfo, OTHER_INFO_FIELDS);
    w.list('Appendixes', 'Appendix', `${path}/Appendixes`, h.otherInfo.appendixes);
    w.close('OtherInfo');
  }
  h.responseFor.forEach((r, i) => w.block('ResponseFor', `${base}/ResponseFor[${i + 1}]`, r, RESPONSE_FOR_FIELDS));
  w.leaf('SteeringType', h.steeringType, `${base}/SteeringType`);
  w.list('ToPlaces', 'Place', `${base}/ToPlaces`, h.toPlaces);
  w.close('MessageHeader');
}

function writeStatusHeader(w: XmlWriter, h: StatusHeader, container: EdxmlDialect['headerElement']): void {
  const base = `${PATHS.header}/${container}`;
  w.open(container, base);
  if (h.from !== undefined) writeOrganization(w, 'From', `${base}/From`, h.from);
  if (h.responseFor !== undefined) w.block('ResponseFor', `${base}/ResponseFor`, h.responseFor, RESPONSE_FOR_FIELDS);
  if (h.staffInfo !== undefined) w.block('StaffInfo', `${base}/StaffInfo`, h.staffInfo, STAFF_FIELDS);
  w.leaf('StatusCode', h.statusCode, `${base}/StatusCode`);
  w.leaf('Description', h.description, `${base}/Description`);
  w.leaf('Timestamp', h.timestamp, `${base}/Timestamp`);
  w.close(container);
}

function writeBusiness(w: XmlWriter, b: Business, spelling: EdxmlDialect['businessElement']): void {
  const names = businessNames(spelling);
  const base = `${PATHS.traceList}/${spelling}`;
  w.open(spelling, base);
  w.leaf('DocumentId', b.documentId, `${base}/DocumentId`);
  w.leaf(names.docType, b.businessDocType, `${base}/${names.docType}`);
  w.leaf(names.docReason, b.businessDocReason, `${base}/${names.docReason}`);
  w.leaf('Paper', b.paper, `${base}/Paper`);
  const info = b.businessDocumentInfo;
  if (info !== undefined) {
    const path = `${base}/${names.documentInfo}`;
    w.open(names.documentInfo, path);
    w.leaf('DocumentInfo', info.documentInfo, `${path}/DocumentInfo`);
    w.leaf('DocumentReceiver', info.documentReceiver, `${path}/DocumentReceiver`);
    if (info.receiverList !== undefined) {
      w.open('ReceiverList', `${path}/ReceiverList`);
      info.receiverList.forEach((r, i) => w.block('Receiver', `${path}/ReceiverList/Receiver[${i + 1}]`, r, RECEIVER_FIELDS));
      w.close('ReceiverList');
    }
    w.close(names.documentInfo);
  }
  if (b.replacementInfoList !== undefined) {
    const listPath = `${base}/ReplacementInfoList`;
    w.open('ReplacementInfoList', listPath);
    b.replacementInfoList.forEach((r, i) => {
      const path = `${listPath}/ReplacementInfo[${i + 1}]`;
      w.open('ReplacementInfo', path);
      w.leaf('DocumentId', r.documentId, `${path}/DocumentId`);
      w.list('OrganIdList', 'OrganId', `${path}/OrganIdList`, r.organIdList);
      w.close('ReplacementInfo');
    });
    w.close('ReplacementInfoList');
  }
  if (b.staffInfo !== undefined) w.block('StaffInfo', `${base}/StaffInfo`, b.staffInfo, STAFF_FIELDS);
  w.close(spelling);
}

/** Indented, escaped, prefixed output with checks on every value. */
class XmlWriter {
  private parts: string[] = [];
  private depth = 0;

  take(): string {
    const s = this.parts.join('');
    this.parts = [];
    return s;
  }

  line(text: string): void {
    this.indent();
    this.parts.push(text, '\n');
  }

  indent(): void {
    this.parts.push(INDENT.repeat(this.depth));
  }

  raw(text: string): void {
    this.parts.push(text);
  }

  open(name: string, path: string, attrs: ReadonlyArray<readonly [string, string]> = []): void {
    const rendered = attrs.map(([n, v]) => ` ${n}="${escapeAttribute(checked(v, `${path}/@${n}`))}"`).join('');
    this.line(`<${P}${name}${rendered}>`);
    this.depth++;
  }

  close(name: string): void {
    this.depth--;
    this.line(`</${P}${name}>`);
  }

  leaf(name: string, value: string | undefined, path: string): void {
    if (value === undefined) return;
    this.line(`<${P}${name}>${escapeText(checked(value, path))}</${P}${name}>`);
  }

  fields<T>(path: string, value: T, table: FieldTable<T>): void {
    for (const [key, name] of table) {
      const v = value[key];
      this.leaf(name, typeof v === 'string' ? v : undefined, `${path}/${name}`);
    }
  }

  /** A block of leaf fields; written even when empty so that its presence survives. */
  block<T>(name: string, path: string, value: T, table: FieldTable<T>): void {
    if (table.every(([key]) => value[key] === undefined)) {
      this.line(`<${P}${name}/>`);
      return;
    }
    this.open(name, path);
    this.fields(path, value, table);
    this.close(name);
  }

  /** A wrapper of repeated leaves, left out when there are none. */
  list(wrapper: string, item: string, path: string, values: readonly string[]): void {
    if (values.length === 0) return;
    this.open(wrapper, path);
    values.forEach((v, i) => this.leaf(item, v, `${path}/${item}[${i + 1}]`));
    this.close(wrapper);
  }
}

function checked(value: string, path: string): string {
  const at = invalidXmlCharIndex(value);
  if (at >= 0) {
    const code = value.codePointAt(at) ?? 0;
    throw new EdxmlError(
      ErrorCodes.INVALID_CHARACTER,
      `U+${code.toString(16).toUpperCase().padStart(4, '0')} at offset ${at} cannot be written in XML 1.0`,
      { path },
    );
  }
  return value;
}

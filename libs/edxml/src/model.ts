// Public data model of an edXML package (QCVN 102:2016). Plain data only: values are kept as the
// strings the sender wrote (e.g. `"01"`, `"2014/02/30"`) so a bad value can be represented and
// reported instead of rejected. Optional keys are omitted, never set to undefined.

/** Namespace of QCVN 102:2016 edXML elements. */
export const EDXML_NAMESPACE = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

/** Organisation block (`From`, `To`). */
export interface Organization {
  readonly organId?: string;
  readonly organizationInCharge?: string;
  readonly organName?: string;
  readonly organAdd?: string;
  readonly email?: string;
  readonly telephone?: string;
  readonly fax?: string;
  readonly website?: string;
}

/** `Code`: the document number and notation (số, ký hiệu). */
export interface DocumentCode {
  readonly codeNumber?: string;
  readonly codeNotation?: string;
}

export interface PromulgationInfo {
  readonly place?: string;
  /** `yyyy/MM/dd` */
  readonly promulgationDate?: string;
}

export interface DocumentType {
  readonly type?: string;
  readonly typeDetail?: string;
  readonly typeName?: string;
}

export interface SignerInfo {
  readonly competence?: string;
  readonly position?: string;
  readonly fullName?: string;
}

export interface OtherInfo {
  /** 0 normal, 1 urgent, 2 very urgent, 3 immediate, 4 immediate at a set time. */
  readonly priority?: string;
  readonly sphereOfPromulgation?: string;
  readonly typerNotation?: string;
  readonly promulgationAmount?: string;
  readonly pageAmount?: string;
  readonly direction?: string;
  /** `Appendixes/Appendix*` */
  readonly appendixes: readonly string[];
}

/** `ResponseFor`: the earlier document a package refers to. */
export interface ResponseFor {
  readonly organId?: string;
  readonly code?: string;
  readonly promulgationDate?: string;
  /** `<issuer code>,<yyyy/MM/dd>,<number>/<notation>` */
  readonly documentId?: string;
}

export interface StaffInfo {
  readonly department?: string;
  readonly staff?: string;
  readonly email?: string;
  readonly mobile?: string;
}

/** `TraceHeaderList/TraceHeader` */
export interface TraceHeader {
  readonly organId?: string;
  /** `yyyy/MM/dd HH:mm:ss` */
  readonly timestamp?: string;
}

/** `ReceiverList/Receiver` of an update: 0 removed, 1 added. */
export interface Receiver {
  readonly organId?: string;
  readonly receiverType?: string;
}

/** `BussinessDocumentInfo` of an update. */
export interface BusinessDocumentInfo {
  readonly documentInfo?: string;
  readonly documentReceiver?: string;
  /** Present when the `ReceiverList` element is. */
  readonly receiverList?: readonly Receiver[];
}

/** `ReplacementInfoList/ReplacementInfo` of a replacement. */
export interface ReplacementInfo {
  readonly documentId?: string;
  /** `OrganIdList/OrganId*` */
  readonly organIdList: readonly string[];
}

/** `TraceHeaderList/Bussiness` (also spelled `Business`). */
export interface Business {
  /** The earlier document concerned by a revoke, update or replace. */
  readonly documentId?: string;
  /** 0 new, 1 revoke, 2 update, 3 replace. */
  readonly businessDocType?: string;
  readonly businessDocReason?: string;
  readonly paper?: string;
  readonly staffInfo?: StaffInfo;
  readonly businessDocumentInfo?: BusinessDocumentInfo;
  /** Present when the `ReplacementInfoList` element is. */
  readonly replacementInfoList?: readonly ReplacementInfo[];
}

/** The XML-DSig block, kept verbatim plus the values a verifier needs first. */
export interface SignatureBlock {
  /** The `Signature` element re-serialized (comments dropped, inherited namespace declarations added). */
  readonly xml: string;
  readonly signatureMethod?: string;
  readonly digestMethod?: string;
  /** Base64 without whitespace. */
  readonly digestValue?: string;
  /** Base64 without whitespace. */
  readonly signatureValue?: string;
  /** Base64 DER certificates without whitespace, in document order. */
  readonly x509Certificates: readonly string[];
  readonly x509SubjectNames: readonly string[];
}

/** `edXMLManifest/Reference` */
export interface ManifestReference {
  readonly contentId?: string;
  readonly contentType?: string;
  readonly description?: string;
  readonly attachmentName?: string;
}

export interface Manifest {
  readonly version?: string;
  readonly references: readonly ManifestReference[];
}

/** `AttachmentEncoded/Attachment` metadata; the decoded bytes go to a sink, never into this object. */
export interface Attachment {
  readonly contentId?: string;
  readonly attachmentName?: string;
  readonly description?: string;
  readonly contentType?: string;
  /** Decoded size in bytes (computed while parsing; ignored by the writer). */
  readonly size: number;
  /** Lowercase hex SHA-256 of the decoded bytes (computed while parsing; ignored by the writer). */
  readonly sha256: string;
}

/** `MessageHeader` of a document package. */
export interface EdocHeader {
  readonly from?: Organization;
  readonly to: readonly Organization[];
  readonly documentId?: string;
  readonly code?: DocumentCode;
  readonly promulgationInfo?: PromulgationInfo;
  readonly documentType?: DocumentType;
  readonly subject?: string;
  readonly content?: string;
  readonly signerInfo?: SignerInfo;
  /** `yyyy/MM/dd` */
  readonly dueDate?: string;
  readonly otherInfo?: OtherInfo;
  readonly responseFor: readonly ResponseFor[];
  /** 1 none, 2 steering, 3 report on steering. */
  readonly steeringType?: string;
  /** `ToPlaces/Place*` */
  readonly toPlaces: readonly string[];
}

/** `MessageHeader` or `Status` of a status package. */
export interface StatusHeader {
  readonly from?: Organization;
  readonly responseFor?: ResponseFor;
  readonly staffInfo?: StaffInfo;
  /** 01..06, 13, 15, 16 */
  readonly statusCode?: string;
  readonly description?: string;
  /** `yyyy/MM/dd HH:mm:ss` */
  readonly timestamp?: string;
}

/** Parts shared by both package kinds. */
export interface PackageParts {
  readonly traceHeaders: readonly TraceHeader[];
  readonly business?: Business;
  readonly signature?: SignatureBlock;
  readonly manifest?: Manifest;
  readonly attachments: readonly Attachment[];
}

/** A document package (gói tin văn bản). */
export interface EdocPackage extends PackageParts {
  readonly kind: 'edoc';
  readonly header: EdocHeader;
}

/** A status package (gói tin trạng thái). */
export interface StatusPackage extends PackageParts {
  readonly kind: 'status';
  readonly header: StatusHeader;
}

export type EdxmlPackage = EdocPackage | StatusPackage;

/**
 * Spellings a sender used, which the model itself does not carry: kept so that findings name the
 * elements as written and a writer can answer in the sender's dialect.
 */
export interface EdxmlDialect {
  /** Status header container: `MessageHeader` (reference SDK) or `Status` (newer hubs). */
  readonly headerElement: 'MessageHeader' | 'Status';
  /** Business block spelling: `Bussiness` (reference SDK) or `Business`. */
  readonly businessElement: 'Bussiness' | 'Business';
}

/** The reference SDK's dialect. */
export const DEFAULT_DIALECT: EdxmlDialect = Object.freeze({
  headerElement: 'MessageHeader',
  businessElement: 'Bussiness',
});

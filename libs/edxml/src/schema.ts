// Element names of the leaf fields of each block, in the order the reference SDK writes them.
// Shared by the reader and the writer so both agree on one mapping.

import type {
  DocumentCode,
  DocumentType,
  ManifestReference,
  Organization,
  OtherInfo,
  PromulgationInfo,
  Receiver,
  ResponseFor,
  SignerInfo,
  StaffInfo,
  TraceHeader,
} from './model';

/** Keys of T whose values are strings. */
export type TextKeys<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends string ? K : never;
}[keyof T] &
  string;

export type FieldTable<T> = ReadonlyArray<readonly [TextKeys<T>, string]>;

export type TextFields<T> = { -readonly [K in TextKeys<T>]?: string };

export const ORGANIZATION_FIELDS: FieldTable<Organization> = [
  ['organId', 'OrganId'],
  ['organizationInCharge', 'OrganizationInCharge'],
  ['organName', 'OrganName'],
  ['organAdd', 'OrganAdd'],
  ['email', 'Email'],
  ['telephone', 'Telephone'],
  ['fax', 'Fax'],
  ['website', 'Website'],
];

export const CODE_FIELDS: FieldTable<DocumentCode> = [
  ['codeNumber', 'CodeNumber'],
  ['codeNotation', 'CodeNotation'],
];

export const PROMULGATION_FIELDS: FieldTable<PromulgationInfo> = [
  ['place', 'Place'],
  ['promulgationDate', 'PromulgationDate'],
];

export const DOCUMENT_TYPE_FIELDS: FieldTable<DocumentType> = [
  ['type', 'Type'],
  ['typeDetail', 'TypeDetail'],
  ['typeName', 'TypeName'],
];

export const SIGNER_FIELDS: FieldTable<SignerInfo> = [
  ['competence', 'Competence'],
  ['position', 'Position'],
  ['fullName', 'FullName'],
];

/** `Appendixes` follows these. */
export const OTHER_INFO_FIELDS: FieldTable<OtherInfo> = [
  ['priority', 'Priority'],
  ['sphereOfPromulgation', 'SphereOfPromulgation'],
  ['typerNotation', 'TyperNotation'],
  ['promulgationAmount', 'PromulgationAmount'],
  ['pageAmount', 'PageAmount'],
  ['direction', 'Direction'],
];

export const RESPONSE_FOR_FIELDS: FieldTable<ResponseFor> = [
  ['organId', 'OrganId'],
  ['code', 'Code'],
  ['promulgationDate', 'PromulgationDate'],
  ['documentId', 'DocumentId'],
];

export const STAFF_FIELDS: FieldTable<StaffInfo> = [
  ['department', 'Department'],
  ['staff', 'Staff'],
  ['email', 'Email'],
  ['mobile', 'Mobile'],
];

export const TRACE_FIELDS: FieldTable<TraceHeader> = [
  ['organId', 'OrganId'],
  ['timestamp', 'Timestamp'],
];

export const RECEIVER_FIELDS: FieldTable<Receiver> = [
  ['organId', 'OrganId'],
  ['receiverType', 'ReceiverType'],
];

export const REFERENCE_FIELDS: FieldTable<ManifestReference> = [
  ['contentId', 'ContentId'],
  ['contentType', 'ContentType'],
  ['description', 'Description'],
  ['attachmentName', 'AttachmentName'],
];

/** Business element names by spelling; the reader accepts both. */
export function businessNames(spelling: 'Bussiness' | 'Business'): {
  readonly docType: string;
  readonly docReason: string;
  readonly documentInfo: string;
} {
  return {
    docType: `${spelling}DocType`,
    docReason: `${spelling}DocReason`,
    documentInfo: `${spelling}DocumentInfo`,
  };
}

/** Fixed paths, by local name. */
export const PATHS = {
  root: 'edXML',
  envelope: 'edXML/edXMLEnvelope',
  header: 'edXML/edXMLEnvelope/edXMLHeader',
  traceList: 'edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList',
  signature: 'edXML/edXMLEnvelope/edXMLHeader/Signature',
  body: 'edXML/edXMLEnvelope/edXMLBody',
  manifest: 'edXML/edXMLEnvelope/edXMLBody/edXMLManifest',
  attachments: 'edXML/AttachmentEncoded',
} as const;

const fieldNames = (table: ReadonlyArray<readonly [string, string]>): string[] => table.map(([, name]) => name);
const ORGANIZATION = fieldNames(ORGANIZATION_FIELDS);
const BUSINESS = [
  'DocumentId',
  'BussinessDocType',
  'BusinessDocType',
  'BussinessDocReason',
  'BusinessDocReason',
  'Paper',
  'StaffInfo',
  'BussinessDocumentInfo',
  'BusinessDocumentInfo',
  'ReplacementInfoList',
];
const DOCUMENT_INFO = ['DocumentInfo', 'DocumentReceiver', 'ReceiverList'];
const HEADER = [
  'From',
  'To',
  'DocumentId',
  'Code',
  'PromulgationInfo',
  'DocumentType',
  'Subject',
  'Content',
  'SignerInfo',
  'DueDate',
  'OtherInfo',
  'ResponseFor',
  'SteeringType',
  'ToPlaces',
  'StaffInfo',
  'StatusCode',
  'Description',
  'Timestamp',
];

/**
 * Children each container element may have, by local name. Used only to repair a package whose
 * element was left unclosed: children that cannot belong to it are handed back to its parent.
 */
export const CONTAINER_CHILDREN: Readonly<Record<string, readonly string[]>> = {
  edXML: ['edXMLEnvelope', 'AttachmentEncoded'],
  edXMLEnvelope: ['edXMLHeader', 'edXMLBody'],
  edXMLHeader: ['MessageHeader', 'Status', 'TraceHeaderList', 'Signature'],
  MessageHeader: HEADER,
  Status: HEADER,
  // An organisation block may wrap one of its own kind (see the reader), never the other.
  From: [...ORGANIZATION, 'From'],
  To: [...ORGANIZATION, 'To'],
  Code: fieldNames(CODE_FIELDS),
  PromulgationInfo: fieldNames(PROMULGATION_FIELDS),
  DocumentType: fieldNames(DOCUMENT_TYPE_FIELDS),
  SignerInfo: fieldNames(SIGNER_FIELDS),
  OtherInfo: [...fieldNames(OTHER_INFO_FIELDS), 'Appendixes'],
  Appendixes: ['Appendix'],
  ResponseFor: fieldNames(RESPONSE_FOR_FIELDS),
  ToPlaces: ['Place'],
  StaffInfo: fieldNames(STAFF_FIELDS),
  TraceHeaderList: ['TraceHeader', 'Bussiness', 'Business'],
  TraceHeader: fieldNames(TRACE_FIELDS),
  Bussiness: BUSINESS,
  Business: BUSINESS,
  BussinessDocumentInfo: DOCUMENT_INFO,
  BusinessDocumentInfo: DOCUMENT_INFO,
  ReceiverList: ['Receiver'],
  Receiver: fieldNames(RECEIVER_FIELDS),
  ReplacementInfoList: ['ReplacementInfo'],
  ReplacementInfo: ['DocumentId', 'OrganIdList'],
  OrganIdList: ['OrganId'],
  edXMLBody: ['edXMLManifest'],
  edXMLManifest: ['Reference'],
  Reference: fieldNames(REFERENCE_FIELDS),
  AttachmentEncoded: ['Attachment'],
  Attachment: ['ContentId', 'AttachmentName', 'Description', 'ContentType', 'ContentTransferEncoded'],
};

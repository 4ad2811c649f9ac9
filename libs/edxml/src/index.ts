// Public entry of @vdx/edxml: read, validate and write edXML packages (QCVN 102:2016).

export { FindingCodes, ErrorCodes, type EdxmlFindingCode, type EdxmlErrorCode } from './codes';
export { EdxmlError, isEdxmlError } from './edxml.error';
export { hasErrors, type EdxmlFinding, type FindingSeverity } from './finding';
export { DEFAULT_LIMITS, resolveLimits, type EdxmlLimits } from './limits';
export * from './model';
export {
  discardSink,
  MemorySink,
  writerFromWritable,
  type AttachmentSink,
  type AttachmentStart,
  type AttachmentWriter,
} from './attachment-sink';
export {
  parseEdxml,
  parseEdxmlStream,
  type BufferedParseResult,
  type ParseOptions,
  type ParseResult,
  type StreamParseResult,
} from './parse-package';
export { validatePackage, type ValidateOptions } from './validate-package';
export {
  writePackage,
  writePackageStream,
  type AttachmentSource,
  type BufferedWriteOptions,
  type WriteOptions,
} from './write-package';
export { signatureFromXml, placeholderReason } from './signature';
export {
  AGENCY_CODE_PATTERN,
  BUSINESS_DOC_TYPES,
  FIELD_LIMITS,
  PRIORITIES,
  RECEIVER_TYPES,
  STATUS_CODES,
  STEERING_TYPES,
  isAgencyCode,
  isStatusCode,
  parseDate,
  parseDocumentId,
  parseTimestamp,
  type DocumentIdParts,
  type DocumentIdResult,
  type StatusCode,
} from './rules';
export { createSyntheticPackage, type SyntheticPackage, type SyntheticPackageOptions } from './synthetic-package';
export { documentPackage, statusPackage, type BuiltPackage, type DocumentPackageOptions, type StatusPackageOptions } from './package-builders';

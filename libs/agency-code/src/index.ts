export {
  AGENCY_CODE_LENGTH,
  AgencyCode,
  type AgencyCodeLevel,
  formatAgencyCode,
  isValidAgencyCode,
  parseAgencyCode,
  parseAgencyCodeOrThrow,
  type ParseAgencyCodeResult,
} from './agency-code';
export {
  AGENCY_CODE_ERROR_CODES,
  AgencyCodeError,
  AgencyCodeErrorCode,
  type AgencyCodeErrorDetails,
  type AgencyCodeSegment,
} from './agency-code.error';
export { formatCompactAgencyCode, parseCompactAgencyCode, parseCompactAgencyCodeOrThrow } from './compact-form';
export { isInSubtree } from './hierarchy';
export { normaliseAgencyCode, type AgencyCodeSpelling, type NormaliseAgencyCodeResult } from './normalise';
export type { AgencyCodeParseOptions } from './parse-input';
export { type Level1Kind, level1KindOf } from './level1-kind';
export { MAX_SUCCESSION_CHAIN, nearestConnected, resolveSuccessor, type Succession } from './succession';

// Reading, checking and planning agency directory imports, and the synthetic national directory.
export type { AgencyRow, Rejection } from './agency-row';
export { ImportErrorCode, ImportFileError, type ImportFileErrorCode } from './errors';
export { planImport, type ImportPlan, type PlanImportOptions } from './plan-import';
export { type AgencyFileFormat, type RawAgencyRow, normaliseFieldName } from './raw-row';
export { readAgencyFile, type ReadAgencyFileOptions } from './read-agency-file';
export { mulberry32, pick, type Random } from './prng';
export { MAX_JSON_FILE_BYTES } from './read-json';
export { formatSummary, type ImportSummary } from './summary';
export {
  generateSyntheticDirectory,
  levelCounts,
  SYNTHETIC_EMAIL_DOMAIN,
  type SyntheticAgency,
  type SyntheticDirectoryOptions,
} from './synthetic-directory';
export { AGENCY_CSV_HEADER, csvField, toCsv } from './to-csv';
export { MAX_NAME_LENGTH, validateAgencyRow, type ValidateAgencyRowResult } from './validate-row';

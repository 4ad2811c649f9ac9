import { CodedError, ERROR_CODES, codeTable, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/**
 * Stable machine codes of the importer: file-level errors ({@link ImportFileError}, described in
 * `ERROR_CODES.IMPORT` of `@vdx/contracts/errors`) and row-level rejections ({@link Rejection}).
 * Values never change once published.
 */
export const ImportErrorCode = {
  ...codeTable(ERROR_CODES.IMPORT.filter((c): c is ImportFileErrorCode => c !== 'IMPORT.DIRECTORY_UNREACHABLE')),
  /** A row is not an object, or one of its fields is not a string. */
  MALFORMED_ROW: 'IMPORT.MALFORMED_ROW',
  /** The agency code is missing or not a valid canonical code. */
  MALFORMED_CODE: 'IMPORT.MALFORMED_CODE',
  /** The name is missing or blank. */
  MISSING_NAME: 'IMPORT.MISSING_NAME',
  /** The name is longer than {@link MAX_NAME_LENGTH} characters. */
  NAME_TOO_LONG: 'IMPORT.NAME_TOO_LONG',
  /** The email is present but does not look like an email address. */
  INVALID_EMAIL: 'IMPORT.INVALID_EMAIL',
  /** The code already appeared on an earlier accepted row of the same file. */
  DUPLICATE_CODE: 'IMPORT.DUPLICATE_CODE',
  /** The parent is neither in the file nor known (only with `requireParents`). */
  MISSING_PARENT: 'IMPORT.MISSING_PARENT',
} as const;

/** One of the stable importer codes. */
export type ImportErrorCode = (typeof ImportErrorCode)[keyof typeof ImportErrorCode];

/** Codes an {@link ImportFileError} can carry: the whole file is refused (`ERROR_CODES.IMPORT`, but `IMPORT.DIRECTORY_UNREACHABLE` of `vdx directory import`). */
export type ImportFileErrorCode = Exclude<ErrorCodeOf<'IMPORT'>, 'IMPORT.DIRECTORY_UNREACHABLE'>;

/** The whole file cannot be imported: unknown format, missing, too large or unreadable. `path` is the file. */
export class ImportFileError extends CodedError<ImportFileErrorCode> {
  override readonly name = 'ImportFileError';

  constructor(code: ImportFileErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

/**
 * Stable machine codes of the importer: file-level errors ({@link ImportFileError}) and
 * row-level rejections ({@link Rejection}). Values never change once published.
 */
export const ImportErrorCode = {
  /** The file format cannot be told from the extension and none was given. */
  UNKNOWN_FORMAT: 'IMPORT.UNKNOWN_FORMAT',
  /** The file as a whole cannot be read (broken JSON, unclosed CSV quote, not an array…). */
  MALFORMED_FILE: 'IMPORT.MALFORMED_FILE',
  /** A JSON array file is larger than {@link MAX_JSON_FILE_BYTES}. */
  FILE_TOO_LARGE: 'IMPORT.FILE_TOO_LARGE',
  /** The file does not exist (or is not a regular file). */
  FILE_NOT_FOUND: 'IMPORT.FILE_NOT_FOUND',
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

/** Codes an {@link ImportFileError} can carry. */
export type ImportFileErrorCode =
  | typeof ImportErrorCode.UNKNOWN_FORMAT
  | typeof ImportErrorCode.MALFORMED_FILE
  | typeof ImportErrorCode.FILE_TOO_LARGE
  | typeof ImportErrorCode.FILE_NOT_FOUND;

/** The whole file cannot be imported: unknown format, missing, too large or unreadable. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
  /** Stable machine code, e.g. `IMPORT.MALFORMED_FILE`. */
  readonly code: ImportFileErrorCode;
  /** The file the error is about. */
  readonly path: string;

  constructor(code: ImportFileErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.path = path;
  }
}

/** Why the directory refused a command. Codes are stable; clients switch on them. */
export const DIRECTORY_ERROR_CODES = [
  'DIRECTORY.MALFORMED_CODE',
  'DIRECTORY.DUPLICATE_CODE',
  'DIRECTORY.UNKNOWN_AGENCY',
  'DIRECTORY.PARENT_UNKNOWN',
  'DIRECTORY.PARENT_RETIRED',
  'DIRECTORY.AGENCY_RETIRED',
  'DIRECTORY.NOT_SUSPENDED',
  'DIRECTORY.ALREADY_SUSPENDED',
  'DIRECTORY.SUCCESSOR_UNKNOWN',
  'DIRECTORY.SUCCESSOR_RETIRED',
  'DIRECTORY.SUCCESSOR_CYCLE',
  'DIRECTORY.INVALID_FIELD',
] as const;

export type DirectoryErrorCode = (typeof DIRECTORY_ERROR_CODES)[number];

/** A refused command: `path` names the command field at fault. */
export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';

  constructor(
    readonly code: DirectoryErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

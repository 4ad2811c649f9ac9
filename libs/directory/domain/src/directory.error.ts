import { CodedError, ERROR_CODES, type CodedErrorOptions, type ErrorCodeOf } from '@vdx/contracts/errors';

/** Codes of `ERROR_CODES.DIRECTORY` that are not refusals of a command: the query side's, the gRPC API's caller checks, and what it answers for failures. */
type NotACommandRefusal = 'DIRECTORY.INVALID_CURSOR' | 'DIRECTORY.NO_SUCCESSOR' | 'DIRECTORY.UNAUTHENTICATED' | 'DIRECTORY.PERMISSION_DENIED' | 'DIRECTORY.UNAVAILABLE' | 'DIRECTORY.INTERNAL';

/** Why the directory refused a command. Codes are stable; clients switch on them. */
export type DirectoryErrorCode = Exclude<ErrorCodeOf<'DIRECTORY'>, NotACommandRefusal>;

const NOT_A_COMMAND_REFUSAL: ReadonlySet<string> = new Set<NotACommandRefusal>(['DIRECTORY.INVALID_CURSOR', 'DIRECTORY.NO_SUCCESSOR', 'DIRECTORY.UNAUTHENTICATED', 'DIRECTORY.PERMISSION_DENIED', 'DIRECTORY.UNAVAILABLE', 'DIRECTORY.INTERNAL']);

export const DIRECTORY_ERROR_CODES: readonly DirectoryErrorCode[] = ERROR_CODES.DIRECTORY.filter((c): c is DirectoryErrorCode => !NOT_A_COMMAND_REFUSAL.has(c));

/** A refused command: `path` names the command field at fault. */
export class DirectoryError extends CodedError<DirectoryErrorCode> {
  override readonly name = 'DirectoryError';

  constructor(code: DirectoryErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

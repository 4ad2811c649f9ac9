import type { ErrorCode } from './error-codes';

/** What a coded error may carry besides its code and message. */
export interface CodedErrorOptions {
  /** The request field, command field, file or XML path at fault; `''` (the default) when none is. */
  readonly path?: string;
  /** The failure underneath (a driver error, a parse error): for the log, never shown to a caller. */
  readonly cause?: unknown;
}

/**
 * The base of every error the project throws on purpose (docs/adr/0019-one-error-model.md).
 *
 * - `code`: a stable `AREA.REASON` code of `ERROR_CODES`, mapped in `ERROR_MAP` to a gRPC
 *   status, an HTTP status and what a consumer step does with it. Callers switch on it.
 * - `message`: the safe message. It says what is wrong in the caller's terms and may be shown to
 *   whoever made the request (a gRPC caller reads `<code>: <message>`); stack traces, driver
 *   dumps and secrets belong in `cause`.
 * - `path`: what is at fault (`delivery_id`, `accounts[2].user`, an edXML path), or `''`.
 * - `cause`: the underlying error, kept for the log.
 *
 * Every subclass takes `(code, message, options)` in that order, `options` holding `path`,
 * `cause` and the class's own fields; a class with a single code leaves `code` out, and one whose
 * message is composed from its fields takes those fields instead of a message.
 */
export abstract class CodedError<C extends string = ErrorCode> extends Error {
  /** Stable machine code, e.g. `DELIVERY.NOT_FETCHED`. */
  readonly code: C;
  /** What is at fault, or `''`. */
  readonly path: string;

  protected constructor(code: C, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path ?? '';
  }
}

/** True when `value` is a {@link CodedError}, optionally with the given code. */
export function isCodedError<C extends string = string>(value: unknown, code?: C): value is CodedError<C> {
  return value instanceof CodedError && (code === undefined || value.code === code);
}

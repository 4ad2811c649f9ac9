import type { EdxmlErrorCode } from './codes';

/**
 * The one error thrown by this library: the input could not be parsed or written.
 * Problems inside a package that still parsed are findings, never errors.
 */
export class EdxmlError extends Error {
  override readonly name = 'EdxmlError';

  constructor(
    /** Stable machine code, e.g. `EDXML.DTD_FORBIDDEN`. */
    readonly code: EdxmlErrorCode,
    message: string,
    /** XML path of the offending element when known. */
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `value` is an {@link EdxmlError}, optionally with the given code. */
export function isEdxmlError(value: unknown, code?: EdxmlErrorCode): value is EdxmlError {
  return value instanceof EdxmlError && (code === undefined || value.code === code);
}

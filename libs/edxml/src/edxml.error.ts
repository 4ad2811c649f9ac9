import { CodedError, type CodedErrorOptions } from '@vdx/contracts/errors';
import type { EdxmlErrorCode } from './codes';

/**
 * The one error thrown by this library: the input could not be parsed or written. `path` is the
 * XML path of the offending element when known. Problems inside a package that still parsed are
 * findings, never errors.
 */
export class EdxmlError extends CodedError<EdxmlErrorCode> {
  override readonly name = 'EdxmlError';

  constructor(code: EdxmlErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

/** True when `value` is an {@link EdxmlError}, optionally with the given code. */
export function isEdxmlError(value: unknown, code?: EdxmlErrorCode): value is EdxmlError {
  return value instanceof EdxmlError && (code === undefined || value.code === code);
}

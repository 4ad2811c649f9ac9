/**
 * Stable codes of the errors the validator throws. It throws only for bad configuration, given
 * once at start-up (an unreadable trust bundle); a hostile document is a verdict, not an error.
 */
export const ValidatorErrorCode = {
  /** The trust-anchor bundle holds no certificate, or one that cannot be read. */
  BAD_TRUST_ANCHOR: 'VALIDATOR.BAD_TRUST_ANCHOR',
  /** An intermediate certificate given to the in-memory pool cannot be read. */
  BAD_INTERMEDIATE: 'VALIDATOR.BAD_INTERMEDIATE',
  /** A classification rule is unusable (no condition, unknown kind). */
  BAD_RULE: 'VALIDATOR.BAD_RULE',
} as const;

/** One of the stable validator error codes. */
export type ValidatorErrorCode = (typeof ValidatorErrorCode)[keyof typeof ValidatorErrorCode];

/** Configuration the validator cannot work with; `code` says why. */
export class ValidatorError extends Error {
  override readonly name = 'ValidatorError';
  readonly code: ValidatorErrorCode;

  constructor(code: ValidatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

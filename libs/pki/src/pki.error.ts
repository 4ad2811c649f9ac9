/**
 * Stable machine codes of every PKI error. Values never change once published: the CLI prints
 * them and callers switch on them.
 */
export const PkiErrorCode = {
  /** A system id is not 1–128 characters of `A-Z a-z 0-9 . _ : -` starting with a letter or digit. */
  INVALID_SYSTEM_ID: 'PKI.INVALID_SYSTEM_ID',
  /** An option is out of range: validity days, a DNS name or an IP address. */
  INVALID_OPTION: 'PKI.INVALID_OPTION',
  /** The CA certificate or key is unreadable, not a CA, or the key does not match the certificate. */
  BAD_CA: 'PKI.BAD_CA',
  /** A certificate (PEM or DER) cannot be parsed. */
  BAD_CERTIFICATE: 'PKI.BAD_CERTIFICATE',
  /** A file the operation needs (the CA, a credential) does not exist. */
  NOT_FOUND: 'PKI.NOT_FOUND',
  /** The credential already exists and `force` was not given. */
  EXISTS: 'PKI.EXISTS',
} as const;

/** One of the stable PKI error codes. */
export type PkiErrorCode = (typeof PkiErrorCode)[keyof typeof PkiErrorCode];

/** A PKI operation was refused; `code` says why (see {@link PkiErrorCode}). */
export class PkiError extends Error {
  override readonly name = 'PkiError';
  /** Stable machine code, e.g. `PKI.INVALID_SYSTEM_ID`. */
  readonly code: PkiErrorCode;

  constructor(code: PkiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Every reason a verdict can give. Values never change once published: evidence records keep
 * them and callers switch on them. The README has the table of what each means and its effect.
 */
export const ReasonCode = {
  // The PDF container.
  PDF_NOT_PDF: 'PDF.NOT_PDF',
  PDF_TOO_LARGE: 'PDF.TOO_LARGE',
  PDF_TRUNCATED: 'PDF.TRUNCATED',
  PDF_TOO_MANY_SIGNATURES: 'PDF.TOO_MANY_SIGNATURES',
  PDF_SIGNATURE_DICTIONARY_MALFORMED: 'PDF.SIGNATURE_DICTIONARY_MALFORMED',
  PDF_BYTE_RANGE_MALFORMED: 'PDF.BYTE_RANGE_MALFORMED',
  PDF_BYTE_RANGE_NOT_AT_START: 'PDF.BYTE_RANGE_NOT_AT_START',
  PDF_BYTE_RANGE_OUT_OF_FILE: 'PDF.BYTE_RANGE_OUT_OF_FILE',
  PDF_BYTE_RANGE_GAP_MISMATCH: 'PDF.BYTE_RANGE_GAP_MISMATCH',
  PDF_CONTENTS_MALFORMED: 'PDF.CONTENTS_MALFORMED',
  PDF_CONTENT_AFTER_SIGNATURE: 'PDF.CONTENT_AFTER_SIGNATURE',
  PDF_UNSUPPORTED_SUBFILTER: 'PDF.UNSUPPORTED_SUBFILTER',
  // The CMS SignedData structure.
  CMS_MALFORMED: 'CMS.MALFORMED',
  CMS_TRUNCATED: 'CMS.TRUNCATED',
  CMS_TOO_COMPLEX: 'CMS.TOO_COMPLEX',
  CMS_TRAILING_DATA: 'CMS.TRAILING_DATA',
  CMS_NO_SIGNER: 'CMS.NO_SIGNER',
  CMS_SIGNER_CERT_MISSING: 'CMS.SIGNER_CERT_MISSING',
  CMS_MISSING_SIGNED_ATTRIBUTE: 'CMS.MISSING_SIGNED_ATTRIBUTE',
  CMS_CONTENT_TYPE_MISMATCH: 'CMS.CONTENT_TYPE_MISMATCH',
  CMS_UNEXPECTED_CONTENT: 'CMS.UNEXPECTED_CONTENT',
  CMS_SIGNING_CERTIFICATE_MISMATCH: 'CMS.SIGNING_CERTIFICATE_MISMATCH',
  // The XML-DSig Signature of an XML document (an edXML envelope).
  XMLDSIG_PLACEHOLDER: 'XMLDSIG.PLACEHOLDER',
  XMLDSIG_MALFORMED: 'XMLDSIG.MALFORMED',
  XMLDSIG_TOO_LARGE: 'XMLDSIG.TOO_LARGE',
  XMLDSIG_TOO_COMPLEX: 'XMLDSIG.TOO_COMPLEX',
  XMLDSIG_UNSUPPORTED_TRANSFORM: 'XMLDSIG.UNSUPPORTED_TRANSFORM',
  XMLDSIG_REFERENCE_NOT_FOUND: 'XMLDSIG.REFERENCE_NOT_FOUND',
  XMLDSIG_WRAPPING: 'XMLDSIG.WRAPPING',
  XMLDSIG_ENVELOPE_NOT_SIGNED: 'XMLDSIG.ENVELOPE_NOT_SIGNED',
  XMLDSIG_CERTIFICATE_MISSING: 'XMLDSIG.CERTIFICATE_MISSING',
  // The XAdES qualifying properties of an XML-DSig Signature.
  XADES_MALFORMED: 'XADES.MALFORMED',
  XADES_PROPERTIES_UNSIGNED: 'XADES.PROPERTIES_UNSIGNED',
  XADES_SIGNING_CERTIFICATE_MISSING: 'XADES.SIGNING_CERTIFICATE_MISSING',
  XADES_SIGNING_CERTIFICATE_MISMATCH: 'XADES.SIGNING_CERTIFICATE_MISMATCH',
  // The cryptographic signature.
  SIGNATURE_DIGEST_MISMATCH: 'SIGNATURE.DIGEST_MISMATCH',
  SIGNATURE_VERIFICATION_FAILED: 'SIGNATURE.VERIFICATION_FAILED',
  SIGNATURE_UNSUPPORTED_ALGORITHM: 'SIGNATURE.UNSUPPORTED_ALGORITHM',
  SIGNATURE_WEAK_DIGEST: 'SIGNATURE.WEAK_DIGEST',
  SIGNATURE_WEAK_KEY: 'SIGNATURE.WEAK_KEY',
  // A certificate.
  CERT_MALFORMED: 'CERT.MALFORMED',
  CERT_EXPIRED: 'CERT.EXPIRED',
  CERT_NOT_YET_VALID: 'CERT.NOT_YET_VALID',
  CERT_KEY_USAGE: 'CERT.KEY_USAGE',
  CERT_UNKNOWN_CRITICAL_EXTENSION: 'CERT.UNKNOWN_CRITICAL_EXTENSION',
  CERT_REVOKED: 'CERT.REVOKED',
  CERT_REVOKED_AFTER_SIGNING: 'CERT.REVOKED_AFTER_SIGNING',
  // The certification path.
  CHAIN_UNTRUSTED_ROOT: 'CHAIN.UNTRUSTED_ROOT',
  CHAIN_ISSUER_NOT_FOUND: 'CHAIN.ISSUER_NOT_FOUND',
  CHAIN_ISSUER_NOT_CA: 'CHAIN.ISSUER_NOT_CA',
  CHAIN_PATH_LENGTH_EXCEEDED: 'CHAIN.PATH_LENGTH_EXCEEDED',
  CHAIN_LOOP: 'CHAIN.LOOP',
  CHAIN_TOO_LONG: 'CHAIN.TOO_LONG',
  CHAIN_SEARCH_LIMIT: 'CHAIN.SEARCH_LIMIT',
  // Revocation status.
  REVOCATION_UNKNOWN: 'REVOCATION.UNKNOWN',
  REVOCATION_UNAVAILABLE: 'REVOCATION.UNAVAILABLE',
  // The RFC 3161 signature timestamp.
  TIMESTAMP_MALFORMED: 'TIMESTAMP.MALFORMED',
  TIMESTAMP_IMPRINT_MISMATCH: 'TIMESTAMP.IMPRINT_MISMATCH',
  TIMESTAMP_SIGNATURE_INVALID: 'TIMESTAMP.SIGNATURE_INVALID',
  TIMESTAMP_TSA_CERT_INVALID: 'TIMESTAMP.TSA_CERT_INVALID',
  TIMESTAMP_MISSING: 'TIMESTAMP.MISSING',
  // The time the certificates were checked at.
  TIME_CLAIMED: 'TIME.CLAIMED',
  TIME_NONE: 'TIME.NONE',
  TIME_CLAIMED_AFTER_TIMESTAMP: 'TIME.CLAIMED_AFTER_TIMESTAMP',
  // Decree 30/2020 requirements.
  DECREE30_PERSONAL_MISSING: 'DECREE30.PERSONAL_MISSING',
  DECREE30_ORGANISATIONAL_MISSING: 'DECREE30.ORGANISATIONAL_MISSING',
  DECREE30_UNCLASSIFIED: 'DECREE30.UNCLASSIFIED',
  // A defect of the validator or of a port adapter, caught so a verdict is still given.
  VALIDATOR_INTERNAL_ERROR: 'VALIDATOR.INTERNAL_ERROR',
} as const;

/** One of the stable reason codes. */
export type ReasonCode = (typeof ReasonCode)[keyof typeof ReasonCode];

/**
 * What a finding does to the verdict it belongs to: `invalid` and `indeterminate` decide it,
 * `warning` is reported and changes nothing.
 */
export type Effect = 'invalid' | 'indeterminate' | 'warning';

/** Which part of a signature a finding is about. */
export type FindingTarget = 'file' | 'signature' | 'signer' | 'chain' | 'timestamp' | 'package';

/** One coded reason, with a safe human message (no secrets, no raw bytes). */
export interface Finding {
  readonly code: ReasonCode;
  readonly effect: Effect;
  readonly target: FindingTarget;
  readonly message: string;
  /** The certificate the finding is about (RFC 4514-ish subject), when there is one. */
  readonly certificate?: string;
}

/** Shorthand for building a finding. */
export function finding(code: ReasonCode, effect: Effect, target: FindingTarget, message: string, certificate?: string): Finding {
  return certificate === undefined ? { code, effect, target, message } : { code, effect, target, message, certificate };
}

/** The worst effect among findings: `invalid` over `indeterminate` over nothing. */
export function worstEffect(findings: readonly Finding[]): 'invalid' | 'indeterminate' | null {
  let worst: 'invalid' | 'indeterminate' | null = null;
  for (const f of findings) {
    if (f.effect === 'invalid') return 'invalid';
    if (f.effect === 'indeterminate') worst = 'indeterminate';
  }
  return worst;
}

/**
 * Bounds on everything a hostile file can make the validator do. Each is checked before the
 * work it bounds, and exceeding one gives a coded finding, never an exception.
 */
export interface ValidationLimits {
  /** Largest PDF accepted. */
  readonly maxPdfBytes: number;
  /** Most signature dictionaries read from one PDF (`PDF.TOO_MANY_SIGNATURES` beyond). */
  readonly maxSignatures: number;
  /** Most bytes read to parse one signature dictionary, not counting its /Contents. */
  readonly maxDictionaryBytes: number;
  /** Largest CMS SignedData (DER) accepted, in a PDF's /Contents or a .p7s. */
  readonly maxCmsBytes: number;
  /** Deepest ASN.1 nesting accepted. */
  readonly maxAsn1Depth: number;
  /** Most ASN.1 elements in one CMS structure. */
  readonly maxAsn1Elements: number;
  /** Most signers in one SignedData. */
  readonly maxSignersPerCms: number;
  /** Most certificates in one SignedData or intermediate pool answer. */
  readonly maxCertificates: number;
  /** Most extensions one certificate may carry. */
  readonly maxExtensionsPerCertificate: number;
  /** Longest certification path, end entity and trust anchor included. */
  readonly maxChainLength: number;
  /** Most certificate signature checks while building one path. */
  readonly maxChainSignatureChecks: number;
  /** Largest XML document whose XML-DSig Signature is verified (it is read into a DOM). */
  readonly maxXmlBytes: number;
  /** Deepest element nesting of that document. */
  readonly maxXmlDepth: number;
  /** Most References in one SignedInfo (and Transforms in one Reference: 4). */
  readonly maxXmlReferences: number;
}

/** Defaults: generous for real documents (PAdES-LT with embedded CRLs), tight for absurd ones. */
export const DEFAULT_LIMITS: ValidationLimits = {
  maxPdfBytes: 512 * 1024 * 1024,
  maxSignatures: 1000,
  maxDictionaryBytes: 64 * 1024,
  maxCmsBytes: 8 * 1024 * 1024,
  maxAsn1Depth: 48,
  maxAsn1Elements: 200_000,
  maxSignersPerCms: 8,
  maxCertificates: 64,
  maxExtensionsPerCertificate: 64,
  maxChainLength: 8,
  maxChainSignatureChecks: 64,
  maxXmlBytes: 32 * 1024 * 1024,
  maxXmlDepth: 64,
  maxXmlReferences: 16,
};

/** The defaults with the caller's overrides. */
export function limitsOf(overrides: Partial<ValidationLimits> | undefined): ValidationLimits {
  return overrides ? { ...DEFAULT_LIMITS, ...overrides } : DEFAULT_LIMITS;
}

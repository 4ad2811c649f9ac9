// Offline, court-grade verification of document signatures: PDF (PAdES / CMS) and detached
// CMS signatures, their RFC 3161 timestamps, certification paths, revocation through a port,
// Decree 30 classification and verdicts per signature, file and package. No network, no Kafka.
export { verifyPdf } from './verify/verify-pdf';
export { verifyDetachedCms } from './verify/verify-cms';
export { aggregate, combine, fileVerdict, signatureStatus } from './verdict/aggregate';
export type { Decree30Verdict, FileVerdict, PackageVerdict, PdfSignaturePlace, SignatureEvidence, SignatureStatus, SignatureVerdict, VerdictStatus, XmlSignaturePlace } from './verdict/verdict';
export type { VerificationContext } from './context';
export { ReasonCode, type Effect, type Finding, type FindingTarget } from './reason-codes';
export { DEFAULT_LIMITS, type ValidationLimits } from './limits';
export { ValidatorError, ValidatorErrorCode } from './validator.error';
export { byteSourceOf, type ByteSource, type DigestName } from './bytes';
export { trustAnchorsFromPem, type TrustAnchors } from './cert/trust-anchors';
export { parseCertificate, type CertificateSummary, type DistinguishedName, type KeyUsage, type ParsedCertificate } from './cert/certificate';
export type { RevocationEvidence, TimeSource } from './cert/path-checks';
export { classify, defineClassificationRules, type Classification, type ClassificationRule, type ClassificationRules, type SignatureKind } from './classify/decree30';
export { InMemoryIntermediateSource, type IntermediateSource, type IssuerQuery } from './ports/intermediate-source';
export { InMemoryRevocationSource, type RevocationAnswer, type RevocationQuery, type RevocationSource } from './ports/revocation-source';
export { readPdfSignatures, type ByteRange, type PdfSignatureDictionary, type PdfSignatureScan, type SubFilter } from './pdf/pdf-signatures';
// For revocation and intermediate adapters (OCSP, CRL, AIA): the strict readers and the signature check.
export { certificatesFromPem, digest, distinguishedName, equalBytes, parseBer, publicKeyBits, sameName, toArrayBuffer, toHex, verifySignedBytes, type BerLimits, type BerResult, type SignedBytesCheck } from './adapter-kit';
export { verifyXmlSignature, type XmlSignatureOptions } from './xmldsig/verify-xml-signature';
export { StreamedXmlSignature, MAX_EVENTS_BEFORE_SIGNATURE_BYTES } from './xmldsig/streamed-xml-signature';

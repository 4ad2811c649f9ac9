import type { DigestName } from '../bytes';
import type { CertificateSummary } from '../cert/certificate';
import type { RevocationEvidence, TimeSource } from '../cert/path-checks';
import type { SignatureKind } from '../classify/decree30';
import type { ByteRange, SubFilter } from '../pdf/pdf-signatures';
import type { Finding } from '../reason-codes';

/** The verdict of one signature (ETSI EN 319 102-1 terms: TOTAL-PASSED, TOTAL-FAILED, INDETERMINATE). */
export type SignatureStatus = 'valid' | 'invalid' | 'indeterminate';

/** The verdict of a file or a package: a signature status, or `unsigned` when there is no signature. */
export type VerdictStatus = SignatureStatus | 'unsigned';

/** What is kept with the document so the verdict can be re-examined later (a court, an audit). */
export interface SignatureEvidence {
  /** The CMS SignedData as found (DER); for XML-DSig, the Signature element (UTF-8 XML). */
  readonly signature: Uint8Array;
  /** The signer's certification path as DER, leaf first, when one was built. */
  readonly certificates: readonly Uint8Array[];
  readonly revocation: readonly RevocationEvidence[];
  readonly timestamp?: {
    readonly token: Uint8Array;
    readonly certificates: readonly Uint8Array[];
    readonly revocation: readonly RevocationEvidence[];
  };
  /** When the validation ran (the context's `now`). */
  readonly validatedAt: Date;
}

/** Where in a PDF a signature sits. */
export interface PdfSignaturePlace {
  readonly index: number;
  readonly byteRange?: ByteRange;
  readonly subFilter?: SubFilter;
  readonly coversWholeFile: boolean;
  /** The /M entry, as written. */
  readonly claimedTime?: string;
}

/** What an XML-DSig Signature signs and how (the edXML envelope's). */
export interface XmlSignaturePlace {
  /** The SignedInfo's CanonicalizationMethod. */
  readonly canonicalization?: string;
  /** The SignatureMethod URI. */
  readonly signatureMethod?: string;
  readonly references: readonly {
    readonly uri: string;
    readonly digestMethod?: string;
    readonly transforms: readonly string[];
    /** `document`: the whole document (attachments included); `signed-element`: the element the application reads (the envelope); `signature`: an element inside the Signature itself (an Object). */
    readonly covers?: 'document' | 'signed-element' | 'signature';
  }[];
  /**
   * The XAdES qualifying properties, when the Signature carries them: whether a reference signs
   * the SignedProperties (only then are their signing time and certificate binding used), and
   * the baseline level reached (`B-T`: a signature timestamp passed, `B-B` otherwise).
   */
  readonly xades?: { readonly signedProperties: boolean; readonly level: 'B-B' | 'B-T' };
}

/** The verdict of one signature with everything it was decided on. */
export interface SignatureVerdict {
  readonly status: SignatureStatus;
  /** Every finding, warnings included; the status follows from the worst. */
  readonly findings: readonly Finding[];
  readonly kind: SignatureKind;
  /** The classification rule that decided `kind`. */
  readonly classificationRule?: string;
  readonly signer?: CertificateSummary;
  /** The signer's path, leaf first, trust anchor last. */
  readonly chain: readonly CertificateSummary[];
  readonly digestAlgorithm?: DigestName;
  /** For example `RSA-PSS/SHA-256`, `ECDSA/SHA-384`. */
  readonly signatureAlgorithm?: string;
  /** The signingTime signed attribute: the signer's claim. */
  readonly claimedSigningTime?: Date;
  readonly timestamp?: {
    /** Set when the timestamp passed every check. */
    readonly genTime?: Date;
    readonly statedGenTime?: Date;
    readonly tsa?: CertificateSummary;
  };
  /** The time the certificates were checked at, and where it came from. */
  readonly checkedAt: { readonly time: Date; readonly source: TimeSource };
  readonly pdf?: PdfSignaturePlace;
  readonly xmlDsig?: XmlSignaturePlace;
  readonly evidence: SignatureEvidence;
}

/** The verdict of one file (the main document or an attachment). */
export interface FileVerdict {
  readonly status: VerdictStatus;
  readonly name?: string;
  /** Findings about the file as a whole (not PDF, content after the last signature...). */
  readonly findings: readonly Finding[];
  readonly signatures: readonly SignatureVerdict[];
}

/** Decree 30/2020: two signatures on the main document, the organisation's on each attachment. */
export interface Decree30Verdict {
  readonly compliant: boolean;
  /** The main document carries a valid personal signature. */
  readonly mainPersonal: boolean;
  /** The main document carries a valid organisational signature. */
  readonly mainOrganisational: boolean;
  /** Indexes (in `attachments`) of the attachments without a valid organisational signature. */
  readonly attachmentsWithoutOrganisational: readonly number[];
  /** `DECREE30.*` findings, target `package`, effect `warning` (they decide `compliant`, not `status`). */
  readonly findings: readonly Finding[];
}

/** The verdict of a package: its files and the Decree 30 requirement. */
export interface PackageVerdict {
  readonly status: VerdictStatus;
  readonly main: FileVerdict;
  readonly attachments: readonly FileVerdict[];
  readonly decree30: Decree30Verdict;
}

import type { AttachmentSummary, EvidenceRef, PackageRef, VerificationCheck } from '@vdx/contracts';

/** What a verifier is given: the package as the gateway accepted it. */
export interface VerificationInput {
  readonly ref: PackageRef;
  /** Attachments as the gateway decoded them (hash and size of each). */
  readonly attachments: readonly AttachmentSummary[];
}

/**
 * A verifier's answer: every check it ran, and the first failure's code when there is one.
 * `evidence` is where the evidence record was kept, when one was (the event carries it on).
 */
export type Verdict =
  | { readonly ok: true; readonly checks: readonly VerificationCheck[]; readonly cryptographic: CryptographicResult; readonly verifier: string; readonly evidence?: EvidenceRef }
  | { readonly ok: false; readonly checks: readonly VerificationCheck[]; readonly errorCode: string; readonly reason: string; readonly verifier: string; readonly evidence?: EvidenceRef };

/**
 * How far signatures were verified: `not-performed` (the integrity verifier, or nothing to
 * verify), else the package verdict of the cryptographic verifier: `valid`, `invalid`,
 * `unknown` (indeterminate: a revocation status, a path or a time could not be established;
 * never promoted to `valid`) or `unsigned` (no signature at all).
 */
export type CryptographicResult = 'not-performed' | 'valid' | 'invalid' | 'unknown' | 'unsigned';

/**
 * Port: a package verifier. The integrity verifier is the first; the cryptographic one (PDF
 * CMS/PAdES and XML-DSig against the national trust anchors) plugs in behind the same seam.
 */
export interface PackageVerifier {
  readonly name: string;
  verify(input: VerificationInput, body: AsyncIterable<Uint8Array>): Promise<Verdict>;
}

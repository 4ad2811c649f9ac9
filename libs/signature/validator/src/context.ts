import type { TrustAnchors } from './cert/trust-anchors';
import type { ClassificationRules } from './classify/decree30';
import type { ValidationLimits } from './limits';
import type { IntermediateSource } from './ports/intermediate-source';
import type { RevocationSource } from './ports/revocation-source';

/** Everything a verification depends on besides the document: no clock, no network. */
export interface VerificationContext {
  /** Where every signer's path must end (`trustAnchorsFromPem`). */
  readonly trustAnchors: TrustAnchors;
  /**
   * Where the path of a signature timestamp's TSA must end. Absent: {@link trustAnchors}. Present:
   * only these; a TSA chaining to a signer anchor alone is not trusted (`CHAIN.UNTRUSTED_ROOT`),
   * so its timestamp proves no time.
   */
  readonly tsaTrustAnchors?: TrustAnchors;
  /** Revocation status of every certificate on a path; absent: every answer is missing (indeterminate). */
  readonly revocation?: RevocationSource;
  /** Intermediates beyond those in the signature. */
  readonly intermediates?: IntermediateSource;
  /** Decree 30 rules (`defineClassificationRules`); absent: every signature is `unknown`. */
  readonly classification?: ClassificationRules;
  /** The time of validation: the check time of a signature with no signing time, and the evidence's date. */
  readonly now: Date;
  /** Make a signature without a valid signature timestamp indeterminate (`TIMESTAMP.MISSING`). */
  readonly requireTimestamp?: boolean;
  readonly limits?: Partial<ValidationLimits>;
}

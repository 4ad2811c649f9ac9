// Test support: the sandbox hierarchy, Decree 30 rules for its policies, and a context to
// verify with. Times are fixed so every test reads the same calendar.
import { createSigningHierarchy, SANDBOX_POLICY_OIDS, type SigningHierarchy, type SigningKeyAlgorithm } from '@vdx/pki';
import { trustAnchorsFromPem } from '../cert/trust-anchors';
import { defineClassificationRules } from '../classify/decree30';
import type { VerificationContext } from '../context';
import { InMemoryIntermediateSource } from '../ports/intermediate-source';
import { InMemoryRevocationSource } from '../ports/revocation-source';

/** When the hierarchy was created. */
export const ISSUED_AT = new Date('2025-06-01T00:00:00Z');
/** When documents are signed (and timestamped). */
export const SIGNED_AT = new Date('2026-03-01T08:00:00Z');
/** When verification runs. */
export const NOW = new Date('2026-03-02T09:00:00Z');

/** The sandbox's Decree 30 rules: by certificate policy. */
export const SANDBOX_RULES = defineClassificationRules([
  { kind: 'personal', name: 'sandbox personal policy', policyOids: [SANDBOX_POLICY_OIDS.personal] },
  { kind: 'organisational', name: 'sandbox organisational policy', policyOids: [SANDBOX_POLICY_OIDS.organisational] },
]);

/** A sandbox hierarchy (one per key type per test file is plenty: RSA keys take a while). */
export function sandboxHierarchy(keyAlgorithm: SigningKeyAlgorithm = 'ecdsa-p256'): Promise<SigningHierarchy> {
  return createSigningHierarchy({ keyAlgorithm, now: ISSUED_AT });
}

/** A context trusting the hierarchy's root, every certificate "good", the sandbox rules, `now` = {@link NOW}. */
export function sandboxContext(h: SigningHierarchy, overrides: Partial<VerificationContext> = {}): VerificationContext {
  return {
    trustAnchors: trustAnchorsFromPem(h.trustAnchorsPem),
    revocation: new InMemoryRevocationSource('good'),
    intermediates: new InMemoryIntermediateSource([h.intermediate.certDer]),
    classification: SANDBOX_RULES,
    now: NOW,
    ...overrides,
  };
}

import { equalBytes } from '../bytes';
import { signatureScheme } from '../crypto/algorithms';
import { verifySignature } from '../crypto/verify-signature';
import type { ValidationLimits } from '../limits';
import type { IntermediateSource } from '../ports/intermediate-source';
import { finding, ReasonCode, type Finding, type FindingTarget } from '../reason-codes';
import { parseCertificate, sameName, type ParsedCertificate } from './certificate';
import { anchorsNamed, isTrustAnchor, type TrustAnchors } from './trust-anchors';

/** What {@link buildChain} works from. */
export interface ChainInput {
  readonly leaf: ParsedCertificate;
  /** Certificates that came with the signature (CMS `certificates`). */
  readonly pool: readonly ParsedCertificate[];
  readonly anchors: TrustAnchors;
  readonly intermediates?: IntermediateSource;
  readonly limits: ValidationLimits;
  /** Which part of the signature the path is for (`chain` or `timestamp`). */
  readonly target: FindingTarget;
}

/** A path from the leaf to a trust anchor (leaf first), or why none was found. */
export type ChainResult = { readonly ok: true; readonly path: readonly ParsedCertificate[]; readonly findings: readonly Finding[] } | { readonly ok: false; readonly findings: readonly Finding[] };

/**
 * Builds a certification path by depth-first search: at each step the candidates are the
 * anchors, then the signature's certificates, then the intermediate source, whose subject is
 * the current issuer and whose key verifies the current certificate. Bounded by the chain
 * length and a budget of signature checks; a candidate already on the path is a loop.
 */
export async function buildChain(input: ChainInput): Promise<ChainResult> {
  const { limits, target } = input;
  const failures = new Map<string, Finding>();
  const warnings = new Map<string, Finding>();
  const fail = (f: Finding): null => {
    if (!failures.has(f.code)) failures.set(f.code, f);
    return null;
  };
  let budget = limits.maxChainSignatureChecks;

  // Whether `issuer`'s key signed `cert`; counts against the budget.
  const signed = async (cert: ParsedCertificate, issuer: ParsedCertificate): Promise<boolean | 'exhausted'> => {
    if (budget-- <= 0) return 'exhausted';
    const scheme = signatureScheme(cert.signatureAlgorithm, null);
    if (!scheme.ok) {
      fail(finding(ReasonCode.SIGNATURE_UNSUPPORTED_ALGORITHM, 'indeterminate', target, scheme.message, cert.subject.text));
      return false;
    }
    const check = await verifySignature(issuer.publicKey, scheme.scheme, cert.tbs, cert.signatureValue);
    if (check.ok && scheme.scheme.hash === 'SHA-1' && !warnings.has(cert.fingerprint)) {
      warnings.set(cert.fingerprint, finding(ReasonCode.SIGNATURE_WEAK_DIGEST, 'warning', target, 'the certificate is signed with SHA-1', cert.subject.text));
    }
    return check.ok;
  };

  const candidatesFor = async (cert: ParsedCertificate): Promise<ParsedCertificate[]> => {
    const found = [...anchorsNamed(input.anchors, cert.issuer), ...input.pool.filter((c) => sameName(c.subject, cert.issuer))];
    if (input.intermediates) {
      try {
        const ders = await input.intermediates.findIssuers({ certificate: cert.der, issuerName: cert.issuer.der, issuer: cert.issuer.text, ...(cert.authorityKeyId ? { authorityKeyId: cert.authorityKeyId } : {}) });
        for (const der of ders.slice(0, limits.maxCertificates)) {
          const parsed = parseCertificate(der, limits);
          if (parsed.ok && sameName(parsed.cert.subject, cert.issuer)) found.push(parsed.cert);
        }
      } catch {
        // An intermediate source that fails is one that knows nothing; the path may still exist.
      }
    }
    const unique = new Map<string, ParsedCertificate>();
    for (const c of found) {
      // A key identifier that disagrees rules a candidate out before any signature check.
      if (cert.authorityKeyId && c.subjectKeyId && !equalBytes(cert.authorityKeyId, c.subjectKeyId)) continue;
      if (!unique.has(c.fingerprint)) unique.set(c.fingerprint, c);
    }
    return [...unique.values()];
  };

  const extend = async (path: ParsedCertificate[]): Promise<ParsedCertificate[] | null> => {
    const current = path[path.length - 1];
    if (!current) return null;
    if (isTrustAnchor(input.anchors, current)) return path;
    if (sameName(current.subject, current.issuer)) {
      const selfSigned = await signed(current, current);
      if (selfSigned === 'exhausted') return fail(finding(ReasonCode.CHAIN_SEARCH_LIMIT, 'indeterminate', target, `more than ${limits.maxChainSignatureChecks} signature checks`));
      if (selfSigned) return fail(finding(ReasonCode.CHAIN_UNTRUSTED_ROOT, 'indeterminate', target, 'the path ends at a self-signed certificate that is not a trust anchor', current.subject.text));
    }
    if (path.length >= limits.maxChainLength) return fail(finding(ReasonCode.CHAIN_TOO_LONG, 'indeterminate', target, `no trust anchor within ${limits.maxChainLength} certificates`, current.subject.text));
    const candidates = await candidatesFor(current);
    let verifiedAny = false;
    for (const candidate of candidates) {
      if (candidate.fingerprint === current.fingerprint) continue;
      if (path.some((c) => c.fingerprint === candidate.fingerprint)) {
        fail(finding(ReasonCode.CHAIN_LOOP, 'indeterminate', target, 'the issuers lead back to a certificate already on the path', candidate.subject.text));
        continue;
      }
      const ok = await signed(current, candidate);
      if (ok === 'exhausted') return fail(finding(ReasonCode.CHAIN_SEARCH_LIMIT, 'indeterminate', target, `more than ${limits.maxChainSignatureChecks} signature checks`));
      if (!ok) continue;
      verifiedAny = true;
      const anchor = isTrustAnchor(input.anchors, candidate);
      if (!anchor && (!candidate.isCa || (candidate.keyUsage !== null && !candidate.keyUsage.has('keyCertSign')))) {
        fail(finding(ReasonCode.CHAIN_ISSUER_NOT_CA, 'invalid', target, 'the issuing certificate is not a CA allowed to sign certificates', candidate.subject.text));
        continue;
      }
      const done = await extend([...path, candidate]);
      if (done) return done;
    }
    if (!verifiedAny && !failures.has(ReasonCode.CHAIN_LOOP)) {
      fail(finding(ReasonCode.CHAIN_ISSUER_NOT_FOUND, 'indeterminate', target, candidates.length === 0 ? `no certificate of the issuer ${current.issuer.text} is known` : 'no candidate issuer key verifies the certificate', current.subject.text));
    }
    return null;
  };

  const path = await extend([input.leaf]);
  if (path) return { ok: true, path, findings: [...warnings.values()] };
  return { ok: false, findings: [...failures.values(), ...warnings.values()] };
}

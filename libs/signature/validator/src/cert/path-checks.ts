import type { RevocationAnswer, RevocationSource } from '../ports/revocation-source';
import { finding, ReasonCode, type Effect, type Finding, type FindingTarget } from '../reason-codes';
import { sameName, type ParsedCertificate } from './certificate';

/** Where the time the certificates are checked at comes from. */
export type TimeSource = 'timestamp' | 'claimed' | 'none';

/** What {@link checkPath} is given: a path built by `buildChain` and the time to check it at. */
export interface PathCheckInput {
  /** Leaf first, trust anchor last. */
  readonly path: readonly ParsedCertificate[];
  readonly at: Date;
  readonly timeSource: TimeSource;
  readonly revocation?: RevocationSource;
  readonly target: FindingTarget;
}

/** One revocation answer kept as evidence, with the certificate it is about. */
export interface RevocationEvidence {
  readonly fingerprint: string;
  readonly subject: string;
  readonly answer: RevocationAnswer | null;
}

/** Findings of the path checks and the revocation evidence gathered. */
export interface PathCheckResult {
  readonly findings: readonly Finding[];
  readonly revocation: readonly RevocationEvidence[];
}

/**
 * Checks a built path at one time (the shell model: every certificate valid when the
 * signature was made): validity, critical extensions, path length constraints, and the
 * revocation status of every certificate but the anchor.
 */
export async function checkPath(input: PathCheckInput): Promise<PathCheckResult> {
  const { path, at, target } = input;
  const findings: Finding[] = [];
  path.forEach((cert, i) => {
    const isAnchor = i === path.length - 1;
    findings.push(...validityFindings(cert, at, input.timeSource, i === 0 && target === 'chain' ? 'signer' : target));
    if (!isAnchor && cert.unknownCriticalExtensions.length > 0) {
      findings.push(finding(ReasonCode.CERT_UNKNOWN_CRITICAL_EXTENSION, 'invalid', target, `critical extensions not processed: ${cert.unknownCriticalExtensions.join(', ')}`, cert.subject.text));
    }
    if (i > 0 && cert.pathLength !== undefined) {
      const below = path.slice(1, i).filter((c) => !sameName(c.subject, c.issuer)).length;
      if (below > cert.pathLength) findings.push(finding(ReasonCode.CHAIN_PATH_LENGTH_EXCEEDED, 'invalid', target, `pathLenConstraint ${cert.pathLength}, ${below} intermediate CAs below it`, cert.subject.text));
    }
  });
  const revocation: RevocationEvidence[] = [];
  for (let i = 0; i < path.length - 1; i++) {
    const cert = path[i];
    const issuer = path[i + 1];
    if (!cert || !issuer || cert.ocspNoCheck) continue;
    const answer = await ask(input.revocation, cert, issuer, at);
    revocation.push({ fingerprint: cert.fingerprint, subject: cert.subject.text, answer });
    findings.push(...revocationFindings(answer, cert, input));
  }
  return { findings, revocation };
}

/** CERT.NOT_YET_VALID / CERT.EXPIRED when `cert` is not valid at `at`. */
export function validityFindings(cert: ParsedCertificate, at: Date, timeSource: TimeSource, target: FindingTarget): Finding[] {
  // Without any signing time the check is at "now"; failing it proves nothing about the signature.
  const effect: Effect = timeSource === 'none' ? 'indeterminate' : 'invalid';
  const out: Finding[] = [];
  if (at < cert.notBefore) out.push(finding(ReasonCode.CERT_NOT_YET_VALID, effect, target, `not valid before ${cert.notBefore.toISOString()}, checked at ${at.toISOString()} (${timeSource})`, cert.subject.text));
  if (at > cert.notAfter) out.push(finding(ReasonCode.CERT_EXPIRED, effect, target, `expired ${cert.notAfter.toISOString()}, checked at ${at.toISOString()} (${timeSource})`, cert.subject.text));
  return out;
}

async function ask(source: RevocationSource | undefined, cert: ParsedCertificate, issuer: ParsedCertificate, at: Date): Promise<RevocationAnswer | null> {
  if (!source) return null;
  try {
    return await source.status({ certificate: cert.der, issuer: issuer.der, serialNumber: cert.serialNumber, fingerprint: cert.fingerprint, subject: cert.subject.text, at });
  } catch {
    // An adapter that fails gave no answer; that is indeterminate, the same as silence.
    return null;
  }
}

function revocationFindings(answer: RevocationAnswer | null, cert: ParsedCertificate, input: PathCheckInput): Finding[] {
  const { target, at } = input;
  const who = cert.subject.text;
  if (!answer) return [finding(ReasonCode.REVOCATION_UNAVAILABLE, 'indeterminate', target, input.revocation ? 'no revocation answer (OCSP or CRL)' : 'no revocation source is configured', who)];
  if (answer.status === 'good') return [];
  if (answer.status === 'unknown') return [finding(ReasonCode.REVOCATION_UNKNOWN, 'indeterminate', target, `the ${answer.source.toUpperCase()} answer is "unknown"`, who)];
  const revokedAt = answer.revokedAt;
  if (!revokedAt || revokedAt <= at) return [finding(ReasonCode.CERT_REVOKED, 'invalid', target, revokedAt ? `revoked ${revokedAt.toISOString()}, at or before ${at.toISOString()}` : 'revoked', who)];
  // Revoked later than the signing time: fine if a timestamp proves that time, unproven otherwise.
  const effect: Effect = input.timeSource === 'timestamp' ? 'warning' : 'indeterminate';
  return [finding(ReasonCode.CERT_REVOKED_AFTER_SIGNING, effect, target, `revoked ${revokedAt.toISOString()}, after the ${input.timeSource} signing time ${at.toISOString()}`, who)];
}

/** A signing certificate must allow digitalSignature or nonRepudiation (when it has keyUsage). */
export function signerKeyUsageFindings(cert: ParsedCertificate, target: FindingTarget): Finding[] {
  if (cert.keyUsage === null || cert.keyUsage.has('digitalSignature') || cert.keyUsage.has('nonRepudiation')) return [];
  return [finding(ReasonCode.CERT_KEY_USAGE, 'invalid', target, `keyUsage ${[...cert.keyUsage].join(', ') || '(none)'} allows neither digitalSignature nor nonRepudiation`, cert.subject.text)];
}

import * as pkijs from 'pkijs';
import { digest, equalBytes } from '../bytes';
import { parseBer } from '../asn1/ber-guard';
import { summarize, type CertificateSummary, type ParsedCertificate } from '../cert/certificate';
import { buildChain } from '../cert/chain';
import { checkPath, type RevocationEvidence } from '../cert/path-checks';
import type { TrustAnchors } from '../cert/trust-anchors';
import type { VerificationContext } from '../context';
import { digestOfOid } from '../crypto/algorithms';
import { OID } from '../crypto/oids';
import type { ValidationLimits } from '../limits';
import type { IntermediateSource } from '../ports/intermediate-source';
import type { RevocationSource } from '../ports/revocation-source';
import { finding, ReasonCode, worstEffect, type Finding } from '../reason-codes';
import { parseSignedData } from './signed-data';
import { checkSigner } from './signer';

/** What checking a signature timestamp needs besides the token. */
export interface TimestampContext {
  /** Where the TSA's path must end. */
  readonly anchors: TrustAnchors;
  /**
   * Certificates known but not trusted for timestamps (the signers' anchors, when the TSA has
   * anchors of its own): candidate issuers like the token's own certificates, so a TSA under a
   * signer root alone ends its path at an untrusted root (`CHAIN.UNTRUSTED_ROOT`).
   */
  readonly known?: readonly ParsedCertificate[];
  readonly intermediates?: IntermediateSource;
  readonly revocation?: RevocationSource;
  readonly limits: ValidationLimits;
}

/**
 * The timestamp context of a verification: the TSA trust anchors when the context has them
 * (then only those, the signers' anchors being merely known certificates), else the signers'.
 */
export function timestampContextOf(ctx: VerificationContext, limits: ValidationLimits): TimestampContext {
  const separate = ctx.tsaTrustAnchors;
  return {
    anchors: separate ?? ctx.trustAnchors,
    ...(separate ? { known: ctx.trustAnchors.certificates } : {}),
    ...(ctx.intermediates ? { intermediates: ctx.intermediates } : {}),
    ...(ctx.revocation ? { revocation: ctx.revocation } : {}),
    limits,
  };
}

/** A checked signature timestamp. `genTime` is set only when every check passed. */
export interface TimestampResult {
  /** The time the TSA attests, usable as proof of existence. */
  readonly genTime?: Date;
  /** The genTime the token states, trusted or not. */
  readonly statedGenTime?: Date;
  readonly tsa?: CertificateSummary;
  /** Findings, all target `timestamp`; none is worse than indeterminate. */
  readonly findings: readonly Finding[];
  readonly token: Uint8Array;
  readonly path: readonly ParsedCertificate[];
  readonly revocation: readonly RevocationEvidence[];
}

/**
 * Checks an RFC 3161 signature timestamp token (the id-aa-signatureTimeStampToken unsigned
 * attribute): a SignedData over a TSTInfo whose message imprint is the digest of the
 * signature value, signed by a TSA certificate with the critical timeStamping EKU that chains
 * to one of `ctx.anchors` (the TSA trust anchors) and is valid and unrevoked at genTime. A failed timestamp proves no time,
 * so its findings are at most indeterminate: the signature is then judged at its claimed time.
 */
export async function checkTimestamp(token: Uint8Array, signatureValue: Uint8Array, ctx: TimestampContext): Promise<TimestampResult> {
  const none = { token, path: [], revocation: [] };
  const bad = (code: ReasonCode, message: string, extra: Partial<TimestampResult> = {}): TimestampResult => ({ ...none, ...extra, findings: [finding(code, 'indeterminate', 'timestamp', message)] });
  const cms = parseSignedData(token, ctx.limits, 'timestamp');
  if (!cms.ok) return { ...none, findings: cms.findings.map(demote) };
  const { value } = cms;
  if (value.eContentType !== OID.tstInfo || !value.eContent) return bad(ReasonCode.TIMESTAMP_MALFORMED, `the token encapsulates ${value.eContentType}, not a TSTInfo`);
  if (value.signers.length !== 1) return bad(ReasonCode.TIMESTAMP_MALFORMED, `the token has ${value.signers.length} signers, not one`);
  const tst = tstInfoOf(value.eContent, ctx.limits);
  if (!tst) return bad(ReasonCode.TIMESTAMP_MALFORMED, 'unreadable TSTInfo');
  const statedGenTime = tst.genTime;
  const stated = { statedGenTime };

  const imprintHash = digestOfOid(tst.messageImprint.hashAlgorithm.algorithmId);
  if (!imprintHash) return bad(ReasonCode.TIMESTAMP_MALFORMED, `unsupported message imprint digest ${tst.messageImprint.hashAlgorithm.algorithmId}`, stated);
  if (!equalBytes(tst.messageImprint.hashedMessage.valueBlock.valueHexView, digest(imprintHash, signatureValue))) {
    return bad(ReasonCode.TIMESTAMP_IMPRINT_MISMATCH, 'the timestamp is over another signature value', stated);
  }

  const [signer] = value.signers;
  if (!signer) return bad(ReasonCode.TIMESTAMP_MALFORMED, 'the token has no signer', stated);
  const eContent = value.eContent;
  const signed = await checkSigner({ cms: value, signer, content: { digest: (name) => digest(name, eContent), bytes: eContent }, requireSignedAttributes: true, target: 'timestamp' });
  const tsaCert = signed.signerCertificate;
  const tsa = tsaCert ? { tsa: summarize(tsaCert) } : {};
  const failed = signed.findings.filter((f) => f.effect !== 'warning');
  if (!tsaCert || !signed.signatureVerified || failed.length > 0) {
    const codes = [...new Set(failed.map((f) => f.code))].join(', ') || 'signature does not verify';
    return bad(ReasonCode.TIMESTAMP_SIGNATURE_INVALID, `the token's own signature fails: ${codes}`, { ...stated, ...tsa });
  }
  const findings: Finding[] = signed.findings.map(demote);
  findings.push(...tsaUsageFindings(tsaCert));

  const chain = await buildChain({ leaf: tsaCert, pool: ctx.known ? [...value.certificates, ...ctx.known] : value.certificates, anchors: ctx.anchors, ...(ctx.intermediates ? { intermediates: ctx.intermediates } : {}), limits: ctx.limits, target: 'timestamp' });
  findings.push(...chain.findings.map(demote));
  let path: readonly ParsedCertificate[] = [];
  let revocation: readonly RevocationEvidence[] = [];
  if (chain.ok) {
    path = chain.path;
    const checked = await checkPath({ path, at: statedGenTime, timeSource: 'timestamp', ...(ctx.revocation ? { revocation: ctx.revocation } : {}), target: 'timestamp' });
    findings.push(...checked.findings.map(demote));
    revocation = checked.revocation;
  }
  const trusted = worstEffect(findings) === null;
  return { ...(trusted ? { genTime: statedGenTime } : {}), statedGenTime, ...tsa, findings, token, path, revocation };
}

/** RFC 3161 §2.3: the TSA certificate has exactly one EKU, timeStamping, marked critical. */
function tsaUsageFindings(cert: ParsedCertificate): Finding[] {
  const eku = cert.extendedKeyUsage;
  if (!eku || !eku.critical || eku.usages.length !== 1 || eku.usages[0] !== OID.kpTimeStamping) {
    return [finding(ReasonCode.TIMESTAMP_TSA_CERT_INVALID, 'indeterminate', 'timestamp', 'the TSA certificate lacks the sole, critical timeStamping extended key usage', cert.subject.text)];
  }
  if (cert.keyUsage !== null && !cert.keyUsage.has('digitalSignature') && !cert.keyUsage.has('nonRepudiation')) {
    return [finding(ReasonCode.TIMESTAMP_TSA_CERT_INVALID, 'indeterminate', 'timestamp', 'the TSA certificate key usage does not allow signing', cert.subject.text)];
  }
  return [];
}

function tstInfoOf(eContent: Uint8Array, limits: ValidationLimits): pkijs.TSTInfo | null {
  const ber = parseBer(eContent, { maxDepth: limits.maxAsn1Depth, maxElements: limits.maxAsn1Elements });
  if (!ber.ok || ber.end !== eContent.length) return null;
  try {
    const tst = new pkijs.TSTInfo({ schema: ber.value });
    return Number.isNaN(tst.genTime.getTime()) ? null : tst;
  } catch {
    return null;
  }
}

/** A timestamp that fails proves nothing, which is indeterminate, never invalid. */
function demote(f: Finding): Finding {
  return { ...f, target: 'timestamp', effect: f.effect === 'invalid' ? 'indeterminate' : f.effect };
}

import type * as pkijs from 'pkijs';
import { summarize, type ParsedCertificate } from '../cert/certificate';
import { buildChain } from '../cert/chain';
import { checkPath, signerKeyUsageFindings, validityFindings, type RevocationEvidence, type TimeSource } from '../cert/path-checks';
import { classify } from '../classify/decree30';
import { parseSignedData, type ParsedSignedData } from '../cms/signed-data';
import { checkSigner, originalBytes, type SignedContent } from '../cms/signer';
import { checkTimestamp, timestampContextOf, type TimestampResult } from '../cms/timestamp';
import { OID } from '../crypto/oids';
import type { VerificationContext } from '../context';
import { limitsOf, type ValidationLimits } from '../limits';
import { finding, ReasonCode, type Finding } from '../reason-codes';
import { signatureStatus } from '../verdict/aggregate';
import type { PdfSignaturePlace, SignatureVerdict } from '../verdict/verdict';

/** How the SignedData relates to its content. */
export interface SignedDataOptions {
  /** PAdES requires signed attributes; a bare detached CMS may do without. */
  readonly requireSignedAttributes: boolean;
  readonly pdf?: PdfSignaturePlace;
  /** Findings that come from outside the CMS (the PDF structure) and belong to every signer. */
  readonly outerFindings?: readonly Finding[];
}

const MAX_TIMESTAMP_TOKENS = 4;
/** A signer's clock may run a little ahead of the TSA's. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Verifies a detached CMS SignedData over `content`: one verdict per signer (at least one:
 * a SignedData that cannot be read is itself an indeterminate verdict). Never throws.
 */
export async function verifySignedData(cmsBytes: Uint8Array, content: SignedContent, ctx: VerificationContext, opts: SignedDataOptions): Promise<SignatureVerdict[]> {
  const limits = limitsOf(ctx.limits);
  const outer = opts.outerFindings ?? [];
  try {
    const parsed = parseSignedData(cmsBytes, limits, 'signature');
    if (!parsed.ok) return [bare(cmsBytes, ctx, opts, [...outer, ...parsed.findings])];
    const cms = parsed.value;
    const cmsFindings = [...outer, ...parsed.findings];
    if (cms.eContent) cmsFindings.push(finding(ReasonCode.CMS_UNEXPECTED_CONTENT, 'invalid', 'signature', 'the SignedData encapsulates content, but a detached signature over the file was expected'));
    const verdicts: SignatureVerdict[] = [];
    for (const signer of cms.signers) verdicts.push(await verifyOneSigner(cms, signer, content, ctx, limits, opts, cmsFindings));
    return verdicts;
  } catch (e) {
    return [bare(cmsBytes, ctx, opts, [...outer, internalError(e)])];
  }
}

async function verifyOneSigner(cms: ParsedSignedData, signer: pkijs.SignerInfo, content: SignedContent, ctx: VerificationContext, limits: ValidationLimits, opts: SignedDataOptions, cmsFindings: readonly Finding[]): Promise<SignatureVerdict> {
  const findings: Finding[] = [...cmsFindings];
  const signed = await checkSigner({ cms, signer, content, requireSignedAttributes: opts.requireSignedAttributes, target: 'signature' });
  findings.push(...signed.findings);
  const cert = signed.signerCertificate;
  if (!cert) return bare(cms.der, ctx, opts, findings);
  findings.push(...signerKeyUsageFindings(cert, 'signer'));

  const timestamp = signed.signatureVerified ? await signatureTimestamp(signer, signed.signatureValue, ctx, limits) : undefined;
  if (timestamp) findings.push(...timestamp.findings);
  const checkedAt = checkTime(signed.claimedSigningTime, timestamp, ctx, findings);

  const checked = await certificateChecks(cert, cms.certificates, checkedAt, ctx, limits);
  findings.push(...checked.findings);
  const { chain, path, revocation, classification } = checked;

  return {
    status: signatureStatus(findings),
    findings,
    kind: classification.kind,
    ...(classification.rule ? { classificationRule: classification.rule } : {}),
    signer: summarize(cert),
    chain: chain.ok ? path.map(summarize) : [],
    ...(signed.digestAlgorithm ? { digestAlgorithm: signed.digestAlgorithm } : {}),
    ...(signed.scheme ? { signatureAlgorithm: `${signed.scheme.kind}/${signed.scheme.hash}` } : {}),
    ...(signed.claimedSigningTime ? { claimedSigningTime: signed.claimedSigningTime } : {}),
    ...(timestamp ? { timestamp: { ...(timestamp.genTime ? { genTime: timestamp.genTime } : {}), ...(timestamp.statedGenTime ? { statedGenTime: timestamp.statedGenTime } : {}), ...(timestamp.tsa ? { tsa: timestamp.tsa } : {}) } } : {}),
    checkedAt,
    ...(opts.pdf ? { pdf: opts.pdf } : {}),
    evidence: {
      signature: cms.der,
      certificates: path.map((c) => c.der),
      revocation,
      ...(timestamp ? { timestamp: { token: timestamp.token, certificates: timestamp.path.map((c) => c.der), revocation: timestamp.revocation } } : {}),
      validatedAt: ctx.now,
    },
  };
}

/** What {@link certificateChecks} established about a signer's certificate. */
export interface CertificateCheckResult {
  readonly findings: readonly Finding[];
  /** The path built (leaf first), or why none was found. */
  readonly chain: Awaited<ReturnType<typeof buildChain>>;
  /** The path when one was built, else the signer's certificate alone. */
  readonly path: readonly ParsedCertificate[];
  readonly revocation: readonly RevocationEvidence[];
  readonly classification: ReturnType<typeof classify>;
}

/**
 * The checks every signer certificate goes through, whatever the signature format (CMS, XML-DSig):
 * the certification path to a trust anchor from `pool` and the intermediate source, validity,
 * critical extensions, path length and revocation of the path at `checkedAt` (or the signer's own
 * validity when no path exists), and the Decree 30 classification.
 */
export async function certificateChecks(cert: ParsedCertificate, pool: readonly ParsedCertificate[], checkedAt: { time: Date; source: TimeSource }, ctx: VerificationContext, limits: ValidationLimits): Promise<CertificateCheckResult> {
  const findings: Finding[] = [];
  const chain = await buildChain({ leaf: cert, pool, anchors: ctx.trustAnchors, ...(ctx.intermediates ? { intermediates: ctx.intermediates } : {}), limits, target: 'chain' });
  findings.push(...chain.findings);
  let path: readonly ParsedCertificate[] = [cert];
  let revocation: readonly RevocationEvidence[] = [];
  if (chain.ok) {
    path = chain.path;
    const checked = await checkPath({ path, at: checkedAt.time, timeSource: checkedAt.source, ...(ctx.revocation ? { revocation: ctx.revocation } : {}), target: 'chain' });
    findings.push(...checked.findings);
    revocation = checked.revocation;
  } else {
    // Without a path the signer certificate's own validity is still worth reporting.
    findings.push(...validityFindings(cert, checkedAt.time, checkedAt.source, 'signer'));
  }
  const classification = classify(cert, ctx.classification);
  if (ctx.classification && classification.kind === 'unknown') findings.push(finding(ReasonCode.DECREE30_UNCLASSIFIED, 'warning', 'signer', 'no classification rule matches the signer certificate', cert.subject.text));
  return { findings, chain, path, revocation, classification };
}

/** The first signature timestamp that passes (its TSA under the TSA trust anchors), else the last one tried (its findings explain why). */
async function signatureTimestamp(signer: pkijs.SignerInfo, signatureValue: Uint8Array, ctx: VerificationContext, limits: ValidationLimits): Promise<TimestampResult | undefined> {
  const tokens = (signer.unsignedAttrs?.attributes ?? []).filter((a) => a.type === OID.signatureTimeStampToken).flatMap((a) => a.values as unknown[]);
  let last: TimestampResult | undefined;
  for (const value of tokens.slice(0, MAX_TIMESTAMP_TOKENS)) {
    const token = originalBytes(value);
    if (!token) continue;
    last = await checkTimestamp(token, signatureValue, timestampContextOf(ctx, limits));
    if (last.genTime) return last;
  }
  return last;
}

/** The time to check certificates at: a trusted genTime, else the claimed signingTime, else now. */
export function checkTime(claimed: Date | undefined, timestamp: TimestampResult | undefined, ctx: VerificationContext, findings: Finding[]): { time: Date; source: TimeSource } {
  if (timestamp?.genTime) {
    if (claimed && claimed.getTime() > timestamp.genTime.getTime() + CLOCK_SKEW_MS) {
      findings.push(finding(ReasonCode.TIME_CLAIMED_AFTER_TIMESTAMP, 'warning', 'timestamp', `the claimed signing time ${claimed.toISOString()} is after the timestamp ${timestamp.genTime.toISOString()}`));
    }
    return { time: timestamp.genTime, source: 'timestamp' };
  }
  if (ctx.requireTimestamp) findings.push(finding(ReasonCode.TIMESTAMP_MISSING, 'indeterminate', 'timestamp', 'a valid signature timestamp is required'));
  if (claimed) {
    findings.push(finding(ReasonCode.TIME_CLAIMED, 'warning', 'signature', `certificates checked at the signer's claimed signing time ${claimed.toISOString()}, which nothing proves`));
    return { time: claimed, source: 'claimed' };
  }
  findings.push(finding(ReasonCode.TIME_NONE, 'warning', 'signature', `no signing time: certificates checked at the validation time ${ctx.now.toISOString()}`));
  return { time: ctx.now, source: 'none' };
}

/** A verdict for a signature that could not be taken apart far enough to check a signer. */
function bare(signature: Uint8Array, ctx: VerificationContext, opts: SignedDataOptions, findings: readonly Finding[]): SignatureVerdict {
  return {
    status: signatureStatus(findings),
    findings,
    kind: 'unknown',
    chain: [],
    checkedAt: { time: ctx.now, source: 'none' },
    ...(opts.pdf ? { pdf: opts.pdf } : {}),
    evidence: { signature, certificates: [], revocation: [], validatedAt: ctx.now },
  };
}

/** A defect of ours or of an adapter, kept as an indeterminate finding instead of a crash. */
export function internalError(e: unknown): Finding {
  return finding(ReasonCode.VALIDATOR_INTERNAL_ERROR, 'indeterminate', 'signature', `internal error: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300));
}

import { finding, ReasonCode, worstEffect, type Finding } from '../reason-codes';
import type { Decree30Verdict, FileVerdict, PackageVerdict, SignatureStatus, SignatureVerdict, VerdictStatus } from './verdict';

/** A signature's status from its findings: any invalid ⇒ invalid, else any indeterminate ⇒ indeterminate. */
export function signatureStatus(findings: readonly Finding[]): SignatureStatus {
  return worstEffect(findings) ?? 'valid';
}

/** Folds statuses: any invalid ⇒ invalid; else any indeterminate ⇒ indeterminate; none signed ⇒ unsigned. */
export function combine(statuses: readonly VerdictStatus[]): VerdictStatus {
  if (statuses.includes('invalid')) return 'invalid';
  if (statuses.includes('indeterminate')) return 'indeterminate';
  return statuses.includes('valid') ? 'valid' : 'unsigned';
}

/** A file's verdict from its signatures and the findings about the file itself. */
export function fileVerdict(signatures: readonly SignatureVerdict[], findings: readonly Finding[], name?: string): FileVerdict {
  const fileEffect = worstEffect(findings);
  const status = combine([...signatures.map((s) => s.status), ...(fileEffect ? [fileEffect] : [])]);
  return { status, ...(name === undefined ? {} : { name }), findings, signatures };
}

/**
 * The package verdict: the status folds every file's (any invalid ⇒ invalid, else any
 * indeterminate ⇒ indeterminate, no signature anywhere ⇒ unsigned, else valid); Decree 30
 * compliance needs a valid personal and a valid organisational signature on the main document
 * and a valid organisational one on every attachment.
 */
export function aggregate(input: { readonly main: FileVerdict; readonly attachments?: readonly FileVerdict[] }): PackageVerdict {
  const attachments = input.attachments ?? [];
  const has = (file: FileVerdict, kind: 'personal' | 'organisational'): boolean => file.signatures.some((s) => s.status === 'valid' && s.kind === kind);
  const mainPersonal = has(input.main, 'personal');
  const mainOrganisational = has(input.main, 'organisational');
  const attachmentsWithoutOrganisational = attachments.flatMap((a, i) => (has(a, 'organisational') ? [] : [i]));
  const findings: Finding[] = [];
  if (!mainPersonal) findings.push(finding(ReasonCode.DECREE30_PERSONAL_MISSING, 'warning', 'package', 'the main document carries no valid personal signature'));
  if (!mainOrganisational) findings.push(finding(ReasonCode.DECREE30_ORGANISATIONAL_MISSING, 'warning', 'package', 'the main document carries no valid organisational signature'));
  for (const i of attachmentsWithoutOrganisational) {
    findings.push(finding(ReasonCode.DECREE30_ORGANISATIONAL_MISSING, 'warning', 'package', `attachment #${i + 1}${attachments[i]?.name ? ` (${attachments[i]?.name})` : ''} carries no valid organisational signature`));
  }
  const decree30: Decree30Verdict = { compliant: findings.length === 0, mainPersonal, mainOrganisational, attachmentsWithoutOrganisational, findings };
  return { status: combine([input.main.status, ...attachments.map((a) => a.status)]), main: input.main, attachments, decree30 };
}

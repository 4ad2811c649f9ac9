import { isValidAgencyCode } from '@vdx/agency-code';
import type { PackageFinding } from '@vdx/contracts';
import { FindingCodes } from '@vdx/edxml';
import type { Normalisation } from './package-facts';

/**
 * Finding codes a deployment refuses although the axis could carry them (docs/adr/0012-lenient-intake.md):
 * for every sender, or for the listed senders only. Empty by default: the incumbent's behaviour.
 */
export interface StrictFindings {
  readonly everyone: readonly string[];
  /** Sender agency code → finding codes refused from that sender. */
  readonly bySender: Readonly<Record<string, readonly string[]>>;
}

export const LENIENT: StrictFindings = Object.freeze({ everyone: [], bySender: {} });

// Findings that leave a package impossible to carry safely, whatever the policy. Each is the
// reader's error; the reader's other errors are content deviations and are carried.
const NEVER_CARRIED: Readonly<Record<string, string>> = {
  [FindingCodes.MISSING_RESPONSE_FOR]: 'a status must name the document it is about',
  [FindingCodes.UNKNOWN_STATUS_CODE]: 'the status has no meaning on the axis',
  [FindingCodes.UNKNOWN_BUSINESS_TYPE]: 'it cannot be told whether the document is new or revokes, updates or replaces one',
  [FindingCodes.MANIFEST_ATTACHMENT_MISMATCH]: 'the manifest and the attachments disagree, so the package is not whole',
};

// Required values without which a package cannot be identified or correlated.
const IDENTITY_FIELDS: readonly (readonly [RegExp, string])[] = [
  [/\/MessageHeader\/DocumentId$/, 'a document without DocumentId cannot be told from another one, nor answered'],
  [/\/(?:MessageHeader|Status)\/ResponseFor\/DocumentId$/, 'a status must name the document it is about'],
  [/\/(?:MessageHeader|Status)\/StatusCode$/, 'the status has no code'],
  [/\/TraceHeaderList\/Bus+iness\/DocumentId$/, 'a revoke, update or replace must name the earlier document'],
];

/**
 * Why a finding makes its package impossible to carry safely, or undefined when the package can
 * be carried with it. Only findings the reader rates as errors can be.
 */
export function uncarriable(finding: PackageFinding): string | undefined {
  if (finding.severity !== 'error') return undefined;
  if (finding.code === FindingCodes.MISSING_FIELD) return IDENTITY_FIELDS.find(([path]) => path.test(finding.path))?.[1];
  return NEVER_CARRIED[finding.code];
}

/** Whether the policy refuses this finding code from this sender. */
export function isStrict(policy: StrictFindings, code: string, senderCode: string): boolean {
  return policy.everyone.includes(code) || (policy.bySender[senderCode]?.includes(code) ?? false);
}

/** A finding as the gateway reports it: `error` when it refuses the package, else `warning`. */
export function asDecided(finding: PackageFinding, refuses: boolean, normalisations: readonly Normalisation[]): PackageFinding {
  const n = normalisations.find((x) => x.path === finding.path);
  const message = n ? `${finding.message}; the axis reads it as ${n.readAs}` : finding.message;
  return { ...finding, severity: refuses ? 'error' : 'warning', message };
}

/**
 * Parses the strictness setting: a comma-separated list of finding codes, each refused for every
 * sender (`EDXML.TOO_LONG`) or, with `@<agency code>`, for that sender only
 * (`EDXML.INVALID_DATE@000.00.00.H53`). Returns every problem at once.
 */
export function parseStrictFindings(text: string): { ok: true; policy: StrictFindings } | { ok: false; problems: string[] } {
  const known = new Set<string>(Object.values(FindingCodes));
  const everyone = new Set<string>();
  const bySender = new Map<string, Set<string>>();
  const problems: string[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const [code = '', sender, ...rest] = entry.split('@').map((p) => p.trim());
    if (!known.has(code)) {
      problems.push(`"${entry}": ${code === '' ? 'no finding code' : `${code} is not a finding code`} (one of ${[...known].join(', ')})`);
      continue;
    }
    if (rest.length > 0 || sender === '' || (sender !== undefined && !isValidAgencyCode(sender))) {
      problems.push(`"${entry}": expected <finding code>@<agency code>, e.g. ${code}@000.00.00.H53`);
      continue;
    }
    if (sender === undefined) everyone.add(code);
    else bySender.set(sender, (bySender.get(sender) ?? new Set()).add(code));
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, policy: { everyone: [...everyone], bySender: Object.fromEntries([...bySender].map(([s, codes]) => [s, [...codes]])) } };
}

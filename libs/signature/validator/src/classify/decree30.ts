import { parseCertificate, type ParsedCertificate } from '../cert/certificate';
import { DEFAULT_LIMITS } from '../limits';
import { ValidatorError, ValidatorErrorCode } from '../validator.error';

/** Decree 30/2020 kinds: the competent person's signature, the organisation's (seal), or neither. */
export type SignatureKind = 'personal' | 'organisational' | 'unknown';

/**
 * One classification rule. It matches when every condition it has holds: the certificate
 * carries one of `policyOids`, and each `subject` attribute (short name such as `O`, `OU`,
 * `CN`, `T`, `UID`, or a dotted OID) has a value matching its pattern (a RegExp, or a string
 * compared case-insensitively after collapsing whitespace).
 */
export interface ClassificationRule {
  readonly kind: 'personal' | 'organisational';
  /** A label kept in the verdict (which rule decided). */
  readonly name?: string;
  readonly policyOids?: readonly string[];
  readonly subject?: Readonly<Record<string, RegExp | string>>;
}

/** Ordered rules: the first that matches decides. */
export interface ClassificationRules {
  readonly rules: readonly ClassificationRule[];
}

/** The kind of a signature and the rule that decided it. */
export interface Classification {
  readonly kind: SignatureKind;
  readonly rule?: string;
}

/**
 * Checks rules once, at configuration time: throws `VALIDATOR.BAD_RULE` for a rule without
 * any condition (it would match every certificate) or with an unknown kind.
 */
export function defineClassificationRules(rules: readonly ClassificationRule[]): ClassificationRules {
  rules.forEach((rule, i) => {
    if (rule.kind !== 'personal' && rule.kind !== 'organisational') throw new ValidatorError(ValidatorErrorCode.BAD_RULE, `rule #${i + 1}: unknown kind ${String(rule.kind)}`);
    const conditions = (rule.policyOids?.length ?? 0) + Object.keys(rule.subject ?? {}).length;
    if (conditions === 0) throw new ValidatorError(ValidatorErrorCode.BAD_RULE, `rule #${i + 1} (${rule.kind}) has no condition`);
  });
  return { rules };
}

/**
 * Classifies a signing certificate (parsed, or DER) under Decree 30 rules; `unknown` when no
 * rule matches, the certificate cannot be read, or no rules are given. Pure.
 */
export function classify(cert: ParsedCertificate | Uint8Array, rules: ClassificationRules | undefined): Classification {
  if (!rules) return { kind: 'unknown' };
  const parsed = cert instanceof Uint8Array ? parseCertificate(cert, DEFAULT_LIMITS) : { ok: true as const, cert };
  if (!parsed.ok) return { kind: 'unknown' };
  for (const [i, rule] of rules.rules.entries()) {
    if (matches(parsed.cert, rule)) return { kind: rule.kind, rule: rule.name ?? `#${i + 1}` };
  }
  return { kind: 'unknown' };
}

function matches(cert: ParsedCertificate, rule: ClassificationRule): boolean {
  const conditions = (rule.policyOids?.length ?? 0) + Object.keys(rule.subject ?? {}).length;
  if (conditions === 0) return false;
  if (rule.policyOids && rule.policyOids.length > 0 && !rule.policyOids.some((oid) => cert.policies.includes(oid))) return false;
  for (const [attribute, pattern] of Object.entries(rule.subject ?? {})) {
    const values = cert.subject.attributes.filter((a) => a.name === attribute || a.type === attribute).map((a) => a.value);
    if (!values.some((v) => (typeof pattern === 'string' ? fold(v) === fold(pattern) : v.search(pattern) >= 0))) return false;
  }
  return true;
}

function fold(s: string): string {
  return s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

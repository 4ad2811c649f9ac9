// The signature service of `npm start` verifies signatures cryptographically, as a deployment
// does: against the sandbox document-signing hierarchy of `vdx pki signing`, made once under
// `.local/pki/signing` and reused by every later start (documents signed with its keys stay
// verifiable).
import { CodedError } from '@vdx/contracts/errors';
import { certificateFingerprint } from '@vdx/pki';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeSigningHierarchy } from '../cli/pki';

/** A sandbox signing directory whose trust anchors cannot be read as a certificate. */
export class SandboxSigningError extends CodedError<'DEV.SANDBOX_SIGNING_UNREADABLE'> {
  override readonly name = 'SandboxSigningError';
  constructor(file: string, dir: string, cause: unknown) {
    super('DEV.SANDBOX_SIGNING_UNREADABLE', `${file} is not a certificate bundle (${cause instanceof Error ? cause.message : String(cause)}); remove ${dir} and start again for a new sandbox signing hierarchy`, { path: file, cause });
  }
}

/** The sandbox signing hierarchy `npm start` trusts. */
export interface SandboxSigning {
  readonly dir: string;
  /** Whether this start made it (else an earlier one did, or `vdx pki signing`). */
  readonly created: boolean;
  /** `trust-anchors.pem`: the signers' trust anchors (the sandbox root). */
  readonly trustAnchors: string;
  /** `tsa-trust-anchors.pem`, or null for a directory without one (timestamps are then checked against the trust anchors). */
  readonly tsaTrustAnchors: string | null;
  /** The root certificate's fingerprint (SHA-256, as `vdx pki` prints it). */
  readonly rootFingerprint: string;
}

/**
 * The sandbox signing hierarchy in `dir`: the one already there (a directory holding
 * `trust-anchors.pem` holds every role: `vdx pki signing` writes the bundles last), else a new
 * one (ECDSA P-256). Never replaces what it finds.
 */
export async function ensureSandboxSigning(dir: string): Promise<SandboxSigning> {
  const trustAnchors = join(dir, 'trust-anchors.pem');
  const created = !existsSync(trustAnchors);
  if (created) await writeSigningHierarchy({ dir, key: 'ecdsa-p256', force: false });
  const tsa = join(dir, 'tsa-trust-anchors.pem');
  let rootFingerprint: string;
  try {
    rootFingerprint = certificateFingerprint(readFileSync(trustAnchors, 'utf8'));
  } catch (e) {
    throw new SandboxSigningError(trustAnchors, dir, e);
  }
  return { dir, created, trustAnchors, tsaTrustAnchors: existsSync(tsa) ? tsa : null, rootFingerprint };
}

/**
 * How long `npm start`'s signature service waits for an OCSP, CRL or caIssuers server. The
 * sandbox hierarchy names none, so its signers cost no look-up; a certificate from elsewhere may
 * name servers this machine cannot reach, and a silent one must not hold the local pipeline
 * (the service's own defaults, 5 s a request and 20 s a package, suit a deployment's network).
 */
export const LOCAL_NETWORK_TIMEOUT_MS = 2000;
export const LOCAL_PACKAGE_BUDGET_MS = 5000;

/**
 * The signature service's variables under `npm start`: the cryptographic verifier, the sandbox
 * bundles and the local look-up bounds, each only where `given` (the developer's environment)
 * sets nothing: `SIGNATURE_VERIFIER=integrity` or other trust anchors stay theirs. The trust
 * anchors and the TSA trust anchors go together: given anchors of their own, the sandbox's TSA
 * bundle is not added to them.
 */
export function sandboxSignatureEnv(signing: SandboxSigning, given: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const unset = (name: string) => given[name] === undefined || given[name] === '';
  const env: Record<string, string> = {};
  if (unset('SIGNATURE_VERIFIER')) env['SIGNATURE_VERIFIER'] = 'cryptographic';
  if (unset('SIGNATURE_TRUST_ANCHORS_PATH')) {
    env['SIGNATURE_TRUST_ANCHORS_PATH'] = signing.trustAnchors;
    if (signing.tsaTrustAnchors && unset('SIGNATURE_TSA_TRUST_ANCHORS_PATH')) env['SIGNATURE_TSA_TRUST_ANCHORS_PATH'] = signing.tsaTrustAnchors;
  }
  if (unset('SIGNATURE_NETWORK_TIMEOUT_MS')) env['SIGNATURE_NETWORK_TIMEOUT_MS'] = String(LOCAL_NETWORK_TIMEOUT_MS);
  if (unset('SIGNATURE_PACKAGE_BUDGET_MS')) env['SIGNATURE_PACKAGE_BUDGET_MS'] = String(LOCAL_PACKAGE_BUDGET_MS);
  return env;
}

/** What `npm start` prints about the signature service's verifier, given what {@link sandboxSignatureEnv} added to `given`. */
export function signatureLines(signing: SandboxSigning, added: Readonly<Record<string, string>>, given: Readonly<Record<string, string | undefined>>, root: string): string[] {
  const value = (name: string): string | undefined => added[name] ?? (given[name] || undefined);
  const where = relative(root, signing.dir);
  const made = `signing sandbox in ${where}: ${signing.created ? 'created a new hierarchy' : 'reusing the hierarchy'} (root fingerprint ${signing.rootFingerprint})`;
  const verifier = value('SIGNATURE_VERIFIER') ?? 'integrity';
  if (verifier !== 'cryptographic') return [made, `signature runs SIGNATURE_VERIFIER=${verifier} (set in the environment): signatures are not verified`];
  const anchors = value('SIGNATURE_TRUST_ANCHORS_PATH') ?? '';
  const refused = (value('SIGNATURE_REFUSE') ?? '').split(',').map((s) => s.trim());
  return [
    made,
    `signature verifies every signature against ${anchors === signing.trustAnchors ? `the sandbox's ${relative(root, anchors)}` : anchors} (SIGNATURE_VERIFIER=cryptographic)`,
    `the sandbox names no OCSP or CRL server: revocation of its signers is unavailable, so a good signature of theirs is unknown (indeterminate), ${refused.includes('indeterminate') ? 'and SIGNATURE_REFUSE=indeterminate refuses its package' : 'and its package is delivered'}; look-ups elsewhere are cut at ${value('SIGNATURE_NETWORK_TIMEOUT_MS') ?? '5000'} ms each, ${value('SIGNATURE_PACKAGE_BUDGET_MS') ?? '20000'} ms a package`,
  ];
}

import type { Logger } from '@nestjs/common';
import type { BlobStore } from '@vdx/blob-store';
import type { EvidenceRef } from '@vdx/contracts';
import { CodedError, type CodedErrorOptions } from '@vdx/contracts/errors';
import { createNetworkSources, pooledThenFetched, type LookupProblem, type NetworkSources } from '@vdx/signature-network';
import { CryptographicVerifier, EVIDENCE_CONTENT_TYPE, IntegrityVerifier, type PackageVerifier } from '@vdx/signature-domain';
import {
  defineClassificationRules,
  InMemoryIntermediateSource,
  trustAnchorsFromPem,
  type ClassificationRule,
  type ClassificationRules,
  type IntermediateSource,
  type TrustAnchors,
  type VerificationContext,
} from '@vdx/signature-validator';
import { readFileSync } from 'node:fs';

/** The package statuses a deployment may refuse. */
export const REFUSABLE_STATUSES = ['invalid', 'indeterminate', 'unsigned'] as const;

/** The settings of the cryptographic verifier. */
export interface CryptographicSettings {
  readonly mode: 'cryptographic';
  /** PEM bundle of the trust anchors (NEAC, the Government Cipher Committee's CA). */
  readonly trustAnchorsPath: string;
  /** Optional PEM bundle of the TSA trust anchors: timestamps are then checked against these alone; absent, against `trustAnchorsPath`'s. */
  readonly tsaTrustAnchorsPath?: string;
  /** Optional PEM bundle of intermediates, asked before the network. */
  readonly intermediatesPath?: string;
  /** Optional JSON file: an array of `{ kind, name?, policyOids?, subject? }` Decree 30 rules (subject values match exactly). */
  readonly rulesPath?: string;
  readonly refuse: readonly (typeof REFUSABLE_STATUSES)[number][];
  readonly requireTimestamp: boolean;
  /** Attachment bytes held in memory per package; larger attachments are spooled to files under `spoolDir`. */
  readonly maxBytesInMemory: number;
  /** Where attachments beyond `maxBytesInMemory` are spooled; default the system's temporary directory. */
  readonly spoolDir?: string;
  /** Hosts OCSP, CRL and caIssuers URLs may name; empty: any. */
  readonly allowedHosts: readonly string[];
  readonly requestTimeoutMs: number;
  readonly packageBudgetMs: number;
  /** Store each evidence record in the blob store and name it in the verdict. */
  readonly keepEvidence: boolean;
}

/** Which verifier the service runs, and what the cryptographic one is configured with. */
export type VerificationSettings = { readonly mode: 'integrity' } | CryptographicSettings;

/** Coded refusal of a configuration the verifier cannot start with (`SIGNATURE.BAD_CONFIG`). */
export class VerificationConfigError extends CodedError<'SIGNATURE.BAD_CONFIG'> {
  override readonly name = 'VerificationConfigError';
  constructor(message: string, options?: CodedErrorOptions) {
    super('SIGNATURE.BAD_CONFIG', message, options);
  }
}

/** What the files of the settings hold, read and checked once. */
export interface VerificationMaterial {
  readonly trustAnchors: TrustAnchors;
  /** The configured TSA trust anchors, or null (timestamps are then checked against `trustAnchors`). */
  readonly tsaTrustAnchors: TrustAnchors | null;
  /** The configured intermediates, or null. */
  readonly pool: IntermediateSource | null;
  readonly classification: ClassificationRules;
}

/** The message of anything thrown (an fs error may come from another realm, so not `instanceof Error`). */
function messageOf(e: unknown): string {
  const m = (e as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(e);
}

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new VerificationConfigError(`cannot read the ${what} at ${path}: ${messageOf(e)}`);
  }
}

/** Runs `build`, turning a validator or network refusal into `SIGNATURE.BAD_CONFIG` naming what was wrong. */
function unusable<T>(what: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof VerificationConfigError) throw e;
    const code = typeof (e as { code?: unknown }).code === 'string' ? `${(e as { code: string }).code}: ` : '';
    throw new VerificationConfigError(`${what} is unusable: ${code}${messageOf(e)}`, { cause: e });
  }
}

const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/** The Decree 30 rules of a JSON file, each checked for shape (subject values are exact strings). */
function rulesFrom(text: string, path: string): ClassificationRule[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new VerificationConfigError(`the classification rules at ${path} are not JSON: ${messageOf(e)}`);
  }
  if (!Array.isArray(raw)) throw new VerificationConfigError(`the classification rules at ${path} must be a JSON array`);
  return raw.map((rule: unknown, i) => {
    const bad = (why: string): never => {
      throw new VerificationConfigError(`classification rule #${i + 1} at ${path}: ${why}`);
    };
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return bad('not an object');
    const r = rule as Record<string, unknown>;
    const unknownKeys = Object.keys(r).filter((k) => !['kind', 'name', 'policyOids', 'subject'].includes(k));
    if (unknownKeys.length > 0) bad(`unknown field ${unknownKeys.join(', ')}`);
    if (r['kind'] !== 'personal' && r['kind'] !== 'organisational') bad(`kind must be "personal" or "organisational", not ${JSON.stringify(r['kind'])}`);
    if (r['name'] !== undefined && typeof r['name'] !== 'string') bad('name must be a string');
    const oids = r['policyOids'];
    if (oids !== undefined && (!Array.isArray(oids) || !oids.every((o) => typeof o === 'string' && OID.test(o)))) bad('policyOids must be an array of dotted OIDs');
    const subject = r['subject'];
    if (subject !== undefined && (subject === null || typeof subject !== 'object' || Array.isArray(subject) || !Object.values(subject).every((v) => typeof v === 'string'))) bad('subject must map attribute names to strings');
    return r as unknown as ClassificationRule;
  });
}

/** Checks the settings of a caller that did not come through the service's config schema. */
function checkSettings(settings: CryptographicSettings): void {
  if (typeof settings.trustAnchorsPath !== 'string' || settings.trustAnchorsPath === '') throw new VerificationConfigError('the cryptographic verifier needs a trust anchor bundle (trustAnchorsPath)');
  const tsa: unknown = settings.tsaTrustAnchorsPath;
  if (tsa !== undefined && (typeof tsa !== 'string' || tsa === '')) throw new VerificationConfigError(`tsaTrustAnchorsPath must name a PEM bundle, not ${JSON.stringify(tsa)} (leave it out to check timestamps against the trust anchors)`);
  const wrong = settings.refuse.filter((s) => !REFUSABLE_STATUSES.includes(s));
  if (wrong.length > 0) throw new VerificationConfigError(`refuse names unknown statuses: ${wrong.join(', ')} (${REFUSABLE_STATUSES.join(', ')})`);
  for (const [name, value] of [['maxBytesInMemory', settings.maxBytesInMemory], ['requestTimeoutMs', settings.requestTimeoutMs], ['packageBudgetMs', settings.packageBudgetMs]] as const) {
    if (!Number.isInteger(value) || value <= 0) throw new VerificationConfigError(`${name} must be a positive whole number, not ${String(value)}`);
  }
}

/** Reads and checks the trust anchors, TSA trust anchors, intermediates and rules of the settings; throws `SIGNATURE.BAD_CONFIG`. */
export function loadVerificationMaterial(settings: CryptographicSettings): VerificationMaterial {
  checkSettings(settings);
  const anchorsPem = read(settings.trustAnchorsPath, 'trust anchor bundle');
  const trustAnchors = unusable(`the trust anchor bundle at ${settings.trustAnchorsPath}`, () => trustAnchorsFromPem(anchorsPem));
  const tsaPath = settings.tsaTrustAnchorsPath;
  const tsaTrustAnchors = tsaPath ? unusable(`the TSA trust anchor bundle at ${tsaPath}`, () => trustAnchorsFromPem(read(tsaPath, 'TSA trust anchor bundle'))) : null;
  const intermediatesPath = settings.intermediatesPath;
  const pool = intermediatesPath ? unusable(`the intermediate bundle at ${intermediatesPath}`, () => new InMemoryIntermediateSource(read(intermediatesPath, 'intermediate bundle'))) : null;
  const rulesPath = settings.rulesPath;
  const rules = rulesPath ? rulesFrom(read(rulesPath, 'classification rules'), rulesPath) : [];
  const classification = unusable(`the classification rules at ${rulesPath ?? '(none)'}`, () => defineClassificationRules(rules));
  return { trustAnchors, tsaTrustAnchors, pool, classification };
}

/** The network adapters of the settings, once per process; throws `SIGNATURE.BAD_CONFIG` for a bad option. */
export function networkSourcesFor(settings: CryptographicSettings, onProblem?: (problem: LookupProblem) => void): NetworkSources {
  return unusable('the network settings', () =>
    createNetworkSources({
      fetcher: { timeoutMs: settings.requestTimeoutMs, ...(settings.allowedHosts.length > 0 ? { allowedHosts: settings.allowedHosts } : {}) },
      packageBudgetMs: settings.packageBudgetMs,
      ...(onProblem ? { onProblem } : {}),
    }),
  );
}

/** The context of one package, with the network's ports bound to a fresh package deadline. */
export function networkContext(settings: CryptographicSettings, material: VerificationMaterial, network: NetworkSources, now = new Date()): VerificationContext {
  const ports = network.forPackage();
  return {
    trustAnchors: material.trustAnchors,
    ...(material.tsaTrustAnchors ? { tsaTrustAnchors: material.tsaTrustAnchors } : {}),
    revocation: ports.revocation,
    intermediates: material.pool ? pooledThenFetched(material.pool, ports.intermediates) : ports.intermediates,
    classification: material.classification,
    now,
    requireTimestamp: settings.requireTimestamp,
  };
}

/** Stores an evidence record in the blob store; resolves with its blob reference (SHA-256, size, media type), what the verdict event carries. */
export function evidenceKeeper(blobs: BlobStore): (record: Uint8Array) => Promise<EvidenceRef> {
  return async (record) => {
    const ref = await blobs.put((async function* () { yield record; })(), { contentType: EVIDENCE_CONTENT_TYPE });
    return { sha256: ref.sha256, size: ref.size, contentType: ref.contentType ?? EVIDENCE_CONTENT_TYPE };
  };
}

/**
 * The verifier the settings name (`integrity` when absent). Throws `SIGNATURE.BAD_CONFIG`
 * (`VerificationConfigError`) for an unknown mode, a file that cannot be read, a bundle or rule
 * the validator refuses (its `VALIDATOR.*` code in the message), or a bad network option.
 */
export function createVerifier(settings: VerificationSettings | undefined, blobs: BlobStore, logger: Pick<Logger, 'debug'>): PackageVerifier {
  if (!settings || settings.mode === 'integrity') return new IntegrityVerifier();
  if ((settings as { mode: unknown }).mode !== 'cryptographic') throw new VerificationConfigError(`unknown verification mode ${JSON.stringify((settings as { mode: unknown }).mode)} (integrity or cryptographic)`);
  const material = loadVerificationMaterial(settings);
  const network = networkSourcesFor(settings, (p) => logger.debug?.(`${p.source} ${p.code} ${p.url ?? ''} (${p.subject ?? ''}): ${p.message}`));
  return new CryptographicVerifier({
    context: () => networkContext(settings, material, network),
    maxBytesInMemory: settings.maxBytesInMemory,
    ...(settings.spoolDir ? { spoolDir: settings.spoolDir } : {}),
    refuse: settings.refuse,
    ...(settings.keepEvidence ? { keepEvidence: evidenceKeeper(blobs) } : {}),
  });
}

import { Logger } from '@nestjs/common';
import type { BlobStore } from '@vdx/blob-store';
import { createNetworkSources, pooledThenFetched } from '@vdx/signature-network';
import { CryptographicVerifier, IntegrityVerifier, type PackageVerifier } from '@vdx/signature-domain';
import { defineClassificationRules, InMemoryIntermediateSource, trustAnchorsFromPem, type ClassificationRule, type IntermediateSource } from '@vdx/signature-validator';
import { readFileSync } from 'node:fs';

/** Which verifier the service runs, and what the cryptographic one is configured with. */
export type VerificationSettings =
  | { readonly mode: 'integrity' }
  | {
      readonly mode: 'cryptographic';
      /** PEM bundle of the trust anchors (NEAC, the Government Cipher Committee's CA). */
      readonly trustAnchorsPath: string;
      /** Optional PEM bundle of intermediates, asked before the network. */
      readonly intermediatesPath?: string;
      /** Optional JSON file: an array of `{ kind, name?, policyOids?, subject? }` Decree 30 rules (subject values match exactly). */
      readonly rulesPath?: string;
      readonly refuse: readonly ('invalid' | 'indeterminate' | 'unsigned')[];
      readonly requireTimestamp: boolean;
      readonly maxBytesInMemory: number;
      /** Hosts OCSP, CRL and caIssuers URLs may name; empty: any. */
      readonly allowedHosts: readonly string[];
      readonly requestTimeoutMs: number;
      readonly packageBudgetMs: number;
      /** Store each evidence record in the blob store and name it in the verdict. */
      readonly keepEvidence: boolean;
    };

/** Coded refusal of a configuration the verifier cannot start with. */
export class VerificationConfigError extends Error {
  readonly code = 'SIGNATURE.BAD_CONFIG';
}

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new VerificationConfigError(`cannot read the ${what} at ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The verifier the settings name; throws `SIGNATURE.BAD_CONFIG` (or the validator's `VALIDATOR.*`) for unusable files. */
export function createVerifier(settings: VerificationSettings | undefined, blobs: BlobStore, logger: Logger): PackageVerifier {
  if (!settings || settings.mode === 'integrity') return new IntegrityVerifier();
  const trustAnchors = trustAnchorsFromPem(read(settings.trustAnchorsPath, 'trust anchor bundle'));
  const pool: IntermediateSource | null = settings.intermediatesPath ? new InMemoryIntermediateSource(read(settings.intermediatesPath, 'intermediate bundle')) : null;
  let rules: ClassificationRule[] = [];
  if (settings.rulesPath) {
    try {
      rules = JSON.parse(read(settings.rulesPath, 'classification rules')) as ClassificationRule[];
    } catch (e) {
      if (e instanceof VerificationConfigError) throw e;
      throw new VerificationConfigError(`the classification rules at ${settings.rulesPath} are not JSON`);
    }
    if (!Array.isArray(rules)) throw new VerificationConfigError('the classification rules must be a JSON array');
  }
  const classification = defineClassificationRules(rules);
  const network = createNetworkSources({
    fetcher: { timeoutMs: settings.requestTimeoutMs, ...(settings.allowedHosts.length > 0 ? { allowedHosts: settings.allowedHosts } : {}) },
    packageBudgetMs: settings.packageBudgetMs,
    onProblem: (p) => logger.debug?.(`${p.source} ${p.code} ${p.url ?? ''} (${p.subject ?? ''}): ${p.message}`),
  });
  return new CryptographicVerifier({
    context: () => {
      const ports = network.forPackage();
      return {
        trustAnchors,
        revocation: ports.revocation,
        intermediates: pool ? pooledThenFetched(pool, ports.intermediates) : ports.intermediates,
        classification,
        now: new Date(),
        requireTimestamp: settings.requireTimestamp,
      };
    },
    maxBytesInMemory: settings.maxBytesInMemory,
    refuse: settings.refuse,
    ...(settings.keepEvidence
      ? {
          keepEvidence: async (record: Uint8Array) => {
            const ref = await blobs.put((async function* () { yield record; })(), { contentType: 'application/vnd.vdx.signature-evidence+json' });
            return ref.sha256;
          },
        }
      : {}),
  });
}

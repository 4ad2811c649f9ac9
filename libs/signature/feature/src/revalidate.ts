import type { BlobStore } from '@vdx/blob-store';
import { CryptographicVerifier, EVIDENCE_CONTENT_TYPE, evidenceMaterial, readEvidenceRecord, type EvidenceRecord, type Verdict, type VerificationInput } from '@vdx/signature-domain';
import { EvidenceRevocationSource, type LookupProblem, type NetworkSources } from '@vdx/signature-network';
import { InMemoryIntermediateSource, type IntermediateSource, type VerificationContext } from '@vdx/signature-validator';
import { createHash } from 'node:crypto';
import { loadVerificationMaterial, networkContext, networkSourcesFor, type CryptographicSettings, type VerificationMaterial } from './verifier-factory';

/**
 * Where a re-validation takes what is not in the document: the network as it answers now
 * (`network`), or only the answers and certificates an earlier evidence record holds, judged
 * at that record's validation time (`evidence`, no network at all).
 */
export type RevalidationSource = { readonly kind: 'network'; readonly network?: NetworkSources; readonly now?: Date } | { readonly kind: 'evidence'; readonly record: EvidenceRecord };

export interface RevalidationOptions {
  readonly blobs: BlobStore;
  /** The package as the gateway accepted it (its `PackageAccepted`). */
  readonly input: VerificationInput;
  readonly settings: CryptographicSettings;
  readonly from: RevalidationSource;
  /** Told what a revocation or AIA look-up could not use. */
  readonly onProblem?: (problem: LookupProblem) => void;
  /** Already loaded material (tests, a long-lived process); read from the settings' files otherwise. */
  readonly material?: VerificationMaterial;
}

export interface RevalidationOutcome {
  /** The verdict the service would record now, with its checks (its `evidence`, and the `evidence` check, name the new record's SHA-256: not stored). */
  readonly verdict: Verdict;
  /** The new evidence record; null when no signature was verified (an integrity failure, a status package). */
  readonly record: EvidenceRecord | null;
  readonly recordBytes: Uint8Array | null;
  /** When the validation is taken to run: now, or the recorded validation time. */
  readonly validatedAt: Date;
}

/**
 * Runs the cryptographic verifier again over a stored package body, with the revocation and
 * intermediates of `from`. Nothing is stored and nothing is appended: the caller decides what
 * to do with the new verdict. Throws the blob store's `BLOB.NOT_FOUND` when the body is gone,
 * `SIGNATURE.BAD_CONFIG` for unusable settings, `SIGNATURE.BAD_EVIDENCE` for an unusable record.
 */
export async function revalidatePackage(opts: RevalidationOptions): Promise<RevalidationOutcome> {
  const material = opts.material ?? loadVerificationMaterial(opts.settings);
  const { context, validatedAt } = contextFor(opts, material);
  let recordBytes: Uint8Array | null = null;
  const verifier = new CryptographicVerifier({
    context: () => context,
    maxBytesInMemory: opts.settings.maxBytesInMemory,
    ...(opts.settings.spoolDir ? { spoolDir: opts.settings.spoolDir } : {}),
    refuse: opts.settings.refuse,
    keepEvidence: async (record) => {
      recordBytes = record;
      return { sha256: createHash('sha256').update(record).digest('hex'), size: record.length, contentType: EVIDENCE_CONTENT_TYPE };
    },
  });
  const body = (await opts.blobs.get(opts.input.ref.bodySha256)) as AsyncIterable<Uint8Array>;
  const verdict = await verifier.verify(opts.input, body);
  const bytes = recordBytes as Uint8Array | null;
  return { verdict, record: bytes ? readEvidenceRecord(bytes) : null, recordBytes: bytes, validatedAt };
}

function contextFor(opts: RevalidationOptions, material: VerificationMaterial): { context: VerificationContext; validatedAt: Date } {
  const from = opts.from;
  if (from.kind === 'network') {
    const now = from.now ?? new Date();
    const network = from.network ?? networkSourcesFor(opts.settings, opts.onProblem);
    return { context: networkContext(opts.settings, material, network, now), validatedAt: now };
  }
  const recorded = evidenceMaterial(from.record);
  const revocation = new EvidenceRevocationSource(recorded.revocation, { at: recorded.validatedAt, ...(opts.onProblem ? { onProblem: opts.onProblem } : {}) });
  const inRecord = recorded.certificates.length > 0 ? new InMemoryIntermediateSource(recorded.certificates) : null;
  const intermediates: IntermediateSource | undefined = firstOf(inRecord, material.pool);
  return {
    context: {
      trustAnchors: material.trustAnchors,
      // The recorded timestamp is judged as when it was recorded: against the TSA anchors, if any.
      ...(material.tsaTrustAnchors ? { tsaTrustAnchors: material.tsaTrustAnchors } : {}),
      revocation,
      ...(intermediates ? { intermediates } : {}),
      classification: material.classification,
      now: recorded.validatedAt,
      requireTimestamp: opts.settings.requireTimestamp,
    },
    validatedAt: recorded.validatedAt,
  };
}

/** The recorded certificates first, then the configured pool; never the network. */
function firstOf(a: IntermediateSource | null, b: IntermediateSource | null): IntermediateSource | undefined {
  if (!a || !b) return a ?? b ?? undefined;
  return {
    async findIssuers(query) {
      const known = await a.findIssuers(query).catch(() => []);
      return known.length > 0 ? known : b.findIssuers(query);
    },
  };
}

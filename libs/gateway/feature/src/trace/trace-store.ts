import type { UnroutableRecipient } from '@vdx/contracts';
import type { Db } from 'mongodb';
import { TRACES_COLLECTION, TRACE_STAGES, type SignatureStage, type TraceEventType, type TraceStage } from './trace.projection';

export interface PackageTrace {
  readonly packageId: string;
  readonly senderCode: string | null;
  readonly documentId: string | null;
  /** The furthest stage reached. */
  readonly stage: TraceStage;
  readonly errorCode: string;
  readonly reason: string;
  /** The stages reached and the last re-validation (`rechecked`), in time order. */
  readonly events: readonly { at: string; type: TraceEventType; detail: string }[];
  readonly unroutable: readonly UnroutableRecipient[];
  /** The signature service's verdict; null before it decided (or for a trace projected before it was kept). */
  readonly signature: (SignatureStage & { readonly evidence: string }) | null;
}

/** Reads the trace read model. */
export class TraceStore {
  constructor(
    private readonly db: Db,
    private readonly collection = TRACES_COLLECTION,
  ) {}

  async get(packageId: string): Promise<PackageTrace | null> {
    const doc = await this.db.collection(this.collection).findOne({ _id: packageId as never });
    if (!doc) return null;
    const stages = (doc['stages'] ?? {}) as Partial<Record<TraceEventType, { at: string; detail: string }>>;
    const reached = TRACE_STAGES.filter((s) => stages[s] !== undefined);
    const listed: TraceEventType[] = stages.rechecked ? [...reached, 'rechecked'] : reached;
    return {
      packageId,
      senderCode: (doc['senderCode'] as string | null | undefined) ?? null,
      documentId: (doc['documentId'] as string | null | undefined) ?? null,
      stage: reached[reached.length - 1] ?? 'accepted',
      errorCode: (doc['errorCode'] as string | undefined) ?? '',
      reason: (doc['reason'] as string | undefined) ?? '',
      events: listed.map((type) => ({ type, at: stages[type]!.at, detail: stages[type]!.detail })).sort((a, b) => a.at.localeCompare(b.at)),
      unroutable: (doc['unroutable'] as UnroutableRecipient[] | undefined) ?? [],
      signature: signatureOf(doc['signature'] as SignatureStage | undefined),
    };
  }
}

function signatureOf(stage: SignatureStage | undefined): PackageTrace['signature'] {
  if (!stage) return null;
  const evidence = stage.checks.find((c) => c.name === 'evidence' && c.result === 'passed')?.detail ?? '';
  return { verifier: stage.verifier, cryptographic: stage.cryptographic, checks: stage.checks, evidence };
}

import { DocumentChangedEvent, DocumentWithdrawnEvent, PackageRoutedEvent, RoutingRejectedEvent, SignatureVerifiedEvent, createEvent, documentKey, isEvent, laneOf, laneTopic, type EventEnvelope } from '@vdx/contracts';
import { StagedPartitions, type ReadPartition } from '@vdx/event-sourcing';
import type { ConsumedEvent, Outgoing } from '@vdx/messaging';
import { NO_LIFECYCLE, PACKAGE_ROUTED, documentAfter, needsLifecycleFacts, routePackage, statusAfter, withdrawalsOf, type DirectoryView, type RoutedDocument } from '@vdx/routing-domain';
import type { DocumentRegistry } from './document-registry';
import type { ReadLifecycle } from './package-lifecycle';

/** A document as routing's owner holds it: the state, and the sequence of its latest event. */
interface HeldDocument {
  readonly document: RoutedDocument;
  readonly version: number;
}

type PartitionDocuments = Map<string, HeldDocument>;

export interface RoutingOwnerOptions {
  readonly topic: string;
  /** Reads routing's events of one partition from offset zero (the owner's restore). */
  readonly readPartition: ReadPartition;
  /** An update's receiver list and a replacement's list, from its body; default: none. */
  readonly readLifecycle?: ReadLifecycle;
}

/** The document's state as its event carries it. */
export function documentOf(e: EventEnvelope): RoutedDocument | null {
  if (!isEvent(DocumentChangedEvent, e)) return null;
  const p = e.payload;
  const progress = Object.fromEntries(p.progress.map((x) => [x.recipientCode, { last: x.last, recall: x.recall as 'none' | 'requested' | 'agreed' | 'refused' }]));
  return { documentId: p.documentId, senderCode: p.senderCode, recipientCodes: [...p.recipientCodes], ...(p.progress.length > 0 ? { progress } : {}) };
}

/**
 * The routing service's step, as the single writer of the documents of its partitions
 * (docs/adr/0006-partition-owners.md). Verdicts arrive keyed by the document, so every package
 * about one document (the document, its statuses, its recalls) is decided here, in order. Each
 * is decided against the directory cache and the document's state folded from routing's own
 * `DocumentChanged` events; the decision (PackageRouted or RoutingRejected) and the document's
 * new state are appended together, and the state is kept only once the transaction committed.
 * A document on another partition (the one an update or a replacement builds on) is read from
 * the `routing_documents` projection. Rejected verdicts are not routed.
 *
 * A revoke, an update's receiver list or a replacement that withdraws an earlier document adds
 * `DocumentWithdrawn` (aggregate: the package, after its PackageRouted) keyed by that document,
 * so the delivery owner of its copies withdraws them, on whatever partition they are.
 */
export class RoutingOwner {
  private readonly partitions: StagedPartitions<HeldDocument>;

  constructor(
    private readonly directory: DirectoryView,
    private readonly projected: Pick<DocumentRegistry, 'get'>,
    private readonly opts: RoutingOwnerOptions,
  ) {
    this.partitions = new StagedPartitions(async (partition) => {
      const docs: PartitionDocuments = new Map();
      await opts.readPartition(partition, (events) => {
        for (const e of events) {
          const document = documentOf(e);
          const held = document ? docs.get(document.documentId) : undefined;
          if (document && (!held || e.aggregateSeq > held.version)) docs.set(document.documentId, { document, version: e.aggregateSeq });
        }
      });
      return docs;
    });
  }

  onRebalance(change: 'assigned' | 'revoked', partitions: readonly { partition: number }[]): void {
    this.partitions.onRebalance(change, partitions);
  }

  async ready(partition: number): Promise<void> {
    await this.partitions.ready(partition);
  }

  settle(partition: number, committed: boolean): void {
    this.partitions.settle(partition, committed);
  }

  /**
   * A document as this owner holds it; one of another partition from the projection. The
   * package's own document is keyed to this partition, so this owner's state is all there is
   * of it: no store read on the hot path for it.
   */
  private async held(docs: PartitionDocuments, id: string, ownPartition: boolean): Promise<HeldDocument | undefined> {
    const own = this.partitions.current(docs, id);
    if (own || ownPartition) return own;
    const projected = await this.projected.get(id);
    return projected ? { document: projected.document, version: projected.version } : undefined;
  }

  process = async ({ event, record }: ConsumedEvent): Promise<Outgoing[]> => {
    if (!isEvent(SignatureVerifiedEvent, event)) return [];
    const docs = this.partitions.state(record.partition);
    if (!docs) throw new Error(`partition ${record.partition} is not restored`);
    const ref = event.payload.package;
    const lifecycle = needsLifecycleFacts(ref) && this.opts.readLifecycle ? await this.opts.readLifecycle(ref) : NO_LIFECYCLE;
    const held = new Map<string, HeldDocument>();
    for (const id of new Set([ref.documentId, ref.relatedDocumentId, ...lifecycle.replacements.map((r) => r.documentId)])) {
      const h = id === null ? undefined : await this.held(docs, id, id === ref.documentId);
      if (h) held.set(h.document.documentId, h);
    }
    const documents = { get: (id: string) => held.get(id)?.document };
    const decision = routePackage(ref, this.directory, documents, lifecycle);
    const withdrawals = withdrawalsOf(decision, documents, this.directory, lifecycle);
    const updatesEarlier = ref.kind === 'edoc' && (ref.businessDocType === '2' || ref.businessDocType === '3');
    const previousId = updatesEarlier ? ref.relatedDocumentId : ref.documentId;
    const after =
      ref.kind === 'status'
        ? statusAfter(decision, ref.documentId ? documents.get(ref.documentId) : undefined)
        : documentAfter(decision, previousId ? documents.get(previousId) : undefined, withdrawals);
    const key = documentKey(ref);
    const common = { actor: { kind: 'system', id: 'routing' } as const, correlationId: event.correlationId, causationId: event.eventId, trace: event.trace };
    const routed =
      decision.type === PACKAGE_ROUTED
        ? createEvent(PackageRoutedEvent, { ...common, aggregateId: ref.packageId, aggregateSeq: 1, payload: decision.payload })
        : createEvent(RoutingRejectedEvent, { ...common, aggregateId: ref.packageId, aggregateSeq: 1, payload: decision.payload });
    // Keyed by the document, as its input: delivery owns each document's deliveries on that
    // partition. In the package's lane, so an urgent one keeps ahead of the normal backlog.
    const out: Outgoing[] = [{ topic: laneTopic(this.opts.topic, laneOf(ref.priority)), event: routed, key }];
    // Each withdrawal goes to the earlier document's partition, where delivery owns its copies;
    // in the normal lane, behind that document's own records (its copies are queued first).
    for (const [i, w] of withdrawals.entries()) {
      const withdrawn = createEvent(DocumentWithdrawnEvent, {
        ...common,
        aggregateId: ref.packageId,
        aggregateSeq: 2 + i,
        payload: { documentId: w.documentId, recipientCodes: [...w.recipientCodes], package: ref },
      });
      out.push({ topic: this.opts.topic, event: withdrawn, key: w.documentId });
    }
    if (after) {
      const version = (held.get(after.documentId)?.version ?? 0) + 1;
      const changed = createEvent(DocumentChangedEvent, {
        ...common,
        aggregateId: after.documentId,
        aggregateSeq: version,
        payload: {
          documentId: after.documentId,
          senderCode: after.senderCode,
          recipientCodes: [...after.recipientCodes],
          progress: Object.entries(after.progress ?? {}).map(([recipientCode, p]) => ({ recipientCode, last: p.last, recall: p.recall })),
          packageId: ref.packageId,
        },
      });
      // The document's state always travels the normal lane: one topic holds all of an
      // aggregate's events, in order (nothing waits on them on the way to the recipient).
      out.push({ topic: this.opts.topic, event: changed, key: after.documentId });
      this.partitions.stage(after.documentId, { document: after, version });
    }
    return out;
  };
}

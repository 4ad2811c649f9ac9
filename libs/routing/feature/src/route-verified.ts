import { PackageRoutedEvent, RoutingRejectedEvent, SignatureVerifiedEvent, createEvent, documentKey, isEvent } from '@vdx/contracts';
import type { Outgoing, ProcessFn } from '@vdx/messaging';
import { PACKAGE_ROUTED, documentAfter, routePackage, statusAfter, type DirectoryView } from '@vdx/routing-domain';
import type { DocumentRegistry } from './document-registry';

/**
 * The routing service's step: for each package the signature gate let through, decide its
 * deliveries against the directory cache and routing's document registry, remember the
 * document, and record PackageRouted or RoutingRejected. Rejected verdicts are not routed.
 */
export function routeVerified(directory: DirectoryView, registry: DocumentRegistry, topic: string): ProcessFn {
  return async ({ event }): Promise<Outgoing[]> => {
    if (!isEvent(SignatureVerifiedEvent, event)) return [];
    const ref = event.payload.package;
    const updatesEarlier = ref.kind === 'edoc' && (ref.businessDocType === '2' || ref.businessDocType === '3');
    const documents = await registry.view([ref.documentId, ref.relatedDocumentId]);
    const decision = routePackage(ref, directory, { get: (id) => documents.get(id) });
    const previousId = updatesEarlier ? ref.relatedDocumentId : ref.documentId;
    const after =
      ref.kind === 'status'
        ? statusAfter(decision, ref.documentId ? documents.get(ref.documentId) : undefined)
        : documentAfter(decision, previousId ? documents.get(previousId) : undefined);
    if (after) await registry.put(after);
    const common = {
      aggregateId: ref.packageId,
      aggregateSeq: 1,
      actor: { kind: 'system', id: 'routing' } as const,
      correlationId: event.correlationId,
      causationId: event.eventId,
      trace: event.trace,
    };
    const out =
      decision.type === PACKAGE_ROUTED
        ? createEvent(PackageRoutedEvent, { ...common, payload: decision.payload })
        : createEvent(RoutingRejectedEvent, { ...common, payload: decision.payload });
    // Keyed by the document, as its input: delivery owns each document's deliveries on that partition.
    return [{ topic, event: out, key: documentKey(ref) }];
  };
}

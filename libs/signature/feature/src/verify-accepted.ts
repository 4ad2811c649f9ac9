import { isBlobStoreError, type BlobStore } from '@vdx/blob-store';
import {
  PackageAcceptedEvent,
  SignatureRejectedEvent,
  SignatureVerifiedEvent,
  createEvent,
  documentKey,
  isEvent,
  laneOf,
  laneTopic,
  packageFieldsOf,
  type EventEnvelope,
  type PackageAccepted,
  type PackageRef,
} from '@vdx/contracts';
import type { Outgoing, ProcessFn } from '@vdx/messaging';
import type { PackageVerifier, Verdict } from '@vdx/signature-domain';

/** The package as every later stage sees it, from the gateway's acceptance. */
export function packageRefOf(event: EventEnvelope<PackageAccepted>): PackageRef {
  return { ...packageFieldsOf(event.payload), acceptedAt: event.occurredAt };
}

/**
 * The signature service's step: for each accepted package, read the stored body and record the
 * verifier's verdict. A body missing from the store is a verdict too (`SIGNATURE.BODY_MISSING`);
 * a store that does not answer is an outage, thrown for the processor to retry.
 */
export function verifyAccepted(blobs: BlobStore, verifier: PackageVerifier, topic: string): ProcessFn {
  return async ({ event }): Promise<Outgoing[]> => {
    if (!isEvent(PackageAcceptedEvent, event)) return [];
    const ref = packageRefOf(event);
    let verdict: Verdict;
    try {
      const body = (await blobs.get(ref.bodySha256)) as AsyncIterable<Uint8Array>;
      verdict = await verifier.verify({ ref, attachments: event.payload.attachments }, body);
    } catch (err) {
      if (!isBlobStoreError(err, 'BLOB.NOT_FOUND')) throw err;
      verdict = { ok: false, checks: [{ name: 'body-hash', result: 'failed', detail: `no body ${ref.bodySha256} in the store` }], errorCode: 'SIGNATURE.BODY_MISSING', reason: 'the package body is not in the blob store', verifier: verifier.name };
    }
    const common = { aggregateId: ref.packageId, aggregateSeq: 1, actor: { kind: 'system', id: 'signature' } as const, correlationId: event.correlationId, causationId: event.eventId, trace: event.trace };
    // The evidence record kept in the blob store, referenced from the event (absent: none kept).
    const evidence = verdict.evidence ? { evidence: verdict.evidence } : {};
    const out = verdict.ok
      ? // The verdict travels on with the package, to the recipients' inbox items.
        createEvent(SignatureVerifiedEvent, { ...common, payload: { package: { ...ref, signatureVerdict: verdict.cryptographic }, checks: [...verdict.checks], cryptographic: verdict.cryptographic, verifier: verdict.verifier, ...evidence } })
      : createEvent(SignatureRejectedEvent, { ...common, payload: { package: ref, checks: [...verdict.checks], errorCode: verdict.errorCode, reason: verdict.reason, verifier: verdict.verifier, ...evidence } });
    // Keyed by the document: routing decides each document's packages in order, on one partition.
    // In the package's lane: an urgent one stays ahead of the normal backlog at every stage.
    return [{ topic: laneTopic(topic, laneOf(ref.priority)), event: out, key: documentKey(ref) }];
  };
}

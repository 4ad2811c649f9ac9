import { createEvent, DeliveryCommandSubmittedEvent, DeliveryWithdrawnEvent, DocumentWithdrawnEvent, type EventEnvelope, type PackageRef, PackageRoutedEvent } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { deliveryInboxProjection } from './delivery-state.projection';
import { EVENTS, OwnerHarness } from './test-fixtures/owner-harness';

// A revoke, an update's receiver list or a replacement withdraws an earlier document's copies:
// routing's DocumentWithdrawn, keyed by that document, is decided by the owner of its copies
// (docs/domain.md §4).

const ISSUER = '000.00.00.G22';
const A = '000.00.00.H01';
const B = '000.00.00.H02';
const C = '000.00.00.H03';

function ref(packageId: string, over: Partial<PackageRef> = {}): PackageRef {
  return packageRefWith({ packageId, senderCode: ISSUER, systemId: 'sys-g22', recipientCodes: [A, B, C], documentId: 'doc-1', businessDocType: '0', subject: 'Công văn', ...over });
}

const envelope = { actor: { kind: 'system', id: 'routing' } as const, trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, occurredAt: new Date('2026-11-30T03:00:00Z') };

function routed(p: PackageRef, recipients: readonly string[]): EventEnvelope {
  return createEvent(PackageRoutedEvent, {
    ...envelope,
    aggregateId: p.packageId,
    aggregateSeq: 1,
    correlationId: `corr-${p.packageId}`,
    causationId: `verdict-${p.packageId}`,
    payload: { package: p, deliveries: recipients.map((r) => ({ deliveryId: `${p.packageId}/${r}`, requestedCode: r, recipientCode: r, deliverToCode: r, systemId: `sys-${r}`, endpoint: null, route: 'direct', via: [] })), unroutable: [] },
  });
}

function withdrawn(by: PackageRef, documentId: string, recipientCodes: readonly string[]): EventEnvelope {
  return createEvent(DocumentWithdrawnEvent, { ...envelope, aggregateId: by.packageId, aggregateSeq: 2, correlationId: `corr-${by.packageId}`, causationId: `verdict-${by.packageId}`, payload: { documentId, recipientCodes, package: by } });
}

function fetch(deliveryId: string, systemId: string, replyTo: string | null = null): EventEnvelope {
  return createEvent(DeliveryCommandSubmittedEvent, {
    ...envelope,
    aggregateId: deliveryId,
    aggregateSeq: 1,
    correlationId: 'corr',
    payload: { commandId: `c-${deliveryId}`, deliveryId, kind: 'Fetch', systemId, result: null, reason: null, operator: null, error: null, replyTo },
  });
}

/** The owner of partition 0 over its log in memory, its clock an hour after the sends. */
const harness = (): OwnerHarness => new OwnerHarness({ now: new Date('2026-11-30T03:00:00Z') });

describe('DeliveryOwner and DocumentWithdrawn', () => {
  it('withdraws the copies of the document at the recipients named, whatever they did with them, and only those', async () => {
    const h = harness();
    const original = ref('p1');
    await h.decide(routed(original, [A, B, C]));
    // A resend of the same document to A: both of A's copies are the document.
    await h.decide(routed(ref('p2', { recipientCodes: [A] }), [A]));
    await h.decide(fetch(`p1/${B}`, `sys-${B}`));
    const revoke = ref('rv', { documentId: 'doc-rv', businessDocType: '1', relatedDocumentId: 'doc-1', recipientCodes: [A, B] });
    const decision = withdrawn(revoke, 'doc-1', [A, B]);
    const out = await h.decide(decision);
    expect(out.map((o) => [o.event.type, o.event.aggregateId, o.key])).toEqual([
      [DeliveryWithdrawnEvent.type, `p1/${A}`, 'doc-1'],
      [DeliveryWithdrawnEvent.type, `p2/${A}`, 'doc-1'],
      [DeliveryWithdrawnEvent.type, `p1/${B}`, 'doc-1'],
    ]);
    for (const o of out) expect(o.event.payload).toMatchObject({ byPackageId: 'rv' });
    // Each on its delivery's chain, caused by routing's decision.
    expect(out.map((o) => [o.event.correlationId, o.event.causationId])).toEqual([
      ['corr-p1', decision.eventId],
      ['corr-p2', decision.eventId],
      ['corr-p1', decision.eventId],
    ]);
    expect([`p1/${A}`, `p2/${A}`, `p1/${B}`, `p1/${C}`].map((id) => h.state(id))).toEqual(['withdrawn', 'withdrawn', 'withdrawn', 'queued']);
  });

  it('changes nothing for a copy already withdrawn, a recipient that has none, or a document it does not hold', async () => {
    const h = harness();
    await h.decide(routed(ref('p1'), [A, B]));
    const revoke = ref('rv', { documentId: 'doc-rv', businessDocType: '1', relatedDocumentId: 'doc-1' });
    expect(await h.decide(withdrawn(revoke, 'doc-1', [A]))).toHaveLength(1);
    expect(await h.decide(withdrawn(revoke, 'doc-1', [A, C]))).toEqual([]);
    expect(await h.decide(withdrawn(revoke, 'doc-404', [A, B]))).toEqual([]);
    expect(h.state(`p1/${B}`)).toBe('queued');
  });

  it('keeps the copies of the withdrawing package itself when it carries the same DocumentId', async () => {
    const h = harness();
    await h.decide(routed(ref('p1'), [A]));
    const revoke = ref('rv', { documentId: 'doc-1', businessDocType: '1', relatedDocumentId: 'doc-1', recipientCodes: [A] });
    await h.decide(routed(revoke, [A]));
    const out = await h.decide(withdrawn(revoke, 'doc-1', [A]));
    expect(out.map((o) => o.event.aggregateId)).toEqual([`p1/${A}`]);
    expect([h.state(`p1/${A}`), h.state(`rv/${A}`)]).toEqual(['withdrawn', 'queued']);
  });

  it('takes a withdrawn copy off its recipient\'s open inbox, and refuses to hand it over', async () => {
    const h = harness();
    await h.decide(routed(ref('p1'), [A]));
    await h.decide(withdrawn(ref('u1', { documentId: 'doc-u', businessDocType: '2', relatedDocumentId: 'doc-1' }), 'doc-1', [A]));
    const writes = h.log.flatMap((e, i) => deliveryInboxProjection(EVENTS).project(e, { topic: EVENTS, partition: 0, offset: String(i) }));
    expect(writes.at(-1)).toMatchObject({ deletes: true });
    const refused = await h.decide(fetch(`p1/${A}`, `sys-${A}`, 'waiting-instance'));
    expect(refused.map((o) => o.event.payload)).toEqual([expect.objectContaining({ ok: false, errorCode: 'DELIVERY.WITHDRAWN' })]);
    expect(h.state(`p1/${A}`)).toBe('withdrawn');
  });
});

import { type AgencySnapshot, createEvent, DocumentChangedEvent, DocumentWithdrawnEvent, type EventEnvelope, type PackageRef, PackageRoutedEvent, RoutingRejectedEvent, SignatureVerifiedEvent } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import type { Outgoing } from '@vdx/messaging';
import { NO_LIFECYCLE, type DirectoryView, type LifecycleFacts, type RoutedDocument } from '@vdx/routing-domain';
import { routingDocumentsProjection } from './document-registry';
import { RoutingOwner, documentOf } from './route-verified';

const TOPIC = 'test.routing.events';
const ISSUER = '000.00.00.G22';
const A = '000.00.00.H01';
const B = '000.00.00.H02';

/** Every agency active, top-level and connected with a system of its own. */
const directory: DirectoryView = {
  get: (code) => snapshot(code),
  resolveSuccessor: (code) => ({ code, via: [] }),
  nearestConnected: (code) => snapshot(code),
};

function snapshot(code: string): AgencySnapshot {
  return { code, name: code, parentCode: null, email: null, inCharge: null, status: 'active', validFrom: '2026-01-01T00:00:00.000Z', validTo: null, successorCode: null, systems: [{ systemId: `sys-${code}`, credentialFingerprint: 'f'.repeat(64), endpoint: null }], version: 1 };
}

function ref(packageId: string, over: Partial<PackageRef> = {}): PackageRef {
  return packageRefWith({ packageId, senderCode: ISSUER, systemId: 'sys-g22', recipientCodes: [A, B], documentId: 'doc-1', businessDocType: '0', ...over });
}

const status = (packageId: string, code: string, from: string) => ref(packageId, { kind: 'status', senderCode: from, statusCode: code, recipientCodes: [ISSUER] });

function verified(p: PackageRef): EventEnvelope {
  return createEvent(SignatureVerifiedEvent, {
    aggregateId: p.packageId,
    aggregateSeq: 1,
    actor: { kind: 'system', id: 'signature' },
    correlationId: `corr-${p.packageId}`,
    causationId: `accepted-${p.packageId}`,
    payload: { package: p, checks: [], cryptographic: 'not-performed', verifier: 'test' },
  });
}

class Harness {
  readonly log: EventEnvelope[] = [];
  readonly projected = new Map<string, { document: RoutedDocument; version: number }>();
  owner = this.newOwner();

  lifecycle: LifecycleFacts = NO_LIFECYCLE;
  readonly lifecycleReads: string[] = [];

  newOwner(): RoutingOwner {
    return new RoutingOwner(directory, { get: async (id) => this.projected.get(id) }, {
      topic: TOPIC,
      readLifecycle: async (p) => {
        this.lifecycleReads.push(p.packageId);
        return this.lifecycle;
      },
      readPartition: async (_p, onEvents) => {
        onEvents([...this.log]);
        return this.log.length;
      },
    });
  }

  async decide(p: PackageRef, commit = true): Promise<Outgoing[]> {
    await this.owner.ready(0);
    const out = await this.owner.process({ event: verified(p), record: { topic: 'in', partition: 0, offset: '0', key: null, value: null, headers: {} } });
    this.owner.settle(0, commit);
    if (commit) this.log.push(...out.map((o) => o.event));
    return out;
  }

  latest(documentId: string): RoutedDocument | null {
    const changes = this.log.filter((e) => e.type === DocumentChangedEvent.type && e.aggregateId === documentId);
    return changes.length ? documentOf(changes[changes.length - 1]!) : null;
  }
}

const types = (out: readonly Outgoing[]) => out.map((o) => [o.event.type, o.event.aggregateId, o.event.aggregateSeq, o.key]);

describe('RoutingOwner', () => {
  it('registers a document, then decides its statuses in order against its own folded state', async () => {
    const h = new Harness();
    expect(types(await h.decide(ref('p1')))).toEqual([
      [PackageRoutedEvent.type, 'p1', 1, 'doc-1'],
      [DocumentChangedEvent.type, 'doc-1', 1, 'doc-1'],
    ]);
    expect(types(await h.decide(status('s1', '03', A)))).toEqual([
      [PackageRoutedEvent.type, 's1', 1, 'doc-1'],
      [DocumentChangedEvent.type, 'doc-1', 2, 'doc-1'],
    ]);
    // 01 cannot follow 03: refused, and the document does not change.
    const backwards = await h.decide(status('s2', '01', A));
    expect(types(backwards)).toEqual([[RoutingRejectedEvent.type, 's2', 1, 'doc-1']]);
    expect((backwards[0]!.event.payload as { errorCode: string }).errorCode).toBe('ROUTING.IMPOSSIBLE_TRANSITION');
    // A status from an agency the document never went to is refused too.
    expect(types(await h.decide(status('s3', '01', '000.00.00.H09')))[0]![0]).toBe(RoutingRejectedEvent.type);
    expect(h.latest('doc-1')).toEqual({ documentId: 'doc-1', senderCode: ISSUER, recipientCodes: [A, B], progress: { [A]: { last: '03', recall: 'none' } } });
    // Both events of a decision keep the send's correlation id and name the same verdict.
    const ofS1 = h.log.filter((e) => e.aggregateId === 's1' || (e.aggregateId === 'doc-1' && e.aggregateSeq === 2));
    expect(ofS1.map((e) => e.correlationId)).toEqual(['corr-s1', 'corr-s1']);
    expect(ofS1[0]!.causationId).not.toBeNull();
    expect(ofS1[1]!.causationId).toBe(ofS1[0]!.causationId);
  });

  it('decides an abandoned batch again against the state it first saw', async () => {
    const h = new Harness();
    await h.decide(ref('p1'));
    const first = await h.decide(status('s1', '01', A), false);
    expect(types(first)[1]).toEqual([DocumentChangedEvent.type, 'doc-1', 2, 'doc-1']);
    const again = await h.decide(status('s1', '01', A));
    expect(types(again)[1]).toEqual([DocumentChangedEvent.type, 'doc-1', 2, 'doc-1']);
    expect(h.log.filter((e) => e.type === DocumentChangedEvent.type).map((e) => e.aggregateSeq)).toEqual([1, 2]);
  });

  it('builds an update on a document of another partition, read from the projection', async () => {
    const h = new Harness();
    h.projected.set('doc-0', { document: { documentId: 'doc-0', senderCode: ISSUER, recipientCodes: [A] }, version: 1 });
    const out = await h.decide(ref('u1', { documentId: 'doc-2', businessDocType: '2', relatedDocumentId: 'doc-0', recipientCodes: [B] }));
    expect(types(out)).toEqual([
      [PackageRoutedEvent.type, 'u1', 1, 'doc-2'],
      [DocumentChangedEvent.type, 'doc-2', 1, 'doc-2'],
    ]);
    expect(h.latest('doc-2')?.recipientCodes).toEqual([A, B]);
  });

  it('withdraws a revoked document where it lives: DocumentWithdrawn keyed by that document, after the decision', async () => {
    const h = new Harness();
    await h.decide(ref('p1'));
    const out = await h.decide(ref('rv1', { documentId: 'doc-rv', businessDocType: '1', relatedDocumentId: 'doc-1', recipientCodes: [A], priority: '3' }));
    expect(types(out)).toEqual([
      [PackageRoutedEvent.type, 'rv1', 1, 'doc-rv'],
      [DocumentWithdrawnEvent.type, 'rv1', 2, 'doc-1'],
    ]);
    // The decision in the package's (urgent) lane; the withdrawal behind the document's own records.
    expect(out.map((o) => o.topic)).toEqual([`${TOPIC}.urgent`, TOPIC]);
    expect(out[1]!.event.payload).toEqual({ documentId: 'doc-1', recipientCodes: [A], package: expect.objectContaining({ packageId: 'rv1', businessDocType: '1' }) as unknown });
    expect(out[1]!.event).toMatchObject({ correlationId: 'corr-rv1', causationId: out[0]!.event.causationId });
    // A revoke says all it needs in its header: its body is not read.
    expect(h.lifecycleReads).toEqual([]);
  });

  it('applies an update\'s receiver list, for a document of another partition, read from the projection', async () => {
    const h = new Harness();
    const C = '000.00.00.H03';
    h.projected.set('doc-0', { document: { documentId: 'doc-0', senderCode: ISSUER, recipientCodes: [A, B] }, version: 1 });
    h.lifecycle = { receiversAdded: [C], receiversRemoved: [B], replacements: [] };
    const out = await h.decide(ref('u1', { documentId: 'doc-2', businessDocType: '2', relatedDocumentId: 'doc-0', recipientCodes: [A] }));
    expect(h.lifecycleReads).toEqual(['u1']);
    expect(types(out)).toEqual([
      [PackageRoutedEvent.type, 'u1', 1, 'doc-2'],
      [DocumentWithdrawnEvent.type, 'u1', 2, 'doc-0'],
      [DocumentChangedEvent.type, 'doc-2', 1, 'doc-2'],
    ]);
    expect((out[0]!.event.payload as { deliveries: { recipientCode: string }[] }).deliveries.map((d) => d.recipientCode)).toEqual([A, C]);
    expect(out[1]!.event.payload).toMatchObject({ documentId: 'doc-0', recipientCodes: [B] });
    expect(h.latest('doc-2')?.recipientCodes).toEqual([A, C]);
  });

  it('withdraws each replaced document at the organisations listed, loading documents the package does not name', async () => {
    const h = new Harness();
    await h.decide(ref('p1'));
    h.projected.set('doc-7', { document: { documentId: 'doc-7', senderCode: ISSUER, recipientCodes: [B] }, version: 3 });
    h.lifecycle = { receiversAdded: [], receiversRemoved: [], replacements: [{ documentId: 'doc-1', organIds: [A] }, { documentId: 'doc-7', organIds: [B] }] };
    const out = await h.decide(ref('x1', { documentId: 'doc-x', businessDocType: '3', relatedDocumentId: 'doc-1', recipientCodes: [A] }));
    expect(types(out)).toEqual([
      [PackageRoutedEvent.type, 'x1', 1, 'doc-x'],
      [DocumentWithdrawnEvent.type, 'x1', 2, 'doc-1'],
      [DocumentWithdrawnEvent.type, 'x1', 3, 'doc-7'],
      [DocumentChangedEvent.type, 'doc-x', 1, 'doc-x'],
    ]);
    // Linked to the document it replaces: registered for its recipients (the replacement went to A, where doc-1 is withdrawn).
    expect(h.latest('doc-x')?.recipientCodes).toEqual([B, A]);
  });

  it('restores exactly the state it had from the log, and the projection holds the same', async () => {
    const h = new Harness();
    await h.decide(ref('p1'));
    await h.decide(status('s1', '02', B));
    await h.decide(status('r1', '13', ISSUER));
    await h.decide(status('a1', '15', A));
    const again = h.newOwner();
    again.onRebalance('assigned', [{ partition: 0 }]);
    await again.ready(0);
    // The restored owner decides the next status exactly as the live one would.
    const next = status('n1', '16', B);
    const live = await h.owner.process({ event: verified(next), record: { topic: 'in', partition: 0, offset: '9', key: null, value: null, headers: {} } });
    h.owner.settle(0, false);
    const restored = await again.process({ event: verified(next), record: { topic: 'in', partition: 0, offset: '9', key: null, value: null, headers: {} } });
    expect(types(restored)).toEqual(types(live));
    expect(restored.map((o) => o.event.payload)).toEqual(live.map((o) => o.event.payload));

    const projection = routingDocumentsProjection(TOPIC);
    const writes = h.log.flatMap((e, i) => projection.project(e, { topic: TOPIC, partition: 0, offset: String(i) }));
    const last = writes[writes.length - 1]!;
    expect(last.id).toBe('doc-1');
    expect(last.update.$set).toEqual({
      senderCode: ISSUER,
      recipientCodes: [A, B],
      progress: [
        { recipientCode: B, last: '02', recall: 'requested' },
        { recipientCode: A, last: null, recall: 'agreed' },
      ],
      version: 4,
    });
  });
});

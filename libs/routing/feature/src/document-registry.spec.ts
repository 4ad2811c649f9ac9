import { DocumentChangedEvent, PackageRoutedEvent, createEvent, type DocumentChanged, type EventEnvelope } from '@vdx/contracts';
import { ROUTING_DOCUMENTS_COLLECTION, routingDocumentsProjection } from './document-registry';

// The routing_documents projection as a consumer step: DocumentChanged in, the write out.

const TOPIC = 'test.routing.events';
const DOC = '000.00.00.G22,2026/11/30,7/VP';
const at = (offset: number) => ({ topic: TOPIC, partition: 0, offset: String(offset) });

function changed(seq: number, payload: Omit<DocumentChanged, 'documentId' | 'senderCode'>): EventEnvelope {
  return createEvent(DocumentChangedEvent, { aggregateId: DOC, aggregateSeq: seq, actor: { kind: 'system', id: 'routing' }, correlationId: payload.packageId, payload: { documentId: DOC, senderCode: '000.00.00.G22', ...payload } }) as EventEnvelope;
}

describe('routingDocumentsProjection', () => {
  const projection = routingDocumentsProjection(TOPIC);

  it('creates the document on its first change, with its issuer, recipients and their progress', () => {
    const event = changed(1, { recipientCodes: ['000.00.00.H01', '000.00.00.H02'], progress: [], packageId: 'p1' });
    expect(projection.project(event, at(0))).toEqual([
      { collection: ROUTING_DOCUMENTS_COLLECTION, id: DOC, creates: true, update: { $set: { senderCode: '000.00.00.G22', recipientCodes: ['000.00.00.H01', '000.00.00.H02'], progress: [], version: 1 } } },
    ]);
  });

  it('replaces the whole state on a later change, which carries it all', () => {
    const progress = [{ recipientCode: '000.00.00.H01', last: '03', recall: 'requested' }];
    const [write] = projection.project(changed(4, { recipientCodes: ['000.00.00.H01'], progress, packageId: 'st-9' }), at(7));
    expect(write).toEqual({ collection: ROUTING_DOCUMENTS_COLLECTION, id: DOC, update: { $set: { senderCode: '000.00.00.G22', recipientCodes: ['000.00.00.H01'], progress, version: 4 } } });
    expect((write!.update.$set as { progress: unknown[] }).progress[0]).not.toBe(progress[0]);
  });

  it('writes nothing for the other routing events', () => {
    const routedEvent = { ...changed(1, { recipientCodes: [], progress: [], packageId: 'p1' }), type: PackageRoutedEvent.type };
    expect(projection.project(routedEvent, at(1))).toEqual([]);
  });
});

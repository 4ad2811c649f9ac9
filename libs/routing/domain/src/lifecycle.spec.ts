import { PACKAGE_ROUTED } from './decision';
import { documentAfter } from './document-after';
import { NO_LIFECYCLE, needsLifecycleFacts, withdrawalsOf, type LifecycleFacts } from './lifecycle';
import type { RoutedDocument } from './ports';
import { routePackage } from './route-package';
import { agency, DEPARTMENT, edoc, FakeDirectory, FakeDocuments, OTHER_PROVINCE, PROVINCE, status, UNIT } from './test-fixtures/routing';

// Revoke, update and replace: where they go, what they withdraw, what they register
// (docs/domain.md §4).

const RETIRED = '000.00.00.H41';
const directory = new FakeDirectory([
  agency(PROVINCE, { systems: ['hub'] }),
  agency(DEPARTMENT, { systems: ['dept'] }),
  agency(UNIT),
  agency(OTHER_PROVINCE, { systems: ['qlvb'] }),
  agency(RETIRED, { status: 'retired', successorCode: OTHER_PROVINCE }),
]);
const original: RoutedDocument = { documentId: 'doc-1', senderCode: PROVINCE, recipientCodes: [DEPARTMENT, UNIT, OTHER_PROVINCE] };
const foreign: RoutedDocument = { documentId: 'doc-9', senderCode: OTHER_PROVINCE, recipientCodes: [DEPARTMENT] };
const documents = new FakeDocuments([original, foreign, { documentId: 'doc-5', senderCode: PROVINCE, recipientCodes: [DEPARTMENT, UNIT] }]);
const facts = (f: Partial<LifecycleFacts>): LifecycleFacts => ({ ...NO_LIFECYCLE, ...f });
const delivered = (d: ReturnType<typeof routePackage>) => (d.type === PACKAGE_ROUTED ? d.payload.deliveries.map((x) => x.recipientCode) : d.type);

const revoke = (to: readonly string[]) => edoc(to, { packageId: 'pkg-r', documentId: 'doc-r', businessDocType: '1', relatedDocumentId: 'doc-1' });
const update = (to: readonly string[]) => edoc(to, { packageId: 'pkg-u', documentId: 'doc-u', businessDocType: '2', relatedDocumentId: 'doc-1' });
const replace = (to: readonly string[]) => edoc(to, { packageId: 'pkg-x', documentId: 'doc-x', businessDocType: '3', relatedDocumentId: 'doc-1' });

describe('revoke', () => {
  it('withdraws the document at every recipient the revoke is addressed to', () => {
    const decision = routePackage(revoke([DEPARTMENT, UNIT, OTHER_PROVINCE]), directory, documents);
    expect(delivered(decision)).toEqual([DEPARTMENT, UNIT, OTHER_PROVINCE]);
    expect(withdrawalsOf(decision, documents, directory)).toEqual([{ documentId: 'doc-1', recipientCodes: [DEPARTMENT, UNIT, OTHER_PROVINCE] }]);
    expect(documentAfter(decision, original)).toBeNull();
  });

  it('withdraws it only where it is addressed, following retired codes, never where the document never went', () => {
    const decision = routePackage(revoke([RETIRED, PROVINCE]), directory, documents);
    expect(withdrawalsOf(decision, documents, directory)).toEqual([{ documentId: 'doc-1', recipientCodes: [OTHER_PROVINCE] }]);
  });

  it('withdraws at a recipient the revoke cannot reach any more (the copy is still the document)', () => {
    const unreachable = new FakeDirectory([agency(PROVINCE, { systems: ['hub'] }), agency(DEPARTMENT, { status: 'suspended', systems: ['dept'] })]);
    const decision = routePackage(revoke([DEPARTMENT, PROVINCE]), unreachable, documents);
    expect(withdrawalsOf(decision, documents, unreachable)).toEqual([{ documentId: 'doc-1', recipientCodes: [DEPARTMENT] }]);
  });

  it('withdraws nothing when it is refused: another issuer, an unknown document', () => {
    const byOther = edoc([DEPARTMENT], { senderCode: OTHER_PROVINCE, businessDocType: '1', relatedDocumentId: 'doc-1' });
    const unknown = edoc([DEPARTMENT], { businessDocType: '1', relatedDocumentId: 'doc-404' });
    for (const ref of [byOther, unknown]) expect(withdrawalsOf(routePackage(ref, directory, documents), documents, directory)).toEqual([]);
  });
});

describe('update with a receiver list', () => {
  const changes = facts({ receiversAdded: [PROVINCE], receiversRemoved: [UNIT] });

  it('goes to the receivers it adds, not to those it removes, and withdraws the earlier document at the removed ones', () => {
    const decision = routePackage(update([DEPARTMENT, UNIT]), directory, documents, changes);
    expect(delivered(decision)).toEqual([DEPARTMENT, PROVINCE]);
    expect(withdrawalsOf(decision, documents, directory, changes)).toEqual([{ documentId: 'doc-1', recipientCodes: [UNIT] }]);
  });

  it('registers the new version for the earlier recipients but the removed ones, plus the added ones', () => {
    const decision = routePackage(update([DEPARTMENT]), directory, documents, changes);
    const withdrawn = withdrawalsOf(decision, documents, directory, changes);
    expect(documentAfter(decision, original, withdrawn)).toEqual({ documentId: 'doc-u', senderCode: PROVINCE, recipientCodes: [DEPARTMENT, OTHER_PROVINCE, PROVINCE] });
  });

  it('withdraws nothing without a receiver list, or for a removed receiver that never had the document', () => {
    const plain = routePackage(update([DEPARTMENT]), directory, documents);
    expect(withdrawalsOf(plain, documents, directory)).toEqual([]);
    expect(documentAfter(plain, original)).toEqual({ documentId: 'doc-u', senderCode: PROVINCE, recipientCodes: [DEPARTMENT, UNIT, OTHER_PROVINCE] });
    const stranger = facts({ receiversRemoved: [PROVINCE] });
    expect(withdrawalsOf(routePackage(update([DEPARTMENT]), directory, documents, stranger), documents, directory, stranger)).toEqual([]);
  });

  it('follows a removed retired code to its successor', () => {
    const retired = facts({ receiversRemoved: [RETIRED] });
    expect(withdrawalsOf(routePackage(update([DEPARTMENT]), directory, documents, retired), documents, directory, retired)).toEqual([{ documentId: 'doc-1', recipientCodes: [OTHER_PROVINCE] }]);
  });
});

describe('replace', () => {
  it('withdraws each replaced document of the same issuer at the organisations listed for it', () => {
    const list = facts({
      replacements: [
        { documentId: 'doc-1', organIds: [DEPARTMENT, PROVINCE] },
        { documentId: 'doc-5', organIds: [UNIT] },
        { documentId: 'doc-9', organIds: [DEPARTMENT] }, // another issuer's document
        { documentId: 'doc-404', organIds: [DEPARTMENT] }, // never routed
      ],
    });
    const decision = routePackage(replace([DEPARTMENT, UNIT]), directory, documents, list);
    expect(delivered(decision)).toEqual([DEPARTMENT, UNIT]);
    expect(withdrawalsOf(decision, documents, directory, list)).toEqual([
      { documentId: 'doc-1', recipientCodes: [DEPARTMENT] },
      { documentId: 'doc-5', recipientCodes: [UNIT] },
    ]);
  });

  it('links the new document to the old one: registered for the old recipients, but those it was withdrawn from and not delivered to', () => {
    const list = facts({ replacements: [{ documentId: 'doc-1', organIds: [DEPARTMENT, UNIT] }] });
    const decision = routePackage(replace([DEPARTMENT]), directory, documents, list);
    const withdrawn = withdrawalsOf(decision, documents, directory, list);
    expect(withdrawn).toEqual([{ documentId: 'doc-1', recipientCodes: [DEPARTMENT, UNIT] }]);
    expect(decision.payload.package.relatedDocumentId).toBe('doc-1');
    expect(documentAfter(decision, original, withdrawn)).toEqual({ documentId: 'doc-x', senderCode: PROVINCE, recipientCodes: [OTHER_PROVINCE, DEPARTMENT] });
  });

  it('withdraws nothing without a replacement list', () => {
    expect(withdrawalsOf(routePackage(replace([DEPARTMENT]), directory, documents), documents, directory)).toEqual([]);
  });
});

describe('needsLifecycleFacts and the rest', () => {
  it('reads the body of updates and replacements only', () => {
    expect([edoc([UNIT]), revoke([UNIT]), update([UNIT]), replace([UNIT]), status('03', UNIT)].map(needsLifecycleFacts)).toEqual([false, false, true, true, false]);
  });

  it('withdraws nothing for a new document or a status', () => {
    expect(withdrawalsOf(routePackage(edoc([UNIT], { documentId: 'doc-1' }), directory, documents), documents, directory)).toEqual([]);
    expect(withdrawalsOf(routePackage(status('03', UNIT), directory, documents), documents, directory)).toEqual([]);
  });
});

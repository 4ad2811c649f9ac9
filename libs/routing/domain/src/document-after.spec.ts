import type { PackageRef } from '@vdx/contracts';
import { documentAfter } from './document-after';
import type { RoutedDocument } from './ports';
import { routePackage } from './route-package';
import { agency, DEPARTMENT, edoc, FakeDirectory, FakeDocuments, OTHER_PROVINCE, PROVINCE, status, UNIT } from './test-fixtures/routing';

const directory = new FakeDirectory([
  agency(PROVINCE, { systems: ['hub'] }),
  agency(DEPARTMENT),
  agency(UNIT),
  agency(OTHER_PROVINCE, { systems: ['qlvb'] }),
  agency('000.00.00.H41', { status: 'retired', successorCode: OTHER_PROVINCE }),
]);
const sent: RoutedDocument = { documentId: 'doc-1', senderCode: PROVINCE, recipientCodes: [UNIT] };

function after(ref: PackageRef, previous: RoutedDocument | undefined, registry: readonly RoutedDocument[] = [sent]) {
  return documentAfter(routePackage(ref, directory, new FakeDocuments(registry)), previous);
}

describe('documentAfter', () => {
  it('registers a new document with the delivered recipients (after successor resolution)', () => {
    expect(after(edoc([UNIT, '000.00.00.H41', '000.00.00.H99'], { documentId: 'doc-9' }), undefined, [])).toEqual({
      documentId: 'doc-9',
      senderCode: PROVINCE,
      recipientCodes: [UNIT, OTHER_PROVINCE],
    });
  });

  it('extends a resend of the same document by the same sender', () => {
    expect(after(edoc([OTHER_PROVINCE]), sent)).toEqual({ documentId: 'doc-1', senderCode: PROVINCE, recipientCodes: [UNIT, OTHER_PROVINCE] });
  });

  it('keeps what the recipients reported when the same document is resent to one more', () => {
    const reported: RoutedDocument = { ...sent, progress: { [UNIT]: { last: '03', recall: 'agreed' } } };
    expect(after(edoc([OTHER_PROVINCE]), reported, [reported])).toEqual({ ...reported, recipientCodes: [UNIT, OTHER_PROVINCE] });
    // An update is a new document: its recipients start afresh.
    const update = edoc([OTHER_PROVINCE], { documentId: 'doc-2', businessDocType: '2', relatedDocumentId: 'doc-1' });
    expect(after(update, reported, [reported])).toEqual({ documentId: 'doc-2', senderCode: PROVINCE, recipientCodes: [UNIT, OTHER_PROVINCE] });
  });

  it('registers nothing when a new document reuses the id of another issuer', () => {
    const hijack = edoc([UNIT], { senderCode: OTHER_PROVINCE });
    expect(after(hijack, sent)).toBeNull();
  });

  it.each(['2', '3'])('registers an update/replace (%s) under its own id with the union of recipients', (businessDocType) => {
    const update = edoc([OTHER_PROVINCE, UNIT], { documentId: 'doc-2', businessDocType, relatedDocumentId: 'doc-1' });
    expect(after(update, sent)).toEqual({ documentId: 'doc-2', senderCode: PROVINCE, recipientCodes: [UNIT, OTHER_PROVINCE] });
  });

  it('registers nothing for a revoke', () => {
    expect(after(edoc([UNIT], { documentId: 'doc-2', businessDocType: '1', relatedDocumentId: 'doc-1' }), sent)).toBeNull();
  });

  it('registers nothing for a status or a recall', () => {
    expect(after(status('03', UNIT), sent)).toBeNull();
    expect(after(status('13', PROVINCE), sent)).toBeNull();
  });

  it('registers nothing for a rejection', () => {
    expect(after(edoc(['000.00.00.H99'], { documentId: 'doc-9' }), undefined)).toBeNull();
  });

  it('registers nothing for an edoc without a documentId', () => {
    expect(after(edoc([UNIT], { documentId: null }), undefined)).toBeNull();
  });
});

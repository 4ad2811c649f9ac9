import { InMemoryBlobStore } from '@vdx/blob-store';
import type { PackageRef } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { documentPackage } from '@vdx/edxml';
import { NO_LIFECYCLE } from '@vdx/routing-domain';
import { Readable } from 'node:stream';
import { lifecycleFromBodies } from './package-lifecycle';

const G22 = '000.00.00.G22';
const H53 = '000.00.00.H53';
const DEPT = '000.00.32.H53';

async function stored(xml: string, blobs: InMemoryBlobStore, over: Partial<PackageRef>): Promise<PackageRef> {
  const { sha256, size } = await blobs.put(Readable.from([Buffer.from(xml)]));
  return packageRefWith({ packageId: 'p', senderCode: G22, systemId: 's', recipientCodes: [H53], documentId: 'd', businessDocType: '2', relatedDocumentId: 'd0', bodySha256: sha256, bodySize: size, ...over });
}

describe('lifecycleFromBodies', () => {
  const blobs = new InMemoryBlobStore();
  const read = lifecycleFromBodies(blobs);
  const related = `${G22},2026/11/30,1/VPCP`;

  it('reads an update\'s receiver list, compact codes read as canonical', async () => {
    const xml = documentPackage({ from: G22, to: [H53], codeNumber: '2', codeNotation: 'VPCP', subject: 'Cập nhật', businessDocType: '2', relatedDocumentId: related, receiverChanges: [{ organId: 'H53.32', receiverType: '1' }, { organId: '000.00.01.A53', receiverType: '0' }, { organId: '', receiverType: '1' }] }).xml;
    expect(await read(await stored(xml, blobs, {}))).toEqual({ receiversAdded: [DEPT], receiversRemoved: ['000.00.01.A53'], replacements: [] });
  });

  it('reads a replacement\'s list', async () => {
    const xml = documentPackage({ from: G22, to: [H53], codeNumber: '3', codeNotation: 'VPCP', subject: 'Thay thế', businessDocType: '3', relatedDocumentId: related, replaces: [{ documentId: related, organIds: [H53, 'H53.32'] }] }).xml;
    expect(await read(await stored(xml, blobs, { businessDocType: '3' }))).toEqual({ receiversAdded: [], receiversRemoved: [], replacements: [{ documentId: related, organIds: [H53, DEPT] }] });
  });

  it('reads nothing of other packages, and says nothing for a body that is gone or unreadable', async () => {
    const revoke = await stored('not even xml', blobs, { businessDocType: '1' });
    expect(await read(revoke)).toBe(NO_LIFECYCLE);
    expect(await read(await stored('<not-edxml/>', blobs, { businessDocType: '2' }))).toBe(NO_LIFECYCLE);
    expect(await read({ ...revoke, businessDocType: '3', bodySha256: 'c'.repeat(64) })).toBe(NO_LIFECYCLE);
  });
});

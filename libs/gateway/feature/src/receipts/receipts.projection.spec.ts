import { PackageAcceptedEvent, PackageRejectedEvent } from '@vdx/contracts';
import { InMemoryBlobStore } from '@vdx/blob-store';
import type { EventEnvelope } from '@vdx/contracts';
import { documentPackage } from '@vdx/edxml';
import { keyId } from '../intake/idempotency-key';
import { PackageIntake } from '../intake/package-intake';
import { InMemoryReceiptStore } from './in-memory-receipt-store';
import { receiptsProjection } from './receipts.projection';

describe('receiptsProjection', () => {
  it('derives from PackageAccepted exactly the receipt the sender was given, under its key', async () => {
    const events: EventEnvelope[] = [];
    const intake = new PackageIntake({
      blobs: new InMemoryBlobStore(),
      receipts: new InMemoryReceiptStore(),
      append: async (e) => void events.push(e),
      mayActFor: () => true,
      clock: () => new Date('2026-11-30T02:00:00Z'),
    });
    const body = Buffer.from(documentPackage({ from: '000.00.00.G22', to: ['000.00.00.H53'], codeNumber: '1', codeNotation: 'VPCP', subject: 'x' }).xml);
    const outcome = await intake.receive({ fingerprint: 'f', systemId: 's' }, { senderCode: '000.00.00.G22', kind: 'edoc', clientRef: 'ref-1', bodySha256: '', bodySize: 0 }, (async function* () { yield body; })());
    if (outcome.outcome !== 'accepted') throw new Error('not accepted');
    const accepted = events.find((e) => e.type === PackageAcceptedEvent.type)!;
    const writes = receiptsProjection('gw').project(accepted, { topic: 'gw', partition: 0, offset: '0' });
    expect(writes).toEqual([{ collection: 'gateway_receipts', id: keyId('ref|000.00.00.G22|ref-1'), creates: true, update: { $setOnInsert: { packageId: outcome.receipt.packageId, receipt: outcome.receipt } } }]);
    expect(receiptsProjection('gw').project({ ...accepted, type: PackageRejectedEvent.type } as EventEnvelope, { topic: 'gw', partition: 0, offset: '1' })).toEqual([]);
  });
});

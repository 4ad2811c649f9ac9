import { InMemoryBlobStore } from '@vdx/blob-store';
import type { EventEnvelope, PackageAccepted } from '@vdx/contracts';
import { documentPackage, statusPackage } from '@vdx/edxml';
import { InMemoryReceiptStore } from '../receipts/in-memory-receipt-store';
import { ExchangeError } from './exchange.error';
import { PackageIntake, type SendHeader } from './package-intake';

// Recipients named by the caller (SendHeader.recipient_codes, the legacy API's `to`) replace the
// package's own; the body stays as sent (docs/adr/0018-document-lifecycle-and-legacy-to.md).

const H53 = '000.00.00.H53';
const G22 = '000.00.00.G22';
const A53 = '000.00.01.A53';
const FP = 'f'.repeat(64);
const caller = { fingerprint: FP, systemId: 'qlvb-tayninh' };

function setup() {
  const events: EventEnvelope[] = [];
  const intake = new PackageIntake({
    blobs: new InMemoryBlobStore(),
    receipts: new InMemoryReceiptStore(),
    append: async (e) => {
      events.push(e);
    },
    mayActFor: (fp, code) => fp === FP && code === H53,
    clock: () => new Date('2026-11-30T02:00:00Z'),
  });
  return { intake, events };
}

const header = (changes: Partial<SendHeader> = {}): SendHeader => ({ senderCode: H53, kind: 'edoc', clientRef: '', bodySha256: '', bodySize: 0, ...changes });
const body = (xml: string): AsyncIterable<Uint8Array> => (async function* () { yield Buffer.from(xml); })();
const doc = documentPackage({ from: H53, to: [G22], codeNumber: '12', codeNotation: 'UBND-VP', promulgationDate: '2026/11/30', subject: 'Thử nghiệm' });

async function refusal(p: Promise<unknown>): Promise<ExchangeError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExchangeError);
  return err as ExchangeError;
}

describe('PackageIntake with recipients named in the header', () => {
  it('records the named recipients (canonical, without repeats) instead of the package To', async () => {
    const { intake, events } = setup();
    const outcome = await intake.receive(caller, header({ recipientCodes: [A53, G22, A53] }), body(doc.xml));
    expect(outcome).toMatchObject({ outcome: 'accepted', receipt: { recipientCodes: [A53, G22] } });
    expect((events[0]!.payload as PackageAccepted).recipientCodes).toEqual([A53, G22]);
  });

  it('lets the package decide when none are named', async () => {
    const { intake, events } = setup();
    await intake.receive(caller, header({ recipientCodes: [] }), body(doc.xml));
    expect((events[0]!.payload as PackageAccepted).recipientCodes).toEqual([G22]);
  });

  it('addresses a status to the named agency instead of ResponseFor', async () => {
    const { intake, events } = setup();
    const status = statusPackage({ from: H53, documentId: `${G22},2026/11/30,1/VPCP`, documentIssuer: G22, statusCode: '01', timestamp: '2026/11/30 08:00:00' });
    await intake.receive(caller, header({ kind: 'status', recipientCodes: [A53] }), body(status.xml));
    expect((events[0]!.payload as PackageAccepted).recipientCodes).toEqual([A53]);
  });

  it('identifies a resend by its recipients: the same document to other named recipients is another package', async () => {
    const { intake } = setup();
    const first = await intake.receive(caller, header({ recipientCodes: [A53] }), body(doc.xml));
    const again = await intake.receive(caller, header({ recipientCodes: [A53] }), body(doc.xml));
    const other = await intake.receive(caller, header({ recipientCodes: [G22] }), body(doc.xml));
    expect(again).toMatchObject({ outcome: 'accepted', duplicate: true });
    expect(other).toMatchObject({ outcome: 'accepted', duplicate: false });
    if (first.outcome !== 'accepted' || again.outcome !== 'accepted' || other.outcome !== 'accepted') throw new Error('not accepted');
    expect(again.receipt.packageId).toBe(first.receipt.packageId);
    expect(other.receipt.packageId).not.toBe(first.receipt.packageId);
  });

  it.each([['G22'], [' 000.00.01.A53'], ['not a code'], ['']])('refuses %j with EXCHANGE.INVALID_ARGUMENT at recipient_codes, recording nothing', async (code) => {
    const { intake, events } = setup();
    const err = await refusal(intake.receive(caller, header({ recipientCodes: [A53, code] }), body(doc.xml)));
    expect([err.code, err.path]).toEqual(['EXCHANGE.INVALID_ARGUMENT', 'recipient_codes']);
    expect(err.message).toContain('recipient_codes[1]');
    expect(events).toEqual([]);
  });
});

import { status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { PackageAcceptedEvent, PackageRejectedEvent } from '@vdx/contracts';
import { BlobStoreError, InMemoryBlobStore, type BlobWriter } from '@vdx/blob-store';
import type { EventEnvelope, PackageAccepted, PackageRejected } from '@vdx/contracts';
import { documentPackage, statusPackage } from '@vdx/edxml';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InMemoryReceiptStore } from '../receipts/in-memory-receipt-store';
import { toServiceError } from '../grpc/exchange-errors';
import { ExchangeError } from './exchange.error';
import { PackageIntake, type SendHeader } from './package-intake';

const H53 = '000.00.00.H53';
const G22 = '000.00.00.G22';
const FP = 'f'.repeat(64);
const caller = { fingerprint: FP, systemId: 'qlvb-tayninh' };
const SAMPLES = join(__dirname, '../../../../../test-fixtures/edxml/vnpt-sdk-samples');

function chunks(text: string | Buffer, size = 7): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text);
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  })();
}

function setup(opts: { maxBodyBytes?: number; failAppend?: boolean } = {}) {
  const events: EventEnvelope[] = [];
  const broker = { down: opts.failAppend ?? false };
  const blobs = new InMemoryBlobStore();
  const receipts = new InMemoryReceiptStore();
  const intake = new PackageIntake({
    blobs,
    receipts,
    append: async (e) => {
      if (broker.down) throw new Error('broker down');
      events.push(e);
    },
    mayActFor: (fp, code) => fp === FP && code === H53,
    clock: () => new Date('2026-11-30T02:00:00Z'),
    ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}),
  });
  return { intake, events, blobs, broker };
}

const header = (changes: Partial<SendHeader> = {}): SendHeader => ({ senderCode: H53, kind: 'edoc', clientRef: '', bodySha256: '', bodySize: 0, ...changes });
const doc = (changes: Partial<Parameters<typeof documentPackage>[0]> = {}) =>
  documentPackage({ from: H53, to: [G22, '000.00.32.H53'], codeNumber: '12', codeNotation: 'UBND-VP', promulgationDate: '2026/11/30', subject: 'Thử nghiệm', attachments: [{ name: 'a.pdf', bytes: Buffer.from('%PDF-1.7') }], ...changes });

async function refusal(p: Promise<unknown>): Promise<ExchangeError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExchangeError);
  return err as ExchangeError;
}

describe('PackageIntake', () => {
  it('accepts a document: stores the body, records what routing needs, answers with a receipt', async () => {
    const { intake, events, blobs } = setup();
    const built = doc();
    const sha = createHash('sha256').update(built.xml).digest('hex');
    const outcome = await intake.receive(caller, header({ bodySha256: sha, bodySize: Buffer.byteLength(built.xml) }), chunks(built.xml, 1000));
    expect(outcome).toMatchObject({ outcome: 'accepted', duplicate: false, receipt: { bodySha256: sha, recipientCodes: [G22, '000.00.32.H53'] } });
    expect(await blobs.has(sha)).toBe(true);
    expect(events).toHaveLength(1);
    const payload = events[0]!.payload as PackageAccepted;
    expect(events[0]!.type).toBe(PackageAcceptedEvent.type);
    expect(payload).toMatchObject({
      kind: 'edoc',
      senderCode: H53,
      systemId: 'qlvb-tayninh',
      documentId: built.documentId,
      businessDocType: '0',
      bodySha256: sha,
      attachments: [{ name: 'a.pdf', size: 8, sha256: createHash('sha256').update('%PDF-1.7').digest('hex') }],
    });
    expect(events[0]!.actor).toEqual({ kind: 'agency', id: H53 });
  });

  it('tells how long each stage of a send took: all four when accepted, up to the claim for a duplicate, body and append for a rejection', async () => {
    const seen: string[][] = [];
    let current: string[] = [];
    const events: EventEnvelope[] = [];
    const intake = new PackageIntake({
      blobs: new InMemoryBlobStore(),
      receipts: new InMemoryReceiptStore(),
      append: async (e) => void events.push(e),
      mayActFor: (fp, code) => fp === FP && code === H53,
      observeStage: (stage, seconds) => {
        expect(seconds).toBeGreaterThanOrEqual(0);
        current.push(stage);
      },
    });
    const send = async (xml: string) => {
      current = [];
      const outcome = await intake.receive(caller, header(), chunks(xml));
      seen.push(current);
      return outcome.outcome;
    };
    const built = doc();
    expect([await send(built.xml), await send(built.xml), await send('<not-edxml')]).toEqual(['accepted', 'accepted', 'rejected']);
    expect(seen).toEqual([['body', 'claim', 'append', 'complete'], ['body', 'claim'], ['body', 'append']]);
    expect(events.map((e) => e.type)).toEqual([PackageAcceptedEvent.type, PackageRejectedEvent.type]);
  });

  it('answers a resend with the first receipt, marked duplicate, and records nothing new', async () => {
    const { intake, events } = setup();
    const first = await intake.receive(caller, header(), chunks(doc().xml));
    const again = await intake.receive(caller, header(), chunks(doc().xml, 3));
    expect(again).toEqual({ ...first, duplicate: true });
    expect(events).toHaveLength(1);
    // the same recipients in another order are the same package
    const reordered = await intake.receive(caller, header(), chunks(doc({ to: ['000.00.32.H53', G22] }).xml));
    expect(reordered).toMatchObject({ duplicate: true });
  });

  it('answers an appended package as accepted even when its claim cannot be completed, and a resend never appends it twice', async () => {
    const events: EventEnvelope[] = [];
    const receipts = new InMemoryReceiptStore();
    receipts.complete = () => Promise.reject(new Error('SQLITE_BUSY: database is locked'));
    const intake = new PackageIntake({ blobs: new InMemoryBlobStore(), receipts, append: async (e) => void events.push(e), mayActFor: (fp, code) => fp === FP && code === H53, clock: () => new Date('2026-11-30T02:00:00Z') });
    const first = await intake.receive(caller, header(), chunks(doc().xml));
    expect(first).toMatchObject({ outcome: 'accepted', duplicate: false });
    expect(events).toHaveLength(1);
    // The claim stays open until the receipts projection answers: a resend meanwhile is told to wait.
    expect((await refusal(intake.receive(caller, header(), chunks(doc().xml)))).code).toBe('EXCHANGE.SEND_IN_PROGRESS');
    expect(events).toHaveLength(1);
  });

  it('tells apart a new send by client reference, and a status by code and time', async () => {
    const { intake, events } = setup();
    await intake.receive(caller, header({ clientRef: 'send-1' }), chunks(doc().xml));
    const other = await intake.receive(caller, header({ clientRef: 'send-2' }), chunks(doc().xml));
    expect(other).toMatchObject({ duplicate: false });
    const status = (statusCode: string, timestamp: string) =>
      statusPackage({ from: H53, documentId: '000.00.00.G22,2026/11/29,7/VPCP', documentIssuer: G22, statusCode, timestamp }).xml;
    const s1 = await intake.receive(caller, header({ kind: 'status' }), chunks(status('01', '2026/11/30 09:00:00')));
    const s3 = await intake.receive(caller, header({ kind: 'status' }), chunks(status('03', '2026/11/30 09:05:00')));
    expect(s1).toMatchObject({ outcome: 'accepted', duplicate: false, receipt: { recipientCodes: [G22] } });
    expect(s3).toMatchObject({ duplicate: false });
    expect(events.map((e) => (e.payload as PackageAccepted).statusCode)).toEqual([null, null, '01', '03']);
  });

  it('refuses a system acting for an agency it does not serve, before reading the body', async () => {
    const { intake, events } = setup();
    const body: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(new Error('the body must not be read')),
      }),
    };
    const err = await refusal(intake.receive(caller, header({ senderCode: G22 }), body));
    expect([err.code, err.path]).toEqual(['EXCHANGE.NOT_AUTHORISED', 'sender_code']);
    const stranger = await refusal(intake.receive({ fingerprint: 'e'.repeat(64), systemId: 'x' }, header(), chunks(doc().xml)));
    expect(stranger.code).toBe('EXCHANGE.NOT_AUTHORISED');
    expect(events).toEqual([]);
  });

  it.each([
    [{ senderCode: '000.1137.H53' }, 'sender_code'],
    [{ kind: 'memo' }, 'kind'],
    [{ clientRef: 'x'.repeat(129) }, 'client_ref'],
    [{ bodySha256: 'ABC' }, 'body_sha256'],
  ])('refuses the header %j', async (changes, path) => {
    const { intake } = setup();
    const err = await refusal(intake.receive(caller, header(changes), chunks(doc().xml)));
    expect([err.code, err.path]).toEqual(['EXCHANGE.INVALID_ARGUMENT', path]);
  });

  it('refuses a body over the limit and keeps nothing of it', async () => {
    const { intake, events, blobs } = setup({ maxBodyBytes: 1000 });
    const xml = doc({ attachments: [{ name: 'big.pdf', bytes: Buffer.alloc(4000, 1) }] }).xml;
    const err = await refusal(intake.receive(caller, header(), chunks(xml, 256)));
    expect(err.code).toBe('EXCHANGE.BODY_TOO_LARGE');
    expect(events).toEqual([]);
    expect(await blobs.has(createHash('sha256').update(xml).digest('hex'))).toBe(false);
    expect((await refusal(intake.receive(caller, header({ bodySize: 5000 }), chunks(xml)))).code).toBe('EXCHANGE.BODY_TOO_LARGE');
  });

  it.each([
    ['an XXE attempt', `<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>`, 'EDXML.DTD_FORBIDDEN'],
    ['not XML at all', 'PDF?%%', 'EDXML.MALFORMED_XML'],
  ])('rejects %s with the parser’s code, keeping the bytes as evidence', async (_, body, code) => {
    const { intake, events, blobs } = setup();
    const outcome = await intake.receive(caller, header(), chunks(body, 5));
    expect(outcome).toMatchObject({ outcome: 'rejected', errorCode: code });
    expect(events.map((e) => [e.type, (e.payload as PackageRejected).errorCode])).toEqual([[PackageRejectedEvent.type, code]]);
    expect(await blobs.has(createHash('sha256').update(body).digest('hex'))).toBe(true);
  });

  it('carries a package whose only recipient code is malformed, for routing to refuse that recipient', async () => {
    const xml = readFileSync(join(SAMPLES, 'edoc_new.edxml'));
    const from = /<(?:edXML:)?From>\s*<(?:edXML:)?OrganId>([^<]+)</.exec(xml.toString())![1]!;
    const { intake, events } = setupFor(from);
    const outcome = await intake.receive(caller, header({ senderCode: from }), chunks(xml, 4096));
    expect(outcome).toMatchObject({ outcome: 'accepted', receipt: { recipientCodes: ['28.22.H17'] } });
    if (outcome.outcome !== 'accepted') return;
    expect(outcome.receipt.warnings.filter((f) => f.code === 'EDXML.INVALID_ORGAN_ID')).toEqual([
      expect.objectContaining({ path: 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To[1]/OrganId', severity: 'warning' }),
    ]);
    expect((events[0]!.payload as PackageAccepted).recipientCodes).toEqual(['28.22.H17']);
  });

  it('rejects a package from another agency than the one it is sent as, or of the other kind', async () => {
    const { intake } = setup();
    const foreign = doc({ from: '000.00.32.H53' }).xml;
    expect(await intake.receive(caller, header(), chunks(foreign))).toMatchObject({ outcome: 'rejected', errorCode: 'EXCHANGE.SENDER_MISMATCH' });
    expect(await intake.receive(caller, header({ kind: 'status' }), chunks(doc().xml))).toMatchObject({ outcome: 'rejected', errorCode: 'EXCHANGE.KIND_MISMATCH' });
  });

  it('rejects a body that does not match its stated hash or size', async () => {
    const { intake } = setup();
    expect(await intake.receive(caller, header({ bodySha256: 'a'.repeat(64) }), chunks(doc().xml))).toMatchObject({ outcome: 'rejected', errorCode: 'EXCHANGE.BODY_MISMATCH' });
    expect(await intake.receive(caller, header({ bodySize: 10 }), chunks(doc().xml))).toMatchObject({ outcome: 'rejected', errorCode: 'EXCHANGE.BODY_MISMATCH' });
  });

  it('accepts nothing when the blob store kept other bytes than it was given (BLOB.CORRUPT), answered EXCHANGE.INTERNAL', async () => {
    const events: EventEnvelope[] = [];
    const blobs = new InMemoryBlobStore();
    const openWriter = blobs.openWriter.bind(blobs);
    // A store that answers another hash than that of the bytes written to it.
    blobs.openWriter = (opts): BlobWriter => {
      const writer = openWriter(opts);
      return { ...writer, end: async () => ({ ...(await writer.end()), sha256: '0'.repeat(64) }) };
    };
    const intake = new PackageIntake({ blobs, receipts: new InMemoryReceiptStore(), append: async (e) => void events.push(e), mayActFor: (fp, code) => fp === FP && code === H53, clock: () => new Date('2026-11-30T02:00:00Z') });
    const xml = doc().xml;
    const err: unknown = await intake.receive(caller, header(), chunks(xml)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobStoreError);
    expect(err).toMatchObject({ code: 'BLOB.CORRUPT', message: `blob store hashed ${'0'.repeat(64)}, the gateway ${createHash('sha256').update(xml).digest('hex')}` });
    expect(events).toEqual([]);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const answer = toServiceError(err);
      expect([answer.code, answer.details]).toEqual([status.INTERNAL, 'EXCHANGE.INTERNAL: the axis could not complete the call']);
      expect(logged).toHaveBeenCalledWith(expect.stringContaining('blob store hashed'));
    } finally {
      logged.mockRestore();
    }
  });

  it('accepts nothing when the event cannot be appended, and lets the retry through', async () => {
    const { intake, events, broker } = setup({ failAppend: true });
    const err = await refusal(intake.receive(caller, header(), chunks(doc().xml)));
    expect(err.code).toBe('EXCHANGE.UNAVAILABLE');
    broker.down = false;
    expect(await intake.receive(caller, header(), chunks(doc().xml))).toMatchObject({ outcome: 'accepted', duplicate: false });
    expect(events).toHaveLength(1);
  });
});

function setupFor(senderCode: string) {
  const events: EventEnvelope[] = [];
  const intake = new PackageIntake({
    blobs: new InMemoryBlobStore(),
    receipts: new InMemoryReceiptStore(),
    append: async (e) => void events.push(e),
    mayActFor: (_, code) => code === senderCode,
  });
  return { intake, events };
}

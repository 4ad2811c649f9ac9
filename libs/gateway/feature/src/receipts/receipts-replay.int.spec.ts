import { PackageAcceptedEvent, PackageRejectedEvent, createEvent, documentKey, eventTopic, withLanes, type PackageFinding } from '@vdx/contracts';
import { expectReplayedAsLive, replayBed } from '@vdx/event-sourcing/test-fixtures';
import type { Outgoing } from '@vdx/messaging';
import { dumpCollection, uniqueName, waitUntil } from '@vdx/testing';
import { idempotencyKey, keyId } from '../intake/idempotency-key';
import type { PackageFacts } from '../intake/package-facts';
import type { Receipt } from './receipt';
import { receiptsProjection } from './receipts.projection';

const T0 = Date.parse('2026-07-01T01:00:00Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);
const SENDERS = ['000.00.00.G22', '000.00.00.H53'] as const;
const WARNING: PackageFinding = { code: 'EDXML.DEPRECATED', path: 'edXML/Header/MessageHeader/SteeringType', severity: 'warning', message: 'SteeringType is deprecated' };

/** One package as the gateway took it in (or refused it). */
interface Send {
  readonly packageId: string;
  readonly senderCode: string;
  readonly facts: PackageFacts;
  readonly clientRef: string | null;
  readonly bodySize: number;
  readonly warnings: readonly PackageFinding[];
  readonly minute: number;
}

/** Sends of documents and statuses, from two senders, some with the client's own id. */
function send(run: string, i: number, minute = i): Send {
  const senderCode = SENDERS[i % 2]!;
  const status = i % 7 === 3;
  const facts: PackageFacts = {
    kind: status ? 'status' : 'edoc',
    fromCode: senderCode,
    recipientCodes: status ? [SENDERS[(i + 1) % 2]!] : i % 3 === 1 ? ['000.00.00.H40', '000.00.32.H53'] : ['000.00.32.H53'],
    // A status is about an earlier document of the other sender.
    documentId: status ? `${run}-doc-${i - 1}` : `${run}-doc-${i}`,
    businessDocType: status ? null : '0',
    relatedDocumentId: null,
    statusCode: status ? '03' : null,
    subject: status ? null : `Công văn số ${i}/VPCP`,
    priority: status ? null : '0',
    promulgationDate: status ? null : '2026/07/01',
    dueDate: status ? null : '2026/07/15',
    statusTimestamp: status ? at(i).toISOString() : null,
    attachments: i % 4 === 0 ? [{ contentId: 'att1', name: 'phu-luc.pdf', contentType: 'application/pdf', size: 1024, sha256: 'a'.repeat(64) }] : [],
    normalisations: [],
  };
  return { packageId: `${run}-pkg-${i}`, senderCode, facts, clientRef: i % 3 === 0 ? `client-${i}` : null, bodySize: 20_000 + i, warnings: i % 2 === 0 ? [] : [WARNING], minute };
}

/** `s` resent under a new package id: the same idempotency key, a different receipt. */
const resend = (s: Send, packageId: string, minute: number): Send => ({ ...s, packageId, minute, bodySize: s.bodySize + 1, warnings: [] });

const bodySha256 = (s: Send): string => (s.bodySize % 16).toString(16).repeat(64);
const keyOf = (s: Send): string => idempotencyKey(s.senderCode, s.facts, s.clientRef);
const receiptOf = (s: Send): Receipt => ({ packageId: s.packageId, bodySha256: bodySha256(s), bodySize: s.bodySize, acceptedAt: at(s.minute).toISOString(), recipientCodes: [...s.facts.recipientCodes], warnings: [...s.warnings] });

/** As the gateway appends them: an acceptance keyed by its document, a refusal by its package id. */
function accepted(topic: string, s: Send): Outgoing {
  const { fromCode: _fromCode, statusTimestamp: _statusTimestamp, ...facts } = s.facts;
  return {
    topic,
    key: documentKey({ documentId: s.facts.documentId, packageId: s.packageId }),
    event: createEvent(PackageAcceptedEvent, {
      aggregateId: s.packageId,
      aggregateSeq: 1,
      actor: { kind: 'agency', id: s.senderCode },
      correlationId: s.packageId,
      occurredAt: at(s.minute),
      payload: {
        packageId: s.packageId,
        ...facts,
        recipientCodes: [...facts.recipientCodes],
        attachments: [...facts.attachments],
        senderCode: s.senderCode,
        systemId: s.senderCode === SENDERS[0] ? 'demo-vpcp' : 'qlvb-tay-ninh',
        bodySha256: bodySha256(s),
        bodySize: s.bodySize,
        warnings: [...s.warnings],
        idempotencyKey: keyOf(s),
        clientRef: s.clientRef,
      },
    }),
  };
}

function rejected(topic: string, run: string, i: number): Outgoing {
  const packageId = `${run}-rejected-${i}`;
  return {
    topic,
    key: packageId,
    event: createEvent(PackageRejectedEvent, {
      aggregateId: packageId,
      aggregateSeq: 1,
      actor: { kind: 'agency', id: SENDERS[i % 2]! },
      correlationId: packageId,
      occurredAt: at(i),
      payload: {
        packageId,
        senderCode: SENDERS[i % 2]!,
        systemId: 'demo-vpcp',
        errorCode: 'EXCHANGE.INVALID_PACKAGE',
        reason: 'the package has 1 error(s)',
        findings: [{ code: 'EDXML.MISSING_FIELD', path: 'edXML/Header/MessageHeader/DocumentId', severity: 'error', message: 'DocumentId is required' }],
        bodySha256: 'f'.repeat(64),
        bodySize: 512,
        clientRef: `client-${i}`,
      },
    }),
  };
}

describe('gateway-receipts: a replay rebuilds what the live projection built (real Kafka and store)', () => {
  const bed = replayBed('receipts');

  it('replays PackageAccepted (the first of a key winning, refusals skipped) into a collection identical to the live one', async () => {
    const run = uniqueName('g');
    const topic = eventTopic(uniqueName('gateway'));

    // 36 packages, every sixth refused; send 1 is resent right after it (one live batch, most
    // likely), send 2 only once the live model has its first receipt (a later batch, surely),
    // each with the same key: the first acceptance's receipt must stay.
    const sends = new Map<number, Send>();
    const first: Outgoing[] = [];
    for (let i = 0; i < 36; i += 1) {
      if (i % 6 === 5) {
        first.push(rejected(topic, run, i));
        continue;
      }
      const s = send(run, i);
      sends.set(i, s);
      first.push(accepted(topic, s));
      if (i === 1) first.push(accepted(topic, resend(s, `${run}-pkg-1-again`, 40)));
    }
    const late = resend(sends.get(2)!, `${run}-pkg-2-again`, 41);
    // Behind the late resend on its partition (the same document), a status about that document:
    // once its receipt is there, the live runner has read past the resend.
    const status = send(run, 3, 42);
    const behind: Send = { ...status, packageId: `${run}-pkg-3-05`, clientRef: null, facts: { ...status.facts, statusCode: '05' } };
    expect(behind.facts).toMatchObject({ kind: 'status', documentId: sends.get(2)!.facts.documentId });
    const second = [rejected(topic, run, 41), accepted(topic, late), accepted(topic, behind)];
    const firstOfKey = new Map<string, Send>();
    for (const s of [...sends.values(), behind]) if (!firstOfKey.has(keyId(keyOf(s)))) firstOfKey.set(keyId(keyOf(s)), s);
    expect(keyOf(late)).toBe(keyOf(sends.get(2)!));
    expect(keyOf(resend(sends.get(1)!, 'x', 0))).toBe(keyOf(sends.get(1)!));
    expect(firstOfKey.size).toBe(sends.size + 1);

    const { db } = bed;
    const collection = bed.collectionName('gateway_receipts');
    const projection = receiptsProjection(topic, uniqueName('gateway-receipts'), collection);
    const receiptsAre = (expected: ReadonlyMap<string, Send>) => async () => {
      const docs = await db.collection(collection).find({}, { projection: { packageId: 1 } }).toArray();
      return docs.length === expected.size && docs.every((d) => d['packageId'] === expected.get(String(d['_id']))?.packageId) ? true : undefined;
    };
    await bed.publish(withLanes([topic]), first, first.length);
    await bed.whileLive(projection, async () => {
      const beforeLate = new Map([...firstOfKey].filter(([, s]) => s.packageId !== behind.packageId));
      await waitUntil('the live projection to apply the first part of the log', receiptsAre(beforeLate), { timeoutMs: 25_000 });
      await bed.publishMore(second);
      await waitUntil('the live projection to apply the rest of the log', receiptsAre(firstOfKey), { timeoutMs: 25_000 });
    });
    const live = await dumpCollection(db, collection);
    // One document per key (no refusal among them), each the receipt of the key's first acceptance.
    expect(live.map((d) => d['_id'])).toEqual([...firstOfKey.keys()].sort());
    for (const { _pos, ...doc } of live) {
      const s = firstOfKey.get(String(doc['_id']))!;
      expect(doc).toStrictEqual({ _id: keyId(keyOf(s)), packageId: s.packageId, receipt: receiptOf(s) });
      expect(Object.keys(_pos as object)).toHaveLength(1);
    }
    const byId = new Map(live.map((d) => [String(d['_id']), d]));
    expect(byId.get(keyId(keyOf(sends.get(1)!)))?.['receipt']).toStrictEqual(receiptOf(sends.get(1)!));
    expect(byId.get(keyId(keyOf(sends.get(2)!)))?.['receipt']).toStrictEqual(receiptOf(sends.get(2)!));
    // The late resend was applied all the same: it moved its document's guard on to its own offset, just before the status behind it.
    const [partition, behindAt] = Object.entries(byId.get(keyId(keyOf(behind)))?.['_pos'] as Record<string, number>)[0]!;
    expect(byId.get(keyId(keyOf(sends.get(2)!)))?.['_pos']).toStrictEqual({ [partition]: behindAt - 1 });
    // The documents' keys spread the packages over all three partitions.
    expect(new Set(live.flatMap((d) => Object.keys(d['_pos'] as object))).size).toBe(3);

    const result = await bed.replay(projection);
    expect(result).toMatchObject({ events: first.length + second.length, undecodable: 0, swapped: false });
    // The resends too: they move the guard on, and leave the receipt as it was.
    await expectReplayedAsLive(db, result.built[collection]!, live);
  });
});

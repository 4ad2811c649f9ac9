import {
  DocumentChangedEvent,
  PackageRoutedEvent,
  RoutingRejectedEvent,
  createEvent,
  eventTopic,
  type DocumentChanged,
  type EventEnvelope,
  type PackageRef,
  type RecipientProgressEntry,
} from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { expectReplayedAsLive, replayBed, spreadLog, versionsAre } from '@vdx/event-sourcing/test-fixtures';
import type { Outgoing } from '@vdx/messaging';
import { dumpCollection, uniqueName } from '@vdx/testing';
import { DocumentRegistry, routingDocumentsProjection } from './document-registry';

const T0 = Date.parse('2026-07-01T01:00:00Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);
const actor = { kind: 'system', id: 'routing' } as const;

const SENDER = '000.00.00.G22';
const A = '000.00.00.H53';
const B = '000.00.32.H53';
const C = '000.00.00.H40';
const D = '000.00.00.H41';

/**
 * What happens to a document after it is first sent, in order: a resend to one more recipient,
 * or a status (processing 01…06 by a recipient, a recall 13 by the sender to all of them, its
 * answer 15/16 by a recipient). Each is one routed package and one new version of the document;
 * `rejected` is a status routing refuses, which changes nothing.
 */
type Step = { kind: 'resend'; add: string } | { kind: 'status'; code: string; from: string } | { kind: 'rejected'; code: string; from: string };
const HISTORY: readonly Step[] = [
  { kind: 'status', code: '01', from: A },
  { kind: 'status', code: '03', from: B },
  { kind: 'rejected', code: '02', from: B },
  { kind: 'status', code: '03', from: A },
  { kind: 'status', code: '13', from: SENDER },
  { kind: 'status', code: '15', from: A },
  { kind: 'status', code: '16', from: B },
];

/** Documents sent; as many distinct keys, so that all three partitions get some (all but surely). */
const DOCUMENTS = 24;

function packageRef(packageId: string, documentId: string, fields: Pick<PackageRef, 'kind' | 'senderCode' | 'recipientCodes' | 'statusCode'>, minute: number): PackageRef {
  const edoc = fields.kind === 'edoc';
  return packageRefWith({
    packageId,
    ...fields,
    systemId: fields.senderCode === SENDER ? 'demo-vpcp' : 'qlvb-tay-ninh',
    documentId,
    businessDocType: edoc ? '0' : null,
    subject: edoc ? `Công văn ${documentId}` : null,
    priority: edoc ? '0' : null,
    bodySha256: (minute % 16).toString(16).repeat(64),
    bodySize: 4_096 + minute,
    acceptedAt: at(minute).toISOString(),
  });
}

/**
 * The routing events of `DOCUMENTS` documents, each sent to 2 or 3 recipients and then moved on by
 * 1 to 7 steps of `HISTORY` (some resent to a fourth first): every package's PackageRouted (or
 * RoutingRejected) followed, when it changed the document, by its DocumentChanged, all keyed by the
 * document and interleaved one package of each document in turn. Each document's log ends with a
 * DocumentChanged, so once the live model has every document at its last version, it has read
 * past every event of its partition that the projection must ignore.
 */
function routingLog(run: string, topic: string): { items: Outgoing[]; last: Map<string, { payload: DocumentChanged; version: number }> } {
  const perDocument: Outgoing[][] = [];
  const last = new Map<string, { payload: DocumentChanged; version: number }>();
  for (let d = 0; d < DOCUMENTS; d += 1) {
    const documentId = `${run}-doc-${d}`;
    const recipients = d % 3 === 0 ? [A, B, C] : [A, B];
    const progress = new Map<string, { last: string | null; recall: string }>();
    const out: Outgoing[] = [];
    let version = 0;
    let minute = d;
    const emit = (e: EventEnvelope): void => void out.push({ topic, event: e, key: documentId });
    const routedTo = (ref: PackageRef, codes: readonly string[]): void =>
      emit(
        createEvent(PackageRoutedEvent, {
          aggregateId: ref.packageId,
          aggregateSeq: 1,
          payload: {
            package: ref,
            deliveries: codes.map((c) => ({ deliveryId: `${ref.packageId}/${c}`, requestedCode: c, recipientCode: c, deliverToCode: c === B ? A : c, systemId: 'qlvb', endpoint: null, route: c === B ? 'ancestor' : 'direct', via: c === B ? [B] : [] })),
            unroutable: [],
          },
          actor,
          correlationId: `corr-${ref.packageId}`,
          occurredAt: at(minute),
        }),
      );
    const changed = (packageId: string): void => {
      version += 1;
      const entries: RecipientProgressEntry[] = [...progress].map(([recipientCode, p]) => ({ recipientCode, last: p.last, recall: p.recall }));
      const payload: DocumentChanged = { documentId, senderCode: SENDER, recipientCodes: [...recipients], progress: entries, packageId };
      emit(createEvent(DocumentChangedEvent, { aggregateId: documentId, aggregateSeq: version, payload, actor, correlationId: `corr-${packageId}`, occurredAt: at(minute) }));
      last.set(documentId, { payload, version });
    };

    const sent = packageRef(`${run}-pkg-${d}-0`, documentId, { kind: 'edoc', senderCode: SENDER, recipientCodes: [...recipients], statusCode: null }, minute);
    routedTo(sent, recipients);
    changed(sent.packageId);
    const steps: Step[] = [...(d % 4 === 1 ? [{ kind: 'resend', add: D } as const] : []), ...HISTORY.slice(0, 1 + (d % HISTORY.length))];
    // A document whose history would end on a refused status ends on the status after it instead.
    if (steps[steps.length - 1]!.kind === 'rejected') steps.push(HISTORY[HISTORY.indexOf(steps[steps.length - 1]!) + 1]!);
    steps.forEach((s, k) => {
      minute += 1;
      const packageId = `${run}-pkg-${d}-${k + 1}`;
      if (s.kind === 'resend') {
        recipients.push(s.add);
        const ref = packageRef(packageId, documentId, { kind: 'edoc', senderCode: SENDER, recipientCodes: [s.add], statusCode: null }, minute);
        routedTo(ref, [s.add]);
        changed(packageId);
        return;
      }
      const ref = packageRef(packageId, documentId, { kind: 'status', senderCode: s.from, recipientCodes: s.from === SENDER ? [...recipients] : [SENDER], statusCode: s.code }, minute);
      if (s.kind === 'rejected') {
        emit(
          createEvent(RoutingRejectedEvent, {
            aggregateId: packageId,
            aggregateSeq: 1,
            payload: { package: ref, errorCode: 'ROUTING.IMPOSSIBLE_TRANSITION', reason: `a document already taken in (03) cannot be returned (${s.code})`, unroutable: [] },
            actor,
            correlationId: `corr-${packageId}`,
            occurredAt: at(minute),
          }),
        );
        return;
      }
      const movers = s.code === '13' ? recipients : [s.from];
      for (const m of movers) {
        const p = progress.get(m) ?? { last: null, recall: 'none' };
        progress.set(m, s.code === '13' ? { ...p, recall: 'requested' } : s.code === '15' ? { ...p, recall: 'agreed' } : s.code === '16' ? { ...p, recall: 'refused' } : { ...p, last: s.code });
      }
      routedTo(ref, s.from === SENDER ? recipients : [SENDER]);
      changed(packageId);
    });
    perDocument.push(out);
  }
  const items: Outgoing[] = [];
  for (let k = 0; perDocument.some((l) => l.length > k); k += 1) for (const l of perDocument) if (l[k]) items.push(l[k]!);
  return { items, last };
}

describe('routing-documents: a replay rebuilds what the live projection built (real Kafka and store)', () => {
  const bed = replayBed('routing-documents');

  it('replays DocumentChanged (and skips the decisions beside it) into a collection identical to the live one', async () => {
    const topic = eventTopic(uniqueName('routing'));
    // Documents on all three partitions, so that the model is written from each.
    const { items, last } = spreadLog('r', (run) => routingLog(run, topic), (log) => log.items.map((o) => o.key ?? o.event.aggregateId));
    // The fixture: several versions per document, progress with processing statuses and every recall state, decisions to ignore.
    expect(Math.min(...[...last.values()].map((l) => l.version))).toBeGreaterThanOrEqual(2);
    expect(new Set([...last.values()].flatMap((l) => l.payload.progress.map((p) => p.recall)))).toEqual(new Set(['none', 'requested', 'agreed', 'refused']));
    const types = items.map((o) => o.event.type);
    expect(types.filter((t) => t === RoutingRejectedEvent.type).length).toBeGreaterThan(0);
    expect(types.filter((t) => t === PackageRoutedEvent.type).length).toBe(types.filter((t) => t === DocumentChangedEvent.type).length);
    await bed.publish([topic], items);

    const { db } = bed;
    const collection = bed.collectionName('routing_documents');
    const projection = routingDocumentsProjection(topic, uniqueName('routing-documents'), collection);
    // Every document at the version of its last DocumentChanged: the live runner has applied everything.
    const versions = new Map([...last].map(([id, l]) => [id, l.version]));
    await bed.runLive(projection, 'the live projection to apply every DocumentChanged', () => versionsAre(db, collection, versions));
    const live = await dumpCollection(db, collection);
    // One document per DocumentId (no package id among them), each exactly its last DocumentChanged, with its version.
    expect(live.map((d) => d['_id'])).toEqual([...last.keys()].sort());
    for (const { _pos, ...doc } of live) {
      const { payload, version } = last.get(String(doc['_id']))!;
      expect(doc).toStrictEqual({ _id: payload.documentId, senderCode: payload.senderCode, recipientCodes: payload.recipientCodes, progress: payload.progress, version });
      expect(Object.keys(_pos as object)).toHaveLength(1);
    }
    // The documents' keys spread them over all three partitions.
    expect(new Set(live.flatMap((d) => Object.keys(d['_pos'] as object))).size).toBe(3);

    const result = await bed.replay(projection);
    expect(result).toMatchObject({ events: items.length, undecodable: 0, swapped: false });
    await expectReplayedAsLive(db, result.built[collection]!, live);

    // What routing's owner reads back for a document of another partition is the same from either.
    const fromLive = new DocumentRegistry(db, collection);
    const fromReplay = new DocumentRegistry(db, result.built[collection]!);
    for (const [documentId, { payload, version }] of last) {
      const got = await fromLive.get(documentId);
      expect(got?.version).toBe(version);
      expect(got?.document.recipientCodes).toEqual(payload.recipientCodes);
      expect(await fromReplay.get(documentId)).toStrictEqual(got);
    }
  });
});

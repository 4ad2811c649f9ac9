import {
  DeliveryAcknowledgedEvent,
  DeliveryAttemptFailedEvent,
  DeliveryDeadLetteredEvent,
  DeliveryDeadlineMissedEvent,
  DeliveryFetchedEvent,
  DeliveryQueuedEvent,
  DeliveryRedrivenEvent,
  DeliveryStatusRecordedEvent,
  DeliveryWithdrawnEvent,
  createEvent,
  documentKey,
  eventTopic,
  type EventDefinition,
  type EventType,
  type EventEnvelope,
  type PackageRef,
  withLanes,
} from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { expectReplayedAsLive, replayBed, spreadLog, versionsAre } from '@vdx/event-sourcing/test-fixtures';
import type { Outgoing } from '@vdx/messaging';
import { dumpCollection, kafkaPartition, uniqueName } from '@vdx/testing';
import type { Document } from 'mongodb';
import { isDeepStrictEqual } from 'node:util';
import { deliveryReadModelsProjection } from './delivery-state.projection';

const T0 = Date.parse('2026-07-01T01:00:00Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);
const iso = (minutes: number): string => at(minutes).toISOString();
const actor = { kind: 'system', id: 'delivery' } as const;

/** What happens to one delivery, in order; each step is one event of the delivery service. */
type Step = (deliveryId: string) => { def: EventDefinition<never, EventType>; payload: unknown };
const step = <P, T extends EventType>(def: EventDefinition<P, T>, payload: (deliveryId: string) => P): Step => (deliveryId) => ({ def: def as EventDefinition<never, T>, payload: payload(deliveryId) });

const failed = (attempt: number, next: number | null) => step(DeliveryAttemptFailedEvent, (deliveryId) => ({ deliveryId, attempt, error: `UNAVAILABLE: push ${attempt} refused`, nextAttemptAt: next === null ? null : iso(next) }));
const fetched = (via: string) => step(DeliveryFetchedEvent, (deliveryId) => ({ deliveryId, systemId: 'qlvb-tay-ninh', via }));
const acknowledged = (result: 'done' | 'fail', reason: string | null = null) => step(DeliveryAcknowledgedEvent, (deliveryId) => ({ deliveryId, systemId: 'qlvb-tay-ninh', result, reason }));
const status = (code: string, description: string) => step(DeliveryStatusRecordedEvent, (deliveryId) => ({ deliveryId, code, at: iso(90), description, packageId: `status-${code}-${deliveryId}` }));

/** The states that keep a delivery in its recipient's open inbox (acknowledged, failed and withdrawn leave it). */
const OPEN = new Set(['queued', 'fetched', 'dead']);

/** The scenarios, and the state each leaves: state, attempts, deadlineMissed, ackResult, statuses recorded. */
const SCENARIOS: readonly { steps: readonly Step[]; expected: readonly [string, number, boolean, string | null, number] }[] = [
  {
    // Pushes fail until it is dead-lettered; an operator redrives it; it is fetched, taken in, and processed.
    steps: [
      failed(1, 5),
      failed(2, 15),
      step(DeliveryDeadLetteredEvent, (deliveryId) => ({ deliveryId, attempts: 3, lastError: 'UNAVAILABLE: push 3 refused' })),
      step(DeliveryRedrivenEvent, (deliveryId) => ({ deliveryId, operator: 'ops' })),
      fetched('push'),
      acknowledged('done'),
      status('01', 'Đã đến'),
      status('03', 'Đã phân công'),
    ],
    expected: ['acknowledged', 0, false, 'done', 2],
  },
  { steps: [fetched('fetch'), acknowledged('fail', 'không đúng thẩm quyền')], expected: ['failed', 0, false, 'fail', 0] },
  { steps: [failed(1, 5), step(DeliveryDeadlineMissedEvent, (deliveryId) => ({ deliveryId, deadline: iso(600) })), fetched('fetch'), acknowledged('done')], expected: ['acknowledged', 1, true, 'done', 0] },
  // The sender recalls the document (13), the recipient agrees (15): the delivery is withdrawn.
  {
    steps: [fetched('fetch'), acknowledged('done'), status('13', 'Đề nghị thu hồi'), status('15', 'Đồng ý thu hồi'), step(DeliveryWithdrawnEvent, (deliveryId) => ({ deliveryId, byPackageId: `status-15-${deliveryId}` }))],
    expected: ['withdrawn', 0, false, 'done', 2],
  },
  { steps: [failed(1, 25)], expected: ['queued', 1, false, null, 0] },
  { steps: [], expected: ['queued', 0, false, null, 0] },
  // Every push fails: dead-lettered, then past its deadline, still open for the recipient to fetch.
  {
    steps: [
      failed(1, 5),
      failed(2, 15),
      step(DeliveryDeadLetteredEvent, (deliveryId) => ({ deliveryId, attempts: 3, lastError: 'UNAVAILABLE: push 3 refused' })),
      step(DeliveryDeadlineMissedEvent, (deliveryId) => ({ deliveryId, deadline: iso(600) })),
    ],
    expected: ['dead', 3, true, null, 0],
  },
  // A push fails, the recipient fetches it, and has not acknowledged it yet.
  { steps: [failed(1, 5), fetched('fetch')], expected: ['fetched', 1, false, null, 0] },
  // Recalled before the recipient acknowledged it: withdrawn straight from fetched.
  {
    steps: [fetched('fetch'), status('13', 'Đề nghị thu hồi'), status('15', 'Đồng ý thu hồi'), step(DeliveryWithdrawnEvent, (deliveryId) => ({ deliveryId, byPackageId: `status-15-${deliveryId}` }))],
    expected: ['withdrawn', 0, false, null, 2],
  },
];

const RECIPIENTS = [
  { recipientCode: '000.00.00.H53', deliverToCode: '000.00.00.H53', route: 'direct', via: [] },
  { recipientCode: '000.00.32.H53', deliverToCode: '000.00.00.H53', route: 'ancestor', via: ['000.00.32.H53'] },
  { recipientCode: '000.00.00.H40', deliverToCode: '000.00.00.H40', route: 'direct', via: [] },
];

function packageRef(run: string, i: number, recipients: readonly string[]): PackageRef {
  return packageRefWith({
    packageId: `${run}-pkg-${i}`,
    senderCode: '000.00.00.G22',
    systemId: 'demo-vpcp',
    recipientCodes: recipients,
    // Some packages have no DocumentId: they travel under their package id.
    documentId: i % 4 === 3 ? null : `${run}-doc-${i}`,
    businessDocType: '0',
    subject: `Công văn số ${i}/VPCP`,
    priority: '0',
    dueDate: '2026/07/15',
    bodySha256: (i % 16).toString(16).repeat(64),
    bodySize: 51_200 + i,
    acceptedAt: iso(0),
  });
}

/** What one delivery must leave: its delivery_state version, and where and how it shows in its recipient's inbox. */
interface ExpectedDelivery {
  readonly version: number;
  /** The record key (its document's). */
  readonly key: string;
  readonly scenario: number;
  readonly recipientCode: string;
  /** Its entry's `_id` in the inbox: `<recipientCode>|1|<deliveryId>` (the fixture's deliveries travel the normal lane). */
  readonly entry: string;
  /** The seq of its last event the inbox takes (statuses are left to delivery_state). */
  readonly inboxVersion: number;
}

/** Packages sent; as many distinct document keys, so that all three partitions get some (all but surely). */
const PACKAGES = 24;

/**
 * Deliveries of 24 packages (1 to 3 recipients each) through every scenario, interleaved as the
 * service would write them (one step of each delivery in turn), keyed by their document's key.
 */
function deliveryLog(run: string, topic: string): { items: Outgoing[]; expected: Map<string, ExpectedDelivery> } {
  const deliveries: { deliveryId: string; key: string; events: EventEnvelope[]; scenario: number; recipientCode: string; packageId: string }[] = [];
  for (let i = 0; i < PACKAGES; i += 1) {
    const recipients = RECIPIENTS.slice(0, 1 + (i % 3));
    const pkg = packageRef(run, i, recipients.map((r) => r.recipientCode));
    recipients.forEach((r, j) => {
      // `<packageId>/<recipientCode>`: the inbox files the delivery under the part after the last slash.
      const deliveryId = `${pkg.packageId}/${r.recipientCode}`;
      const scenario = (i + j) % SCENARIOS.length;
      const queued = createEvent(DeliveryQueuedEvent, {
        aggregateId: deliveryId,
        aggregateSeq: 1,
        payload: { deliveryId, package: pkg, ...r, systemId: r.deliverToCode === '000.00.00.H40' ? 'qlvb-hcm' : 'qlvb-tay-ninh', endpoint: j === 0 ? 'qlvb.example:7443' : null, deadline: iso(600) },
        actor,
        correlationId: `corr-${pkg.packageId}`,
        occurredAt: at(1),
      });
      const later = SCENARIOS[scenario]!.steps.map((s, k) => {
        const { def, payload } = s(deliveryId);
        return createEvent(def, { aggregateId: deliveryId, aggregateSeq: k + 2, payload: payload as never, actor, correlationId: `corr-${pkg.packageId}`, occurredAt: at(2 + k) });
      });
      deliveries.push({ deliveryId, key: documentKey(pkg), events: [queued, ...later], scenario, recipientCode: r.recipientCode, packageId: pkg.packageId });
    });
  }
  const items: Outgoing[] = [];
  for (let k = 0; deliveries.some((d) => d.events.length > k); k += 1) {
    for (const d of deliveries) if (d.events[k]) items.push({ topic, event: d.events[k]!, key: d.key });
  }
  const expected = new Map(
    deliveries.map((d) => [
      d.deliveryId,
      {
        version: d.events.length,
        key: d.key,
        scenario: d.scenario,
        recipientCode: d.recipientCode,
        entry: `${d.recipientCode}|1|${d.deliveryId}`,
        inboxVersion: Math.max(...d.events.filter((e) => e.type !== DeliveryStatusRecordedEvent.type).map((e) => e.aggregateSeq)),
      },
    ]),
  );
  return { items, expected };
}

/** An inbox as `{ _id: recipient, open: { <entry id>: '<state>@<version>' } }`, sorted by recipient like `dumpCollection`. */
type InboxSummary = { _id: string; open: Record<string, string> }[];

function expectedInbox(expected: ReadonlyMap<string, ExpectedDelivery>): InboxSummary {
  const byRecipient = new Map<string, Record<string, string>>();
  for (const d of expected.values()) {
    const open = byRecipient.get(d.recipientCode) ?? {};
    const state = SCENARIOS[d.scenario]!.expected[0];
    if (OPEN.has(state)) open[d.entry] = `${state}@${d.inboxVersion}`;
    byRecipient.set(d.recipientCode, open);
  }
  // A recipient with nothing open has no entries at all.
  return [...byRecipient]
    .filter(([, open]) => Object.keys(open).length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([_id, open]) => ({ _id, open }));
}

/** The recipient of an inbox entry (`<recipientCode>|<lane>|<deliveryId>`). */
const recipientOf = (doc: Document): string => String(doc['_id']).split('|')[0]!;

/** A recipient's open entries by entry id. */
function openOf(docs: readonly Document[], recipientCode: string): Record<string, Document> {
  return Object.fromEntries(docs.filter((d) => recipientOf(d) === recipientCode).map((d) => [String(d['_id']), d]));
}

const inboxSummary = (docs: readonly Document[]): InboxSummary =>
  [...new Set(docs.map(recipientOf))].sort().map((_id) => ({
    _id,
    open: Object.fromEntries(Object.entries(openOf(docs, _id)).map(([entry, e]) => [entry, `${String(e['state'])}@${String(e['version'])}`])),
  }));

describe('delivery-state and delivery-inbox: a replay rebuilds what the live projection built (real Kafka and store)', () => {
  const bed = replayBed('delivery-state');

  it('replays every kind of delivery event into state and inbox collections identical to the live ones', async () => {
    const topic = eventTopic(uniqueName('delivery'));
    // A run whose documents with an open delivery (so all its documents too) fall on all three
    // partitions, so that both models are written from every partition.
    const openKeys = (log: ReturnType<typeof deliveryLog>) => [...log.expected.values()].filter((d) => OPEN.has(SCENARIOS[d.scenario]!.expected[0])).map((d) => d.key);
    const { items, expected } = spreadLog('d', (run) => deliveryLog(run, topic), openKeys);
    await bed.publish(withLanes([topic]), items);
    const { db } = bed;
    const inboxWanted = expectedInbox(expected);
    // The fixture covers what the inbox must tell apart: every open state, and closed deliveries, for several recipients.
    const openStates = new Set(inboxWanted.flatMap((r) => Object.values(r.open).map((v) => v.split('@')[0])));
    expect(openStates).toEqual(OPEN);
    expect(inboxWanted.filter((r) => Object.keys(r.open).length > 0).length).toBeGreaterThanOrEqual(2);
    const closedFor = new Set([...expected.values()].filter((d) => !OPEN.has(SCENARIOS[d.scenario]!.expected[0])).map((d) => d.recipientCode));
    expect(closedFor.size).toBeGreaterThanOrEqual(2);

    const collections = { state: bed.collectionName('delivery_state'), inbox: bed.collectionName('delivery_inbox'), dead: bed.collectionName('delivery_dead') };
    const projection = deliveryReadModelsProjection(topic, uniqueName('delivery-state'), collections);
    expect(projection.collections).toEqual([collections.state, collections.inbox, collections.dead]);
    // The dead letters: the deliveries whose last state is dead (some of them were dead before, and redriven or fetched).
    const deadWanted = [...expected.keys()].filter((id) => SCENARIOS[expected.get(id)!.scenario]!.expected[0] === 'dead').sort();
    expect(deadWanted.length).toBeGreaterThanOrEqual(2);
    // Every delivery at the version of its last event, and every inbox entry at the version of
    // its last event the inbox takes (a batch writes the inbox after the state): all applied.
    const versions = new Map([...expected].map(([id, d]) => [id, d.version]));
    await bed.runLive(projection, 'the live projection to apply every delivery event to both collections', async () => {
      if (!(await versionsAre(db, collections.state, versions))) return false;
      if (!isDeepStrictEqual(inboxSummary(await dumpCollection(db, collections.inbox)), inboxWanted)) return false;
      return isDeepStrictEqual((await dumpCollection(db, collections.dead)).map((d) => d['_id']), deadWanted);
    });
    const live = await dumpCollection(db, collections.state);
    const summary = (d: Document) => [d['state'], d['attempts'], d['deadlineMissed'], d['ackResult'], Object.keys(d['statuses'] ?? {}).length];
    expect(live.map(summary)).toEqual(live.map((d) => SCENARIOS[expected.get(String(d['_id']))!.scenario]!.expected));
    expect(new Set(live.map((d) => d['state']))).toEqual(new Set(['acknowledged', 'failed', 'withdrawn', 'queued', 'dead', 'fetched']));
    // The documents' keys spread the deliveries over all three partitions.
    expect(new Set(live.flatMap((d) => Object.keys(d['_pos'] as object))).size).toBe(3);
    // Each delivery on the partition of its document's key: the broker agrees with kafkaPartition.
    for (const d of live) expect(Object.keys(d['_pos'] as object).map((k) => Number(k.slice(k.lastIndexOf('~') + 1)))).toEqual([kafkaPartition(expected.get(String(d['_id']))!.key, 3)]);

    // One dead letter per delivery dead now, with when it died; none for those redriven or fetched since.
    const liveDead = await dumpCollection(db, collections.dead);
    expect(liveDead.map((d) => d['_id'])).toEqual(deadWanted);
    const versionOf = new Map(live.map((d) => [String(d['_id']), Number(d['version'])]));
    for (const d of liveDead) expect([typeof d['deadAt'], Number(d['version']) <= versionOf.get(String(d['_id']))!]).toEqual(['string', true]);

    // Per recipient, one entry per open delivery, each in its last state, and none for the closed ones.
    const liveInbox = await dumpCollection(db, collections.inbox);
    expect(inboxSummary(liveInbox)).toEqual(inboxWanted);
    expect([...new Set(liveInbox.map(recipientOf))].sort()).toEqual(inboxWanted.map((r) => r._id));
    // An open entry is the delivery as delivery_state has it (none of the open ones has a status).
    const stateById = new Map(live.map((d) => [String(d['_id']), d]));
    let entries = 0;
    for (const [deliveryId, d] of expected) {
      const entry = openOf(liveInbox, d.recipientCode)[d.entry];
      if (!OPEN.has(SCENARIOS[d.scenario]!.expected[0])) {
        expect(entry).toBeUndefined();
        continue;
      }
      const { _id, _pos, ...state } = stateById.get(deliveryId)!;
      const { _id: entryId, _pos: entryPos, ...fields } = entry!;
      expect(fields).toStrictEqual(state);
      // One writer: the entry hears from its delivery's partition only, as delivery_state does.
      expect(Object.keys(entryPos as object)).toEqual(Object.keys(_pos as object));
      expect(entryId).toBe(d.entry);
      expect(entry?.['recipientCode']).toBe(d.recipientCode);
      entries += 1;
    }
    expect(entries).toBe(inboxWanted.reduce((n, r) => n + Object.keys(r.open).length, 0));
    expect(liveInbox).toHaveLength(entries);
    // A recipient's deliveries come from the partitions of their documents: its entries span them.
    expect(new Set(liveInbox.flatMap((d) => Object.keys(d['_pos'] as object))).size).toBe(3);

    const result = await bed.replay(projection);
    expect(result).toMatchObject({ events: items.length, undecodable: 0, swapped: false });
    expect(Object.keys(result.built).sort()).toEqual([collections.state, collections.inbox, collections.dead].sort());
    // Every field of every document of the three collections.
    for (const [logical, liveDocs] of [[collections.state, live], [collections.inbox, liveInbox], [collections.dead, liveDead]] as const) {
      await expectReplayedAsLive(db, result.built[logical]!, liveDocs);
    }
  });
});


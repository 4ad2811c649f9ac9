import { createEvent, DeliveryAcknowledgedEvent, DeliveryAttemptFailedEvent, DeliveryDeadLetteredEvent, DeliveryDeadlineMissedEvent, DeliveryFetchedEvent, DeliveryQueuedEvent, DeliveryRedrivenEvent, DeliveryStatusRecordedEvent, DeliveryWithdrawnEvent, type EventDefinition, type EventEnvelope, laneTopic, PackageRoutedEvent } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import type { ReadModelWrite } from '@vdx/event-sourcing';
import { deliveryDeadProjection, deliveryInboxProjection, deliveryReadModelsProjection, deliveryStateProjection, inboxEntryId, statusField } from './delivery-state.projection';

// The delivery read models as a consumer step: envelopes in, the writes the guarded writer would
// apply out, folded into documents in memory.

const EVENTS = 'test.delivery.events';
const URGENT = laneTopic(EVENTS, 'urgent');
const DELIVERY = 'p1/000.00.00.H01';

const ref = packageRefWith({ packageId: 'p1', senderCode: '000.00.00.G22', systemId: 'sys-g22', recipientCodes: ['000.00.00.H01'], documentId: '000.00.00.G22,2026/11/30,7/VP', businessDocType: '0', subject: 'Công văn', bodySize: 8 });

let seq = 0;
function event<P>(def: EventDefinition<P>, payload: P, at: string): EventEnvelope {
  seq += 1;
  return createEvent(def, { aggregateId: DELIVERY, aggregateSeq: seq, actor: { kind: 'system', id: 'delivery' }, correlationId: 'corr-p1', occurredAt: new Date(at), payload }) as EventEnvelope;
}

const queued = () =>
  event(DeliveryQueuedEvent, { deliveryId: DELIVERY, package: ref, recipientCode: '000.00.00.H01', deliverToCode: '000.00.00.H01', systemId: 'sys-h01', endpoint: 'https://h01.example/deliver', route: 'direct', via: [], deadline: '2026-12-02T02:00:00.000Z' }, '2026-11-30T02:00:01.000Z');

/** Applies writes to documents by id, as the guarded writer does ($set by dotted path; a delete removes). */
function fold(writes: readonly ReadModelWrite[], docs = new Map<string, Record<string, unknown>>()): Map<string, Record<string, unknown>> {
  for (const w of writes) {
    const key = `${w.collection}/${w.id}`;
    if (w.deletes) {
      docs.delete(key);
      continue;
    }
    const doc = docs.get(key) ?? {};
    for (const [path, value] of Object.entries(w.update.$set ?? {})) {
      const parts = path.split('.');
      let target = doc;
      for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
      target[parts[parts.length - 1]!] = value;
    }
    docs.set(key, doc);
  }
  return docs;
}

function run(events: readonly EventEnvelope[], topic = EVENTS): Map<string, Record<string, unknown>> {
  const projection = deliveryReadModelsProjection(EVENTS);
  const docs = new Map<string, Record<string, unknown>>();
  events.forEach((e, i) => fold(projection.project(e, { topic, partition: 0, offset: String(i) }), docs));
  return docs;
}

describe('deliveryStateProjection', () => {
  beforeEach(() => {
    seq = 0;
  });

  it('creates the delivery when queued, with its package, route, deadline, correlation id and command key', () => {
    const writes = deliveryStateProjection(EVENTS).project(queued(), { topic: EVENTS, partition: 0, offset: '0' });
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ collection: 'delivery_state', id: DELIVERY, creates: true });
    expect(writes[0]!.update.$set).toMatchObject({
      deliveryId: DELIVERY,
      packageId: 'p1',
      systemId: 'sys-h01',
      endpoint: 'https://h01.example/deliver',
      state: 'queued',
      attempts: 0,
      deadline: '2026-12-02T02:00:00.000Z',
      deadlineMissed: false,
      queuedAt: '2026-11-30T02:00:01.000Z',
      correlationId: 'corr-p1',
      commandKey: '000.00.00.G22,2026/11/30,7/VP',
      version: 1,
    });
  });

  it('follows the delivery through failed pushes, the dead letter, a redrive, the fetch and the acknowledgement', () => {
    const docs = run([
      queued(),
      event(DeliveryAttemptFailedEvent, { deliveryId: DELIVERY, attempt: 1, error: 'UNAVAILABLE', nextAttemptAt: '2026-11-30T02:01:00.000Z' }, '2026-11-30T02:00:02.000Z'),
      event(DeliveryDeadLetteredEvent, { deliveryId: DELIVERY, attempts: 3, lastError: 'UNAVAILABLE' }, '2026-11-30T02:05:00.000Z'),
    ]);
    expect(docs.get(`delivery_state/${DELIVERY}`)).toMatchObject({ state: 'dead', attempts: 3, lastError: 'UNAVAILABLE', nextAttemptAt: null, version: 3 });

    seq = 0;
    const later = run([
      queued(),
      event(DeliveryDeadLetteredEvent, { deliveryId: DELIVERY, attempts: 3, lastError: 'UNAVAILABLE' }, '2026-11-30T02:05:00.000Z'),
      event(DeliveryRedrivenEvent, { deliveryId: DELIVERY, operator: 'ops' }, '2026-11-30T03:00:00.000Z'),
      event(DeliveryFetchedEvent, { deliveryId: DELIVERY, systemId: 'sys-h01', via: 'fetch' }, '2026-11-30T03:01:00.000Z'),
      event(DeliveryDeadlineMissedEvent, { deliveryId: DELIVERY, deadline: '2026-12-02T02:00:00.000Z' }, '2026-12-02T02:00:30.000Z'),
      event(DeliveryAcknowledgedEvent, { deliveryId: DELIVERY, systemId: 'sys-h01', result: 'fail', reason: 'not ours' }, '2026-12-02T03:00:00.000Z'),
    ]);
    expect(later.get(`delivery_state/${DELIVERY}`)).toMatchObject({
      state: 'failed',
      attempts: 0,
      fetchedAt: '2026-11-30T03:01:00.000Z',
      deadlineMissed: true,
      ackResult: 'fail',
      ackReason: 'not ours',
      acknowledgedAt: '2026-12-02T03:00:00.000Z',
      version: 6,
    });
  });

  it('records each status package’s code once, under its own field, and a withdrawal', () => {
    const status = event(DeliveryStatusRecordedEvent, { deliveryId: DELIVERY, code: '03', at: '2026-11-30T04:00:00.000Z', description: 'Đã phân công', packageId: 'st.1' }, '2026-11-30T04:00:01.000Z');
    const docs = run([queued(), status, status, event(DeliveryWithdrawnEvent, { deliveryId: DELIVERY, byPackageId: 'st.2' }, '2026-11-30T05:00:00.000Z')]);
    const doc = docs.get(`delivery_state/${DELIVERY}`)!;
    expect(statusField('st.1', '03')).toBe('statuses.st_1-03');
    expect(doc['statuses']).toEqual({ 'st_1-03': { code: '03', at: '2026-11-30T04:00:00.000Z', description: 'Đã phân công', packageId: 'st.1' } });
    expect(doc['state']).toBe('withdrawn');
  });

  it('writes nothing for events that are not about a delivery', () => {
    const other = { ...queued(), type: PackageRoutedEvent.type };
    expect(deliveryStateProjection(EVENTS).project(other, { topic: EVENTS, partition: 0, offset: '0' })).toEqual([]);
  });
});

describe('deliveryInboxProjection', () => {
  beforeEach(() => {
    seq = 0;
  });

  it('keeps an entry per open delivery under its recipient and lane, without statuses, and deletes it once acknowledged', () => {
    const normal = inboxEntryId('000.00.00.H01', 'normal', DELIVERY);
    const urgent = inboxEntryId('000.00.00.H01', 'urgent', DELIVERY);
    expect([normal, urgent]).toEqual([`000.00.00.H01|1|${DELIVERY}`, `000.00.00.H01|0|${DELIVERY}`]);

    const open = run([queued(), event(DeliveryFetchedEvent, { deliveryId: DELIVERY, systemId: 'sys-h01', via: 'push' }, '2026-11-30T02:00:03.000Z')], URGENT);
    expect(open.get(`delivery_inbox/${urgent}`)).toMatchObject({ deliveryId: DELIVERY, state: 'fetched', fetchedAt: '2026-11-30T02:00:03.000Z' });
    expect(open.has(`delivery_inbox/${normal}`)).toBe(false);

    const inbox = deliveryInboxProjection(EVENTS);
    const status = event(DeliveryStatusRecordedEvent, { deliveryId: DELIVERY, code: '01', at: '2026-11-30T04:00:00.000Z', description: '', packageId: 'st.1' }, '2026-11-30T04:00:01.000Z');
    expect(inbox.project(status, { topic: EVENTS, partition: 0, offset: '9' })).toEqual([]);
    const ack = event(DeliveryAcknowledgedEvent, { deliveryId: DELIVERY, systemId: 'sys-h01', result: 'done', reason: null }, '2026-11-30T04:00:00.000Z');
    expect(inbox.project(ack, { topic: EVENTS, partition: 0, offset: '10' })).toEqual([{ collection: 'delivery_inbox', id: normal, deletes: true, update: {} }]);

    const closed = run([queued(), ack]);
    expect(closed.has(`delivery_inbox/${normal}`)).toBe(false);
    expect(closed.get(`delivery_state/${DELIVERY}`)).toMatchObject({ state: 'acknowledged', ackResult: 'done' });
  });

  it('writes delivery_state before delivery_inbox and delivery_dead for one event, so a listed entry is known by its id', () => {
    const writes = deliveryReadModelsProjection(EVENTS).project(queued(), { topic: EVENTS, partition: 0, offset: '0' });
    expect(writes.map((w) => w.collection)).toEqual(['delivery_state', 'delivery_inbox']);
    const dead = deliveryReadModelsProjection(EVENTS).project(event(DeliveryDeadLetteredEvent, { deliveryId: DELIVERY, attempts: 3, lastError: 'UNAVAILABLE' }, '2026-11-30T02:05:00.000Z'), { topic: EVENTS, partition: 0, offset: '1' });
    expect(dead.map((w) => w.collection)).toEqual(['delivery_state', 'delivery_inbox', 'delivery_dead']);
  });
});

describe('delivery_dead projection', () => {
  const deadLettered = (at: string) => event(DeliveryDeadLetteredEvent, { deliveryId: DELIVERY, attempts: 3, lastError: 'UNAVAILABLE' }, at);
  const dead = (events: readonly EventEnvelope[]) => {
    const projection = deliveryDeadProjection(EVENTS);
    return fold(events.flatMap((e) => projection.project(e, { topic: EVENTS, partition: 0, offset: String(e.aggregateSeq) })));
  };

  beforeEach(() => {
    seq = 0;
  });

  it('lists a delivery once it is dead-lettered, by its delivery id, with when and after how many attempts', () => {
    const docs = dead([queued(), event(DeliveryAttemptFailedEvent, { deliveryId: DELIVERY, attempt: 1, error: 'UNAVAILABLE', nextAttemptAt: '2026-11-30T02:01:00.000Z' }, '2026-11-30T02:00:02.000Z'), deadLettered('2026-11-30T02:05:00.000Z')]);
    expect([...docs]).toEqual([[`delivery_dead/${DELIVERY}`, { deadAt: '2026-11-30T02:05:00.000Z', attempts: 3, version: 3 }]]);
  });

  it.each([
    ['redriven', () => event(DeliveryRedrivenEvent, { deliveryId: DELIVERY, operator: 'ops' }, '2026-11-30T03:00:00.000Z')],
    ['fetched by its recipient', () => event(DeliveryFetchedEvent, { deliveryId: DELIVERY, systemId: 'sys-h01', via: 'fetch' }, '2026-11-30T03:00:00.000Z')],
    ['withdrawn', () => event(DeliveryWithdrawnEvent, { deliveryId: DELIVERY, byPackageId: 'status-15' }, '2026-11-30T03:00:00.000Z')],
  ])('takes it off the list once %s', (_, revive) => {
    expect(dead([queued(), deadLettered('2026-11-30T02:05:00.000Z'), revive()]).size).toBe(0);
  });

  it('lists it again when it dies again after a redrive, with the later time', () => {
    const docs = dead([queued(), deadLettered('2026-11-30T02:05:00.000Z'), event(DeliveryRedrivenEvent, { deliveryId: DELIVERY, operator: 'ops' }, '2026-11-30T03:00:00.000Z'), deadLettered('2026-11-30T04:00:00.000Z')]);
    expect(docs.get(`delivery_dead/${DELIVERY}`)).toEqual({ deadAt: '2026-11-30T04:00:00.000Z', attempts: 3, version: 4 });
  });

  it('writes nothing for the events of a delivery that never dies but those that may follow a death', () => {
    const projection = deliveryDeadProjection(EVENTS);
    const position = { topic: EVENTS, partition: 0, offset: '0' };
    expect(projection.project(queued(), position)).toEqual([]);
    expect(projection.project(event(DeliveryAttemptFailedEvent, { deliveryId: DELIVERY, attempt: 1, error: 'UNAVAILABLE', nextAttemptAt: '2026-11-30T02:01:00.000Z' }, '2026-11-30T02:00:02.000Z'), position)).toEqual([]);
    expect(projection.project(event(DeliveryDeadlineMissedEvent, { deliveryId: DELIVERY, deadline: '2026-12-02T02:00:00.000Z' }, '2026-12-02T02:00:30.000Z'), position)).toEqual([]);
  });
});

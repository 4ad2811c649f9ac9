import { InMemoryBlobStore } from '@vdx/blob-store';
import { createEvent, DeliveryAcknowledgedEvent, type DeliveryCommandSubmitted, DeliveryDeadLetteredEvent, DeliveryDeadlineMissedEvent, DeliveryFetchedEvent, DeliveryQueuedEvent, DeliveryStatusRecordedEvent, DeliveryWithdrawnEvent, type EventEnvelope, type PackageRef, PackageRoutedEvent } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import type { Delivery } from '@vdx/delivery-domain';
import type { LocalWork, Outgoing } from '@vdx/messaging';
import { DeliveryCommands, type CommandMeta, type SubmittedCommand } from './delivery-commands';
import { DeliveryScheduler } from './delivery-scheduler';
import { deliveryInboxProjection, deliveryStateProjection, inboxEntryId } from './delivery-state.projection';
import type { Projection } from '@vdx/event-sourcing';
import { COMMANDS, EVENTS, OwnerHarness } from './test-fixtures/owner-harness';

const ISSUER = '000.00.00.G22';
const BODY = Buffer.from('<edXML/>');

function ref(packageId: string, over: Partial<PackageRef> = {}): PackageRef {
  return packageRefWith({ packageId, senderCode: ISSUER, systemId: 'sys-g22', recipientCodes: ['000.00.00.H01', '000.00.00.H02'], documentId: `doc-${packageId}`, businessDocType: '0', subject: 'Công văn', bodySize: BODY.length, ...over });
}

function routed(p: PackageRef, recipients: readonly string[], endpoint: string | null = null, at = '2026-11-30T02:00:00.000Z'): EventEnvelope {
  return createEvent(PackageRoutedEvent, {
    aggregateId: p.packageId,
    aggregateSeq: 1,
    actor: { kind: 'system', id: 'routing' },
    correlationId: `corr-${p.packageId}`,
    causationId: `verdict-${p.packageId}`,
    trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    occurredAt: new Date(at),
    payload: {
      package: p,
      deliveries: recipients.map((r) => ({ deliveryId: `${p.packageId}/${r}`, requestedCode: r, recipientCode: r, deliverToCode: r, systemId: `sys-${r}`, endpoint, route: 'direct', via: [] })),
      unroutable: [],
    },
  });
}

/** The owner of partition 0 over its log in memory, with the delivery policy of these specs. */
const harness = (): OwnerHarness => new OwnerHarness({ policy: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 600_000 } });

/** Applies a projection's writes to documents in memory, as the guarded writer would. */
function project(events: readonly EventEnvelope[], projection: Projection = deliveryStateProjection(EVENTS)): Map<string, Record<string, unknown>> {
  const docs = new Map<string, Record<string, unknown>>();
  events.forEach((e, i) => {
    for (const w of projection.project(e, { topic: EVENTS, partition: 0, offset: String(i) })) {
      if (w.deletes) {
        docs.delete(w.id);
        continue;
      }
      const doc = docs.get(w.id) ?? {};
      for (const [path, value] of Object.entries(w.update.$set ?? {})) {
        const parts = path.split('.');
        let target = doc;
        for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
        target[parts[parts.length - 1]!] = value;
      }
      for (const path of Object.keys(w.update.$unset ?? {})) {
        const parts = path.split('.');
        let target: Record<string, unknown> | undefined = doc;
        for (const part of parts.slice(0, -1)) target = target?.[part] as Record<string, unknown> | undefined;
        if (target) delete target[parts[parts.length - 1]!];
      }
      docs.set(w.id, doc);
    }
  });
  return docs;
}

describe('DeliveryOwner', () => {
  it('queues each routed delivery once, on the send’s correlation id, keyed by the document', async () => {
    const h = harness();
    const p = ref('p1');
    const first = await h.decide(routed(p, ['000.00.00.H01', '000.00.00.H02']));
    expect(first.map((o) => [o.event.type, o.event.aggregateId, o.event.aggregateSeq, o.key])).toEqual([
      [DeliveryQueuedEvent.type, 'p1/000.00.00.H01', 1, 'doc-p1'],
      [DeliveryQueuedEvent.type, 'p1/000.00.00.H02', 1, 'doc-p1'],
    ]);
    expect(first.every((o) => o.event.correlationId === 'corr-p1')).toBe(true);
    expect(new Set(first.map((o) => o.event.causationId)).size).toBe(1);
    expect(first[0]!.event.trace?.traceparent).toContain('0af7651916cd43dd8448eb211c80319c');
    // The same routing decision again (a redone upstream batch) queues nothing.
    expect(await h.decide(routed(p, ['000.00.00.H01', '000.00.00.H02']))).toEqual([]);
    expect(h.get('p1/000.00.00.H01').delivery).toMatchObject({ state: 'queued', version: 1, systemId: 'sys-000.00.00.H01' });
  });

  it('decides commands against the folded state and answers the caller; refusals change nothing', async () => {
    const h = harness();
    await h.decide(routed(ref('p2'), ['000.00.00.H01']));
    const id = 'p2/000.00.00.H01';
    await expect(h.exec({ kind: 'Acknowledge', deliveryId: id, systemId: 'sys-000.00.00.H01', result: 'done' })).rejects.toMatchObject({ code: 'DELIVERY.NOT_FETCHED', path: 'deliveryId' });
    await expect(h.exec({ kind: 'Fetch', deliveryId: id, systemId: 'someone-else' })).rejects.toMatchObject({ code: 'DELIVERY.WRONG_SYSTEM', path: 'systemId' });
    expect(h.log).toHaveLength(1);
    const fetched = await h.exec({ kind: 'Fetch', deliveryId: id, systemId: 'sys-000.00.00.H01' });
    expect(fetched).toMatchObject({ deliveryId: id, state: 'fetched', version: 2, correlationId: 'corr-p2', commandKey: 'doc-p2' });
    // Fetching again is answered with the same state and appends nothing.
    expect(await h.exec({ kind: 'Fetch', deliveryId: id, systemId: 'sys-000.00.00.H01' })).toMatchObject({ state: 'fetched', version: 2 });
    const acked = await h.exec({ kind: 'Acknowledge', deliveryId: id, systemId: 'sys-000.00.00.H01', result: 'done' });
    expect(acked).toMatchObject({ state: 'acknowledged', ackResult: 'done', version: 3 });
    expect(h.log.map((e) => [e.type, e.aggregateSeq, e.correlationId])).toEqual([
      [DeliveryQueuedEvent.type, 1, 'corr-p2'],
      [DeliveryFetchedEvent.type, 2, 'corr-p2'],
      [DeliveryAcknowledgedEvent.type, 3, 'corr-p2'],
    ]);
    // Each event names the command it came from.
    const commandIds = h.replies.map((r) => r.causationId);
    expect(commandIds).toContain(h.log[1]!.causationId);
  });

  it('refuses a command on a delivery it does not know, with a coded answer', async () => {
    const h = harness();
    await h.decide(routed(ref('p3'), ['000.00.00.H01']));
    const pending = h.commands.execute({ kind: 'Fetch', deliveryId: 'nope/000.00.00.H01', systemId: 's' }, { actor: { kind: 'system', id: 's' }, correlationId: 'c', key: 'doc-p3' });
    await expect(pending).rejects.toMatchObject({ code: 'DELIVERY.UNKNOWN_DELIVERY' });
  });

  it('decides an abandoned batch again against the state it first saw: the same sequence, once', async () => {
    const h = harness();
    await h.decide(routed(ref('p4'), ['000.00.00.H01']));
    const id = 'p4/000.00.00.H01';
    const command = { kind: 'Fetch', deliveryId: id, systemId: 'sys-000.00.00.H01' } as const;
    // Submit by hand so the first attempt can be abandoned (a crash before the commit).
    const sent: Outgoing[] = [];
    const bus = new DeliveryCommands(async (items) => void sent.push(...items), { commandsTopic: COMMANDS, replyTo: 'x' });
    await bus.submit([{ command, meta: h.meta(id) }]);
    const abandoned = await h.decide(sent[0]!.event, false);
    expect(abandoned.find((o) => o.topic === EVENTS)?.event.aggregateSeq).toBe(2);
    expect(h.get(id).delivery.state).toBe('queued');
    const redone = await h.decide(sent[0]!.event);
    expect(redone.find((o) => o.topic === EVENTS)?.event.aggregateSeq).toBe(2);
    expect(h.get(id).delivery).toMatchObject({ state: 'fetched', version: 2 });
  });

  it('records a status on the document’s delivery to the reporter once, and withdraws the copy on an agreed recall', async () => {
    const h = harness();
    const doc = ref('p5');
    await h.decide(routed(doc, ['000.00.00.H01', '000.00.00.H02']));
    const status = (packageId: string, code: string, from: string) =>
      routed(ref(packageId, { kind: 'status', senderCode: from, documentId: 'doc-p5', statusCode: code, subject: `status ${code}`, recipientCodes: [ISSUER] }), [ISSUER]);
    const s01 = status('s01', '01', '000.00.00.H01');
    const out = await h.decide(s01);
    const recorded = out.filter((o) => o.event.type === DeliveryStatusRecordedEvent.type);
    expect(recorded.map((o) => [o.event.aggregateId, o.event.aggregateSeq, o.event.correlationId, o.key])).toEqual([['p5/000.00.00.H01', 2, 'corr-p5', 'doc-p5']]);
    // The status package itself is queued for the issuer, on its own correlation id.
    expect(out.filter((o) => o.event.type === DeliveryQueuedEvent.type).map((o) => [o.event.aggregateId, o.event.correlationId])).toEqual([[`s01/${ISSUER}`, 'corr-s01']]);
    // Redelivered: nothing new.
    expect(await h.decide(s01)).toEqual([]);
    await h.decide(routed(ref('r13', { kind: 'status', documentId: 'doc-p5', statusCode: '13', recipientCodes: ['000.00.00.H02'] }), ['000.00.00.H02']));
    const agreed = await h.decide(status('s15', '15', '000.00.00.H02'));
    expect(agreed.map((o) => o.event.type)).toEqual([DeliveryStatusRecordedEvent.type, DeliveryWithdrawnEvent.type, DeliveryQueuedEvent.type]);
    expect(h.get('p5/000.00.00.H02')).toMatchObject({ delivery: { state: 'withdrawn' } });
    expect(h.get('p5/000.00.00.H02').statuses.map((s) => s.code)).toEqual(['13', '15']);
    expect(h.get('p5/000.00.00.H01').delivery.state).toBe('queued');
  });

  it('records a status on a copy queued earlier in the same batch', async () => {
    const h = harness();
    const record = { topic: 'in', partition: 0, offset: '0', key: null, value: null, headers: {} };
    await h.owner.ready(0);
    await h.owner.process({ event: routed(ref('p7'), ['000.00.00.H01']), record });
    const out = await h.owner.process({ event: routed(ref('s7', { kind: 'status', senderCode: '000.00.00.H01', documentId: 'doc-p7', statusCode: '01', recipientCodes: [ISSUER] }), [ISSUER]), record });
    h.owner.settle(0, true);
    expect(out.filter((o) => o.event.type === DeliveryStatusRecordedEvent.type).map((o) => [o.event.aggregateId, o.event.aggregateSeq])).toEqual([['p7/000.00.00.H01', 2]]);
    expect(h.get('p7/000.00.00.H01').statuses.map((x) => x.code)).toEqual(['01']);
  });

  it('restores exactly the state it had from the log, and the projection folds the log to the same state', async () => {
    const h = harness();
    await h.decide(routed(ref('p6'), ['000.00.00.H01', '000.00.00.H02']));
    await h.exec({ kind: 'Fetch', deliveryId: 'p6/000.00.00.H01', systemId: 'sys-000.00.00.H01' });
    await h.exec({ kind: 'Acknowledge', deliveryId: 'p6/000.00.00.H01', systemId: 'sys-000.00.00.H01', result: 'fail', reason: 'không đọc được' });
    await h.decide(routed(ref('s1', { kind: 'status', senderCode: '000.00.00.H02', documentId: 'doc-p6', statusCode: '01', recipientCodes: [ISSUER] }), [ISSUER]));
    const live = [...h.owner.owned()].sort((a, b) => a.delivery.deliveryId.localeCompare(b.delivery.deliveryId));

    const again = h.newOwner();
    again.onRebalance('assigned', [{ partition: 0 }]);
    await again.ready(0);
    const restored = [...again.owned()].sort((a, b) => a.delivery.deliveryId.localeCompare(b.delivery.deliveryId));
    expect(restored).toEqual(live);
    // A revoked partition is forgotten.
    again.onRebalance('revoked', [{ partition: 0 }]);
    expect([...again.owned()]).toEqual([]);

    const docs = project(h.log);
    for (const o of live) {
      const { statuses, ...doc } = docs.get(o.delivery.deliveryId)! as Record<string, unknown> & { statuses?: Record<string, unknown> };
      // The projection also keeps the trace context of the delivery's DeliveryQueued, as the owner does.
      expect(doc).toEqual({ ...o.delivery, via: [...o.delivery.via], correlationId: o.correlationId, commandKey: o.key, trace: o.trace });
      expect(Object.values(statuses ?? {})).toEqual(o.statuses);
    }
  });
});

describe('DeliveryOwner.find', () => {
  it('answers an owned delivery, as committed, with its correlation id and key, and nothing for others', async () => {
    const h = harness();
    await h.decide(routed(ref('p1'), ['000.00.00.H01']));
    expect(h.owner.find('p1/000.00.00.H01')).toMatchObject({ correlationId: 'corr-p1', key: 'doc-p1', delivery: { state: 'queued' } });
    await h.exec({ kind: 'Fetch', deliveryId: 'p1/000.00.00.H01', systemId: 'sys-000.00.00.H01' });
    expect(h.owner.find('p1/000.00.00.H01')?.delivery.state).toBe('fetched');
    expect(h.owner.find('p9/000.00.00.H01')).toBeUndefined();
  });
});

describe('deliveryInboxProjection', () => {
  it('keeps an entry per open delivery under its recipient and lane, as delivery_state has it, until acknowledged or withdrawn', async () => {
    const h = harness();
    await h.decide(routed(ref('a'), ['000.00.00.H01', '000.00.00.H02']));
    await h.decide(routed(ref('b'), ['000.00.00.H01']));
    await h.decide(routed(ref('c'), ['000.00.00.H01']));
    await h.exec({ kind: 'Fetch', deliveryId: 'a/000.00.00.H01', systemId: 'sys-000.00.00.H01' });
    await h.exec({ kind: 'Fetch', deliveryId: 'b/000.00.00.H01', systemId: 'sys-000.00.00.H01' });
    await h.exec({ kind: 'Acknowledge', deliveryId: 'b/000.00.00.H01', systemId: 'sys-000.00.00.H01', result: 'done' });
    // A status after the acknowledgement does not bring the entry back.
    await h.decide(routed(ref('s', { kind: 'status', senderCode: '000.00.00.H01', documentId: 'doc-b', statusCode: '01', recipientCodes: [ISSUER] }), [ISSUER]));

    const inbox = project(h.log, deliveryInboxProjection(EVENTS));
    const states = project(h.log);
    expect([...inbox.keys()].sort()).toEqual([`${ISSUER}|1|s/${ISSUER}`, '000.00.00.H01|1|a/000.00.00.H01', '000.00.00.H01|1|c/000.00.00.H01', '000.00.00.H02|1|a/000.00.00.H02'].sort());
    for (const [code, key] of [['000.00.00.H01', 'a'], ['000.00.00.H01', 'c'], ['000.00.00.H02', 'a']] as const) {
      expect(inbox.get(inboxEntryId(code, 'normal', `${key}/${code}`))).toEqual(states.get(`${key}/${code}`));
    }
    expect(inbox.get('000.00.00.H01|1|a/000.00.00.H01')).toMatchObject({ state: 'fetched', correlationId: 'corr-a' });
    // An urgent delivery's events travel the urgent lane: its entry sorts before every normal one.
    const urgent = deliveryInboxProjection(EVENTS).project(h.log[0]!, { topic: `${EVENTS}.urgent`, partition: 0, offset: '0' });
    expect(urgent.map((w) => w.id)).toEqual([`000.00.00.H01|0|a/000.00.00.H01`]);
  });
});

describe('DeliveryScheduler on the owner’s deliveries', () => {
  it('pushes what is due, backs off after failures, dead-letters after the last attempt, and flags missed deadlines', async () => {
    const h = harness();
    const blobs = new InMemoryBlobStore();
    const sha = (await blobs.put((async function* () { yield BODY; })())).sha256;
    const p = (id: string, endpoint: string | null, to: string) => h.decide(routed(ref(id, { bodySha256: sha }), [to], endpoint));
    await p('f', '127.0.0.1:1', '000.00.00.H01');
    await p('w', '127.0.0.1:2', '000.00.00.H02');
    await p('n', null, '000.00.00.H03');
    const pushed: string[] = [];
    const push = async (d: Delivery, body: AsyncIterable<Uint8Array>) => {
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(Buffer.from(c));
      expect(Buffer.concat(chunks)).toEqual(BODY);
      if (d.deliveryId.startsWith('f/')) throw new Error('connection refused');
      pushed.push(d.deliveryId);
    };
    const scheduler = new DeliveryScheduler(
      { owned: () => h.owner.owned(), submit: (c) => h.commands.submit(c), blobs, push },
      { pushEveryMs: 1000, deadlinesEveryMs: 1000, pushTimeoutMs: 1000, batch: 50, clock: () => h.now },
    );

    expect(await scheduler.pushDue()).toBe(2); // the pull-only delivery is never pushed
    expect(pushed).toEqual(['w/000.00.00.H02']);
    expect(h.get('w/000.00.00.H02').delivery).toMatchObject({ state: 'fetched' });
    expect(h.get('f/000.00.00.H01').delivery).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAt: '2026-11-30T02:01:00.000Z' });

    expect(await scheduler.pushDue()).toBe(0); // not due again before its backoff
    h.now = new Date('2026-11-30T02:01:00Z');
    expect(await scheduler.pushDue()).toBe(1);
    h.now = new Date('2026-11-30T02:03:00Z');
    expect(await scheduler.pushDue()).toBe(1);
    expect(h.get('f/000.00.00.H01').delivery).toMatchObject({ state: 'dead', attempts: 3, lastError: 'connection refused' });
    expect(await scheduler.pushDue()).toBe(0);

    // 17:00 in Vietnam is 10:00 UTC: the pull-only and the dead delivery missed it, the fetched one did not.
    expect(await scheduler.flagOverdue()).toBe(0);
    h.now = new Date('2026-11-30T10:00:00Z');
    expect(await scheduler.flagOverdue()).toBe(2);
    expect(await scheduler.flagOverdue()).toBe(0);
    expect(h.get('n/000.00.00.H03').delivery.deadlineMissed).toBe(true);
    expect(h.log.filter((e) => e.type === DeliveryDeadlineMissedEvent.type).map((e) => e.aggregateId).sort()).toEqual(['f/000.00.00.H01', 'n/000.00.00.H03']);
    expect(h.log.filter((e) => e.type === DeliveryDeadLetteredEvent.type)).toHaveLength(1);
    // Every scheduler event stays on the chain of the send it belongs to.
    expect(h.log.filter((e) => e.aggregateId.startsWith('f/')).every((e) => e.correlationId === 'corr-f')).toBe(true);
  });

  it('does not pick a delivery again while the outcome of its push is on its way', async () => {
    const h = harness();
    const blobs = new InMemoryBlobStore();
    const sha = (await blobs.put((async function* () { yield BODY; })())).sha256;
    await h.decide(routed(ref('q', { bodySha256: sha }), ['000.00.00.H01'], '127.0.0.1:1'));
    const held: { command: SubmittedCommand; meta: CommandMeta }[] = [];
    let pushes = 0;
    const scheduler = new DeliveryScheduler(
      { owned: () => h.owner.owned(), submit: async (c) => void held.push(...c), blobs, push: async () => void (pushes += 1) },
      { pushEveryMs: 1000, deadlinesEveryMs: 1000, pushTimeoutMs: 1000, batch: 50, clock: () => h.now },
    );
    expect(await scheduler.pushDue()).toBe(1);
    expect(await scheduler.pushDue()).toBe(0); // its success is submitted but not decided yet
    expect(pushes).toBe(1);
    expect(held.map((c) => c.command.kind)).toEqual(['RecordPushSuccess']);
  });
});

describe('DeliveryOwner.localCommand', () => {
  /** Runs local work as the transactional step does: enter the partition, decide, settle. */
  async function runLocal<T>(h: OwnerHarness, work: LocalWork<T>, commit = true): Promise<T> {
    await h.owner.ready(work.partition);
    let decided: { outputs: readonly Outgoing[]; answer: T };
    try {
      decided = await work.decide();
    } finally {
      h.owner.settle(work.partition, commit);
    }
    if (commit) for (const o of decided.outputs) h.log.push(o.event);
    return decided.answer;
  }
  const command = (kind: 'Fetch' | 'Acknowledge', deliveryId: string, systemId: string): DeliveryCommandSubmitted => ({
    commandId: 'c1',
    kind,
    deliveryId,
    systemId,
    result: kind === 'Acknowledge' ? 'done' : null,
    reason: null,
    operator: null,
    error: null,
    replyTo: null,
  });

  it('decides a caller’s command on its own partition: no command or answer record, caused by the delivery’s latest event', async () => {
    const h = harness();
    await h.decide(routed(ref('l'), ['000.00.00.H01']));
    const id = 'l/000.00.00.H01';
    const queued = h.log.at(-1)!;
    const actor = { kind: 'system', id: 'sys-000.00.00.H01' } as const;
    const fetched = await runLocal(h, h.owner.localCommand(command('Fetch', id, 'sys-000.00.00.H01'), actor)!);
    expect(fetched).toMatchObject({ deliveryId: id, state: 'fetched', correlationId: 'corr-l', version: 2 });
    const acked = await runLocal(h, h.owner.localCommand(command('Acknowledge', id, 'sys-000.00.00.H01'), actor)!);
    expect(acked).toMatchObject({ state: 'acknowledged', version: 3 });
    const [f, a] = h.log.slice(-2);
    expect([f, a].map((e) => [e!.type, e!.causationId, e!.correlationId, e!.actor])).toEqual([
      [DeliveryFetchedEvent.type, queued.eventId, 'corr-l', actor],
      [DeliveryAcknowledgedEvent.type, f!.eventId, 'corr-l', actor],
    ]);
    expect(h.replies).toEqual([]);
  });

  it('refuses with the coded error and changes nothing; an abandoned transaction keeps nothing either', async () => {
    const h = harness();
    await h.decide(routed(ref('m'), ['000.00.00.H01']));
    const id = 'm/000.00.00.H01';
    const before = h.log.length;
    await expect(runLocal(h, h.owner.localCommand(command('Fetch', id, 'someone-else'), { kind: 'system', id: 'someone-else' })!)).rejects.toMatchObject({ code: 'DELIVERY.WRONG_SYSTEM' });
    await runLocal(h, h.owner.localCommand(command('Fetch', id, 'sys-000.00.00.H01'), { kind: 'system', id: 'sys-000.00.00.H01' })!, false);
    expect(h.log.length).toBe(before);
    expect(h.get(id).delivery).toMatchObject({ state: 'queued', version: 1 });
  });

  it('leaves a delivery it does not own to the command topic', () => {
    const h = harness();
    expect(h.owner.localCommand(command('Fetch', 'nobody/000.00.00.H01', 'x'), { kind: 'system', id: 'x' })).toBeNull();
  });
});

import {
  DeliveryCommandAnsweredEvent,
  DeliveryCommandSubmittedEvent,
  DeliveryQueuedEvent,
  DeliveryStatusRecordedEvent,
  PackageRoutedEvent,
  createEvent,
  documentKey,
  isEvent,
  laneOf,
  laneTopic,
  type DeliveryCommandSubmitted,
  type EventDefinition,
  type EventEnvelope,
  type Lane,
  type PackageRouted,
  DeliveryDeadLetteredEvent,
  DocumentWithdrawnEvent,
  type DocumentWithdrawn,
} from '@vdx/contracts';
import {
  DELIVERY_EVENT_DEFINITIONS,
  DeliveryError,
  decide,
  evolve,
  type Delivery,
  type DeliveryCommand,
  type DeliveryEvent,
  type DeliveryPolicy,
} from '@vdx/delivery-domain';
import { StagedPartitions, type ReadPartition } from '@vdx/event-sourcing';
import type { ConsumedEvent, LocalWork, Outgoing } from '@vdx/messaging';
import type { BusinessStatusEntry, StoredDelivery } from './delivery-store';

/** What the owner holds about one delivery: its folded state and what its events need besides. */
export interface OwnedDelivery {
  readonly delivery: Delivery;
  readonly statuses: readonly BusinessStatusEntry[];
  /** The correlation id of the send that queued it: every later event of the delivery carries it. */
  readonly correlationId: string;
  /** The record key of its events and commands (the document's key). */
  readonly key: string;
  /** The id of its latest event: what a caller's command decided on it names as its cause. */
  readonly lastEventId: string;
  /** The trace context of its `DeliveryQueued`: a fetch continues that trace. */
  readonly trace?: EventEnvelope['trace'];
}

/** What the events a decision appends carry besides their payloads. */
interface EmitMeta {
  readonly correlationId: string;
  readonly causationId: string;
  readonly trace: EventEnvelope['trace'];
  readonly key: string;
  readonly now: Date;
  /** The delivery's lane: every event of one delivery travels the lane its package was queued in. */
  readonly lane: Lane;
}

/** One partition's deliveries by id. */
type Deliveries = Map<string, OwnedDelivery>;

const docIndex = (documentId: string, recipientCode: string) => `${documentId}\n${recipientCode}`;

export interface DeliveryOwnerOptions {
  readonly eventsTopic: string;
  readonly repliesTopic: string;
  /** Reads the delivery events of one partition from offset zero (the owner's restore). */
  readonly readPartition: ReadPartition;
  readonly policy?: DeliveryPolicy;
  readonly holidays?: readonly string[];
  readonly clock?: () => Date;
  readonly onDeadLettered?: (delivery: Delivery) => void;
}

const ACTOR = { kind: 'system', id: 'delivery' } as const;

/**
 * The single writer of the deliveries of the partitions this instance owns. Every pipeline topic
 * has the same partition count and every event about a document is keyed by the document, so
 * partition `p` of routing's events and of the command topic carries everything that changes
 * the deliveries on partition `p` of the delivery events. On assignment the owner folds that
 * partition's delivery events into memory; it then decides each routed package and each
 * submitted command against that state and returns the events, which the transactional step
 * commits with the consumed offsets. The new state is kept only once the transaction committed,
 * so a redone batch is decided against exactly the state the first attempt saw.
 */
export class DeliveryOwner {
  private readonly partitions: StagedPartitions<OwnedDelivery>;
  /** Per partition, `<documentId>\n<recipientCode>` → the delivery ids of that document's copies (edocs only). */
  private readonly byDocument = new WeakMap<Deliveries, Map<string, string[]>>();
  private readonly clock: () => Date;

  constructor(private readonly opts: DeliveryOwnerOptions) {
    this.clock = opts.clock ?? (() => new Date());
    const put = (state: Deliveries, id: string, owned: OwnedDelivery) => {
      const fresh = !state.has(id);
      state.set(id, owned);
      const ref = owned.delivery.package;
      if (fresh && ref.kind === 'edoc' && ref.documentId !== null) {
        const index = this.byDocument.get(state) ?? new Map<string, string[]>();
        this.byDocument.set(state, index);
        const k = docIndex(ref.documentId, owned.delivery.recipientCode);
        index.set(k, [...(index.get(k) ?? []), id]);
      }
    };
    this.partitions = new StagedPartitions(async (partition) => {
      const state: Deliveries = new Map();
      await opts.readPartition(partition, (events) => {
        for (const e of events) foldInto(state, e, put);
      });
      return state;
    }, put);
  }

  /** The partitions given to this instance are restored at once; the ones taken away are forgotten. */
  onRebalance(change: 'assigned' | 'revoked', partitions: readonly { partition: number }[]): void {
    this.partitions.onRebalance(change, partitions);
  }

  /** Awaited before each batch: the partition's state is loaded before anything is decided on it. */
  async ready(partition: number): Promise<void> {
    await this.partitions.ready(partition);
  }

  /** Called once the batch's transaction is settled: committed state is kept, abandoned state dropped. */
  settle(partition: number, committed: boolean): void {
    this.partitions.settle(partition, committed);
  }

  /** Every delivery of the partitions restored so far (the scheduler's view). */
  owned(): Iterable<OwnedDelivery> {
    return this.partitions.values();
  }

  /** A delivery of a partition this instance owns, as last committed; undefined when another instance owns it. */
  find(deliveryId: string): OwnedDelivery | undefined {
    return this.partitions.find(deliveryId);
  }

  get ownedPartitions(): readonly number[] {
    return this.partitions.owned;
  }

  /** Decides one consumed event: a routed package, or a command. */
  process = async ({ event, record }: ConsumedEvent): Promise<readonly Outgoing[]> => {
    const state = this.partitions.state(record.partition);
    if (!state) throw new Error(`partition ${record.partition} is not restored`);
    if (isEvent(PackageRoutedEvent, event)) return this.queue(state, event);
    if (isEvent(DeliveryCommandSubmittedEvent, event)) return this.command(state, event);
    if (isEvent(DocumentWithdrawnEvent, event)) return this.withdrawDocument(state, event);
    return [];
  };

  /**
   * Routing's decision that a revoke, an update's receiver list or a replacement withdraws an
   * earlier document at some of its recipients: keyed by that document, it arrives where its
   * copies are owned. Each copy is withdrawn against its own state (a copy already withdrawn
   * stays as it is); its events keep the chain of the send that queued it.
   */
  private withdrawDocument(state: Deliveries, event: EventEnvelope<DocumentWithdrawn>): Outgoing[] {
    const { documentId, recipientCodes, package: by } = event.payload;
    const now = new Date(event.occurredAt);
    const out: Outgoing[] = [];
    for (const recipientCode of recipientCodes) {
      for (const id of this.copiesOf(state, documentId, recipientCode)) {
        const owned = this.get(state, id)!;
        // A revoke or an update may carry the DocumentId of the document it concerns: its own copies stay.
        if (owned.delivery.state === 'withdrawn' || owned.delivery.packageId === by.packageId) continue;
        const meta = { correlationId: owned.correlationId, causationId: event.eventId, trace: event.trace, key: owned.key, now, lane: laneOf(owned.delivery.package.priority) };
        const events = decide({ kind: 'Withdraw', deliveryId: id, byPackageId: by.packageId }, owned.delivery, { now });
        out.push(...this.emit(owned, id, events, meta).out);
      }
    }
    return out;
  }

  private get(state: Deliveries, deliveryId: string): OwnedDelivery | undefined {
    return this.partitions.current(state, deliveryId);
  }

  private stage(owned: OwnedDelivery): void {
    this.partitions.stage(owned.delivery.deliveryId, owned);
  }

  /** The copies of a document for one recipient, kept or queued earlier in this batch. */
  private copiesOf(state: Deliveries, documentId: string, recipientCode: string): string[] {
    const ids = new Set(this.byDocument.get(state)?.get(docIndex(documentId, recipientCode)) ?? []);
    for (const o of this.partitions.stagedValues()) {
      const ref = o.delivery.package;
      if (ref.kind === 'edoc' && ref.documentId === documentId && o.delivery.recipientCode === recipientCode) ids.add(o.delivery.deliveryId);
    }
    return [...ids];
  }

  /** Appends `events` to the delivery's stream and stages the state after them. */
  private emit(owned: OwnedDelivery | null, deliveryId: string, events: readonly DeliveryEvent[], meta: EmitMeta, actor: EventEnvelope['actor'] = ACTOR): { out: Outgoing[]; after: OwnedDelivery | null } {
    let current = owned;
    const out: Outgoing[] = [];
    for (const e of events) {
      const seq = (current?.delivery.version ?? 0) + 1;
      const envelope = createEvent(DELIVERY_EVENT_DEFINITIONS[e.type] as EventDefinition<unknown, DeliveryEvent['type']>, {
        aggregateId: deliveryId,
        aggregateSeq: seq,
        payload: e.payload,
        actor,
        correlationId: meta.correlationId,
        causationId: meta.causationId,
        trace: meta.trace,
        occurredAt: meta.now,
      });
      out.push({ topic: laneTopic(this.opts.eventsTopic, meta.lane), event: envelope, key: meta.key });
      current = foldOne(current, envelope, meta.key);
      if (e.type === DeliveryDeadLetteredEvent.type && current) this.opts.onDeadLettered?.(current.delivery);
    }
    if (current) this.stage(current);
    return { out, after: current };
  }

  private queue(state: Deliveries, event: EventEnvelope<PackageRouted>): Outgoing[] {
    // The deadline counts from when routing decided, so a redone batch computes the same one.
    const now = new Date(event.occurredAt);
    const ref = event.payload.package;
    const key = documentKey(ref);
    const meta = { correlationId: event.correlationId, causationId: event.eventId, trace: event.trace, key, now, lane: laneOf(ref.priority) };
    const out: Outgoing[] = [];
    if (ref.kind === 'status' && ref.statusCode !== null && ref.documentId !== null) out.push(...this.recordStatus(state, event.payload, meta));
    for (const routed of event.payload.deliveries) {
      if (this.get(state, routed.deliveryId)) continue;
      const events = decide({ kind: 'Queue', routed, package: ref }, null, { now, holidays: this.opts.holidays ?? [] });
      out.push(...this.emit(null, routed.deliveryId, events, meta).out);
    }
    return out;
  }

  /**
   * A routed status is also a fact about the document it concerns: it is recorded on that
   * document's delivery to the agency it is about (the reporting recipient; for a recall, each
   * recalled recipient). An agreed recall (15) withdraws the recipient's copy.
   */
  private recordStatus(state: Deliveries, routed: PackageRouted, meta: EmitMeta): Outgoing[] {
    const ref = routed.package;
    const code = ref.statusCode!;
    const about = code === '13' ? routed.deliveries.map((d) => d.recipientCode) : [ref.senderCode];
    const out: Outgoing[] = [];
    for (const recipientCode of about) {
      for (const id of this.copiesOf(state, ref.documentId!, recipientCode)) {
        let owned = this.get(state, id)!;
        // The chain of a document: its statuses carry the correlation id of the send that queued it.
        const own = { ...meta, correlationId: owned.correlationId, lane: laneOf(owned.delivery.package.priority) };
        if (!owned.statuses.some((s) => s.packageId === ref.packageId && s.code === code)) {
          const payload = { deliveryId: id, code, at: ref.acceptedAt, description: ref.subject ?? '', packageId: ref.packageId };
          const r = this.emit(owned, id, [{ type: DeliveryStatusRecordedEvent.type, payload }], own);
          out.push(...r.out);
          owned = r.after!;
        }
        if (code === '15' && owned.delivery.state !== 'withdrawn') {
          const events = decide({ kind: 'Withdraw', deliveryId: id, byPackageId: ref.packageId }, owned.delivery, { now: meta.now });
          out.push(...this.emit(owned, id, events, own).out);
        }
      }
    }
    return out;
  }

  private command(state: Deliveries, event: EventEnvelope<DeliveryCommandSubmitted>): Outgoing[] {
    const c = event.payload;
    const owned = this.get(state, c.deliveryId);
    const now = this.clock();
    const { out, after, refusal } = this.decideCommand(owned, c, {
      correlationId: owned?.correlationId ?? event.correlationId,
      causationId: event.eventId,
      trace: event.trace,
      key: owned?.key ?? event.aggregateId,
      now,
      lane: laneOf(owned?.delivery.package.priority),
    }, event.actor);
    if (c.replyTo !== null) {
      const answer = createEvent(DeliveryCommandAnsweredEvent, {
        aggregateId: c.commandId,
        aggregateSeq: 1,
        actor: ACTOR,
        correlationId: owned?.correlationId ?? event.correlationId,
        causationId: event.eventId,
        trace: event.trace,
        occurredAt: now,
        payload: {
          commandId: c.commandId,
          replyTo: c.replyTo,
          deliveryId: c.deliveryId,
          ok: refusal === null,
          errorCode: refusal?.code ?? null,
          errorPath: refusal?.path ?? null,
          message: refusal?.message ?? null,
          delivery: refusal === null && after ? JSON.stringify(toWire(after)) : null,
        },
      });
      out.push({ topic: this.opts.repliesTopic, event: answer, key: c.replyTo });
    }
    return out;
  }

  /**
   * A caller's command on a delivery of a partition this instance owns, as work for the
   * transactional step's own transaction (`TransactionalProcessor.runLocal`): no command record,
   * no answer record, and the same decision the command topic would get, in the same turn as
   * the partition's batches. Its events name the delivery's latest event as their cause (the
   * state the caller acted on) and carry the send's correlation id. Null when another instance
   * owns the delivery (or it is unknown): the caller submits it through the command topic.
   */
  localCommand(c: DeliveryCommandSubmitted, actor: EventEnvelope['actor']): LocalWork<StoredDelivery> | null {
    const partition = this.partitions.partitionOf(c.deliveryId);
    if (partition === undefined) return null;
    return {
      partition,
      decide: () => {
        const state = this.partitions.state(partition);
        const owned = state ? this.get(state, c.deliveryId) : undefined;
        if (!owned) throw new DeliveryError('DELIVERY.UNKNOWN_DELIVERY', `no delivery ${c.deliveryId}`, { path: 'delivery_id' });
        const { out, after, refusal } = this.decideCommand(owned, c, {
          correlationId: owned.correlationId,
          causationId: owned.lastEventId,
          trace: null,
          key: owned.key,
          now: this.clock(),
          lane: laneOf(owned.delivery.package.priority),
        }, actor);
        if (refusal) throw refusal;
        return { outputs: out, answer: toWire(after ?? owned) };
      },
    };
  }

  private decideCommand(owned: OwnedDelivery | undefined, c: DeliveryCommandSubmitted, meta: EmitMeta, actor: EventEnvelope['actor']): { out: Outgoing[]; after: OwnedDelivery | null; refusal: DeliveryError | null } {
    try {
      const command = toCommand(c);
      const events = decide(command, owned?.delivery ?? null, { now: meta.now, ...(this.opts.policy ? { policy: this.opts.policy } : {}), holidays: this.opts.holidays ?? [] });
      const r = this.emit(owned ?? null, c.deliveryId, events, meta, actor);
      return { out: r.out, after: r.after, refusal: null };
    } catch (err) {
      if (!(err instanceof DeliveryError)) throw err;
      return { out: [], after: owned ?? null, refusal: err };
    }
  }
}

/** The delivery as an answer carries it: the same shape the read model gives. */
export function toWire(owned: OwnedDelivery): StoredDelivery {
  return { ...owned.delivery, statuses: owned.statuses, correlationId: owned.correlationId, commandKey: owned.key, ...(owned.trace ? { trace: owned.trace } : {}) };
}

function toCommand(c: DeliveryCommandSubmitted): Exclude<DeliveryCommand, { kind: 'Queue' }> {
  const deliveryId = c.deliveryId;
  switch (c.kind) {
    case 'Fetch':
      return { kind: 'Fetch', deliveryId, systemId: c.systemId ?? '' };
    case 'Acknowledge':
      return { kind: 'Acknowledge', deliveryId, systemId: c.systemId ?? '', result: c.result as 'done' | 'fail', ...(c.reason !== null ? { reason: c.reason } : {}) };
    case 'Redrive':
      return { kind: 'Redrive', deliveryId, operator: c.operator ?? '' };
    case 'RecordPushSuccess':
      return { kind: 'RecordPushSuccess', deliveryId };
    case 'RecordPushFailure':
      return { kind: 'RecordPushFailure', deliveryId, error: c.error ?? 'push failed' };
    case 'FlagMissedDeadline':
      return { kind: 'FlagMissedDeadline', deliveryId };
    default:
      throw new DeliveryError('DELIVERY.INVALID_FIELD', `unknown command ${JSON.stringify(c.kind)}`, { path: 'kind' });
  }
}

/** Folds one delivery event (as appended) into what the owner holds. */
function foldOne(owned: OwnedDelivery | null, envelope: EventEnvelope, key: string | null): OwnedDelivery | null {
  const e = { type: envelope.type, payload: envelope.payload } as DeliveryEvent;
  if (isEvent(DeliveryStatusRecordedEvent, envelope)) {
    if (!owned) return null;
    const p = envelope.payload;
    const entry = { code: p.code, at: p.at, description: p.description, packageId: p.packageId };
    const delivery = evolve(owned.delivery, e, envelope.occurredAt)!;
    return { ...owned, delivery, statuses: [...owned.statuses, entry], lastEventId: envelope.eventId };
  }
  if (!Object.hasOwn(DELIVERY_EVENT_DEFINITIONS, envelope.type)) return owned;
  const next = evolve(owned?.delivery ?? null, e, envelope.occurredAt);
  if (!next) return owned;
  if (isEvent(DeliveryQueuedEvent, envelope)) {
    return { delivery: next, statuses: [], correlationId: envelope.correlationId, key: key ?? documentKey(envelope.payload.package), lastEventId: envelope.eventId, trace: envelope.trace };
  }
  return owned ? { ...owned, delivery: next, lastEventId: envelope.eventId } : null;
}

function foldInto(state: Deliveries, envelope: EventEnvelope, put: (state: Deliveries, id: string, owned: OwnedDelivery) => void): void {
  const id = (envelope.payload as { deliveryId?: unknown }).deliveryId;
  if (typeof id !== 'string') return;
  const before = state.get(id) ?? null;
  // Readers keep one event per (delivery, sequence): a repeated one changes nothing.
  if (before && envelope.aggregateSeq <= before.delivery.version) return;
  const after = foldOne(before, envelope, null);
  if (after) put(state, id, after);
}

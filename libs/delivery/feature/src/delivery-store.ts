import { laneOf, type Lane, type TraceContext } from '@vdx/contracts';
import type { Delivery, TransportState } from '@vdx/delivery-domain';
import type { Collection, Db, Filter } from 'mongodb';
import { DEAD_COLLECTION, DELIVERIES_COLLECTION, INBOX_COLLECTION, inboxEntryId, inboxPrefix } from './delivery-state.projection';

/** A business status reported about the delivered document (01…06, 13, 15, 16): a read-model field, from routing's events. */
export interface BusinessStatusEntry {
  readonly code: string;
  readonly at: string;
  readonly description: string;
  readonly packageId: string;
}

type DeliveryDoc = Delivery & { _id: string; statuses?: Record<string, BusinessStatusEntry>; correlationId?: string; commandKey?: string };
/** A delivery as projected: its state, the statuses recorded on it, the send's correlation id and its command key. */
export type StoredDelivery = Delivery & {
  readonly statuses: readonly BusinessStatusEntry[];
  readonly correlationId: string;
  readonly commandKey: string;
  /** The trace context of its `DeliveryQueued` (absent for a delivery projected before it was kept). */
  readonly trace?: TraceContext | null;
};

export interface InboxQuery {
  /** Deliveries for these agencies… */
  readonly recipientCodes?: readonly string[];
  /** …or every delivery these agencies' systems receive (a hub's whole inbox). */
  readonly deliverToCodes?: readonly string[];
  readonly kind?: string;
  readonly states: readonly TransportState[];
  readonly limit: number;
  /** {@link inboxPosition} of the last item of the previous page (a bare delivery id counts as normal). */
  readonly after?: string;
}

/** Priorities of the urgent lane, as stored (edXML `Priority`). */
const URGENT_PRIORITIES = ['1', '2', '3', '4'];

const canonical = (p: { lane: Lane; deliveryId: string }): string => `${p.lane === 'urgent' ? '0' : '1'}:${p.deliveryId}`;

/**
 * Where a delivery stands in its inbox, and the page token after it: the urgent lane's first
 * (docs/adr/0008-priority-lanes.md), then by delivery id, which starts with the package id (a
 * UUIDv7, so in the order the packages were accepted).
 */
export function inboxPosition(d: Pick<Delivery, 'deliveryId' | 'package'>): string {
  return canonical({ lane: laneOf(d.package.priority), deliveryId: d.deliveryId });
}

/** The lane and delivery id a page token names; a bare delivery id (an older token) is normal. */
function positionOf(token: string): { lane: Lane; deliveryId: string } {
  const m = /^([01]):(.+)$/s.exec(token);
  return m ? { lane: m[1] === '0' ? 'urgent' : 'normal', deliveryId: m[2]! } : { lane: 'normal', deliveryId: token };
}

/** What inbox listings and traces look up by (MongoDB uses them; FerretDB scans). */
const INDEXES = [
  { name: 'inbox', key: { recipientCode: 1, state: 1, _id: 1 } },
  { name: 'hub_inbox', key: { deliverToCode: 1, state: 1, _id: 1 } },
  { name: 'package', key: { packageId: 1 } },
] as const;
const strip = ({ _id, statuses, correlationId, commandKey, _pos, ...delivery }: DeliveryDoc & { _pos?: unknown }): StoredDelivery => {
  return {
    ...delivery,
    statuses: Object.values(statuses ?? {}).sort((a, b) => a.at.localeCompare(b.at) || a.code.localeCompare(b.code)),
    correlationId: correlationId ?? '',
    commandKey: commandKey ?? delivery.package.documentId ?? delivery.packageId,
  };
};

/**
 * Reads the delivery-state read model (written only by its projection): one document per
 * delivery id, for inbox listings, traces, dead letters and the command key of a delivery.
 */
/** The states a delivery has while it is in its recipient's open inbox (`delivery_inbox`). */
const OPEN_STATES: ReadonlySet<TransportState> = new Set(['queued', 'fetched', 'dead']);

/** How many entries one read of an inbox range asks for when the page filters some out. */
const MIN_RANGE_READ = 50;

export class DeliveryStore {
  private readonly deliveries: Collection<DeliveryDoc>;
  private readonly inboxes: Collection<Partial<DeliveryDoc> & { _id: string }>;
  private readonly deadLetters: Collection<{ _id: string }>;

  constructor(db: Db) {
    this.deliveries = db.collection<DeliveryDoc>(DELIVERIES_COLLECTION);
    this.inboxes = db.collection(INBOX_COLLECTION);
    this.deadLetters = db.collection(DEAD_COLLECTION);
  }

  /**
   * Creates the indexes MongoDB answers these queries with (FerretDB accepts and scans). Only
   * missing ones, one per command: FerretDB 1.24 panics on createIndexes of several existing ones.
   */
  async ensureIndexes(): Promise<void> {
    const existing = new Set((await this.deliveries.listIndexes().toArray().catch(() => [])).map((i) => String(i['name'])));
    for (const index of INDEXES) {
      if (!existing.has(index.name)) await this.deliveries.createIndex(index.key, { name: index.name });
    }
  }

  async get(deliveryId: string): Promise<StoredDelivery | null> {
    const doc = await this.deliveries.findOne({ _id: deliveryId });
    return doc ? strip(doc) : null;
  }

  /**
   * A page of an inbox, urgent deliveries first, then by delivery id ({@link inboxPosition}).
   * The inboxes of named agencies in open states are read by `_id` from `delivery_inbox`; a hub's
   * whole inbox (by receiving agency) and closed states are still queries on `delivery_state`,
   * one per lane.
   */
  async inbox(q: InboxQuery): Promise<StoredDelivery[]> {
    if (q.recipientCodes?.length && q.states.every((s) => OPEN_STATES.has(s))) return this.openInbox(q, q.recipientCodes);
    const filter: Filter<DeliveryDoc> = q.recipientCodes?.length
      ? { state: { $in: [...q.states] }, recipientCode: { $in: [...q.recipientCodes] } }
      : { state: { $in: [...q.states] }, deliverToCode: { $in: [...(q.deliverToCodes ?? [])] } };
    if (q.kind) filter['package.kind'] = q.kind;
    const after = q.after ? positionOf(q.after) : null;
    const page: StoredDelivery[] = [];
    for (const lane of ['urgent', 'normal'] as const) {
      if (page.length >= q.limit || (lane === 'urgent' && after?.lane === 'normal')) continue;
      const inLane: Filter<DeliveryDoc> = { ...filter, 'package.priority': lane === 'urgent' ? { $in: URGENT_PRIORITIES } : { $nin: URGENT_PRIORITIES } };
      if (after?.lane === lane) inLane._id = { $gt: after.deliveryId };
      page.push(...(await this.deliveries.find(inLane).sort({ _id: 1 }).limit(q.limit - page.length).toArray()).map(strip));
    }
    return page;
  }

  /**
   * The open inbox of named agencies: per agency, the `_id` range of its entries from the page
   * token on (urgent lane first, then by delivery id), read in order until the page is full; the
   * agencies' pages are then merged by position.
   */
  private async openInbox(q: InboxQuery, codes: readonly string[]): Promise<StoredDelivery[]> {
    const after = q.after ? positionOf(q.after) : null;
    const states = new Set(q.states);
    const wanted = (e: Partial<DeliveryDoc>): e is DeliveryDoc =>
      // A redelivered event may re-create an entry partially until its closing event follows.
      typeof e.deliveryId === 'string' && e.package !== undefined && e.state !== undefined && states.has(e.state) && (!q.kind || e.package.kind === q.kind);
    const pages = await Promise.all([...new Set(codes)].map((code) => this.openRange(code, after, wanted, q.limit)));
    return pages
      .flat()
      .map((e) => ({ e, at: inboxPosition(e) }))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
      .slice(0, q.limit)
      .map(({ e }) => strip({ ...e, _id: e.deliveryId }));
  }

  /** Up to `limit` wanted entries of one agency's open inbox after `after`, in `_id` order. */
  private async openRange(code: string, after: { lane: Lane; deliveryId: string } | null, wanted: (e: Partial<DeliveryDoc>) => e is DeliveryDoc, limit: number): Promise<DeliveryDoc[]> {
    const end = `${inboxPrefix(code)}~`;
    let bound: Filter<{ _id: string }>['_id'] = after ? { $gt: inboxEntryId(code, after.lane, after.deliveryId), $lt: end } : { $gte: inboxPrefix(code), $lt: end };
    const chunk = Math.max(limit, MIN_RANGE_READ);
    const out: DeliveryDoc[] = [];
    for (;;) {
      const docs = await this.inboxes.find({ _id: bound }).sort({ _id: 1 }).limit(chunk).toArray();
      for (const d of docs) {
        if (!wanted(d)) continue;
        out.push(d);
        if (out.length >= limit) return out;
      }
      if (docs.length < chunk) return out;
      bound = { $gt: docs[docs.length - 1]!._id, $lt: end };
    }
  }

  /**
   * A page of the dead-lettered deliveries in delivery id order, after the delivery id `after`:
   * an `_id` range of `delivery_dead`, then those deliveries by `_id` from `delivery_state`
   * (only those it has as dead: an entry may run a moment ahead of its delivery). `next` is the
   * page's last delivery id when more entries follow, else null.
   */
  async dead(limit: number, after = ''): Promise<{ deliveries: StoredDelivery[]; next: string | null }> {
    const entries = await this.deadLetters
      // A range even for the first page (every delivery id is above ''): the store answers it from the `_id` index.
      .find({ _id: { $gt: after } }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(limit + 1)
      .toArray();
    const ids = entries.slice(0, limit).map((e) => e._id);
    const docs = ids.length === 0 ? [] : await this.deliveries.find({ _id: { $in: ids } }).toArray();
    const byId = new Map(docs.filter((d) => d.state === 'dead').map((d) => [d._id, strip(d)]));
    const deliveries = ids.flatMap((id) => byId.get(id) ?? []);
    return { deliveries, next: entries.length > limit ? ids[ids.length - 1]! : null };
  }

  /** Every delivery of one package (the sender's trace). */
  /** The package's deliveries: their ids are `<package id>/<recipient code>`, one `_id` range. */
  async ofPackage(packageId: string): Promise<StoredDelivery[]> {
    const docs = await this.deliveries.find({ _id: { $gte: `${packageId}/`, $lt: `${packageId}0` } }).sort({ _id: 1 }).toArray();
    return docs.filter((d) => d.packageId === packageId).map(strip);
  }
}

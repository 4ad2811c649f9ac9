import type { Delivery, TransportState } from '@vdx/delivery-domain';
import { MongoServerError, type Collection, type Db, type Filter } from 'mongodb';

export const DELIVERIES_COLLECTION = 'delivery_state';

/** A business status reported about the delivered document (01…06, 13, 15, 16): a read-model field, from routing's events. */
export interface BusinessStatusEntry {
  readonly code: string;
  readonly at: string;
  readonly description: string;
  readonly packageId: string;
}

type DeliveryDoc = Delivery & { _id: string; statuses?: BusinessStatusEntry[] };
export type StoredDelivery = Delivery & { readonly statuses: readonly BusinessStatusEntry[] };

export interface InboxQuery {
  /** Deliveries for these agencies… */
  readonly recipientCodes?: readonly string[];
  /** …or every delivery these agencies' systems receive (a hub's whole inbox). */
  readonly deliverToCodes?: readonly string[];
  readonly kind?: string;
  readonly states: readonly TransportState[];
  readonly limit: number;
  /** Delivery id of the last item of the previous page. */
  readonly after?: string;
}

const DUPLICATE_KEY = 11000;

/** What inbox listings, the push scheduler, the deadline sweep, status recording and traces look up by. */
const INDEXES = [
  { name: 'inbox', key: { recipientCode: 1, state: 1, _id: 1 } },
  { name: 'hub_inbox', key: { deliverToCode: 1, state: 1, _id: 1 } },
  { name: 'due', key: { state: 1, nextAttemptAt: 1 } },
  { name: 'deadline', key: { state: 1, deadlineMissed: 1, deadline: 1 } },
  { name: 'document', key: { 'package.documentId': 1, recipientCode: 1 } },
  { name: 'package', key: { packageId: 1 } },
] as const;
const strip = ({ _id, statuses, ...delivery }: DeliveryDoc): StoredDelivery => ({ ...delivery, statuses: statuses ?? [] });

/**
 * Each delivery's current state, one document per delivery id: what the command side decides
 * against and what inbox queries read. Written only by the delivery service, after its events
 * are appended, and only forward (a version guard refuses stale writes).
 */
export class DeliveryStore {
  private readonly deliveries: Collection<DeliveryDoc>;

  constructor(db: Db) {
    this.deliveries = db.collection<DeliveryDoc>(DELIVERIES_COLLECTION);
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

  /** Stores a new delivery unless one is there already (a redone queue step). */
  async insertIfAbsent(delivery: Delivery): Promise<void> {
    try {
      await this.deliveries.insertOne({ _id: delivery.deliveryId, ...delivery });
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
    }
  }

  /** Replaces the state if it is still at `fromVersion`; false when someone moved it on. */
  async advance(delivery: Delivery, fromVersion: number): Promise<boolean> {
    const { statuses: _kept, ...fields } = delivery as StoredDelivery;
    const res = await this.deliveries.updateOne({ _id: delivery.deliveryId, version: fromVersion }, { $set: fields });
    return res.modifiedCount === 1;
  }

  async inbox(q: InboxQuery): Promise<StoredDelivery[]> {
    const filter: Filter<DeliveryDoc> = q.recipientCodes?.length
      ? { state: { $in: [...q.states] }, recipientCode: { $in: [...q.recipientCodes] } }
      : { state: { $in: [...q.states] }, deliverToCode: { $in: [...(q.deliverToCodes ?? [])] } };
    if (q.kind) filter['package.kind'] = q.kind;
    if (q.after) filter._id = { $gt: q.after };
    return (await this.deliveries.find(filter).sort({ _id: 1 }).limit(q.limit).toArray()).map(strip);
  }

  /** Queued deliveries with an endpoint whose next push is due. */
  async due(now: Date, limit: number): Promise<StoredDelivery[]> {
    const filter: Filter<DeliveryDoc> = { state: 'queued', endpoint: { $ne: null }, $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now.toISOString() } }] };
    return (await this.deliveries.find(filter).limit(limit).toArray()).map(strip);
  }

  /** Deliveries still waiting (queued or dead) past their deadline and not yet flagged. */
  async overdue(now: Date, limit: number): Promise<StoredDelivery[]> {
    const filter: Filter<DeliveryDoc> = { state: { $in: ['queued', 'dead'] }, deadlineMissed: false, deadline: { $lte: now.toISOString() } };
    return (await this.deliveries.find(filter).limit(limit).toArray()).map(strip);
  }

  async dead(limit: number): Promise<StoredDelivery[]> {
    return (await this.deliveries.find({ state: 'dead' }).sort({ _id: 1 }).limit(limit).toArray()).map(strip);
  }

  /** The deliveries of a document (by its DocumentId) to one recipient. */
  async ofDocument(documentId: string, recipientCode: string): Promise<StoredDelivery[]> {
    return (await this.deliveries.find({ 'package.documentId': documentId, 'package.kind': 'edoc', recipientCode }).sort({ _id: 1 }).toArray()).map(strip);
  }

  /** Records a business status on a delivery; recording the same one again changes nothing. */
  async addStatus(deliveryId: string, status: BusinessStatusEntry): Promise<void> {
    await this.deliveries.updateOne({ _id: deliveryId }, { $addToSet: { statuses: status } });
  }

  /** Every delivery of one package (the sender's trace). */
  async ofPackage(packageId: string): Promise<StoredDelivery[]> {
    return (await this.deliveries.find({ packageId }).sort({ _id: 1 }).toArray()).map(strip);
  }
}

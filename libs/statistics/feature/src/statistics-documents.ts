import { HttpException } from '@nestjs/common';
import { httpStatusOf, isRelayedRefusal } from '@vdx/contracts/errors';
import type { DeliveryClient, DeliveryMessage } from '@vdx/delivery-client';
import { isInSubtree } from '@vdx/agency-code';
import {
  LOOKUP_END,
  StatisticsError,
  agencyOf,
  documentPrefix,
  recipientsOf,
  seesAny,
  type Account,
  type DeadLetterQuery,
  type DocumentSearch,
} from '@vdx/statistics-domain';
import type { Db, Document, Filter } from 'mongodb';

// The console's document search with its trace, and the dead letters with their redrive
// (docs/adr/0025-statistics-document-lookup.md): the lookup is the statistics projection's
// `statistics_documents`, read by `_id` ranges; each recipient's delivery comes from the
// delivery service's `delivery.v1`, called as `service:statistics`.

/** What the statistics service asks of `delivery.v1` (`DeliveryClient`; an in-memory fake in unit tests). */
export interface DeliveryPort {
  ofPackage(packageId: string): Promise<{ deliveries: DeliveryMessage[] }>;
  listDead(limit: number, pageToken: string): Promise<{ deliveries: DeliveryMessage[]; nextPageToken: string }>;
  redrive(deliveryId: string, operator: string): Promise<DeliveryMessage>;
}

/** A `DeliveryClient` as the port. */
export const deliveryPortOf = (client: DeliveryClient): DeliveryPort => client;

/**
 * Dead deliveries asked of `ListDead` per step, and the most steps of one page: a page an agency
 * admin mostly cannot see ends early, with `nextAfter`.
 */
export const DEAD_LETTERS_CHUNK = 200;
const DEAD_LETTERS_STEPS = 10;
/** `d:` entries of one document read for its trace. */
const MAX_TRACE_ENTRIES = 1000;
/** Entries read per step of a search, and the most steps of one page (a page an agency admin mostly cannot see ends early, with `nextAfter`). */
const SEARCH_CHUNK = 100;
const SEARCH_STEPS = 20;

/** A document found, as the search answers it. */
export interface DocumentHit {
  readonly documentId: string;
  readonly notation: string | null;
  readonly sender: string | null;
  readonly subject: string | null;
  readonly acceptedAt: string | null;
  readonly recipients: readonly string[];
}

/** One package about a document, as the trace lists it. */
export interface TracePackage {
  readonly packageId: string;
  /** `document`, `status`, or the `revoke`/`update`/`replace` that concerns this document. */
  readonly role: string;
  readonly sender: string | null;
  readonly recipients: readonly string[];
  readonly acceptedAt: string | null;
  readonly subject: string | null;
  readonly statusCode: string | null;
  /** `accepted`, `signature-rejected`, `routing-rejected`. */
  readonly stage: string;
  readonly errorCode: string | null;
  /** For the document's own package when it is itself a revoke/update/replace: what it does, and to which document. */
  readonly change: string | null;
  readonly relatedDocumentId: string | null;
  /** For a revoke/update/replace of this document: its own DocumentId. */
  readonly byDocumentId: string | null;
}

/** One recipient's delivery, as the trace and the dead letters show it. */
export interface TraceDelivery {
  readonly deliveryId: string;
  readonly packageId: string;
  readonly documentId: string | null;
  readonly senderCode: string;
  readonly recipientCode: string;
  readonly deliverToCode: string;
  readonly subject: string | null;
  readonly state: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly deadline: string | null;
  readonly deadlineMissed: boolean;
  readonly queuedAt: string | null;
  readonly fetchedAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly ackResult: string | null;
  readonly ackReason: string | null;
  readonly route: string | null;
  readonly signatureVerdict: string | null;
  readonly statuses: readonly { readonly code: string; readonly at: string; readonly description: string | null }[];
}

export interface DocumentTrace extends DocumentHit {
  readonly packages: readonly TracePackage[];
  /** Each recipient's delivery of the document's own packages; null when delivery did not answer (`deliveryError`). */
  readonly deliveries: readonly TraceDelivery[] | null;
  readonly deliveryError: string | null;
}

export interface DeadLetterPage {
  readonly items: readonly TraceDelivery[];
  /** Where the next page starts (a delivery id), null on the last page. */
  readonly nextAfter: string | null;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function traceDeliveryOf(d: DeliveryMessage): TraceDelivery {
  return {
    deliveryId: d.deliveryId,
    packageId: d.packageId,
    documentId: text(d.documentId),
    senderCode: d.senderCode,
    recipientCode: d.recipientCode,
    deliverToCode: d.deliverToCode,
    subject: text(d.subject),
    state: d.state,
    attempts: d.attempts,
    lastError: text(d.lastError),
    deadline: text(d.deadline),
    deadlineMissed: d.deadlineMissed,
    queuedAt: text(d.queuedAt),
    fetchedAt: text(d.fetchedAt),
    acknowledgedAt: text(d.acknowledgedAt),
    ackResult: text(d.ackResult),
    ackReason: text(d.ackReason),
    route: text(d.route),
    signatureVerdict: text(d.signatureVerdict),
    statuses: (d.statuses ?? []).map((s) => ({ code: s.code, at: s.at, description: text(s.description) })),
  };
}

/** A refusal of the statistics API with its code (`{ error: { code, parameter, message } }`). */
function refused(code: string, message: string, parameter: string | null = null): HttpException {
  return new HttpException({ error: { code, parameter, message } }, httpStatusOf(code));
}

/** A failed delivery call as the API answers it: the delivery service's own refusal as it is, an unreachable service 503 `STATISTICS.DELIVERY_UNAVAILABLE`. */
export function deliveryRefusal(err: unknown): HttpException {
  if (isRelayedRefusal(err) && httpStatusOf(err.code) !== 500 && err.code !== 'DELIVERY.UNAVAILABLE') {
    return refused(err.code, String(err.message ?? err.code), typeof err.path === 'string' && err.path !== '' ? err.path : null);
  }
  return refused('STATISTICS.DELIVERY_UNAVAILABLE', `the delivery service did not answer: ${(err as Error)?.message ?? String(err)}`);
}

/** Whether an agency admin's subtree holds the recipient of a delivery (its requested or its receiving agency). */
function recipientSeen(account: Account | null, d: Pick<DeliveryMessage, 'recipientCode' | 'deliverToCode'>): boolean {
  return seesAny(account, [d.recipientCode, d.deliverToCode]);
}

function senderSeen(account: Account | null, sender: string | null): boolean {
  if (account === null || account.role !== 'agency-admin') return true;
  const code = agencyOf(sender);
  return code !== null && isInSubtree(code, account.agency!);
}

/** The document search, the trace and the dead letters over the lookup and `delivery.v1`. */
export class StatisticsDocuments {
  constructor(
    private readonly db: Db,
    private readonly collection: string,
    private readonly delivery: DeliveryPort | null,
  ) {}

  /** Entries of one `_id` range, in `_id` order: the store answers it from its index (docs/adr/0002). */
  private entries(gte: string, lt: string, after: string | null, limit: number): Promise<Document[]> {
    const filter: Filter<{ _id: string }> = { _id: after === null ? { $gte: gte, $lt: lt } : { $gt: after, $lt: lt } };
    return this.db.collection<{ _id: string }>(this.collection).find(filter, { projection: { _pos: 0 } }).sort({ _id: 1 }).limit(limit).toArray();
  }

  /** A page of documents found, those the account may see; `nextAfter` continues the search. */
  async search(q: DocumentSearch, account: Account | null): Promise<{ by: string; items: DocumentHit[]; nextAfter: string | null }> {
    if (q.by === 'documentId') {
      const hit = hitOfEntries(q.documentId!, await this.entries(q.gte, q.lt, null, MAX_TRACE_ENTRIES));
      return { by: q.by, items: hit !== null && seesAny(account, [hit.sender, ...hit.recipients]) ? [hit] : [], nextAfter: null };
    }
    const items: DocumentHit[] = [];
    let after = q.after;
    for (let step = 0; step < SEARCH_STEPS; step++) {
      const docs = await this.entries(q.gte, q.lt, after, SEARCH_CHUNK);
      for (const d of docs) {
        after = String(d['_id']);
        const hit = hitOfLookup(d);
        if (!seesAny(account, [hit.sender, ...hit.recipients])) continue;
        items.push(hit);
        if (items.length === q.limit) return { by: q.by, items, nextAfter: after };
      }
      if (docs.length < SEARCH_CHUNK) return { by: q.by, items, nextAfter: null };
    }
    return { by: q.by, items, nextAfter: after };
  }

  /**
   * A document's trace: every package about it (its own, the statuses about it, what revoked,
   * updated or replaced it), then each recipient's delivery of its own packages from delivery.
   * An agency admin sees a document it sent or one of its units received, and of one it did not
   * send only the deliveries to its subtree.
   */
  async trace(documentId: string, account: Account | null): Promise<DocumentTrace> {
    const prefix = documentPrefix(documentId);
    const docs = await this.entries(prefix, `${prefix}${LOOKUP_END}`, null, MAX_TRACE_ENTRIES);
    const hit = hitOfEntries(documentId, docs);
    if (hit === null) throw new StatisticsError('STATISTICS.UNKNOWN_DOCUMENT', `no document ${documentId} is known`, { path: 'documentId' });
    if (!seesAny(account, [hit.sender, ...hit.recipients])) {
      throw new StatisticsError('STATISTICS.OUTSIDE_SCOPE', `${documentId} was neither sent by nor to ${account?.agency?.toString() ?? ''} or one of its units`, { path: 'documentId' });
    }
    const packages = docs.map(packageOf).sort((a, b) => (a.acceptedAt ?? '').localeCompare(b.acceptedAt ?? '') || a.packageId.localeCompare(b.packageId));
    const own = packages.filter((p) => p.role === 'document');
    if (this.delivery === null) return { ...hit, packages, deliveries: null, deliveryError: 'STATISTICS.DELIVERY_UNAVAILABLE' };
    const delivery = this.delivery;
    try {
      const lists = await Promise.all(own.map((p) => delivery.ofPackage(p.packageId)));
      const all = lists.flatMap((l) => l.deliveries);
      const seesAll = senderSeen(account, hit.sender);
      const deliveries = all.filter((d) => seesAll || recipientSeen(account, d)).map(traceDeliveryOf).sort((a, b) => a.deliveryId.localeCompare(b.deliveryId));
      return { ...hit, packages, deliveries, deliveryError: null };
    } catch (err) {
      const code = (deliveryRefusal(err).getResponse() as { error: { code: string } }).error.code;
      return { ...hit, packages, deliveries: null, deliveryError: code };
    }
  }

  /** A page of the dead deliveries the account may see (an agency admin: those to its subtree), in delivery id order. */
  async deadLetters(q: DeadLetterQuery, account: Account | null): Promise<DeadLetterPage> {
    if (this.delivery === null) throw refused('STATISTICS.DELIVERY_UNAVAILABLE', 'the statistics service is not connected to the delivery service (DELIVERY_GRPC_URL)');
    const delivery = this.delivery;
    const items: DeliveryMessage[] = [];
    const pageOf = (nextAfter: string | null): DeadLetterPage => ({ items: items.map(traceDeliveryOf), nextAfter });
    let token = q.after ?? '';
    for (let step = 1; ; step++) {
      let page: { deliveries: DeliveryMessage[]; nextPageToken: string };
      try {
        page = await delivery.listDead(DEAD_LETTERS_CHUNK, token);
      } catch (err) {
        throw deliveryRefusal(err);
      }
      for (const d of page.deliveries) {
        if (!recipientSeen(account, d)) continue;
        if (items.length === q.limit) return pageOf(items[items.length - 1]!.deliveryId);
        items.push(d);
      }
      token = page.nextPageToken;
      if (token === '') return pageOf(null);
      // Everything up to the token was looked at: the next page starts after it.
      if (items.length === q.limit || step === DEAD_LETTERS_STEPS) return pageOf(token);
    }
  }

  /** Sends a dead delivery back to the queue, recorded as redriven by `operator` (the role was checked before). */
  async redrive(deliveryId: string, operator: string): Promise<TraceDelivery> {
    if (this.delivery === null) throw refused('STATISTICS.DELIVERY_UNAVAILABLE', 'the statistics service is not connected to the delivery service (DELIVERY_GRPC_URL)');
    try {
      return traceDeliveryOf(await this.delivery.redrive(deliveryId, operator));
    } catch (err) {
      throw deliveryRefusal(err);
    }
  }
}

function hitOfLookup(d: Document): DocumentHit {
  return { documentId: String(d['doc']), notation: text(d['no']), sender: text(d['from']), subject: text(d['sub']), acceptedAt: text(d['at']), recipients: recipientsOf(d) };
}

/** The document's summary from its `d:` entries: its own packages' sender, subject and recipients; null when it has none. */
function hitOfEntries(documentId: string, docs: readonly Document[]): DocumentHit | null {
  if (docs.length === 0) return null;
  const own = docs.filter((d) => d['role'] === 'document');
  const from = own.length > 0 ? own : docs;
  const first = [...from].sort((a, b) => String(a['at'] ?? '').localeCompare(String(b['at'] ?? '')))[0]!;
  const recipients = [...new Set(from.flatMap((d) => recipientsOf(d)))].sort();
  const parts = documentId.split(',');
  return {
    documentId,
    notation: parts.length >= 3 ? parts.slice(2).join(',') : null,
    sender: own.length > 0 ? text(first['from']) : null,
    subject: text(first['sub']),
    acceptedAt: own.length > 0 ? text(first['at']) : null,
    recipients: own.length > 0 ? recipients : [],
  };
}

function packageOf(d: Document): TracePackage {
  const role = String(d['role'] ?? 'document');
  return {
    packageId: text(d['pkg']) ?? decodeURIComponent(String(d['_id']).slice(String(d['_id']).lastIndexOf('|') + 1)),
    role,
    sender: text(d['from']),
    recipients: recipientsOf(d),
    acceptedAt: text(d['at']),
    subject: text(d['sub']),
    statusCode: text(d['st']),
    stage: text(d['stage']) ?? 'accepted',
    errorCode: text(d['code']),
    change: role === 'document' ? text(d['change']) : null,
    relatedDocumentId: role === 'document' ? text(d['rel']) : null,
    byDocumentId: role === 'document' || role === 'status' ? null : text(d['by']),
  };
}

import { AgencyRegisteredEvent, DeliveryQueuedEvent, eventTopic, withLanes, type EventEnvelope } from '@vdx/contracts';
import type { LogPosition, PositionedWrite, Projection, ReadModelWrite } from '@vdx/event-sourcing';
import {
  AGENCY_EVENT_TYPES,
  COUNTER_MODELS,
  DELIVERY_FACT_TYPES,
  StatisticsError,
  WRITE_ORDER,
  foldEvent,
  type AgencyFact,
  type DeliveryFact,
  type FoldState,
  type StatisticsModel,
  type StatisticsWrite,
} from '@vdx/statistics-domain';
import type { Db, Document } from 'mongodb';
import { KnownDocuments, writeStatistics, type WriteCounts } from './statistics-writer';

/** The physical collection of each statistics read model. */
export type StatisticsCollections = Readonly<Record<StatisticsModel, string>>;

export const STATISTICS_COLLECTIONS: StatisticsCollections = {
  headline: 'statistics_headline',
  detail: 'statistics_detail',
  quality: 'statistics_quality',
  tree: 'statistics_tree',
  directory: 'statistics_directory',
  agencies: 'statistics_agencies',
  deliveries: 'statistics_deliveries',
  documents: 'statistics_documents',
};

export const STATISTICS_PROJECTION = 'statistics';

/**
 * Records per batch of `vdx replay statistics`: a batch's writes to one document are one upsert
 * (`writeStatistics`), so the larger the batch, the fewer upserts per event (measured with
 * `npm run bench:statistics`).
 */
export const STATISTICS_REPLAY_BATCH = 10_000;

/** The topics the statistics read models are folded from. */
export interface StatisticsTopics {
  readonly gateway: string;
  readonly signature: string;
  readonly routing: string;
  readonly delivery: string;
  readonly directory: string;
}

/** The event topics of the services, their names prefixed (`<prefix>-gateway`, …) for an isolated run; none: the production topics. */
export function statisticsTopicsOf(prefix?: string): StatisticsTopics {
  const name = (service: string) => eventTopic(prefix === undefined ? service : `${prefix}-${service}`);
  return { gateway: name('gateway'), signature: name('signature'), routing: name('routing'), delivery: name('delivery'), directory: name('directory') };
}

export const STATISTICS_TOPICS: StatisticsTopics = statisticsTopicsOf();

/** Both lanes of every pipeline topic, and the directory's events. */
export function statisticsTopicList(topics: StatisticsTopics): string[] {
  return [...withLanes([topics.gateway, topics.signature, topics.routing, topics.delivery]), topics.directory];
}

export interface StatisticsProjectionOptions {
  readonly name?: string;
  readonly topics?: StatisticsTopics;
  readonly collections?: StatisticsCollections;
  /**
   * How many delivery facts are kept in memory. Unbounded (the default) suits a replay, which
   * reads the log from offset zero and so sees every delivery's first event; the live runner
   * bounds it and reads the facts it lacks from the store before each batch.
   */
  readonly factCache?: number;
}

/** Recently used entries, the oldest forgotten beyond `max`. */
class Memory<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined && this.max !== Infinity) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A stored delivery fact (`statistics_deliveries`) as the fold knows it. */
export function deliveryFactOf(doc: Document): DeliveryFact {
  return { sender: String(doc['s']), kind: doc['k'] === 's' ? 's' : 'd', acceptedAt: String(doc['a']), deadline: typeof doc['dl'] === 'string' ? doc['dl'] : null, first01: typeof doc['o01'] === 'number' ? doc['o01'] : null };
}

/** A stored agency fact (`statistics_agencies`) as the fold knows it. */
export function agencyFactOf(doc: Document): AgencyFact {
  const n = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  return { level: Number(doc['level']), name: String(doc['name'] ?? ''), connectedAt: n(doc['c0']), suspendedAt: n(doc['sL']), reinstatedAt: n(doc['rL']) };
}

/**
 * The statistics read models as one projection: `foldEvent` of `@vdx/statistics-domain` with
 * the facts of deliveries and agencies its events need kept in memory. The live runner
 * (`StatisticsRunner`) loads the facts a batch lacks from the store first; a replay reads the
 * log from offset zero, so it knows every fact from its first event.
 */
export class StatisticsProjection implements Projection {
  readonly name: string;
  readonly topics: readonly string[];
  readonly collections: readonly string[];
  readonly names: StatisticsCollections;
  readonly replayBatchSize = STATISTICS_REPLAY_BATCH;
  /** Events whose delivery or agency was unknown, counted nowhere. */
  unattributed = 0;
  /** Read-model documents this projection has written: `write` need not ask the store whether they exist. */
  private readonly known = new KnownDocuments();
  private readonly deliveries: Memory<DeliveryFact>;
  /** Unbounded memory: a replay, which has no store to read a forgotten fact from. */
  private readonly replaying: boolean;
  private readonly agencies = new Memory<AgencyFact>(Infinity);
  /** Per topic-partition, the first offset this projection was given (a replay starts at zero). */
  private readonly firstOffsets = new Map<string, number>();
  private readonly state: FoldState = {
    delivery: (id) => this.deliveries.get(id),
    agency: (code) => this.agencies.get(code),
  };

  constructor(options: StatisticsProjectionOptions = {}) {
    this.name = options.name ?? STATISTICS_PROJECTION;
    this.names = options.collections ?? STATISTICS_COLLECTIONS;
    this.topics = statisticsTopicList(options.topics ?? STATISTICS_TOPICS);
    this.collections = WRITE_ORDER.map((m) => this.names[m]);
    this.deliveries = new Memory(options.factCache ?? Infinity);
    this.replaying = options.factCache === undefined;
  }

  project(event: EventEnvelope, position: LogPosition): ReadModelWrite[] {
    const key = `${position.topic}~${position.partition}`;
    if (!this.firstOffsets.has(key)) this.firstOffsets.set(key, Number(position.offset));
    const result = foldEvent(event, position, this.state);
    if (result.missingFact !== null) {
      // Read from its start, a partition has given every delivery's and agency's first event
      // before its later ones: a fact can be missing only when the read began later.
      if (this.replaying && (this.firstOffsets.get(key) ?? 0) > 0) {
        throw new StatisticsError(
          'STATISTICS.REPLAY_RESUMED',
          `${position.topic}/${position.partition}@${position.offset} is about ${result.missingFact}, whose first event this replay did not read (it resumed an interrupted one): run \`vdx replay statistics --fresh\``,
        );
      }
      this.unattributed += 1;
      return [];
    }
    for (const [id, fact] of result.deliveries) this.deliveries.set(id, fact);
    for (const [code, fact] of result.agencies) this.agencies.set(code, fact);
    return result.writes.map((w) => this.toWrite(w));
  }

  /**
   * Writes a batch's writes with `writeStatistics`: the counters' collections first, then the
   * facts' (the fold's order rule, docs/adr/0013 §3). `collectionName` maps a logical
   * collection to the one written.
   */
  async write(db: Db, writes: readonly PositionedWrite[], collectionName: (logical: string) => string = (c) => c): Promise<WriteCounts> {
    const counterCollections = new Set(COUNTER_MODELS.map((m) => this.names[m]));
    const counters = writes.filter((w) => counterCollections.has(w.write.collection));
    const facts = writes.filter((w) => !counterCollections.has(w.write.collection));
    const first = await writeStatistics(db, counters, collectionName, this.known);
    const then = await writeStatistics(db, facts, collectionName, this.known);
    return { applied: first.applied + then.applied, skipped: first.skipped + then.skipped, operations: first.operations + then.operations };
  }

  /** Delivery ids and agency codes of `events` whose facts are not in memory: what to load first. */
  missingFacts(events: readonly EventEnvelope[]): { deliveries: string[]; agencies: string[] } {
    const deliveries = new Set<string>();
    const agencies = new Set<string>();
    for (const e of events) {
      const payload = e.payload as { deliveryId?: unknown; code?: unknown };
      if (DELIVERY_FACT_TYPES.has(e.type) && e.type !== DeliveryQueuedEvent.type && typeof payload.deliveryId === 'string' && !this.deliveries.has(payload.deliveryId)) deliveries.add(payload.deliveryId);
      if (AGENCY_EVENT_TYPES.has(e.type) && e.type !== AgencyRegisteredEvent.type && typeof payload.code === 'string' && !this.agencies.has(payload.code)) agencies.add(payload.code);
    }
    return { deliveries: [...deliveries], agencies: [...agencies] };
  }

  /** Facts read from the store, known from now on. */
  remember(deliveries: readonly Document[], agencies: readonly Document[]): void {
    for (const d of deliveries) this.deliveries.set(String(d['_id']), deliveryFactOf(d));
    for (const a of agencies) this.agencies.set(String(a['_id']), agencyFactOf(a));
  }

  private toWrite(w: StatisticsWrite): ReadModelWrite {
    return { collection: this.names[w.model], id: w.id, ...(w.creates ? { creates: true } : {}), update: w.update };
  }
}

/** The statistics read models with the production topics and collections (`vdx replay statistics`). */
export function statisticsProjection(options: StatisticsProjectionOptions = {}): StatisticsProjection {
  return new StatisticsProjection(options);
}

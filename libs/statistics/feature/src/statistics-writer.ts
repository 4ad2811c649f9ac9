import { guardPath, materialise, type PositionedWrite } from '@vdx/event-sourcing';
import { findByIds } from './by-id-reads';
import type { AnyBulkWriteOperation, Collection, Db, Document, MongoBulkWriteError } from 'mongodb';

// The statistics projection's writer, live and in `vdx replay statistics`: a consumed group's
// writes folded into one guarded upsert per document (carrying the guard of every source
// partition it was written from), new documents inserted, the rest sent per collection as bulks
// of `updateOne`s by `_id` (docs/adr/0021-statistics-headline-documents.md). Its guards are those
// of `applyGuarded` of `@vdx/event-sourcing` (`_pos.<topic>~<partition>`: the last offset
// applied), so a redelivery, however cut, counts each event once per document.

const DUPLICATE_KEY = 11000;
/**
 * Statements per update command. One command is one store transaction (ADR 0002, "one
 * transaction per bulk"), holding the store's write lock while it runs: about 0.25 s for 500,
 * short enough not to hold the exchange's own writes back. Throughput is the same from 50 to
 * 1,000 (measured: 2,000–2,300 updates/s of small documents either way).
 */
export const MAX_OPS_PER_COMMAND = 500;
const MAX_DOCS_PER_INSERT = 1000;


type Numbers = Record<string, number>;

/** Where a group's writes of one source partition sit: the guard field and the offsets they span. */
export interface GroupGuard {
  /** The guard field of the source partition (`_pos.<topic>~<partition>`). */
  readonly path: string;
  readonly first: number;
  last: number;
}

/** Every write of one batch to one document, folded, from one or several source partitions. */
export interface StatisticsGroup {
  readonly collection: string;
  readonly id: string;
  /** One per source partition, in the order of their first write. */
  readonly guards: GroupGuard[];
  readonly inc: Numbers;
  readonly set: Record<string, unknown>;
  readonly min: Numbers;
  readonly max: Numbers;
  /** The first write creates the document (a fact's first event): it is tried as an insert first. */
  readonly creates: boolean;
  readonly members: PositionedWrite[];
}

/**
 * Folds writes per (collection, document), in order: `$inc` summed, the last `$set`, the smallest
 * `$min`, the largest `$max` (the fold never writes one field with two operators), and per source
 * partition the offsets they span. A group written from several partitions (a group commit of
 * several partition batches) is one upsert carrying every partition's guard. Groups keep the
 * order of their first write. `perPartition` keeps each source partition's writes apart: the
 * fallback when a guard refuses a group.
 */
export function coalesceStatistics(writes: readonly PositionedWrite[], perPartition = false): StatisticsGroup[] {
  const out: StatisticsGroup[] = [];
  const byCollection = new Map<string, Map<string, StatisticsGroup>>();
  // An event's writes share its position: its guard path is worked out once.
  let position: PositionedWrite['position'] | undefined;
  let path = '';
  let offset = 0;
  for (const w of writes) {
    if (w.position !== position) {
      position = w.position;
      path = guardPath(position);
      offset = Number(position.offset);
    }
    let groups = byCollection.get(w.write.collection);
    if (groups === undefined) byCollection.set(w.write.collection, (groups = new Map()));
    const key = perPartition ? `${w.write.id}\u0000${path}` : w.write.id;
    let g = groups.get(key);
    if (g === undefined) {
      g = { collection: w.write.collection, id: w.write.id, guards: [], inc: {}, set: {}, min: {}, max: {}, creates: w.write.creates === true, members: [] };
      groups.set(key, g);
      out.push(g);
    }
    g.members.push(w);
    const guard = g.guards.find((x) => x.path === path);
    if (guard === undefined) g.guards.push({ path, first: offset, last: offset });
    else if (offset > guard.last) guard.last = offset;
    const u = w.write.update;
    if (u.$inc) for (const f in u.$inc) g.inc[f] = (g.inc[f] ?? 0) + (u.$inc[f] as number);
    if (u.$set) for (const f in u.$set) g.set[f] = u.$set[f];
    if (u.$min) for (const f in u.$min) g.min[f] = f in g.min ? Math.min(g.min[f]!, u.$min[f] as number) : (u.$min[f] as number);
    if (u.$max) for (const f in u.$max) g.max[f] = f in g.max ? Math.max(g.max[f]!, u.$max[f] as number) : (u.$max[f] as number);
  }
  return out;
}

interface GuardedOp {
  readonly filter: Document;
  readonly update: Document;
}

/**
 * The guarded upsert of a group: it matches only while, for each of its source partitions, the
 * document's guard is below the group's first offset there; it leaves each guard at the group's
 * last offset there.
 */
export function guardedOp(g: Pick<StatisticsGroup, 'id' | 'guards' | 'inc' | 'set' | 'min' | 'max'>): GuardedOp {
  const update: Document = {};
  if (Object.keys(g.inc).length > 0) update['$inc'] = g.inc;
  const set: Document = { ...g.set };
  const filter: Document = { _id: g.id };
  for (const guard of g.guards) {
    set[guard.path] = guard.last;
    filter[guard.path] = { $not: { $gte: guard.first } };
  }
  update['$set'] = set;
  if (Object.keys(g.min).length > 0) update['$min'] = g.min;
  if (Object.keys(g.max).length > 0) update['$max'] = g.max;
  return { filter, update };
}

/**
 * The group's writes split per event (source offset), each event's folded: the event-by-event
 * fallback of a group from one source partition. One event often writes one document twice (the
 * country's documents count it as sent and as received), and both writes carry the same guard
 * offset: applied one by one, the guard would refuse the second.
 */
function perEvent(g: StatisticsGroup): StatisticsGroup[] {
  const byOffset = new Map<string, PositionedWrite[]>();
  for (const m of g.members) {
    const list = byOffset.get(m.position.offset);
    if (list) list.push(m);
    else byOffset.set(m.position.offset, [m]);
  }
  return [...byOffset.values()].map((members) => coalesceStatistics(members)[0]!);
}

function writeErrorsOf(err: unknown): { index: number; code: number }[] {
  const e = err as MongoBulkWriteError;
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  return list.map((w) => ({ index: w.index, code: w.code }));
}

export interface WriteCounts {
  /** Member writes applied. */
  applied: number;
  /** Member writes their guards refused (applied before: a redelivery). */
  skipped: number;
  /** Guarded upserts and inserts sent. */
  operations: number;
}

/** Inserts the groups that create their document; returns those that existed already. */
async function insertNew(coll: Collection<Document>, groups: readonly StatisticsGroup[], counts: WriteCounts): Promise<StatisticsGroup[]> {
  const existing: StatisticsGroup[] = [];
  for (let from = 0; from < groups.length; from += MAX_DOCS_PER_INSERT) {
    const slice = groups.slice(from, from + MAX_DOCS_PER_INSERT);
    counts.operations += slice.length;
    const failed = new Set<number>();
    try {
      await coll.insertMany(
        slice.map((g) => materialise(guardedOp(g))),
        { ordered: false },
      );
    } catch (err) {
      const errors = writeErrorsOf(err);
      if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
      for (const e of errors) failed.add(e.index);
    }
    slice.forEach((g, i) => {
      if (failed.has(i)) existing.push(g);
      else counts.applied += g.members.length;
    });
  }
  return existing;
}

/** Applies one guarded upsert alone: false when its guard refused it (its upsert collided on `_id`). */
async function applyOne(coll: Collection<Document>, g: StatisticsGroup, counts: WriteCounts): Promise<boolean> {
  const op = guardedOp(g);
  counts.operations += 1;
  try {
    await coll.updateOne(op.filter, op.update, { upsert: true });
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === DUPLICATE_KEY || writeErrorsOf(err).some((e) => e.code === DUPLICATE_KEY)) return false;
    throw err;
  }
}

/**
 * A refused group was applied before, at least in part (a redelivered batch, maybe cut
 * differently): a group of several source partitions again per partition, and a partition's
 * each of its events again, in order, each under its own offset.
 */
async function applyAlone(coll: Collection<Document>, g: StatisticsGroup, counts: WriteCounts): Promise<void> {
  if (await applyOne(coll, g, counts)) {
    counts.applied += g.members.length;
    return;
  }
  if (g.guards.length > 1) {
    for (const part of coalesceStatistics(g.members, true)) await applyAlone(coll, part, counts);
    return;
  }
  const events = perEvent(g);
  if (events.length === 1) {
    counts.skipped += g.members.length;
    return;
  }
  for (const e of events) {
    if (await applyOne(coll, e, counts)) counts.applied += e.members.length;
    else counts.skipped += e.members.length;
  }
}

/**
 * Documents a writer has seen in the store, the most recently used kept (up to `max`): it spares
 * them the lookup that tells a new document from an existing one. A document taken for existing
 * that is not (its collection dropped meanwhile) is still written right, by an upsert.
 */
export class KnownDocuments {
  private readonly ids = new Map<string, true>();
  constructor(private readonly max = 200_000) {}

  has(collection: string, id: string): boolean {
    const key = `${collection}\u0000${id}`;
    if (!this.ids.delete(key)) return false;
    this.ids.set(key, true);
    return true;
  }

  add(collection: string, id: string): void {
    const key = `${collection}\u0000${id}`;
    this.ids.delete(key);
    this.ids.set(key, true);
    if (this.ids.size > this.max) this.ids.delete(this.ids.keys().next().value!);
  }

  get size(): number {
    return this.ids.size;
  }
}

/** The groups whose document the store does not hold yet: asked by `_id`, unless `known` holds it. */
async function absentOf(coll: Collection<Document>, groups: readonly StatisticsGroup[], known: KnownDocuments | undefined): Promise<Set<StatisticsGroup>> {
  const unknown = known ? groups.filter((g) => !known.has(coll.collectionName, g.id)) : groups;
  if (unknown.length === 0) return new Set();
  const present = new Set((await findByIds(coll, unknown.map((g) => g.id), { _id: 1 })).map((d) => d['_id']));
  return new Set(unknown.filter((g) => !present.has(g.id)));
}

/**
 * One collection's groups: those whose document is new inserted first (in commands of up to
 * `MAX_DOCS_PER_INSERT`), then the guarded upserts in commands of `MAX_OPS_PER_COMMAND`. The
 * store inserts a new document for a fraction of what an upsert costs it (the upsert looks it up
 * first, under the write lock), and most of a batch's documents are new when the batch opens a
 * day. A document another writer created meanwhile is refused as a duplicate and upserted.
 */
async function writeCollection(coll: Collection<Document>, groups: readonly StatisticsGroup[], counts: WriteCounts, known: KnownDocuments | undefined): Promise<void> {
  const absent = await absentOf(coll, groups.filter((g) => !g.creates), known);
  const creating = groups.filter((g) => g.creates || absent.has(g));
  const existing = creating.length > 0 ? new Set(await insertNew(coll, creating, counts)) : new Set<StatisticsGroup>();
  const upserts = groups.filter((g) => !(g.creates || absent.has(g)) || existing.has(g));
  for (let from = 0; from < upserts.length; from += MAX_OPS_PER_COMMAND) {
    const slice = upserts.slice(from, from + MAX_OPS_PER_COMMAND);
    counts.operations += slice.length;
    try {
      await coll.bulkWrite(
        slice.map((g): AnyBulkWriteOperation<Document> => {
          const op = guardedOp(g);
          return { updateOne: { filter: op.filter, update: op.update, upsert: true } };
        }),
        { ordered: true },
      );
      for (const g of slice) counts.applied += g.members.length;
    } catch (err) {
      const errors = writeErrorsOf(err);
      if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
      // A guard refused one of them: a redelivery. The store keeps the statements before the
      // refused one but does not say reliably which one it was, so each is applied again alone;
      // those applied already are refused by their guards.
      for (const g of slice) await applyAlone(coll, g, counts);
    }
  }
  if (known) for (const g of groups) known.add(coll.collectionName, g.id);
}

/**
 * Writes a batch's writes at most once per event per document: folded per document
 * (`coalesceStatistics`), then each collection's upserts as bulks of guarded
 * `updateOne`s by `_id`, one collection after the other. `physical` maps a logical collection to
 * the one written; `known`, documents seen in the store before (it learns those written).
 */
export async function writeStatistics(db: Db, writes: readonly PositionedWrite[], physical: (logical: string) => string = (c) => c, known?: KnownDocuments): Promise<WriteCounts> {
  const counts: WriteCounts = { applied: 0, skipped: 0, operations: 0 };
  const byCollection = new Map<string, StatisticsGroup[]>();
  for (const g of coalesceStatistics(writes)) {
    const name = physical(g.collection);
    const list = byCollection.get(name);
    if (list) list.push(g);
    else byCollection.set(name, [g]);
  }
  // One collection after the other: the store writes under one lock anyway, and collections
  // written side by side collide when it creates them (SQLite "database is locked", measured on
  // a fresh database).
  for (const [name, groups] of byCollection) await writeCollection(db.collection<Document>(name), groups, counts, known);
  return counts;
}

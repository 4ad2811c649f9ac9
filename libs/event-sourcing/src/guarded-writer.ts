import type { Collection, Db, Document, MongoBulkWriteError } from 'mongodb';
import { coalesce, type CoalescedWrite } from './coalesce';
import type { ReadModelWrite } from './projection';

/** Where an event sits in the log; the guard remembers the highest one applied per document. */
export interface LogPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** A write tagged with the position of the event it came from. */
export interface PositionedWrite {
  readonly write: ReadModelWrite;
  readonly position: LogPosition;
}

export const GUARD_FIELD = '_pos';

/** `_pos.<topic>~<partition>`, with the dots of the topic name made safe for a field path. */
export function guardPath(p: Pick<LogPosition, 'topic' | 'partition'>): string {
  return `${GUARD_FIELD}.${p.topic.replace(/\./g, '_')}~${p.partition}`;
}

const DUPLICATE_KEY = 11000;
// FerretDB's SQLite backend holds a pooled connection per operation of one update command and
// deadlocks past its pool of 100; small commands keep it safe and cost little on MongoDB.
const MAX_OPS_PER_COMMAND = 50;

/**
 * Applies writes so that each event changes each document at most once, without transactions
 * (FerretDB has none): every document stores, per source partition, the last offset applied to
 * it, and an update only matches while its offset is higher. A replayed or redelivered event
 * matches nothing; its upsert then collides on `_id` and is skipped as already applied.
 *
 * Consecutive writes of one document from one partition are folded into one update guarded by
 * the lowest of their offsets (a hot total costs one write per batch, not one per event). When
 * that guard refuses, part of the run was applied before (a redelivery cut differently), so the
 * run is applied again event by event, each with its own guard.
 *
 * Writes are applied in order (a document's updates must not overtake each other), collection
 * by collection in the order the batch first wrote to them.
 */
export async function applyGuarded(db: Db, all: readonly PositionedWrite[], collectionName: (logical: string) => string = (c) => c): Promise<{ applied: number; skipped: number }> {
  const { writes, deletes, superseded } = splitDeletes(all);
  const groups = coalesce(writes, (w) => w.write, (w) => guardPath(w.position));
  let applied = superseded;
  let skipped = 0;
  // A deleted document's earlier writes in the batch are dropped, and the delete goes first: what
  // the batch writes after it re-creates the document.
  for (const [name, ids] of deletes) {
    const coll = db.collection<Document>(collectionName(name));
    for (let from = 0; from < ids.length; from += MAX_IDS_PER_DELETE) await coll.deleteMany({ _id: { $in: ids.slice(from, from + MAX_IDS_PER_DELETE) as never[] } });
    applied += ids.length;
  }
  const byCollection = new Map<string, CoalescedWrite<PositionedWrite>[]>();
  // Collections are written in the order the projection first wrote them: a read model that
  // another one points into (a listing and the documents it lists) is written first.
  for (const w of writes) if (!byCollection.has(collectionName(w.write.collection))) byCollection.set(collectionName(w.write.collection), []);
  for (const group of groups) {
    const name = collectionName(group.collection);
    byCollection.set(name, [...(byCollection.get(name) ?? []), group]);
  }
  for (const [name, all] of byCollection) {
    const coll = db.collection<Document>(name);
    // Documents an event creates are inserted outright; those that exist already (a redelivery)
    // fall back to the guarded upsert below, in their original order.
    const inserted = await insertNew(coll, all);
    applied += all.filter((_, i) => inserted.has(i)).reduce((n, g) => n + g.members.length, 0);
    const list = all.filter((_, i) => !inserted.has(i));
    const results = await writeInOrder(coll, list.map(guardedOp));
    for (let i = 0; i < list.length; i++) {
      const group = list[i]!;
      if (results[i]) {
        applied += group.members.length;
      } else if (group.members.length === 1) {
        skipped += 1;
      } else {
        const single = await writeInOrder(coll, group.members.map((m) => guardedOp({ collection: m.write.collection, id: m.write.id, update: m.write.update, members: [m] })));
        const n = single.filter(Boolean).length;
        applied += n;
        skipped += single.length - n;
      }
    }
  }
  return { applied, skipped };
}

const MAX_DOCS_PER_INSERT = 1000;
// The store answers an `_id` $in of up to 1,000 ids from its index (docs/adr/0002).
const MAX_IDS_PER_DELETE = 500;

/**
 * Takes the deletes out of a batch: per collection, the ids deleted; the writes that remain are
 * those after each document's last delete (earlier ones would be undone by it: `superseded`).
 */
function splitDeletes(all: readonly PositionedWrite[]): { writes: PositionedWrite[]; deletes: Map<string, string[]>; superseded: number } {
  const lastDelete = new Map<string, number>();
  all.forEach((w, i) => {
    if (w.write.deletes) lastDelete.set(`${w.write.collection}\u0000${w.write.id}`, i);
  });
  if (lastDelete.size === 0) return { writes: [...all], deletes: new Map(), superseded: 0 };
  const deletes = new Map<string, string[]>();
  const writes: PositionedWrite[] = [];
  let superseded = 0;
  all.forEach((w, i) => {
    const cut = lastDelete.get(`${w.write.collection}\u0000${w.write.id}`);
    if (cut === undefined || i > cut) {
      writes.push(w);
    } else if (i === cut) {
      deletes.set(w.write.collection, [...(deletes.get(w.write.collection) ?? []), w.write.id]);
    } else {
      superseded += 1;
    }
  });
  return { writes, deletes, superseded };
}

/** Inserts the groups that create their document; returns the indexes (into `groups`) that were inserted. */
async function insertNew(coll: Collection<Document>, groups: readonly CoalescedWrite<PositionedWrite>[]): Promise<Set<number>> {
  const candidates = groups.flatMap((g, index) => (g.members[0]!.write.creates ? [{ index, doc: materialise(guardedOp(g)) }] : []));
  const inserted = new Set<number>();
  for (let from = 0; from < candidates.length; from += MAX_DOCS_PER_INSERT) {
    const slice = candidates.slice(from, from + MAX_DOCS_PER_INSERT);
    const failed = new Set<number>();
    try {
      await coll.insertMany(slice.map((c) => c.doc), { ordered: false });
    } catch (err) {
      const bulkErr = err as MongoBulkWriteError;
      const errors = Array.isArray(bulkErr.writeErrors) ? bulkErr.writeErrors : bulkErr.writeErrors ? [bulkErr.writeErrors] : [];
      if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
      for (const e of errors) failed.add(e.index);
    }
    slice.forEach((c, i) => {
      if (!failed.has(i)) inserted.add(c.index);
    });
  }
  return inserted;
}

/** The document an upsert of `op` would create on an empty collection (an insert in place of the upsert). */
export function materialise(op: Pick<GuardedOp, 'filter' | 'update'>): Document {
  const doc: Document = { _id: op.filter['_id'] };
  for (const operator of ['$setOnInsert', '$set', '$inc', '$max', '$min'] as const) {
    for (const [path, value] of Object.entries((op.update[operator] as Document | undefined) ?? {})) {
      const parts = path.split('.');
      let target = doc;
      for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Document;
      target[parts[parts.length - 1]!] = value;
    }
  }
  return doc;
}

interface GuardedOp {
  readonly filter: Document;
  readonly update: Document;
}

function guardedOp(group: CoalescedWrite<PositionedWrite>): GuardedOp {
  const positions = group.members.map((m) => m.position);
  const path = guardPath(positions[0]!);
  const offsets = positions.map((p) => Number(p.offset));
  return {
    filter: { _id: group.id, [path]: { $not: { $gte: Math.min(...offsets) } } },
    update: { ...group.update, $set: { ...(group.update.$set ?? {}), [path]: Math.max(...offsets) } },
  };
}

/**
 * Runs guarded upserts in order, in small commands; returns per op whether it was applied
 * (false: the guard refused it, so the upsert collided on `_id`). A refused op does not stop
 * the ones after it, which are resent from the next index.
 */
async function writeInOrder(coll: Collection<Document>, ops: readonly GuardedOp[]): Promise<boolean[]> {
  const results: boolean[] = [];
  let from = 0;
  while (from < ops.length) {
    const slice = ops.slice(from, from + MAX_OPS_PER_COMMAND);
    try {
      await coll.bulkWrite(
        slice.map((o) => ({ updateOne: { filter: o.filter, update: o.update, upsert: true } })),
        { ordered: true },
      );
      results.push(...slice.map(() => true));
      from += slice.length;
    } catch (err) {
      const bulkErr = err as MongoBulkWriteError;
      const first = Array.isArray(bulkErr.writeErrors) ? bulkErr.writeErrors[0] : bulkErr.writeErrors;
      if (!first || first.code !== DUPLICATE_KEY) throw err;
      // Everything before the failed index was applied; the failed one was refused by its guard.
      results.push(...slice.slice(0, first.index).map(() => true), false);
      from += first.index + 1;
    }
  }
  return results;
}

import type { Db, Document, MongoBulkWriteError } from 'mongodb';
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
 * Writes are applied in order (a document's updates must not overtake each other).
 */
export async function applyGuarded(db: Db, writes: readonly PositionedWrite[], collectionName: (logical: string) => string = (c) => c): Promise<{ applied: number; skipped: number }> {
  const byCollection = new Map<string, { filter: Document; update: Document }[]>();
  // Group consecutive runs per collection: order only matters within one document.
  for (const { write, position } of writes) {
    const path = guardPath(position);
    const offset = Number(position.offset);
    const name = collectionName(write.collection);
    const list = byCollection.get(name) ?? [];
    list.push({
      filter: { _id: write.id, [path]: { $not: { $gte: offset } } },
      update: { ...write.update, $set: { ...(write.update.$set ?? {}), [path]: offset } },
    });
    byCollection.set(name, list);
  }
  let applied = 0;
  let skipped = 0;
  for (const [name, ops] of byCollection) {
    const coll = db.collection<Document>(name);
    let from = 0;
    while (from < ops.length) {
      const slice = ops.slice(from, from + MAX_OPS_PER_COMMAND);
      try {
        const res = await coll.bulkWrite(
          slice.map((o) => ({ updateOne: { filter: o.filter, update: o.update, upsert: true } })),
          { ordered: true },
        );
        applied += res.modifiedCount + res.upsertedCount;
        skipped += slice.length - res.modifiedCount - res.upsertedCount;
        from += slice.length;
      } catch (err) {
        const bulkErr = err as MongoBulkWriteError;
        const first = Array.isArray(bulkErr.writeErrors) ? bulkErr.writeErrors[0] : bulkErr.writeErrors;
        if (!first || first.code !== DUPLICATE_KEY) throw err;
        // Everything before the failed index was applied; the failed one was applied before.
        const done = bulkErr.result ? bulkErr.result.modifiedCount + bulkErr.result.upsertedCount : 0;
        applied += done;
        skipped += first.index - done + 1;
        from += first.index + 1;
      }
    }
  }
  return { applied, skipped };
}

import type { Document } from 'mongodb';
import type { ReadModelWrite } from './projection';

type Operator = keyof ReadModelWrite['update'];
type Update = { -readonly [K in Operator]?: Document };

/** Folds `next` into `into` when one update command can express both in order; false leaves `into` unchanged. */
export function mergeUpdate(into: Update, next: ReadModelWrite['update']): boolean {
  const owner = new Map<string, Operator>();
  for (const op of Object.keys(into) as Operator[]) for (const field of Object.keys(into[op]!)) owner.set(field, op);
  for (const op of Object.keys(next) as Operator[]) {
    for (const [field, value] of Object.entries(next[op]!)) {
      const current = owner.get(field);
      if (current === undefined) {
        // A new field may not overlap a path another operator or field already touches.
        for (const other of owner.keys()) if (other.startsWith(`${field}.`) || field.startsWith(`${other}.`)) return false;
        continue;
      }
      if (current !== op) return false;
      if ((op === '$inc' && typeof value !== 'number') || ((op === '$max' || op === '$min') && !comparable(into[op]![field], value))) return false;
      if (op === '$inc' && typeof into.$inc![field] !== 'number') return false;
    }
  }
  for (const op of Object.keys(next) as Operator[]) {
    const target = (into[op] ??= {});
    for (const [field, value] of Object.entries(next[op]!)) {
      if (!(field in target)) {
        target[field] = value;
        continue;
      }
      switch (op) {
        case '$inc':
          target[field] = (target[field] as number) + (value as number);
          break;
        case '$set':
          target[field] = value;
          break;
        case '$setOnInsert':
          break; // the first insert wins
        case '$unset':
          break; // removed once is removed
        case '$max':
          if (compare(value, target[field]) > 0) target[field] = value;
          break;
        case '$min':
          if (compare(value, target[field]) < 0) target[field] = value;
          break;
      }
    }
  }
  return true;
}

function comparable(a: unknown, b: unknown): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string') || (a instanceof Date && b instanceof Date);
}

function compare(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  return (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
}

/** Consecutive writes of one document from one source partition, folded into one update. */
export interface CoalescedWrite<M> {
  readonly collection: string;
  readonly id: string;
  readonly update: Update;
  readonly members: M[];
}

/**
 * Groups writes per (collection, document, key) in order, folding each into the open group of
 * its document unless the operators conflict, in which case a new group follows the old one.
 * Groups come out in the order of their last write, so groups of one document keep their
 * order, and a document a projection writes after the others (a total, a checkpoint) is still
 * written after them.
 */
export function coalesce<M>(items: readonly M[], writeOf: (m: M) => ReadModelWrite, keyOf: (m: M) => string): CoalescedWrite<M>[] {
  const groups: { group: CoalescedWrite<M>; last: number }[] = [];
  const open = new Map<string, { group: CoalescedWrite<M>; last: number }>();
  items.forEach((item, index) => {
    const write = writeOf(item);
    const key = `${write.collection}\u0000${write.id}\u0000${keyOf(item)}`;
    const current = open.get(key);
    if (current && mergeUpdate(current.group.update, write.update)) {
      current.group.members.push(item);
      current.last = index;
      return;
    }
    const fresh = { group: { collection: write.collection, id: write.id, update: cloneUpdate(write.update), members: [item] }, last: index };
    groups.push(fresh);
    open.set(key, fresh);
  });
  return groups.sort((a, b) => a.last - b.last).map((g) => g.group);
}

function cloneUpdate(update: ReadModelWrite['update']): Update {
  const out: Update = {};
  for (const op of Object.keys(update) as Operator[]) out[op] = { ...update[op] };
  return out;
}

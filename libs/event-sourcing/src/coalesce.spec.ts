import { coalesce, mergeUpdate } from './coalesce';
import type { ReadModelWrite } from './projection';

describe('mergeUpdate', () => {
  it('sums $inc, keeps the last $set, the first $setOnInsert, the largest $max and the smallest $min', () => {
    const into = { $inc: { n: 1 }, $set: { name: 'a' }, $setOnInsert: { at: 1 }, $max: { last: 5 }, $min: { first: 5 } };
    expect(mergeUpdate(into, { $inc: { n: 2, m: 1 }, $set: { name: 'b' }, $setOnInsert: { at: 2 }, $max: { last: 3 }, $min: { first: 3 } })).toBe(true);
    expect(mergeUpdate(into, { $max: { last: 9 }, $min: { first: 4 } })).toBe(true);
    expect(into).toEqual({ $inc: { n: 3, m: 1 }, $set: { name: 'b' }, $setOnInsert: { at: 1 }, $max: { last: 9 }, $min: { first: 3 } });
  });

  it('folds $unset of other fields into one update', () => {
    const into = { $set: { 'open.p1.state': 'fetched' } };
    expect(mergeUpdate(into, { $unset: { 'open.p2': '' } })).toBe(true);
    expect(mergeUpdate(into, { $unset: { 'open.p2': '' }, $set: { 'open.p3': { state: 'queued' } } })).toBe(true);
    expect(into).toEqual({ $set: { 'open.p1.state': 'fetched', 'open.p3': { state: 'queued' } }, $unset: { 'open.p2': '' } });
  });

  it('compares dates in $max', () => {
    const into = { $max: { at: new Date(1000) } };
    expect(mergeUpdate(into, { $max: { at: new Date(2000) } })).toBe(true);
    expect(into.$max.at).toEqual(new Date(2000));
  });

  it.each<[string, ReadModelWrite['update'], ReadModelWrite['update']]>([
    ['one field under two operators', { $inc: { n: 1 } }, { $set: { n: 0 } }],
    ['a field under a path already set', { $set: { a: { b: 1 } } }, { $inc: { 'a.b': 1 } }],
    ['a path over a field already set', { $inc: { 'a.b': 1 } }, { $set: { a: {} } }],
    ['$max over values of different kinds', { $max: { v: 1 } }, { $max: { v: 'x' } }],
    ['$inc of a non-number', { $inc: { n: 1 } }, { $inc: { n: 'x' as unknown as number } }],
    ['$unset of a field just set', { $set: { 'open.p1': { s: 1 } } }, { $unset: { 'open.p1': '' } }],
    ['$set under a field just unset', { $unset: { 'open.p1': '' } }, { $set: { 'open.p1.state': 'x' } }],
  ])('refuses %s and leaves the update as it was', (_what, first, second) => {
    const into = structuredClone(first) as Record<string, Record<string, unknown>>;
    expect(mergeUpdate(into, second)).toBe(false);
    expect(into).toEqual(first);
  });
});

describe('coalesce', () => {
  const w = (id: string, update: ReadModelWrite['update'], key = 'p0') => ({ write: { collection: 'c', id, update }, key });

  it('folds one document per key, keeps separate keys and conflicting runs apart, in order of their last write', () => {
    const items = [
      w('a', { $inc: { n: 1 } }),
      w('total', { $inc: { n: 1 } }),
      w('a', { $inc: { n: 1 } }),
      w('a', { $inc: { n: 1 } }, 'p1'),
      w('a', { $set: { n: 0 } }),
      w('a', { $inc: { n: 5 } }),
      w('total', { $inc: { n: 1 } }),
    ];
    const groups = coalesce(items, (i) => i.write, (i) => i.key);
    expect(groups.map((g) => [g.id, g.update, g.members.length])).toEqual([
      ['a', { $inc: { n: 2 } }, 2],
      ['a', { $inc: { n: 1 } }, 1],
      ['a', { $set: { n: 0 } }, 1],
      ['a', { $inc: { n: 5 } }, 1],
      ['total', { $inc: { n: 2 } }, 2],
    ]);
  });

  it('does not alter the writes it folds', () => {
    const items = [w('a', { $inc: { n: 1 } }), w('a', { $inc: { n: 1 } })];
    coalesce(items, (i) => i.write, (i) => i.key);
    expect(items[0]!.write.update).toEqual({ $inc: { n: 1 } });
  });
});

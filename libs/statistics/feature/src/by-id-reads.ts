import type { Collection, Document } from 'mongodb';

/** The store answers an `_id` $in of up to 1,000 ids from its index (docs/adr/0002). */
const MAX_IDS_PER_READ = 500;

/** `$in` reads of one call in flight at once (the store serves reads side by side). */
const READS_IN_FLIGHT = 4;

/** Documents of `coll` by `_id`, read in `$in` lists the store answers from its index, `projection` applied. */
export async function findByIds(coll: Collection<Document>, ids: readonly unknown[], projection: Document): Promise<Document[]> {
  const lists: unknown[][] = [];
  for (let from = 0; from < ids.length; from += MAX_IDS_PER_READ) lists.push(ids.slice(from, from + MAX_IDS_PER_READ));
  const out: Document[] = [];
  for (let from = 0; from < lists.length; from += READS_IN_FLIGHT) {
    const reads = lists.slice(from, from + READS_IN_FLIGHT).map((list) => coll.find({ _id: { $in: list as never[] } }, { projection }).toArray());
    for (const docs of await Promise.all(reads)) out.push(...docs);
  }
  return out;
}

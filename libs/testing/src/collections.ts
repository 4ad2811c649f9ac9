import type { Db, Document } from 'mongodb';

/** All documents of a collection sorted by `_id`, for comparing two read models. */
export async function dumpCollection(db: Db, name: string): Promise<Document[]> {
  return db.collection(name).find({}).sort({ _id: 1 }).toArray();
}

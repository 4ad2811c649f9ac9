// What the backup drills compare: every committed record of a set of topics, and a live read
// model's document as a replay of the restored log makes it (new offsets in its guards).
import { readRawRecords, recordSpans, type RawRecord } from '@vdx/messaging';
import type { Document } from 'mongodb';

/** A topic's name after its prefix. */
export const nameAfter = (prefix: string, topic: string): string => topic.slice(prefix.length);

/** Every committed record of the topics, by `<name after prefix>/<partition>`, in offset order. */
export async function readAll(settings: { brokers: string; clientId: string }, prefix: string, topics: readonly string[]): Promise<Map<string, RawRecord[]>> {
  const spans = await recordSpans(settings, topics);
  const out = new Map<string, RawRecord[]>(spans.map((s) => [`${nameAfter(prefix, s.topic)}/${s.partition}`, []]));
  await readRawRecords(settings, spans.map((s) => ({ topic: s.topic, partition: s.partition, endOffset: s.high })), async (records) => {
    for (const r of records) out.get(`${nameAfter(prefix, r.topic)}/${r.partition}`)!.push(r);
  });
  return out;
}

/**
 * Where each record of `before` sits in the restored log: `<name>/<partition>/<old offset>` →
 * new offset. A restore writes the records densely, without the transaction markers between
 * them, so offsets may shift; the order within a partition is the same.
 */
export function restoredOffsets(before: ReadonlyMap<string, readonly RawRecord[]>): Map<string, number> {
  const offsets = new Map<string, number>();
  for (const [k, rs] of before) rs.forEach((r, i) => offsets.set(`${k}/${r.offset}`, i));
  return offsets;
}

/**
 * A document of a live read model as the restored log makes it: its guards name the restored
 * topics (prefix `to` instead of `from`) and their new offsets, and the directory's change cursor
 * (`rev`, on the topic named `directoryName`) the new offset too.
 */
export function translated(doc: Document, from: string, to: string, names: readonly string[], offsets: ReadonlyMap<string, number>, directoryName: string): Document {
  const safe = (topic: string) => topic.replace(/\./g, '_');
  const newOffset = (name: string, partition: number | string, offset: number): number => {
    const o = offsets.get(`${name}/${partition}/${offset}`);
    if (o === undefined) throw new Error(`no restored record for ${name}/${partition} offset ${offset}`);
    return o;
  };
  const out: Document = { ...doc };
  if (doc['_pos']) {
    out['_pos'] = Object.fromEntries(
      Object.entries(doc['_pos'] as Record<string, number>).map(([k, offset]) => {
        const [topic, partition] = k.split('~') as [string, string];
        const name = names.find((n) => safe(`${from}${n}`) === topic);
        if (!name) throw new Error(`no restored topic for the guard ${k}`);
        return [`${safe(`${to}${name}`)}~${partition}`, newOffset(name, partition, offset)];
      }),
    );
  }
  const rev = doc['rev'] as { p: number; o: number } | undefined;
  if (rev) out['rev'] = { p: rev.p, o: newOffset(directoryName, rev.p, rev.o) };
  return out;
}

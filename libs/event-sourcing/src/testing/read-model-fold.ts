import type { EventEnvelope } from '@vdx/contracts';
import type { Projection, ReadModelWrite } from '../projection';

/** Read-model documents held in memory, by `<collection>/<id>`. */
export type ReadModelDocs = Map<string, Record<string, unknown>>;

type Doc = Record<string, unknown>;

function parentOf(doc: Doc, path: string, create: boolean): { parent: Doc | undefined; key: string } {
  const parts = path.split('.');
  let parent: Doc | undefined = doc;
  for (const part of parts.slice(0, -1)) {
    if (parent === undefined) break;
    if (create) parent = (parent[part] ??= {}) as Doc;
    else parent = parent[part] as Doc | undefined;
  }
  return { parent, key: parts[parts.length - 1]! };
}

const get = (doc: Doc, path: string): unknown => {
  const { parent, key } = parentOf(doc, path, false);
  return parent?.[key];
};
const set = (doc: Doc, path: string, value: unknown): void => {
  const { parent, key } = parentOf(doc, path, true);
  parent![key] = value;
};

/**
 * Applies `writes` to `docs` as the store applies them (each operator by dotted path; a new
 * document takes `$setOnInsert`; `deletes` removes it), for unit tests of a projection without
 * a store. The guarded writer's `_pos` guards are not kept: every write applies.
 */
export function applyWrites(writes: readonly ReadModelWrite[], docs: ReadModelDocs = new Map()): ReadModelDocs {
  for (const w of writes) {
    const key = `${w.collection}/${w.id}`;
    if (w.deletes) {
      docs.delete(key);
      continue;
    }
    const existing = docs.get(key);
    const doc: Doc = existing ?? {};
    const u = w.update;
    if (!existing) for (const [path, v] of Object.entries(u.$setOnInsert ?? {})) set(doc, path, v);
    for (const [path, v] of Object.entries(u.$set ?? {})) set(doc, path, v);
    for (const [path, n] of Object.entries(u.$inc ?? {})) set(doc, path, Number(get(doc, path) ?? 0) + Number(n));
    for (const [path, v] of Object.entries(u.$max ?? {})) {
      const old = get(doc, path);
      if (old === undefined || (v as number) > (old as number)) set(doc, path, v);
    }
    for (const [path, v] of Object.entries(u.$min ?? {})) {
      const old = get(doc, path);
      if (old === undefined || (v as number) < (old as number)) set(doc, path, v);
    }
    for (const path of Object.keys(u.$unset ?? {})) {
      const { parent, key: field } = parentOf(doc, path, false);
      if (parent) delete parent[field];
    }
    docs.set(key, doc);
  }
  return docs;
}

/**
 * Projects `events` in order, as if each were at the next offset of partition 0 of the
 * projection's first topic, and applies the writes in memory: the documents the read model holds
 * afterwards, by `<collection>/<id>`.
 */
export function projectInMemory(projection: Projection, events: readonly EventEnvelope[], docs: ReadModelDocs = new Map()): ReadModelDocs {
  const topic = projection.topics[0] ?? '';
  events.forEach((event, i) => applyWrites(projection.project(event, { topic, partition: 0, offset: String(i) }), docs));
  return docs;
}

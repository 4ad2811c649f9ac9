import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './process-util';

/** A source edit applied to the FerretDB module before it is built; see docs/adr/0002-ferretdb-sqlite-indexes.md. */
interface SourcePatch {
  readonly file: string;
  readonly find: string;
  readonly replace: string;
  readonly why: string;
}

/**
 * FerretDB 1.24.2's SQLite backend writes `_id` lookups as `_ferretdb_sjson->'$._id'` while its
 * unique `_id` index is on `_ferretdb_sjson->"_id"`; SQLite only uses an expression index for the
 * identical expression, so every update and delete by `_id` scans the whole table (68 updates/s at
 * 10,000 documents, falling as collections grow). It also pushes `_id` down only when the filter
 * has no other field, so a guarded update (`{_id, "_pos.…": …}`) scans too. Both are fixed here;
 * the handler still applies the full filter to what the backend returns, so results are unchanged.
 */
export const FERRETDB_PATCHES: readonly SourcePatch[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    find: `IDColumn = DefaultColumn + "->'$._id'"`,
    replace: 'IDColumn = DefaultColumn + `->"_id"`',
    why: 'look `_id` up with the expression its unique index is built on',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    find: '\t// that logic should exist in one place\n\t// TODO https://github.com/FerretDB/FerretDB/issues/3235\n\tif params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get("_id")\n\t\tswitch v.(type) {\n\t\tcase string, types.ObjectID:\n\t\t\twhereClause',
    replace: '\t// that logic should exist in one place\n\t// TODO https://github.com/FerretDB/FerretDB/issues/3235\n\tif params.Filter.Len() >= 1 {\n\t\tv, _ := params.Filter.Get("_id")\n\t\tswitch v.(type) {\n\t\tcase string, types.ObjectID:\n\t\t\twhereClause',
    why: 'narrow a query to its `_id` even when the filter has other fields (the handler filters the rest)',
  },
];

/** Identifies the patch set, so a binary built with another set is rebuilt. */
export function ferretDbPatchId(): string {
  return createHash('sha256').update(JSON.stringify(FERRETDB_PATCHES)).digest('hex').slice(0, 12);
}

/** Applies every patch to the source tree at `src`; each must match exactly once. */
export function applyFerretDbPatches(src: string): void {
  for (const patch of FERRETDB_PATCHES) {
    const path = join(src, patch.file);
    const text = readFileSync(path, 'utf8');
    const count = text.split(patch.find).length - 1;
    if (count !== 1) throw new InfraError(`FerretDB patch "${patch.why}" expected one match in ${patch.file}, found ${count}`);
    writeFileSync(path, text.replace(patch.find, () => patch.replace));
  }
}

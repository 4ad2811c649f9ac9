import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './process-util';

/** A source edit applied to the FerretDB module before it is built; see docs/adr/0002-ferretdb-sqlite-indexes.md. */
interface SourcePatch {
  readonly file: string;
  readonly find: string;
  readonly replace: string;
  readonly why: string;
  /** How many times `find` occurs (default once); any other count fails provisioning. */
  readonly times?: number;
}

/** A Go file of the project's added to the FerretDB module (kept in `ferretdb-go/`). */
interface AddedSource {
  /** Where it goes in the module. */
  readonly file: string;
  /** Its name in `ferretdb-go/`. */
  readonly source: string;
}

const ADDED_DIR = join(__dirname, 'ferretdb-go');

// The update command's loop over its statements defers each statement's iterator close to the
// end of the whole command. A statement without `multi` stops reading after one document, so its
// result set (and the SQLite connection under it) stays open; the statement's write then takes
// another connection. A bulk of 100 or more updates exhausts the database's pool of 100 and waits
// forever; concurrent smaller bulks deadlock the same way. The patch closes each one in turn.
const UPDATE_LOOP_DEFERRED_CLOSE = `		closer := iterator.NewMultiCloser()
		defer closer.Close()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
		if err != nil {`;

const UPDATE_LOOP_CLOSE_EACH = `		closer := iterator.NewMultiCloser()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
		closer.Close()
		if err != nil {`;

// One SQLite transaction per `update` command whose statements each change one document
// (`vdx_batch.go`): FerretDB committed every statement on its own, so a bulk of 100 updates by
// `_id` cost 100 commits (about 400 updates/s where insertMany reaches 7,000 documents/s). The
// database calls of the command join the batch's transaction; a nested transaction becomes a
// savepoint, so a failed statement still leaves nothing behind. Bulks with a `multi` statement
// keep the old way (a multi update reads the table while writing it).
const BATCH_PATCHES: readonly SourcePatch[] = [
  {
    file: 'internal/util/fsql/db.go',
    find: 'func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*Rows, error) {\n',
    replace:
      'func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*Rows, error) {\n' +
      '\tif tx, err := batchTx(ctx, db); err != nil {\n\t\treturn nil, err\n\t} else if tx != nil {\n\t\treturn tx.QueryContext(ctx, query, args...)\n\t}\n\n',
    why: "a query inside a batch reads through the batch's transaction (it sees the batch's writes)",
  },
  {
    file: 'internal/util/fsql/db.go',
    find: 'func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {\n',
    replace:
      'func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {\n' +
      '\tif tx, err := batchTx(ctx, db); err == nil && tx != nil {\n\t\treturn tx.QueryRowContext(ctx, query, args...)\n\t}\n\n',
    why: "a one-row query inside a batch reads through the batch's transaction",
  },
  {
    file: 'internal/util/fsql/db.go',
    find: 'func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {\n',
    replace:
      'func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {\n' +
      '\tif tx, err := batchTx(ctx, db); err != nil {\n\t\treturn nil, err\n\t} else if tx != nil {\n\t\treturn tx.ExecContext(ctx, query, args...)\n\t}\n\n',
    why: "a statement inside a batch runs in the batch's transaction",
  },
  {
    file: 'internal/util/fsql/db.go',
    find: 'func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {\n',
    replace:
      'func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {\n' +
      '\tif joined, berr := inBatch(ctx, db, f); joined {\n\t\treturn berr\n\t}\n\n',
    why: "a transaction inside a batch is a savepoint of the batch's transaction",
  },
  {
    file: 'internal/handler/msg_update.go',
    find: '\t"github.com/FerretDB/FerretDB/internal/util/iterator"\n',
    replace: '\t"github.com/FerretDB/FerretDB/internal/util/fsql"\n\t"github.com/FerretDB/FerretDB/internal/util/iterator"\n',
    why: 'the update handler opens batches',
  },
  {
    file: 'internal/handler/msg_update.go',
    find: 'func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {\n',
    replace: 'func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (_ int32, _ int32, _ *types.Array, err error) {\n',
    why: "name the update's error, so the batch's commit can report its own",
  },
  {
    file: 'internal/handler/msg_update.go',
    find: '\tfor _, u := range params.Updates {\n\t\tc, err := db.Collection(params.Collection)\n',
    replace:
      '\tvar batch *fsql.Batch\n\n' +
      '\tif vdxSingleDocumentUpdates(params.Updates) {\n\t\tctx, batch = fsql.WithBatch(ctx)\n\t}\n\n' +
      '\tdefer func() {\n\t\tif ferr := batch.Finish(); ferr != nil && err == nil {\n\t\t\terr = lazyerrors.Error(ferr)\n\t\t}\n\t}()\n\n' +
      '\tfor _, u := range params.Updates {\n\t\tc, err := db.Collection(params.Collection)\n',
    why: "run a bulk of single-document updates in one transaction, committed before the reply",
  },
];

// Each change of the SQLite registry in one transaction (`vdx_registry_atomic.go`): FerretDB ran a
// collection's CREATE TABLE and its metadata row as two statements, so a store stopped between
// them kept a table the registry did not know, and every later insert into that collection failed
// with "table already exists" (a read model's projection then dead-lettered its events). A drop,
// an index and its settings had the same gap. A database's file and its metadata table are two
// steps as well: a store killed between them could not start again, so loading a database
// creates the table when it is missing.
const REGISTRY = 'internal/backends/sqlite/metadata/registry.go';
const REGISTRY_PATCHES: readonly SourcePatch[] = [
  {
    file: REGISTRY,
    find: '\treturn r.collectionCreate(ctx, params)\n}',
    replace: '\treturn vdxCollectionCreate(ctx, r, params)\n}',
    why: "create a collection's table, metadata row and `_id` index in one transaction",
  },
  {
    file: REGISTRY,
    find: '\treturn r.collectionDrop(ctx, dbName, collectionName)\n}',
    replace:
      '\treturn vdxAtomically(ctx, r, dbName, func(ctx context.Context) (bool, error) {\n\t\treturn r.collectionDrop(ctx, dbName, collectionName)\n\t})\n}',
    why: "drop a collection's metadata row and table in one transaction",
  },
  {
    file: REGISTRY,
    find: '\treturn r.indexesCreate(ctx, dbName, collectionName, indexes)\n}',
    replace:
      '\t_, err := vdxAtomically(ctx, r, dbName, func(ctx context.Context) (struct{}, error) {\n\t\treturn struct{}{}, r.indexesCreate(ctx, dbName, collectionName, indexes)\n\t})\n\n\treturn err\n}',
    why: 'create indexes and record them in one transaction',
  },
  {
    file: REGISTRY,
    find: '\treturn r.indexesDrop(ctx, dbName, collectionName, indexNames)\n}',
    replace:
      '\t_, err := vdxAtomically(ctx, r, dbName, func(ctx context.Context) (struct{}, error) {\n\t\treturn struct{}{}, r.indexesDrop(ctx, dbName, collectionName, indexNames)\n\t})\n\n\treturn err\n}',
    why: 'drop indexes and record it in one transaction',
  },
  {
    file: REGISTRY,
    find: '\trows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT name, table_name, settings FROM %q", metadataTableName))\n',
    replace:
      '\tif err := vdxEnsureMetadataTable(ctx, db); err != nil {\n\t\treturn lazyerrors.Error(err)\n\t}\n\n' +
      '\trows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT name, table_name, settings FROM %q", metadataTableName))\n',
    why: 'start with a database file that has no metadata table yet (a store killed while creating the database)',
  },
];

/**
 * What the patches below call: the `_id` condition of a filter that the index answers (an
 * equality, a `$in` list, a range of plain strings), its WHERE clause and ORDER BY, and the
 * handler's test of whether sort and limit may go down with it.
 */
export const FERRETDB_ADDED_SOURCES: readonly AddedSource[] = [
  { file: 'internal/backends/vdx_id_filter.go', source: 'id_filter.go' },
  { file: 'internal/backends/sqlite/vdx_id_where.go', source: 'id_where.go' },
  { file: 'internal/handler/vdx_id_pushdown.go', source: 'id_pushdown.go' },
  { file: 'internal/util/fsql/vdx_batch.go', source: 'batch.go' },
  { file: 'internal/handler/vdx_batch_update.go', source: 'batch_update.go' },
  { file: 'internal/backends/sqlite/metadata/vdx_registry_atomic.go', source: 'registry_atomic.go' },
];

const ORIGINAL_QUERY_WHERE = `	var whereClause string
	var args []any

	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}

	q += whereClause
`;

const ORIGINAL_EXPLAIN_WHERE = `	var filterPushdown bool
	var whereClause string
	var args []any

	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			filterPushdown = true
			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
`;

const HANDLER_SORT_SWITCH = `	switch {
	case h.DisablePushdown:
		// Pushdown disabled
`;

const HANDLER_LIMIT = `	if !h.DisablePushdown && params.Filter.Len() == 0 && params.Sort.Len() == 0 && params.Skip == 0 {
		qp.Limit = params.Limit
	}
`;

const handlerPatches = (file: string): SourcePatch[] => [
  {
    file,
    find: HANDLER_SORT_SWITCH,
    replace: `${HANDLER_SORT_SWITCH}	case h.IDPushdown && !cInfo.Capped() && params.Sort.Len() == 1 && idPushdown(params.Filter, params.Sort):
		// The backend orders by its \`_id\` index
		qp.Sort = params.Sort
`,
    why: 'let the backend sort by `_id` when it answers the whole filter from the `_id` index',
  },
  {
    file,
    find: HANDLER_LIMIT,
    replace: `${HANDLER_LIMIT}
	// The backend answers an \`_id\` condition alone from its index, in \`_id\` order: its rows are
	// exactly the matching documents, so the limit goes down too.
	if !h.DisablePushdown && h.IDPushdown && !cInfo.Capped() && params.Skip == 0 && idPushdown(params.Filter, params.Sort) {
		qp.Limit = params.Limit
	}
`,
    why: 'let the backend apply the limit when its rows are exactly the matching documents',
  },
];

/**
 * FerretDB 1.24.2's SQLite backend writes `_id` lookups as `_ferretdb_sjson->'$._id'` while its
 * unique `_id` index is on `_ferretdb_sjson->"_id"`; SQLite only uses an expression index for the
 * identical expression, so every update and delete by `_id` scans the whole table (68 updates/s at
 * 10,000 documents, falling as collections grow). It also pushes `_id` down only when the filter
 * has no other field, so a guarded update (`{_id, "_pos.…": …}`) scans too, and it pushes down
 * neither `$in` nor ranges on `_id`, nor a sort or limit with a filter: a page of one recipient's
 * inbox (`_id` from `"<code>|"` to `"<code>|~"`, sorted, limited) read the whole table. All of
 * these are answered from the `_id` index here; the handler still applies the full filter to
 * what the backend returns, so results are unchanged.
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
    find: ORIGINAL_QUERY_WHERE,
    replace: `	whereClause, args := prepareIDWhereClause(params.Filter)

	q += whereClause
`,
    why: 'narrow a query to its `_id` condition (equality, $in or range) even when the filter has other fields',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    find: ORIGINAL_EXPLAIN_WHERE,
    replace: `	whereClause, args := prepareIDWhereClause(params.Filter)
	filterPushdown := whereClause != ""
`,
    why: 'explain a query the way it runs',
  },
  {
    file: 'internal/backends/sqlite/query.go',
    find: `	if sort.Len() != 1 {
		return ""
	}

	v := must.NotFail(sort.Get("$natural"))`,
    replace: `	if c := prepareIDOrderByClause(sort); c != "" {
		return c
	}

	if sort.Len() != 1 {
		return ""
	}

	v := must.NotFail(sort.Get("$natural"))`,
    why: 'order by the `_id` index',
  },
  {
    file: 'internal/backends/collection.go',
    find: '\t\tsortValue := params.Sort.Map()["$natural"].(int64)\n',
    replace: '\t\tsortValue := vdxSortValue(params.Sort)\n',
    why: 'accept a sort on `_id` in the backend contract (query and explain)',
    times: 2,
  },
  ...handlerPatches('internal/handler/msg_find.go'),
  ...handlerPatches('internal/handler/msg_explain.go'),
  {
    file: 'internal/handler/handler.go',
    find: '\tEnableNestedPushdown    bool\n\tCappedCleanupInterval',
    replace: '\tEnableNestedPushdown    bool\n\tIDPushdown              bool // vdx: the backend answers `_id` conditions, sorts and limits from its index\n\tCappedCleanupInterval',
    why: 'a handler option for backends that answer `_id` conditions from their index',
  },
  {
    file: 'internal/handler/registry/sqlite.go',
    find: '\t\t\tEnableNestedPushdown:    opts.EnableNestedPushdown,\n',
    replace: '\t\t\tEnableNestedPushdown:    opts.EnableNestedPushdown,\n\t\t\tIDPushdown:              !opts.DisablePushdown,\n',
    why: 'the SQLite backend (as patched) answers `_id` conditions from its index',
  },
  {
    file: 'internal/handler/msg_update.go',
    find: UPDATE_LOOP_DEFERRED_CLOSE,
    replace: UPDATE_LOOP_CLOSE_EACH,
    why: "close each update statement's query before the next one: deferred to the end of the command, a bulk of 100 or more updates held a connection per statement and deadlocked the database's pool of 100",
  },
  ...BATCH_PATCHES,
  ...REGISTRY_PATCHES,
];

/** Identifies the patch set, so a binary built with another set is rebuilt. */
export function ferretDbPatchId(): string {
  const hash = createHash('sha256').update(JSON.stringify(FERRETDB_PATCHES));
  for (const added of FERRETDB_ADDED_SOURCES) hash.update(added.file).update(readFileSync(join(ADDED_DIR, added.source)));
  return hash.digest('hex').slice(0, 12);
}

/** Applies every patch to the source tree at `src` (each must match as often as it says) and adds the project's files. */
export function applyFerretDbPatches(src: string): void {
  for (const patch of FERRETDB_PATCHES) {
    const path = join(src, patch.file);
    const text = readFileSync(path, 'utf8');
    const count = text.split(patch.find).length - 1;
    const times = patch.times ?? 1;
    if (count !== times) throw new InfraError(`FerretDB patch "${patch.why}" expected ${times} match${times === 1 ? '' : 'es'} in ${patch.file}, found ${count}`);
    writeFileSync(path, text.split(patch.find).join(patch.replace));
  }
  for (const added of FERRETDB_ADDED_SOURCES) {
    const path = join(src, added.file);
    if (existsSync(path)) throw new InfraError(`FerretDB already has ${added.file}; the added source would replace it`);
    copyFileSync(join(ADDED_DIR, added.source), path);
  }
}

// Added to FerretDB 1.24.2 by vdx (libs/local-infra/src/ferretdb-patches.ts): each change of the
// SQLite registry commits as one transaction, see docs/adr/0002-ferretdb-sqlite-indexes.md.

package metadata

import (
	"context"
	"fmt"

	"golang.org/x/exp/maps"

	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

// vdxAtomically runs one change of the registry so that its statements commit together or not at
// all. FerretDB ran them one by one: a stop between CREATE TABLE and the collection's metadata row
// left a table the registry did not know, and every later insert into that collection tried to
// create it again and failed with "table already exists"; a stop between a drop's two statements,
// or between an index and its settings, left the mirror image. When the change fails or its
// commit does, the registry's view of the database in memory is put back as it was.
//
// The caller holds the registry's write lock. A change made inside a batch that is already open
// (an upsert creating its collection) is part of that batch's transaction.
func vdxAtomically[T any](ctx context.Context, r *Registry, dbName string, f func(context.Context) (T, error)) (T, error) {
	if fsql.InBatch(ctx) {
		return f(ctx)
	}

	before, had := r.colls[dbName]
	before = maps.Clone(before)

	ctx, batch := fsql.WithBatch(ctx)

	res, err := f(ctx)
	if err == nil {
		err = batch.Finish()
	} else {
		batch.Abort()
	}

	if err != nil {
		if had {
			r.colls[dbName] = before
		} else {
			delete(r.colls, dbName)
		}

		var zero T

		return zero, lazyerrors.Error(err)
	}

	return res, nil
}

// vdxCollectionCreate creates a collection, its table, metadata row and `_id` index in one
// transaction. The database itself (its file and metadata table) is opened first, on its own.
func vdxCollectionCreate(ctx context.Context, r *Registry, params *CollectionCreateParams) (bool, error) {
	if _, err := r.databaseGetOrCreate(ctx, params.DBName); err != nil {
		return false, lazyerrors.Error(err)
	}

	return vdxAtomically(ctx, r, params.DBName, func(ctx context.Context) (bool, error) {
		return r.collectionCreate(ctx, params)
	})
}

// vdxEnsureMetadataTable gives a database file its metadata table when it has none. FerretDB
// creates a database's file, then the table, in two steps: a store killed between them left a
// file without the table, and then could not start again ("no such table:
// _ferretdb_collections" while loading its databases). The definition is upstream's
// (databaseGetOrCreate).
func vdxEnsureMetadataTable(ctx context.Context, db *fsql.DB) error {
	q := fmt.Sprintf(
		"CREATE TABLE IF NOT EXISTS %q ("+
			"name TEXT NOT NULL UNIQUE CHECK(name != ''), "+
			"table_name TEXT NOT NULL UNIQUE CHECK(table_name != ''), "+
			"settings TEXT NOT NULL CHECK(settings != '')"+
			") STRICT",
		metadataTableName,
	)

	_, err := db.ExecContext(ctx, q)

	return err
}

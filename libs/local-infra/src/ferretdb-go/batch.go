// Added to FerretDB 1.24.2 by vdx (libs/local-infra/src/ferretdb-patches.ts): one SQLite transaction
// for all the statements of one `update` command, see docs/adr/0002-ferretdb-sqlite-indexes.md.

package fsql

import (
	"context"
	"sync"
)

type vdxBatchKey struct{}

// Batch makes the queries and writes of one command on one database share a transaction: the
// statements of a bulk then cost one commit, not one each. Only the database the batch first
// touches joins it; others keep their own transactions.
type Batch struct {
	mu     sync.Mutex
	db     *DB
	tx     *Tx
	failed error
	done   bool
}

// WithBatch returns a context whose database calls join one transaction, and the batch to
// finish once the command's statements are done.
func WithBatch(ctx context.Context) (context.Context, *Batch) {
	b := new(Batch)
	return context.WithValue(ctx, vdxBatchKey{}, b), b
}

// batchTx is the batch's transaction when ctx carries a batch for db, beginning it on first use.
func batchTx(ctx context.Context, db *DB) (*Tx, error) {
	b, _ := ctx.Value(vdxBatchKey{}).(*Batch)
	if b == nil {
		return nil, nil
	}

	b.mu.Lock()
	defer b.mu.Unlock()

	if b.done {
		return nil, nil
	}

	if b.failed != nil {
		return nil, b.failed
	}

	if b.db == nil {
		sqlTx, err := db.sqlDB.BeginTx(ctx, nil)
		if err != nil {
			b.failed = err
			return nil, err
		}

		b.db = db
		b.tx = wrapTx(sqlTx, db.l)
	}

	if b.db != db {
		return nil, nil
	}

	return b.tx, nil
}

// inBatch runs f inside the batch's transaction under a savepoint, so a failed f leaves nothing
// behind, as its own transaction would have. It reports false when ctx carries no batch for db.
func inBatch(ctx context.Context, db *DB, f func(*Tx) error) (bool, error) {
	tx, err := batchTx(ctx, db)
	if err != nil {
		return true, err
	}

	if tx == nil {
		return false, nil
	}

	if _, err = tx.ExecContext(ctx, "SAVEPOINT vdx_statement"); err != nil {
		return true, err
	}

	if err = f(tx); err != nil {
		_, _ = tx.ExecContext(ctx, "ROLLBACK TO vdx_statement")
		_, _ = tx.ExecContext(ctx, "RELEASE vdx_statement")

		return true, err
	}

	_, err = tx.ExecContext(ctx, "RELEASE vdx_statement")

	return true, err
}

// InBatch reports whether ctx carries a batch that is still open.
func InBatch(ctx context.Context) bool {
	b, _ := ctx.Value(vdxBatchKey{}).(*Batch)
	if b == nil {
		return false
	}

	b.mu.Lock()
	defer b.mu.Unlock()

	return !b.done
}

// Abort rolls back what the batch wrote and closes it. Safe on nil.
func (b *Batch) Abort() {
	if b == nil {
		return
	}

	b.mu.Lock()
	defer b.mu.Unlock()

	b.done = true

	if b.tx == nil {
		return
	}

	tx := b.tx
	b.tx = nil

	_ = tx.Rollback()
}

// Finish commits what the batch wrote; a batch never used commits nothing. Safe on nil.
func (b *Batch) Finish() error {
	if b == nil {
		return nil
	}

	b.mu.Lock()
	defer b.mu.Unlock()

	b.done = true

	if b.tx == nil {
		return nil
	}

	tx := b.tx
	b.tx = nil

	return tx.Commit()
}

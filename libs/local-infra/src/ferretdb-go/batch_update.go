// Added to FerretDB 1.24.2 by vdx (libs/local-infra/src/ferretdb-patches.ts).

package handler

import "github.com/FerretDB/FerretDB/internal/handler/common"

// vdxSingleDocumentUpdates reports whether every statement of an update command changes at most
// one document, so the command may run in one transaction (fsql.Batch): a `multi` statement
// reads the table while writing it, which a shared connection must not do.
func vdxSingleDocumentUpdates(updates []common.Update) bool {
	if len(updates) < 2 {
		return false
	}

	for _, u := range updates {
		if u.Multi {
			return false
		}
	}

	return true
}

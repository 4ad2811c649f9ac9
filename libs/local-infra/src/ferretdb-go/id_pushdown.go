// Added to FerretDB 1.24.2 by vdx (libs/local-infra/src/ferretdb-patches.ts): when the backend
// answers a whole filter from its `_id` index, the sort on `_id` and the limit go down with it.

package handler

import (
	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/types"
)

// idPushdown reports whether filter is an `_id` condition alone that the backend's index
// answers exactly, and sort is empty or on `_id` alone: the backend's rows are then exactly the
// matching documents, in order, so a limit may be applied there.
func idPushdown(filter, sort *types.Document) bool {
	f, exact := backends.GetIDFilter(filter)
	if f == nil || !exact {
		return false
	}

	if sort.Len() == 0 {
		return true
	}

	ok, _ := backends.IDSort(sort)

	return ok
}

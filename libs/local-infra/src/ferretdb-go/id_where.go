// Added to FerretDB 1.24.2 by vdx (libs/local-infra/src/ferretdb-patches.ts): the WHERE clause
// and ORDER BY of a query that its `_id` index answers.

package sqlite

import (
	"fmt"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// prepareIDWhereClause narrows a query to the `_id` condition of filter, if it has one the
// index answers (backends.GetIDFilter): an equality, or a range compared on the JSON text the
// index holds. The handler still applies the whole filter to what comes back.
func prepareIDWhereClause(filter *types.Document) (string, []any) {
	f, _ := backends.GetIDFilter(filter)
	if f == nil {
		return "", nil
	}

	if f.Eq != nil {
		return fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn), []any{string(must.NotFail(sjson.MarshalSingleValue(f.Eq)))}
	}

	if f.In != nil {
		marks := make([]string, len(f.In))
		args := make([]any, len(f.In))

		for i, id := range f.In {
			marks[i] = "?"
			args[i] = string(must.NotFail(sjson.MarshalSingleValue(id)))
		}

		return fmt.Sprintf(` WHERE %s IN (%s)`, metadata.IDColumn, strings.Join(marks, ", ")), args
	}

	// The JSON text of every string starts with '"', and of no other value: these two bounds keep
	// a range to strings, as BSON's type bracketing does, so a limit on it stays exact.
	conds := []string{fmt.Sprintf(`%s >= ?`, metadata.IDColumn), fmt.Sprintf(`%s < ?`, metadata.IDColumn)}
	args := []any{`"`, `#`}

	for _, b := range f.Bounds {
		conds = append(conds, fmt.Sprintf(`%s %s ?`, metadata.IDColumn, b.Op))
		args = append(args, string(must.NotFail(sjson.MarshalSingleValue(b.Value))))
	}

	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

// prepareIDOrderByClause orders by the `_id` index when sort is on `_id` alone.
func prepareIDOrderByClause(sort *types.Document) string {
	ok, desc := backends.IDSort(sort)
	if !ok {
		return ""
	}

	if desc {
		return fmt.Sprintf(` ORDER BY %s DESC`, metadata.IDColumn)
	}

	return fmt.Sprintf(` ORDER BY %s`, metadata.IDColumn)
}

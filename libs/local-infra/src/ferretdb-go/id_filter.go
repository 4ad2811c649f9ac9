// Added to FerretDB 1.24.2 by vdx (libs/local-infra/src/ferretdb-patches.ts): the part of a
// filter that a backend's `_id` index answers, shared by the SQLite backend (WHERE clause) and
// the handler (whether sort and limit may be pushed down too).

package backends

import (
	"github.com/FerretDB/FerretDB/internal/types"
)

// IDBound is one side of an `_id` range: Op is one of ">", ">=", "<", "<=".
type IDBound struct {
	Op    string
	Value string
}

// IDFilter is the `_id` condition of a filter that the `_id` index answers: an equality (Eq is
// a string or an ObjectID), a list of them ($in), or a range of plain strings.
type IDFilter struct {
	Eq     any
	In     []any
	Bounds []IDBound
}

// maxIDsIn bounds an `_id` $in list answered from the index (SQLite's bound parameters).
const maxIDsIn = 1000

var idRangeOps = map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}

// plainID reports whether s compares the same as text inside a JSON string as it does in BSON:
// letters, digits and punctuation from '#' to '~' that JSON never escapes (neither '\\' nor
// '<', '>', '&', which Go's encoder escapes).
func plainID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '#' || c > '~' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}

	return true
}

// GetIDFilter returns the `_id` condition of filter the index answers (nil if none), and whether
// it is the whole filter. An equality or a $in of up to maxIDsIn strings or ObjectIDs qualifies;
// a range qualifies when its every operator is $gt, $gte, $lt or $lte
// on a plain string (see plainID); ids made of plain characters then order as in MongoDB.
func GetIDFilter(filter *types.Document) (*IDFilter, bool) {
	if filter == nil {
		return nil, false
	}

	v, err := filter.Get("_id")
	if err != nil {
		return nil, false
	}

	exact := filter.Len() == 1

	switch v := v.(type) {
	case string, types.ObjectID:
		return &IDFilter{Eq: v}, exact
	case *types.Document:
		if v.Len() == 0 {
			return nil, false
		}

		if in, err := v.Get("$in"); err == nil && v.Len() == 1 {
			arr, ok := in.(*types.Array)
			if !ok || arr.Len() == 0 || arr.Len() > maxIDsIn {
				return nil, false
			}

			ids := make([]any, 0, arr.Len())

			for i := 0; i < arr.Len(); i++ {
				id, _ := arr.Get(i)
				switch id.(type) {
				case string, types.ObjectID:
					ids = append(ids, id)
				default:
					return nil, false
				}
			}

			return &IDFilter{In: ids}, exact
		}

		var bounds []IDBound

		for _, k := range v.Keys() {
			op, ok := idRangeOps[k]
			if !ok {
				return nil, false
			}

			raw, err := v.Get(k)
			if err != nil {
				return nil, false
			}

			s, ok := raw.(string)
			if !ok || !plainID(s) {
				return nil, false
			}

			bounds = append(bounds, IDBound{Op: op, Value: s})
		}

		return &IDFilter{Bounds: bounds}, exact
	}

	return nil, false
}

// IDSort reports whether sort orders by `_id` alone, and descending if so.
func IDSort(sort *types.Document) (ok, desc bool) {
	if sort == nil || sort.Len() != 1 || sort.Keys()[0] != "_id" {
		return false, false
	}

	v, err := sort.Get("_id")
	if err != nil {
		return false, false
	}

	switch v := v.(type) {
	case int64:
		return v == 1 || v == -1, v == -1
	case int32:
		return v == 1 || v == -1, v == -1
	case float64:
		return v == 1 || v == -1, v == -1
	}

	return false, false
}

// vdxSortValue is the direction of a sort the backend applies: {$natural: ±1}, or {_id: ±1}
// when the backend orders by its `_id` index; 0 for anything else (the contract then panics).
func vdxSortValue(sort *types.Document) int64 {
	if ok, desc := IDSort(sort); ok {
		if desc {
			return -1
		}

		return 1
	}

	v, _ := sort.Map()["$natural"].(int64)

	return v
}

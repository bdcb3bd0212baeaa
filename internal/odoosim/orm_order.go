package odoosim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aicoo/aicoo/internal/dataset"
)

// orderKey is one key of an ORDER BY.
type orderKey struct {
	f    *fieldInfo
	desc bool
	// nullsFirst follows PostgreSQL: NULLs sort as the largest value, so
	// they come first in descending order unless NULLS LAST is given.
	nullsFirst bool
}

// parseOrder parses an order specification such as "date desc, id". An
// empty spec means the model's _order, where fields this version lacks are
// skipped; in a caller's spec they are an error, as in Odoo.
func (c *call) parseOrder(spec string) ([]orderKey, error) {
	strict := strings.TrimSpace(spec) != ""
	if !strict {
		spec = c.m.order
	}
	var keys []orderKey
	for _, part := range strings.Split(spec, ",") {
		words := strings.Fields(strings.ToLower(strings.TrimSpace(part)))
		if len(words) == 0 {
			if strict {
				return nil, errBadOrder(spec)
			}
			continue
		}
		name := strings.Trim(words[0], `"`)
		f, ok := c.m.fields[name]
		if !ok {
			if strict {
				return nil, errBadOrder(spec)
			}
			continue
		}
		if !f.store && f.name != "id" {
			if !strict {
				continue
			}
			// 16/17 skip a non-column field with a warning (models.py
			// _generate_order_by_inner / _order_field_to_sql); 18+ raise
			// from fields.py Field.to_sql.
			if c.s.major >= 18 {
				return nil, errNotStored(c.m.name + "." + f.name)
			}
			c.s.log.Warn(fmt.Sprintf("odoosim: Model '%s' cannot be sorted on field '%s' (not a column)", c.m.name, f.name))
			continue
		}
		k := orderKey{f: f}
		rest := words[1:]
		if len(rest) > 0 && (rest[0] == "asc" || rest[0] == "desc") {
			k.desc = rest[0] == "desc"
			rest = rest[1:]
		}
		k.nullsFirst = k.desc
		if len(rest) == 2 && rest[0] == "nulls" && (rest[1] == "first" || rest[1] == "last") {
			k.nullsFirst = rest[1] == "first"
			rest = nil
		}
		if len(rest) > 0 {
			return nil, errBadOrder(spec)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// errNotStored is Odoo's error for SQL on a non-stored field.
func errNotStored(field string) error {
	return errValue("Cannot convert %s to SQL because it is not stored", field)
}

func errBadOrder(spec string) error {
	return errValue("Invalid \"order\" specified (%s). A valid \"order\" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)", spec)
}

// sortIDs sorts ids in place by keys; ties keep their order.
func (c *call) sortIDs(ids []int64, keys []orderKey) {
	if len(keys) == 0 || len(ids) < 2 {
		return
	}
	type row struct {
		id   int64
		vals []any
	}
	rows := make([]row, len(ids))
	for i, id := range ids {
		rec := c.s.get(c.m.name, id)
		vals := make([]any, len(keys))
		for j, k := range keys {
			vals[j] = c.sortValue(k.f, rec)
		}
		rows[i] = row{id, vals}
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		for j, k := range keys {
			if r := compareSort(a.vals[j], b.vals[j], k.desc, k.nullsFirst); r != 0 {
				return r
			}
		}
		return 0
	})
	for i, r := range rows {
		ids[i] = r.id
	}
}

// sortValue returns the value records are ordered by: the display name
// for a many2one, nil for an unset value.
func (c *call) sortValue(f *fieldInfo, rec dataset.Record) any {
	if rec == nil {
		return nil
	}
	v := c.v.value(c.m, rec, f)
	switch f.typ {
	case dataset.Many2one:
		id, _ := asInt(v)
		if id == 0 {
			return nil
		}
		return strings.ToLower(c.v.displayName(f.relation, id))
	case dataset.Integer, dataset.Float, dataset.Monetary:
		x, _ := asFloat(v)
		return x
	case dataset.Boolean:
		if b, _ := v.(bool); b {
			return 1.0
		}
		return 0.0
	case dataset.One2many, dataset.Many2many:
		return nil
	}
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return nil
}

// compareSort compares two sort values for one key.
func compareSort(a, b any, desc, nullsFirst bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		if nullsFirst {
			return -1
		}
		return 1
	case b == nil:
		if nullsFirst {
			return 1
		}
		return -1
	}
	r := compareValues(a, b)
	if desc {
		return -r
	}
	return r
}

// compareValues compares two non-nil sort values of the same kind;
// strings compare case-insensitively first, like a PostgreSQL collation.
func compareValues(a, b any) int {
	switch x := a.(type) {
	case float64:
		y, _ := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case string:
		y, _ := b.(string)
		if r := strings.Compare(strings.ToLower(x), strings.ToLower(y)); r != 0 {
			return r
		}
		return strings.Compare(x, y)
	}
	return 0
}

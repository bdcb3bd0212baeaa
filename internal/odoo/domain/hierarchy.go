package domain

import (
	"fmt"
	"strings"
)

// hierarchy compiles child_of and parent_of, following Odoo 17's
// expression.py (child_of_domain / parent_of_domain without parent_store):
//
//   - ('id', op, ids) walks the model's parent field (Odoo's _parent_name,
//     "parent_id" unless the Source is a ParentNamer);
//   - a many2one or one2many to another model matches records linked to the
//     hierarchy computed on the comodel;
//   - a many2one or one2many to the same model uses the field itself as the
//     parent field and tests the record id, so ('parent_id', 'child_of', 5)
//     matches 5 and all its descendants;
//   - a many2many computes the hierarchy on the comodel's parent field, then
//     tests the record id if the comodel is the model, or the linked records.
//
// The value is an id, a list of ids, a name or a list of names (resolved with
// a case-insensitive substring search on display names, archived records
// included); False or 0 matches nothing. The hierarchy includes the given
// records themselves.
func (c *compiler) hierarchy(model, name string, f Field, op Op, cd *Condition) (pred, error) {
	comodel := f.Relation
	switch {
	case f.Type == typeID:
		comodel = model
	case !f.Type.Relational():
		return nil, condError(model, cd, "operator %q needs a relational field or \"id\", '%s' is %s", op, name, typeName(f.Type))
	}
	ids, err := c.toIDs(comodel, cd.Value)
	if err != nil {
		return nil, condError(model, cd, "%v", err)
	}
	walkField := c.parentName(comodel)
	testID := f.Type == typeID || (comodel == model)
	if comodel == model && (f.Type == TypeMany2one || f.Type == TypeOne2many) {
		walkField = name
	}
	set, err := c.closure(comodel, walkField, ids, op)
	if err != nil {
		return nil, err
	}
	if testID {
		return func(id int64) bool {
			_, ok := set[id]
			return ok
		}, nil
	}
	rel := c.related(model, name, f)
	return func(id int64) bool {
		for _, rid := range rel(id) {
			if _, ok := set[rid]; ok {
				return true
			}
		}
		return false
	}, nil
}

func (c *compiler) parentName(model string) string {
	if pn, ok := c.src.(ParentNamer); ok {
		if n := pn.ParentName(model); n != "" {
			return n
		}
	}
	return "parent_id"
}

// closure returns ids plus all their descendants (child_of) or ancestors
// (parent_of) through parent field pf of model.
func (c *compiler) closure(model, pf string, ids []int64, op Op) (map[int64]struct{}, error) {
	f, err := c.field(model, pf)
	if err != nil {
		return nil, err
	}
	if !f.Type.Relational() || f.Relation != model {
		return nil, fmt.Errorf("domain: invalid parent field '%s' on model '%s' for %s: it must be a relation to '%s'", pf, model, op, model)
	}
	up := c.related(model, pf, f)
	set := make(map[int64]struct{}, len(ids))
	queue := make([]int64, 0, len(ids))
	for _, id := range ids {
		if _, ok := set[id]; !ok && id != 0 {
			set[id] = struct{}{}
			queue = append(queue, id)
		}
	}
	var next func(int64) []int64
	if op == OpParentOf {
		next = up
	} else {
		children := c.children(model, pf, up)
		next = func(id int64) []int64 { return children[id] }
	}
	for len(queue) > 0 {
		id := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, n := range next(id) {
			if _, ok := set[n]; !ok {
				set[n] = struct{}{}
				queue = append(queue, n)
			}
		}
	}
	return set, nil
}

// children indexes model's records by parent, through up.
func (c *compiler) children(model, pf string, up func(int64) []int64) map[int64][]int64 {
	key := relKey{model, pf}
	if idx, ok := c.reverse[key]; ok {
		return idx
	}
	idx := groupBy(c.src.IDs(model), up)
	c.reverse[key] = idx
	return idx
}

// toIDs resolves the value of child_of / parent_of into ids of model.
func (c *compiler) toIDs(model string, value any) ([]int64, error) {
	items, ok := value.([]any)
	if !ok {
		items = []any{value}
	}
	var ids []int64
	var names []string
	for _, it := range items {
		switch v := it.(type) {
		case bool:
			if v {
				return nil, fmt.Errorf("invalid value true, want ids or names")
			}
		case int64:
			if v != 0 {
				ids = append(ids, v)
			}
		case string:
			names = append(names, strings.ToLower(v))
		default:
			return nil, fmt.Errorf("invalid value %s, want ids or names", describe(it))
		}
	}
	if len(names) == 0 {
		return ids, nil
	}
	if len(ids) > 0 {
		return nil, fmt.Errorf("invalid value: mixes ids and names")
	}
	for _, id := range c.src.IDs(model) {
		dn := strings.ToLower(c.src.DisplayName(model, id))
		for _, n := range names {
			if strings.Contains(dn, n) {
				ids = append(ids, id)
				break
			}
		}
	}
	return ids, nil
}

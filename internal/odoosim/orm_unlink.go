package odoosim

import (
	"slices"
	"strings"

	"github.com/aicoo/aicoo/internal/dataset"
)

// reference is a field of model that points at records of another model.
type reference struct {
	model string
	key   string
	m2m   bool
	// cascade deletes the referencing record with the referenced one
	// (order lines with their order); otherwise a required reference
	// forbids the deletion and an optional one is emptied.
	cascade  bool
	required bool
}

// buildReferences indexes, per model, the fields that point at it.
func buildReferences(models map[string]*modelInfo) map[string][]reference {
	refs := map[string][]reference{}
	for _, name := range sortedKeys(models) {
		m := models[name]
		if m.virtual {
			continue
		}
		for _, f := range m.def.Fields {
			if f.Derived || (f.Type != dataset.Many2one && f.Type != dataset.Many2many) {
				continue
			}
			r := reference{model: m.name, key: f.Name, m2m: f.Type == dataset.Many2many, required: f.Required}
			if target, ok := models[f.Relation]; ok && f.Required && f.Relation != m.name {
				for _, tf := range target.def.Fields {
					if tf.Type == dataset.One2many && tf.Relation == m.name && tf.InverseName == f.Name {
						r.cascade = true
					}
				}
			}
			refs[f.Relation] = append(refs[f.Relation], r)
		}
	}
	return refs
}

// unlink is unlink(ids): ids that do not exist are ignored.
func (c *call) unlink() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		if err := c.unlinkRecords(t, c.m, c.ids); err != nil {
			return nil, err
		}
		return true, nil
	})
}

// unlinkRecords plans the deletion of ids of m and of what cascades from
// them, empties optional references, and fails on a required one. The
// records are deleted when the call succeeds.
func (c *call) unlinkRecords(t *txn, m *modelInfo, ids []int64) error {
	for _, id := range ids {
		if err := c.planDelete(t, m, id, 0); err != nil {
			return err
		}
	}
	return nil
}

func (c *call) planDelete(t *txn, m *modelInfo, id int64, depth int) error {
	rec := c.s.ds.Get(m.name, id)
	k := ref{m.name, id}
	if rec == nil || slices.Contains(t.deletes, k) {
		return nil
	}
	if depth > 16 {
		return errValidation("The operation cannot be completed: too many records depend on %s", recordsetRepr(m.name, []int64{id}))
	}
	if err := unlinkGuard(m.name, rec); err != nil {
		return err
	}
	t.deletes = append(t.deletes, k)
	for _, r := range c.s.refs[m.name] {
		rm := c.s.models[r.model]
		for _, other := range c.s.ds.Records(r.model) {
			if slices.Contains(t.deletes, ref{r.model, other.ID()}) {
				continue
			}
			switch {
			case r.m2m:
				if ids := other.IDs(r.key); slices.Contains(ids, id) {
					t.touch(r.model, other)
					other[r.key] = slices.DeleteFunc(slices.Clone(ids), func(x int64) bool { return x == id })
				}
			case other.M2O(r.key) != id:
			case r.cascade && rm != nil:
				if err := c.planDelete(t, rm, other.ID(), depth+1); err != nil {
					return err
				}
			case r.required:
				desc := r.model
				if rm != nil {
					desc = rm.description
				}
				return errValidation("The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: %s (%s)\nConstraint: %s_%s_fkey",
					desc, r.model, strings.ReplaceAll(r.model, ".", "_"), r.key)
			default:
				t.touch(r.model, other)
				other[r.key] = false
			}
		}
	}
	// Activities and messages of a mail.thread record go with it.
	for _, child := range []struct{ model, field string }{{"mail.activity", "res_model"}, {"mail.message", "model"}} {
		cm := c.s.models[child.model]
		if cm == nil || m.name == child.model {
			continue
		}
		for _, other := range c.s.ds.Records(child.model) {
			if other.Str(child.field) == m.name && other.Int("res_id") == id {
				if err := c.planDelete(t, cm, other.ID(), depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// unlinkGuard refuses deletions Odoo refuses for business documents.
func unlinkGuard(model string, rec dataset.Record) error {
	state := rec.Str("state")
	switch model {
	case "purchase.order":
		if state != "draft" && state != "cancel" {
			return errUser("In order to delete a purchase order, you must cancel it first.")
		}
	case "sale.order":
		if state == "sale" || state == "done" {
			return errUser("You can not delete a sent quotation or a confirmed sales order. You must first cancel it.")
		}
	case "account.move":
		if state == "posted" {
			return errUser("You cannot delete an entry which has been posted once.")
		}
	}
	return nil
}

// copy duplicates one record with optional overriding values; partners
// get " (copy)" appended to their name.
func (c *call) copy() (any, error) {
	if len(c.ids) != 1 {
		return nil, errValue("Expected singleton: %s", recordsetRepr(c.m.name, c.ids))
	}
	src := c.s.ds.Get(c.m.name, c.ids[0])
	if src == nil {
		return nil, errMissing(c.m.name, c.ids, c.user.uid)
	}
	overrides, _ := c.arg("default").(map[string]any)
	return c.writing(func(t *txn) (any, error) {
		vals := map[string]any{}
		for _, f := range c.m.list {
			if f.derived || f.via != "" || isMagic(f.key) || f.typ == dataset.One2many {
				continue
			}
			vals[f.name] = c.v.output(f, c.v.value(c.m, src, f), false)
		}
		if name, ok := vals["name"].(string); ok && c.m.name == "res.partner" {
			vals["name"] = name + " (copy)"
		}
		for k, v := range overrides {
			vals[k] = v
		}
		for k, v := range vals {
			if ids, ok := v.([]int64); ok {
				vals[k] = []any{[]any{int64(6), int64(0), idsToAny(ids)}}
			}
		}
		id, err := c.createOne(t, c.m, vals, nil)
		if err != nil {
			return nil, err
		}
		if c.s.major >= 19 {
			return []int64{id}, nil
		}
		return id, nil
	})
}

func idsToAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

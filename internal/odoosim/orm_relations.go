package odoosim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aicoo/aicoo/internal/dataset"
)

// applyPending runs the one2many commands and delegated writes of a
// record once it exists.
func (c *call) applyPending(t *txn, m *modelInfo, rec dataset.Record, pend *pending) error {
	for _, f := range sortedFields(pend.o2m) {
		if err := c.applyO2M(t, m, rec, f, pend.o2m[f]); err != nil {
			return err
		}
	}
	for link, vals := range pend.delegated {
		parent := rec.M2O(link)
		pm := c.s.models[m.byKey[link].relation]
		if parent == 0 || pm == nil {
			continue
		}
		if err := c.writeRecords(t, pm, []int64{parent}, vals); err != nil {
			return err
		}
	}
	return nil
}

func sortedFields(m map[*fieldInfo][]x2op) []*fieldInfo {
	out := make([]*fieldInfo, 0, len(m))
	for f := range m {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *fieldInfo) int { return strings.Compare(a.name, b.name) })
	return out
}

// inverseValues returns the canonical values that link a child record to
// the parent rec through one2many f: the inverse field, plus the res_model
// style conditions of narrowed one2many fields.
func (c *call) inverseValues(m *modelInfo, rec dataset.Record, f *fieldInfo) dataset.Record {
	vals := dataset.Record{f.def.InverseName: rec.ID()}
	for _, cond := range f.def.InverseDomain {
		switch {
		case cond.ParentModel:
			vals[cond.Field] = m.name
		case len(cond.Values) > 0:
			vals[cond.Field] = cond.Values[0]
		}
	}
	if f.relation == "mail.activity" {
		if id := c.irModelID(m.name); id != 0 {
			vals["res_model_id"] = id
		}
	}
	return vals
}

// applyO2M applies one2many commands: children are created, updated,
// deleted or (un)linked through their inverse field.
func (c *call) applyO2M(t *txn, m *modelInfo, rec dataset.Record, f *fieldInfo, ops []x2op) error {
	co := c.s.models[f.relation]
	if co == nil {
		return errInvalidField(f.name, m.name)
	}
	link := c.inverseValues(m, rec, f)
	inv := f.def.InverseName
	current := func() []int64 {
		c.s.ds.Reindex()
		ids, _ := c.s.ds.One2many(m.name, rec.ID(), f.key)
		return ids
	}
	detach := func(ids []int64) error {
		var del []int64
		for _, id := range ids {
			child := c.s.get(co.name, id)
			if child == nil {
				continue
			}
			if invf, ok := co.def.Field(inv); ok && invf.Required {
				del = append(del, id)
				continue
			}
			t.touch(co.name, child)
			child[inv] = false
		}
		return c.unlinkRecords(t, co, del)
	}
	for _, op := range ops {
		var err error
		switch op.cmd {
		case 0:
			_, err = c.createOne(t, co, op.vals, link)
		case 1:
			err = c.writeRecords(t, co, []int64{op.id}, op.vals)
		case 2:
			err = c.unlinkRecords(t, co, []int64{op.id})
		case 3:
			err = detach([]int64{op.id})
		case 4:
			if child := c.s.get(co.name, op.id); child != nil {
				t.touch(co.name, child)
				for k, v := range link {
					child[k] = v
				}
			} else {
				err = errMissing(co.name, []int64{op.id}, c.user.uid)
			}
		case 5:
			err = detach(current())
		case 6:
			var drop []int64
			for _, id := range current() {
				if !slices.Contains(op.ids, id) {
					drop = append(drop, id)
				}
			}
			if err = detach(drop); err == nil {
				for _, id := range op.ids {
					if child := c.s.get(co.name, id); child != nil {
						t.touch(co.name, child)
						for k, v := range link {
							child[k] = v
						}
					}
				}
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// fillDelegated creates the parent record of an _inherits model (the
// partner of a new user) from the delegated values when the link is unset.
func (c *call) fillDelegated(t *txn, m *modelInfo, rec dataset.Record, pend *pending) error {
	for parent, link := range m.def.Inherits {
		if rec.M2O(link) != 0 {
			continue
		}
		vals := pend.delegated[link]
		if vals == nil {
			vals = map[string]any{}
		}
		if _, ok := vals["name"]; !ok && rec.Str("name") != "" {
			vals["name"] = rec.Str("name")
		}
		id, err := c.createOne(t, c.s.models[parent], vals, nil)
		if err != nil {
			return err
		}
		rec[link] = id
		delete(pend.delegated, link)
	}
	return nil
}

// computeStored recomputes the stored computed fields the simulator
// maintains: partner complete_name and commercial partner, activity
// res_model and res_name, and order numbers.
func (c *call) computeStored(m *modelInfo, rec dataset.Record, creating bool) {
	switch m.name {
	case "res.partner":
		name := rec.Str("name")
		cp := rec.ID()
		parent := c.s.ds.Get("res.partner", rec.M2O("parent_id"))
		for p, depth := parent, 0; p != nil && depth < 32; p, depth = c.s.ds.Get("res.partner", p.M2O("parent_id")), depth+1 {
			if p.Bool("is_company") || p.M2O("parent_id") == 0 {
				cp = p.ID()
				break
			}
		}
		if rec.Bool("is_company") {
			cp = rec.ID()
		}
		if cp != 0 {
			rec["commercial_partner_id"] = cp
		}
		if parent != nil && !rec.Bool("is_company") && name != "" {
			if c := c.s.ds.Get("res.partner", parent.M2O("commercial_partner_id")); c != nil && c.Str("name") != "" {
				name = c.Str("name") + ", " + name
			} else if parent.Str("name") != "" {
				name = parent.Str("name") + ", " + name
			}
		}
		if name != "" {
			rec["complete_name"] = name
		} else {
			rec["complete_name"] = false
		}
	case "res.users":
		if p := c.s.ds.Get("res.partner", rec.M2O("partner_id")); p != nil && rec.Str("name") == "" {
			rec["name"] = p["name"]
		}
	case "mail.activity":
		if im := c.s.ds.Get("ir.model", rec.M2O("res_model_id")); im != nil {
			rec["res_model"] = im.Str("model")
			if id := rec.Int("res_id"); id != 0 {
				if _, ok := c.s.models[im.Str("model")]; ok && c.s.get(im.Str("model"), id) != nil {
					rec["res_name"] = c.v.displayName(im.Str("model"), id)
				}
			}
		}
	case "res.partner.category":
		// base res_partner.py PartnerCategory._compute_display_name /
		// complete_name: "Parent / Child".
		name := rec.Str("name")
		if p := c.s.ds.Get("res.partner.category", rec.M2O("parent_id")); p != nil {
			name = p.Str("complete_name") + " / " + name
		}
		rec["complete_name"] = name
	case "sale.order", "purchase.order":
		if creating && rec.Str("name") == "" {
			prefix := "S"
			if m.name == "purchase.order" {
				prefix = "P"
			}
			rec["name"] = prefix + zeroPad(c.s.nextID(m.name), 5)
		}
	}
}

func zeroPad(n int64, width int) string { return fmt.Sprintf("%0*d", width, n) }

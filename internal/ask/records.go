package ask

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// records is the synced copy of one connection as one tool call reads it:
// the models it touches, loaded from the store on first use and decoded.
// It implements domain.Source, so the domain language is the simulator's
// one evaluator, over the store instead of a dataset. Models the caller's
// role may not read, and models aicoo does not sync, have no fields: a
// domain naming them (also through a dotted path) fails as an invalid
// field, as Odoo's would. It is used by one goroutine.
type records struct {
	ctx    context.Context
	st     *store.Store
	conn   int64
	schema *dataset.Schema
	// cached reads the models through the process's record cache; nil
	// reads the store.
	cached analysis.Source
	// visible reports whether the caller may read a model.
	visible func(model string) bool
	synced  map[string]bool
	fields  map[string]map[string]fieldInfo
	data    map[string]map[int64]map[string]any
	ids     map[string][]int64
	// names are the display names carried by many2one pairs, for models
	// whose records are not loaded (or not synced).
	names map[string]map[int64]string
	err   error
}

// fieldInfo is a field as the evaluator and the tools see it.
type fieldInfo struct {
	domain.Field
	label string
	// currency is the currency field of a monetary field.
	currency string
}

// openRecords reads which models the connection has synced.
func (t *tools) openRecords(ctx context.Context, c Caller) (*records, error) {
	states, err := t.d.Store.OdooSyncStateList(ctx, c.ConnectionID)
	if err != nil {
		return nil, fmt.Errorf("ask: sync states: %w", err)
	}
	r := &records{ctx: ctx, st: t.d.Store, conn: c.ConnectionID, schema: t.schema,
		visible: func(m string) bool { return t.canSeeModel(c, m) },
		synced:  map[string]bool{}, fields: map[string]map[string]fieldInfo{},
		data: map[string]map[int64]map[string]any{}, ids: map[string][]int64{}, names: map[string]map[int64]string{}}
	if t.d.Cache != nil {
		r.cached = t.d.Cache.Source(t.d.Store, c.ConnectionID)
	}
	for _, s := range states {
		// A model counts once a sync of it succeeded; a later failure
		// leaves the last complete copy readable.
		if s.Status == store.OdooSyncOK || (s.Status != store.OdooSyncNotInstalled && !s.LastSuccessAt.IsZero()) {
			r.synced[s.Model] = true
		}
	}
	return r, nil
}

// syncedModels lists the models the connection has synced that the
// caller may read, sorted.
func (r *records) syncedModels() []string {
	var out []string
	for m := range r.synced {
		if r.visible(m) {
			if _, ok := r.schema.Model(m); ok {
				out = append(out, m)
			}
		}
	}
	slices.Sort(out)
	return out
}

// usable reports whether the caller may query model.
func (r *records) usable(model string) bool {
	_, known := r.schema.Model(model)
	return known && r.synced[model] && r.visible(model)
}

// fieldsOf returns the fields of a model by every name some version 16 to
// 19 gives them (the newest version's type when they differ), plus the
// magic date fields.
func (r *records) fieldsOf(model string) map[string]fieldInfo {
	if fs, ok := r.fields[model]; ok {
		return fs
	}
	fs := map[string]fieldInfo{}
	if m, ok := r.schema.Model(model); ok {
		for v := 19; v >= 16; v-- {
			for _, vf := range m.FieldsIn(v) {
				if _, seen := fs[vf.Name]; seen || vf.Name == "id" || vf.Name == "display_name" {
					continue
				}
				f := vf.Field
				fs[vf.Name] = fieldInfo{Field: domain.Field{Type: domain.FieldType(vf.Type), Relation: f.Relation,
					InverseName: f.InverseName, Unsearchable: !f.Stored()}, label: f.String, currency: f.CurrencyField}
			}
		}
	}
	for _, n := range []string{"create_date", "write_date"} {
		if _, ok := fs[n]; !ok {
			fs[n] = fieldInfo{Field: domain.Field{Type: domain.TypeDatetime}, label: n}
		}
	}
	r.fields[model] = fs
	return fs
}

// field returns a field the caller may use: on a usable model, and, for a
// relational field, pointing to a model the caller may read.
func (r *records) field(model, name string) (fieldInfo, bool) {
	if !r.usable(model) {
		return fieldInfo{}, false
	}
	f, ok := r.fieldsOf(model)[name]
	if !ok || (f.Type.Relational() && !r.visible(f.Relation)) {
		return fieldInfo{}, false
	}
	// A one2many is found through its inverse, which needs the comodel.
	if f.Type == domain.TypeOne2many && !r.usable(f.Relation) {
		return fieldInfo{}, false
	}
	return f, true
}

// Field implements domain.Source.
func (r *records) Field(model, name string) (domain.Field, bool) {
	f, ok := r.field(model, name)
	return f.Field, ok
}

// load reads a model's records once.
func (r *records) load(model string) map[int64]map[string]any {
	if d, ok := r.data[model]; ok {
		return d
	}
	d := map[int64]map[string]any{}
	r.data[model] = d
	if !r.usable(model) {
		return d
	}
	m, _ := r.schema.Model(model)
	_, hasActive := m.Field("active")
	fs := r.fieldsOf(model)
	var ids []int64
	add := func(id int64, vals map[string]any, active bool) {
		for k, v := range vals {
			vals[k] = r.normalise(fs[k], v)
		}
		if _, ok := vals["active"]; hasActive && !ok {
			vals["active"] = active
		}
		vals["id"] = id
		d[id] = vals
		ids = append(ids, id)
	}
	if r.cached != nil {
		recs, err := r.cached.Records(r.ctx, model)
		if err != nil {
			r.err = fmt.Errorf("ask: read %s: %w", model, err)
			return d
		}
		for _, rec := range recs {
			// The cache's records are shared: normalise a copy.
			add(rec.ID(), maps.Clone(map[string]any(rec)), true)
		}
	} else {
		for rec, err := range r.st.OdooRecordList(r.ctx, store.OdooRecordListParams{ConnectionID: r.conn, Model: model}) {
			if err != nil {
				r.err = fmt.Errorf("ask: read %s: %w", model, err)
				return d
			}
			vals, err := rec.Fields()
			if err != nil {
				r.err = fmt.Errorf("ask: %w", err)
				return d
			}
			add(rec.OdooID, vals, rec.Active)
		}
	}
	slices.Sort(ids)
	r.ids[model] = ids
	return d
}

// normalise turns a stored JSON value into the shapes domain.Source
// documents: many2one pairs become ids (their names kept), json.Number
// becomes int64 or float64.
func (r *records) normalise(f fieldInfo, v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		fl, _ := x.Float64()
		return fl
	case []any:
		if f.Type == domain.TypeMany2one && len(x) == 2 {
			id, _ := r.normalise(fieldInfo{}, x[0]).(int64)
			if name, ok := x[1].(string); ok && f.Relation != "" {
				if r.names[f.Relation] == nil {
					r.names[f.Relation] = map[int64]string{}
				}
				r.names[f.Relation][id] = name
			}
			return id
		}
		ids := make([]int64, 0, len(x))
		for _, e := range x {
			if id, ok := r.normalise(fieldInfo{}, e).(int64); ok {
				ids = append(ids, id)
			}
		}
		return ids
	}
	return v
}

// IDs implements domain.Source.
func (r *records) IDs(model string) []int64 {
	r.load(model)
	return r.ids[model]
}

// Value implements domain.Source.
func (r *records) Value(model string, id int64, name string) any {
	rec, ok := r.load(model)[id]
	if !ok {
		return false
	}
	v, ok := rec[name]
	if !ok || v == nil {
		return false
	}
	return v
}

// DisplayName implements domain.Source: the synced display_name or the
// model's name field, else the name a many2one pair carried.
func (r *records) DisplayName(model string, id int64) string {
	if r.usable(model) {
		if rec, ok := r.load(model)[id]; ok {
			m, _ := r.schema.Model(model)
			for _, k := range []string{"display_name", m.RecName, "name"} {
				if s, ok := rec[k].(string); ok && s != "" {
					return s
				}
			}
		}
	}
	if n, ok := r.names[model][id]; ok {
		return n
	}
	return fmt.Sprintf("%s,%d", model, id)
}

// name is DisplayName without loading a model the caller may not read:
// the name a many2one pair carried, else the record's own.
func (r *records) name(model string, id int64) string {
	if n, ok := r.names[model][id]; ok {
		return n
	}
	if !r.visible(model) {
		return ""
	}
	return r.DisplayName(model, id)
}

// search evaluates a domain over a model (archived records left out unless
// the domain names "active", as Odoo's active_test).
func (r *records) search(model string, d domain.Domain) ([]int64, error) {
	m, err := d.Compile(r, model, &domain.EvalOpts{ActiveTest: true})
	if err != nil {
		return nil, err
	}
	ids := m.Search()
	if r.err != nil {
		return nil, r.err
	}
	return ids, nil
}

package odoosim

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
)

// ref names one record.
type ref struct {
	model string
	id    int64
}

// txn records the changes of one write call so that a failing call leaves
// the dataset as it was. Deletions are done last, after every check, so
// they never need undoing.
type txn struct {
	s       *Server
	added   []ref
	saved   map[ref]dataset.Record
	deletes []ref
	stamp   string
}

// touch snapshots rec before its first change in the call.
func (t *txn) touch(model string, rec dataset.Record) {
	k := ref{model, rec.ID()}
	if _, ok := t.saved[k]; ok || slices.Contains(t.added, k) {
		return
	}
	t.saved[k] = maps.Clone(rec)
}

// rollback restores changed records and removes added ones.
func (t *txn) rollback() {
	for k, snap := range t.saved {
		if rec := t.s.ds.Get(k.model, k.id); rec != nil {
			clear(rec)
			maps.Copy(rec, snap)
		}
	}
	for i := len(t.added) - 1; i >= 0; i-- {
		t.s.ds.Delete(t.added[i].model, t.added[i].id)
	}
}

// writing runs fn as one transaction: on error every change is undone.
func (c *call) writing(fn func(t *txn) (any, error)) (any, error) {
	t := &txn{s: c.s, saved: map[ref]dataset.Record{}, stamp: c.s.writeStamp()}
	res, err := fn(t)
	if err != nil {
		t.rollback()
	} else {
		moves := t.touchedMoves()
		for _, d := range t.deletes {
			c.s.ds.Delete(d.model, d.id)
		}
		c.s.ds.Reindex()
		c.recomputeMoves(t, moves)
	}
	c.s.ds.Reindex()
	return res, err
}

// create is create(vals_list): a dict gives an id, a list gives a list of
// ids (17+; Odoo 16 fails on more than one record, and JSON-2 always
// returns a list).
func (c *call) create() (any, error) {
	if c.m.name == registerModel {
		return c.createRegister()
	}
	raw := c.arg("vals_list")
	var list []map[string]any
	single := false
	switch v := raw.(type) {
	case map[string]any:
		list, single = []map[string]any{v}, true
	case []any:
		for _, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, errType("create() expects a dict or a list of dicts, got %s", pyRepr(e))
			}
			list = append(list, m)
		}
	default:
		return nil, errType("create() expects a dict or a list of dicts, got %s", pyRepr(raw))
	}
	return c.writing(func(t *txn) (any, error) {
		ids := make([]int64, 0, len(list))
		for _, vals := range list {
			id, err := c.createOne(t, c.m, vals, nil)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		switch {
		case c.json2:
			return ids, nil
		case single:
			return ids[0], nil
		case c.s.major <= 16 && len(ids) != 1:
			return nil, errValue("Expected singleton: %s", recordsetRepr(c.m.name, ids))
		case c.s.major <= 16:
			return ids[0], nil
		}
		return ids, nil
	})
}

// x2op is one x2many command.
type x2op struct {
	cmd  int64
	id   int64
	vals map[string]any
	ids  []int64
}

// pending holds what can only be applied once the record exists.
type pending struct {
	o2m       map[*fieldInfo][]x2op
	delegated map[string]map[string]any
}

// createOne creates one record of m from vals (field names of the
// emulated version); extra holds canonical values set by the caller (the
// inverse of a one2many).
func (c *call) createOne(t *txn, m *modelInfo, vals map[string]any, extra dataset.Record) (int64, error) {
	rec := dataset.Record{}
	pend, err := c.applyVals(t, m, rec, vals, true)
	if err != nil {
		return 0, err
	}
	maps.Copy(rec, extra)
	for _, f := range m.def.Fields {
		if _, set := rec[f.Name]; set || f.Derived || f.Name == "id" {
			continue
		}
		if vf, ok := m.byKey[f.Name]; ok && m == c.m {
			if dv, ok := c.defaultValue(vf); ok {
				v, err := c.coerce(m, vf, dv, nil)
				if err != nil {
					return 0, err
				}
				rec[f.Name] = v
				continue
			}
		}
		rec[f.Name] = storedDefault(f, c.v)
	}
	if err := c.fillDelegated(t, m, rec, pend); err != nil {
		return 0, err
	}
	c.computeStored(m, rec, true)
	if err := c.createDefaults(m, rec); err != nil {
		return 0, err
	}
	// The INSERT takes the id from the sequence before PostgreSQL checks
	// NOT NULL, so a create refused for a missing value still uses one.
	rec["id"] = c.s.takeID(m.name)
	if err := checkRequired(m, rec); err != nil {
		return 0, err
	}
	if m.name == "res.partner" {
		if err := checkPartnerName(rec); err != nil {
			return 0, err
		}
	}
	rec["create_date"], rec["write_date"] = t.stamp, t.stamp
	rec["create_uid"], rec["write_uid"] = c.user.uid, c.user.uid
	id, err := c.s.ds.Add(m.name, rec)
	if err != nil {
		return 0, fmt.Errorf("odoosim: create %s: %w", m.name, err)
	}
	t.added = append(t.added, ref{m.name, id})
	if err := c.applyPending(t, m, rec, pend); err != nil {
		return 0, err
	}
	return id, nil
}

// storedDefault is the value of a field create leaves unset: its schema
// default, today or now for required dates, or the empty value.
func storedDefault(f *dataset.Field, v *view) any {
	if f.Default != nil {
		if ids, ok := f.Default.([]int64); ok {
			return slices.Clone(ids)
		}
		return f.Default
	}
	if f.Required && f.Type == dataset.Date {
		return v.today
	}
	if f.Required && f.Type == dataset.Datetime {
		return v.s.now().Format(dataset.DatetimeLayout)
	}
	switch f.Type {
	case dataset.Integer:
		return int64(0)
	case dataset.Float, dataset.Monetary:
		return 0.0
	case dataset.Many2many:
		return []int64{}
	}
	return false
}

// checkRequired fails like Odoo's NOT NULL violation when a required field
// is empty.
func checkRequired(m *modelInfo, rec dataset.Record) error {
	for _, f := range m.def.Fields {
		if !f.Required || f.Derived || f.Name == "id" {
			continue
		}
		v := rec[f.Name]
		if v == nil || v == false || v == "" || (f.Type == dataset.Many2one && v == int64(0)) {
			name := f.Name
			if vf, ok := m.byKey[f.Name]; ok {
				name = vf.name
			}
			return errMandatory(m.description, m.name, f.String, name)
		}
	}
	return nil
}

// write is write(ids, vals).
func (c *call) write() (any, error) {
	vals, ok := c.arg("vals").(map[string]any)
	if !ok {
		return nil, errType("write() expects a dict of values, got %s", pyRepr(c.arg("vals")))
	}
	return c.writing(func(t *txn) (any, error) {
		if err := c.writeRecords(t, c.m, c.ids, vals); err != nil {
			return nil, err
		}
		return true, nil
	})
}

// writeRecords writes vals on the records ids of m.
func (c *call) writeRecords(t *txn, m *modelInfo, ids []int64, vals map[string]any) error {
	var missing []int64
	for _, id := range ids {
		if c.s.get(m.name, id) == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return errMissing(m.name, missing, c.user.uid)
	}
	for _, id := range ids {
		rec := c.s.get(m.name, id)
		t.touch(m.name, rec)
		pend, err := c.applyVals(t, m, rec, vals, false)
		if err != nil {
			return err
		}
		c.computeStored(m, rec, false)
		if err := checkRequired(m, rec); err != nil {
			return err
		}
		if m.name == "res.partner" {
			if err := checkPartnerName(rec); err != nil {
				return err
			}
		}
		rec["write_date"], rec["write_uid"] = t.stamp, c.user.uid
		if err := c.applyPending(t, m, rec, pend); err != nil {
			return err
		}
	}
	return nil
}

// applyVals writes vals into rec (canonical keys) after checking and
// converting each value; one2many commands and delegated fields are
// returned for later.
func (c *call) applyVals(t *txn, m *modelInfo, rec dataset.Record, vals map[string]any, creating bool) (*pending, error) {
	pend := &pending{o2m: map[*fieldInfo][]x2op{}, delegated: map[string]map[string]any{}}
	for _, name := range sortedKeys(vals) {
		raw := vals[name]
		f, ok := m.fields[name]
		if !ok {
			return nil, errInvalidField(name, m.name)
		}
		switch {
		case f.via != "":
			if pend.delegated[f.via] == nil {
				pend.delegated[f.via] = map[string]any{}
			}
			pend.delegated[f.via][name] = raw
			continue
		case f.typ == dataset.One2many:
			ops, err := parseX2(raw)
			if err != nil {
				return nil, err
			}
			pend.o2m[f] = ops
			continue
		case f.derived || isMagic(f.key):
			continue
		}
		v, err := c.coerce(m, f, raw, rec)
		if err != nil {
			return nil, err
		}
		if f.typ == dataset.Many2many {
			v, err = c.applyM2M(t, f, rec.IDs(f.key), raw)
			if err != nil {
				return nil, err
			}
		}
		rec[f.key] = v
	}
	return pend, nil
}

func isMagic(key string) bool {
	switch key {
	case "id", "create_date", "create_uid", "write_date", "write_uid":
		return true
	}
	return false
}

// coerce checks raw against field f and returns the stored value.
func (c *call) coerce(m *modelInfo, f *fieldInfo, raw any, rec dataset.Record) (any, error) {
	bad := func() error {
		return errValue("Wrong value for %s.%s: %s", m.name, f.name, pyRepr(raw))
	}
	stored := f.typ
	if f.def != nil {
		stored = f.def.Type
	}
	switch f.typ {
	case dataset.Char, dataset.Text, dataset.HTML, dataset.Binary:
		switch x := raw.(type) {
		case string:
			return x, nil
		case nil, bool:
			return false, nil
		case int64, float64:
			return fmt.Sprint(x), nil
		}
		return nil, bad()
	case dataset.Selection:
		s, ok := raw.(string)
		if !ok {
			if raw == nil || raw == false {
				return false, nil
			}
			return nil, bad()
		}
		if f.def != nil && !slices.ContainsFunc(f.def.SelectionIn(c.s.major), func(o dataset.Option) bool { return o.Value == s }) {
			return nil, bad()
		}
		if f.def != nil && !slices.ContainsFunc(f.def.SelectionIn(dataset.CanonicalVersion), func(o dataset.Option) bool { return o.Value == s }) {
			// A value of this version only (a 17 payment "posted") is
			// stored as the Odoo 18 value reads map back to it.
			return storedSelection(c.s.major, m.name, f.key, s), nil
		}
		return s, nil
	case dataset.Integer:
		if raw == nil || raw == false {
			return int64(0), nil
		}
		if n, ok := asInt(raw); ok {
			return n, nil
		}
		return nil, errValue("invalid literal for int() with base 10: %s", pyRepr(raw))
	case dataset.Float, dataset.Monetary:
		if raw == nil || raw == false {
			return 0.0, nil
		}
		if x, ok := asFloat(raw); ok {
			return x, nil
		}
		return nil, errValue("could not convert string to float: %s", pyRepr(raw))
	case dataset.Boolean:
		b := truthy(raw)
		if f.invert {
			b = !b
		}
		return b, nil
	case dataset.Date, dataset.Datetime:
		return coerceDate(raw, f.typ, stored)
	case dataset.Many2one:
		if pair, ok := raw.([]any); ok && len(pair) > 0 {
			raw = pair[0]
		}
		if raw == nil || raw == false {
			return false, nil
		}
		id, ok := asInt(raw)
		if !ok || id <= 0 {
			return nil, bad()
		}
		if c.s.get(f.relation, id) == nil {
			return nil, errValidation("The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: %s (%s)\nConstraint: %s_%s_fkey",
				m.description, m.name, strings.ReplaceAll(m.name, ".", "_"), f.key)
		}
		return id, nil
	case dataset.Many2many:
		return rec.IDs(f.key), nil
	}
	return raw, nil
}

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	}
	return false
}

// coerceDate checks a date or datetime string ("YYYY-MM-DD" or
// "YYYY-MM-DD HH:MM:SS") and converts it to the stored type.
func coerceDate(raw any, typ, stored dataset.FieldType) (any, error) {
	s, ok := raw.(string)
	if !ok {
		if raw == nil || raw == false {
			return false, nil
		}
		return nil, errType("fromisoformat: argument must be str")
	}
	var t time.Time
	var err error
	if len(s) == 10 {
		t, err = time.Parse(dataset.DateLayout, s)
	} else {
		t, err = time.Parse(dataset.DatetimeLayout, strings.Replace(s, "T", " ", 1))
	}
	if err != nil {
		if typ == dataset.Date {
			return nil, errValue("time data %s does not match format '%%Y-%%m-%%d'", pyRepr(s))
		}
		return nil, errValue("time data %s does not match format '%%Y-%%m-%%d %%H:%%M:%%S'", pyRepr(s))
	}
	if stored == dataset.Date || typ == dataset.Date && stored != dataset.Datetime {
		return t.Format(dataset.DateLayout), nil
	}
	return t.Format(dataset.DatetimeLayout), nil
}

// parseX2 reads an x2many value: a list of ids or of command triples.
func parseX2(raw any) ([]x2op, error) {
	list, ok := raw.([]any)
	if !ok {
		if raw == nil || raw == false {
			return []x2op{{cmd: 5}}, nil
		}
		return nil, errValue("Wrong x2many value: %s", pyRepr(raw))
	}
	var ops []x2op
	var plain []int64
	for _, e := range list {
		if id, ok := asInt(e); ok {
			plain = append(plain, id)
			continue
		}
		cmd, ok := e.([]any)
		if !ok || len(cmd) == 0 {
			return nil, errValue("Wrong x2many command: %s", pyRepr(e))
		}
		code, ok := asInt(cmd[0])
		if !ok || code < 0 || code > 6 {
			return nil, errValue("Wrong x2many command: %s", pyRepr(e))
		}
		op := x2op{cmd: code}
		if len(cmd) > 1 {
			op.id, _ = asInt(cmd[1])
		}
		if len(cmd) > 2 {
			switch x := cmd[2].(type) {
			case map[string]any:
				op.vals = x
			case []any:
				ids, err := parseIDs(x)
				if err != nil {
					return nil, err
				}
				op.ids = ids
			}
		}
		if (code == 0 || code == 1) && op.vals == nil {
			op.vals = map[string]any{}
		}
		ops = append(ops, op)
	}
	if plain != nil {
		ops = append(ops, x2op{cmd: 6, ids: plain})
	}
	return ops, nil
}

// applyM2M applies commands to the current ids of a many2many.
func (c *call) applyM2M(t *txn, f *fieldInfo, current []int64, raw any) ([]int64, error) {
	ops, err := parseX2(raw)
	if err != nil {
		return nil, err
	}
	co := c.s.models[f.relation]
	ids := slices.Clone(current)
	for _, op := range ops {
		switch op.cmd {
		case 0:
			id, err := c.createOne(t, co, op.vals, nil)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		case 1:
			if err := c.writeRecords(t, co, []int64{op.id}, op.vals); err != nil {
				return nil, err
			}
		case 2, 3:
			ids = slices.DeleteFunc(ids, func(id int64) bool { return id == op.id })
		case 4:
			ids = append(ids, op.id)
		case 5:
			ids = ids[:0]
		case 6:
			ids = slices.Clone(op.ids)
		}
	}
	for _, id := range ids {
		if c.s.get(f.relation, id) == nil {
			return nil, errMissing(f.relation, []int64{id}, c.user.uid)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

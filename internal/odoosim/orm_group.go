package odoosim

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// groupBy is one groupby spec: "partner_id" or "date:month".
type groupBy struct {
	spec string
	f    *fieldInfo
	gran string
}

// aggregate is one aggregate: alias (the result key), field and function.
type aggregate struct {
	alias string
	f     *fieldInfo
	fn    string
}

// group is one group of records and its key values (one per groupBy).
type group struct {
	keys []any
	ids  []int64
}

var aggregateFuncs = []string{"sum", "avg", "min", "max", "count", "count_distinct", "bool_and", "bool_or", "array_agg"}

var granularities = []string{"day", "week", "month", "quarter", "year"}

// parseGroupBy parses groupby specs; date fields default to month unless
// strict (formatted_read_group), where a granularity is required.
func (c *call) parseGroupBy(specs []string, strict bool) ([]groupBy, error) {
	out := make([]groupBy, 0, len(specs))
	for _, spec := range specs {
		name, gran, _ := strings.Cut(spec, ":")
		f, ok := c.m.fields[name]
		if !ok {
			return nil, errInvalidField(name, c.m.name)
		}
		if f.typ == dataset.Date || f.typ == dataset.Datetime {
			if gran == "" {
				if strict {
					return nil, errValue("Group by date field '%s' requires a granularity (day, week, month, quarter or year)", name)
				}
				gran = "month"
			}
			if !slices.Contains(granularities, gran) {
				return nil, errValue("Invalid granularity '%s' for field '%s'", gran, name)
			}
		} else if gran != "" {
			return nil, errValue("Granularity set on a field of type %s: '%s'", f.typ, spec)
		}
		if f.typ == dataset.One2many || (f.derived && f.name != "display_name" && f.typ != dataset.Many2one) {
			return nil, errValue("Field %s is not stored and cannot be grouped by", spec)
		}
		out = append(out, groupBy{spec: spec, f: f, gran: gran})
	}
	return out, nil
}

// parseAggregate parses "field:func" or "alias:func(field)"; a bare field
// gets its default aggregator (sum for numbers) unless strict.
func (c *call) parseAggregate(spec string, strict bool) (*aggregate, error) {
	if spec == "__count" {
		return &aggregate{alias: "__count", fn: "__count"}, nil
	}
	alias, rest, hasFn := strings.Cut(spec, ":")
	name, fn := alias, rest
	if hasFn {
		if open := strings.IndexByte(rest, '('); open > 0 && strings.HasSuffix(rest, ")") {
			fn, name = rest[:open], rest[open+1:len(rest)-1]
		}
	}
	f, ok := c.m.fields[name]
	if !ok {
		return nil, errInvalidField(name, c.m.name)
	}
	if !hasFn {
		if strict {
			return nil, errValue("Invalid aggregate specification '%s': an aggregate function is required", spec)
		}
		switch f.typ {
		case dataset.Integer, dataset.Float, dataset.Monetary:
			fn = "sum"
		default:
			return nil, nil
		}
	}
	if !slices.Contains(aggregateFuncs, fn) {
		return nil, errValue("Invalid aggregation function %q.", fn)
	}
	if strict {
		alias = spec
	}
	return &aggregate{alias: alias, f: f, fn: fn}, nil
}

// groupRecords groups the records matching wire by gbs, in first-seen
// order.
func (c *call) groupRecords(wire any, gbs []groupBy) ([]*group, []int64, error) {
	ids, err := c.match(wire)
	if err != nil {
		return nil, nil, err
	}
	if len(gbs) == 0 {
		return []*group{{ids: ids}}, ids, nil
	}
	index := map[string]*group{}
	var groups []*group
	for _, id := range ids {
		rec := c.s.get(c.m.name, id)
		for _, keys := range c.groupKeys(rec, gbs) {
			k := fmt.Sprint(keys...)
			g := index[k]
			if g == nil {
				g = &group{keys: keys}
				index[k] = g
				groups = append(groups, g)
			}
			g.ids = append(g.ids, id)
		}
	}
	return groups, ids, nil
}

// groupKeys returns the key tuples of rec; a many2many yields one per
// linked record.
func (c *call) groupKeys(rec dataset.Record, gbs []groupBy) [][]any {
	tuples := [][]any{{}}
	for _, gb := range gbs {
		val := c.v.value(c.m, rec, gb.f)
		var vals []any
		switch gb.f.typ {
		case dataset.Many2many:
			ids, _ := val.([]int64)
			for _, id := range ids {
				vals = append(vals, id)
			}
			if len(vals) == 0 {
				vals = []any{false}
			}
		case dataset.Many2one:
			if id, _ := asInt(val); id != 0 {
				vals = []any{id}
			} else {
				vals = []any{false}
			}
		case dataset.Date, dataset.Datetime:
			s, _ := val.(string)
			if s == "" {
				vals = []any{false}
			} else {
				vals = []any{bucketStart(s, gb.gran).Format(dataset.DateLayout)}
			}
		default:
			if val == nil || val == "" {
				val = false
			}
			vals = []any{val}
		}
		next := make([][]any, 0, len(tuples)*len(vals))
		for _, t := range tuples {
			for _, v := range vals {
				next = append(next, append(slices.Clip(t), v))
			}
		}
		tuples = next
	}
	return tuples
}

// bucketStart returns the first day of the period of s.
func bucketStart(s, gran string) time.Time {
	t, err := time.Parse(dataset.DateLayout, s[:min(len(s), 10)])
	if err != nil {
		return time.Time{}
	}
	switch gran {
	case "week":
		return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	case "month":
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	case "quarter":
		return time.Date(t.Year(), ((t.Month()-1)/3)*3+1, 1, 0, 0, 0, 0, time.UTC)
	case "year":
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

// bucketEnd returns the first day after the period starting at t.
func bucketEnd(t time.Time, gran string) time.Time {
	switch gran {
	case "week":
		return t.AddDate(0, 0, 7)
	case "month":
		return t.AddDate(0, 1, 0)
	case "quarter":
		return t.AddDate(0, 3, 0)
	case "year":
		return t.AddDate(1, 0, 0)
	}
	return t.AddDate(0, 0, 1)
}

// bucketLabel formats a period as Odoo's en_US labels do.
func bucketLabel(t time.Time, gran string) string {
	switch gran {
	case "day":
		return t.Format("02 Jan 2006")
	case "week":
		_, w := t.ISOWeek()
		return fmt.Sprintf("W%02d %d", w, t.Year())
	case "quarter":
		return fmt.Sprintf("Q%d %d", (int(t.Month())-1)/3+1, t.Year())
	case "year":
		return t.Format("2006")
	}
	return t.Format("January 2006")
}

// groupDomain returns the conditions that select group g, and the
// __range entries of its date groupbys.
func (c *call) groupDomain(g *group, gbs []groupBy) (domain.Domain, *object) {
	var conds []domain.Domain
	ranges := &object{}
	for i, gb := range gbs {
		key := g.keys[i]
		start, isDate := key.(string)
		if (gb.f.typ == dataset.Date || gb.f.typ == dataset.Datetime) && isDate {
			t, _ := time.Parse(dataset.DateLayout, start)
			from, to := start, bucketEnd(t, gb.gran).Format(dataset.DateLayout)
			if gb.f.typ == dataset.Datetime {
				from, to = from+" 00:00:00", to+" 00:00:00"
			}
			conds = append(conds, domain.Cond(gb.f.name, domain.OpGe, from), domain.Cond(gb.f.name, domain.OpLt, to))
			ranges.set(gb.spec, newObject("from", from, "to", to))
			continue
		}
		if gb.f.typ == dataset.Date || gb.f.typ == dataset.Datetime {
			ranges.set(gb.spec, false)
		}
		conds = append(conds, domain.Cond(gb.f.name, domain.OpEq, key))
	}
	return domain.And(conds...), ranges
}

// groupValue is the group's value for gb as read_group shows it
// (legacy: date label) or formatted_read_group shows it ([value, label]).
func (c *call) groupValue(gb groupBy, key any, formatted bool) any {
	switch gb.f.typ {
	case dataset.Many2one, dataset.Many2many:
		id, _ := asInt(key)
		if id == 0 {
			return false
		}
		return []any{id, c.v.displayName(gb.f.relation, id)}
	case dataset.Date, dataset.Datetime:
		s, ok := key.(string)
		if !ok {
			return false
		}
		t, _ := time.Parse(dataset.DateLayout, s)
		label := bucketLabel(t, gb.gran)
		if !formatted {
			return label
		}
		if gb.f.typ == dataset.Datetime {
			s += " 00:00:00"
		}
		return []any{s, label}
	}
	return key
}

// aggregateValue computes one aggregate over ids.
func (c *call) aggregateValue(a *aggregate, ids []int64) any {
	if a.fn == "__count" {
		return int64(len(ids))
	}
	var (
		sum        float64
		n          int64
		minV, maxV any
		distinct   = map[string]bool{}
		all        []any
		andV, orV  = true, false
	)
	for _, id := range ids {
		v := c.v.value(c.m, c.s.get(c.m.name, id), a.f)
		if a.f.typ == dataset.Many2one {
			if x, _ := asInt(v); x == 0 {
				v = nil
			}
		}
		if v == false && a.f.typ != dataset.Boolean {
			v = nil
		}
		all = append(all, c.v.output(a.f, v, false))
		if v == nil {
			continue
		}
		n++
		distinct[fmt.Sprint(v)] = true
		if x, ok := asFloat(v); ok {
			sum += x
		}
		b, _ := v.(bool)
		andV, orV = andV && b, orV || b
		sv := c.sortValueOf(a.f, v)
		if minV == nil || compareValues(sv, c.sortValueOf(a.f, minV)) < 0 {
			minV = v
		}
		if maxV == nil || compareValues(sv, c.sortValueOf(a.f, maxV)) > 0 {
			maxV = v
		}
	}
	switch a.fn {
	case "sum":
		if a.f.typ == dataset.Integer {
			return int64(sum)
		}
		return math.Round(sum*1e6) / 1e6
	case "avg":
		if n == 0 {
			return false
		}
		return sum / float64(n)
	case "count":
		return n
	case "count_distinct":
		return int64(len(distinct))
	case "min", "max":
		v := minV
		if a.fn == "max" {
			v = maxV
		}
		if v == nil {
			return false
		}
		return c.v.output(a.f, v, false)
	case "bool_and":
		return andV
	case "bool_or":
		return orV
	}
	if all == nil {
		all = []any{}
	}
	return all
}

func (c *call) sortValueOf(f *fieldInfo, v any) any {
	if x, ok := asFloat(v); ok {
		return x
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// sortGroups orders groups by orderby ("field desc, __count") or, by
// default, by their groupby values.
func (c *call) sortGroups(groups []*group, gbs []groupBy, aggs []*aggregate, orderby string, countKeys ...string) error {
	type key struct {
		gb   int
		agg  *aggregate
		desc bool
	}
	var keys []key
	if strings.TrimSpace(orderby) == "" {
		for i := range gbs {
			keys = append(keys, key{gb: i})
		}
	} else {
		for _, part := range strings.Split(orderby, ",") {
			words := strings.Fields(part)
			if len(words) == 0 || len(words) > 2 {
				return errBadOrder(orderby)
			}
			k := key{gb: -1, desc: len(words) == 2 && strings.EqualFold(words[1], "desc")}
			name := words[0]
			for i, gb := range gbs {
				if gb.spec == name || gb.f.name == name {
					k.gb = i
				}
			}
			if k.gb < 0 {
				for _, a := range aggs {
					if a.alias == name || (a.f != nil && a.f.name == name) {
						k.agg = a
					}
				}
				if name == "__count" || slices.Contains(countKeys, name) {
					k.agg = &aggregate{alias: "__count", fn: "__count"}
				}
				if k.agg == nil {
					if f, ok := c.m.fields[name]; ok {
						k.agg = &aggregate{alias: name, f: f, fn: "max"}
					} else {
						return errBadOrder(orderby)
					}
				}
			}
			keys = append(keys, k)
		}
	}
	vals := make(map[*group][]any, len(groups))
	for _, g := range groups {
		row := make([]any, len(keys))
		for i, k := range keys {
			if k.agg != nil {
				v := c.aggregateValue(k.agg, g.ids)
				if x, ok := asFloat(v); ok {
					row[i] = x
				} else if s, ok := v.(string); ok {
					row[i] = s
				}
				continue
			}
			row[i] = c.groupSortValue(gbs[k.gb], g.keys[k.gb])
		}
		vals[g] = row
	}
	slices.SortStableFunc(groups, func(a, b *group) int {
		for i, k := range keys {
			if r := compareSort(vals[a][i], vals[b][i], k.desc, k.desc); r != 0 {
				return r
			}
		}
		return 0
	})
	return nil
}

func (c *call) groupSortValue(gb groupBy, key any) any {
	switch gb.f.typ {
	case dataset.Many2one, dataset.Many2many:
		id, _ := asInt(key)
		if id == 0 {
			return nil
		}
		return strings.ToLower(c.v.displayName(gb.f.relation, id))
	case dataset.Boolean:
		if b, _ := key.(bool); b {
			return 1.0
		}
		return 0.0
	}
	if x, ok := asFloat(key); ok {
		return x
	}
	if s, ok := key.(string); ok && s != "" {
		return s
	}
	return nil
}

package ask

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

type aggregateInput struct {
	Model    string          `json:"model"`
	Domain   json.RawMessage `json:"domain"`
	GroupBy  []string        `json:"group_by"`
	Measures []string        `json:"measures"`
	Order    string          `json:"order"`
	Limit    int             `json:"limit"`
}

// aggregateResult is what aggregate returns.
type aggregateResult struct {
	Model    string   `json:"model"`
	GroupBy  []string `json:"group_by"`
	Measures []string `json:"measures"`
	// Records counts the records matching the domain; Groups the groups
	// before the limit.
	Records    int              `json:"records"`
	GroupCount int              `json:"group_count"`
	Groups     []map[string]any `json:"groups"`
	// Totals are the measures over every matching record.
	Totals map[string]any `json:"totals"`
}

// groupKey is one group_by item: a field, with a date granularity.
type groupKey struct {
	spec, field, gran string
	info              fieldInfo
}

// measure is one measure item.
type measure struct {
	spec, field, op string
	info            fieldInfo
}

var granularities = []string{"day", "week", "month", "quarter", "year"}

func (t *tools) aggregate(ctx context.Context, c Caller, in json.RawMessage) (*Output, error) {
	const tool = "aggregate"
	var p aggregateInput
	if err := decode(tool, in, &p); err != nil {
		return nil, err
	}
	limit := cmp.Or(p.Limit, groupLimitDefault)
	if limit < 1 || limit > groupLimitMax {
		return nil, inputErr(tool, "limit must be between 1 and %d", groupLimitMax)
	}
	r, err := t.openModel(ctx, c, tool, p.Model)
	if err != nil {
		return nil, err
	}
	keys, err := r.groupKeys(p.Model, p.GroupBy)
	if err != nil {
		return nil, inputErr(tool, "group_by: %v", err)
	}
	if len(p.Measures) == 0 {
		p.Measures = []string{"count"}
	}
	ms, err := r.measures(p.Model, p.Measures)
	if err != nil {
		return nil, inputErr(tool, "measures: %v", err)
	}
	d, err := parseDomain(tool, p.Domain)
	if err != nil {
		return nil, err
	}
	ids, err := r.search(p.Model, d)
	if err != nil {
		return nil, asInputErr(tool, err)
	}

	type acc struct {
		key    []any
		ids    []int64
		sortBy []any
	}
	groups := map[string]*acc{}
	var order []string
	for _, id := range ids {
		var kv []any
		var sortBy []any
		for _, k := range keys {
			v, s := r.groupValue(p.Model, k, id)
			kv, sortBy = append(kv, v), append(sortBy, s)
		}
		// %#v quotes strings and prints maps sorted by key: a stable,
		// unambiguous key.
		k := fmt.Sprintf("%#v", kv)
		g, ok := groups[k]
		if !ok {
			g = &acc{key: kv, sortBy: sortBy}
			groups[k] = g
			order = append(order, k)
		}
		g.ids = append(g.ids, id)
	}
	res := aggregateResult{Model: p.Model, GroupBy: p.GroupBy, Measures: p.Measures, Records: len(ids),
		GroupCount: len(groups), Groups: []map[string]any{}, Totals: map[string]any{}}
	for _, m := range ms {
		res.Totals[m.spec] = r.measure(p.Model, m, ids)
	}
	rows := make([]map[string]any, 0, len(groups))
	type sortable struct {
		row    map[string]any
		sortBy []any
	}
	var all []sortable
	for _, k := range order {
		g := groups[k]
		row := map[string]any{}
		for i, gk := range keys {
			row[gk.spec] = g.key[i]
		}
		for _, m := range ms {
			row[m.spec] = r.measure(p.Model, m, g.ids)
		}
		all = append(all, sortable{row: row, sortBy: g.sortBy})
	}
	if err := sortGroups(p.Order, keys, ms, all, func(s sortable) (map[string]any, []any) { return s.row, s.sortBy }); err != nil {
		return nil, inputErr(tool, "order: %v", err)
	}
	for i, s := range all {
		if i == limit {
			break
		}
		rows = append(rows, s.row)
	}
	res.Groups = rows
	kind := p.Model
	if m, ok := t.schema.Model(p.Model); ok {
		kind = m.Description
	}
	out := &Output{Data: &res, Sources: []Source{{Label: fmt.Sprintf("%d records of %s (%s) in Odoo", len(ids), kind, p.Model), Model: p.Model}}}
	out.Text = fmt.Sprintf("%d %s records in %d groups.", len(ids), p.Model, len(groups))
	return out, nil
}

// sortGroups orders groups by the order clause (a group_by spec or a
// measure spec, asc or desc), else by their keys in order.
func sortGroups[T any](order string, keys []groupKey, ms []measure, all []T, get func(T) (map[string]any, []any)) error {
	type crit struct {
		spec    string
		keyIdx  int
		desc    bool
		measure bool
	}
	var crits []crit
	for part := range strings.SplitSeq(order, ",") {
		words := strings.Fields(part)
		if len(words) == 0 {
			continue
		}
		cr := crit{spec: words[0], keyIdx: -1}
		if len(words) > 1 {
			switch strings.ToLower(words[1]) {
			case "desc":
				cr.desc = true
			case "asc":
			default:
				return fmt.Errorf("%q: want \"<group_by or measure> [asc|desc]\"", strings.TrimSpace(part))
			}
		}
		for i, k := range keys {
			if k.spec == cr.spec || k.field == cr.spec {
				cr.keyIdx = i
			}
		}
		for _, m := range ms {
			if m.spec == cr.spec {
				cr.measure = true
			}
		}
		if cr.keyIdx < 0 && !cr.measure {
			return fmt.Errorf("%q is neither a group_by nor a measure of this call", cr.spec)
		}
		crits = append(crits, cr)
	}
	for i := range keys {
		crits = append(crits, crit{keyIdx: i})
	}
	slices.SortStableFunc(all, func(a, b T) int {
		ra, sa := get(a)
		rb, sb := get(b)
		for _, cr := range crits {
			var c int
			if cr.measure {
				c = compareValues(ra[cr.spec], rb[cr.spec])
			} else {
				c = compareValues(sa[cr.keyIdx], sb[cr.keyIdx])
			}
			if cr.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return nil
}

// groupKeys checks the group_by items.
func (r *records) groupKeys(model string, specs []string) ([]groupKey, error) {
	var out []groupKey
	for _, s := range specs {
		name, gran, _ := strings.Cut(s, ":")
		f, ok := r.field(model, name)
		if !ok {
			return nil, fmt.Errorf("%q is not a synced field of %s that you may read", name, model)
		}
		switch f.Type {
		case domain.TypeDate, domain.TypeDatetime:
			gran = cmp.Or(gran, "month")
			if !slices.Contains(granularities, gran) {
				return nil, fmt.Errorf("%q: granularity must be day, week, month, quarter or year", s)
			}
		case domain.TypeOne2many, domain.TypeMany2many, domain.TypeBinary, domain.TypeHTML, domain.TypeText:
			return nil, fmt.Errorf("%q: cannot group by a %s field", s, f.Type)
		default:
			if gran != "" {
				return nil, fmt.Errorf("%q: only date fields take a granularity", s)
			}
		}
		out = append(out, groupKey{spec: s, field: name, gran: gran, info: f})
	}
	return out, nil
}

// groupValue returns a record's group value for output and for sorting.
func (r *records) groupValue(model string, k groupKey, id int64) (out, sortBy any) {
	v := r.Value(model, id, k.field)
	switch k.info.Type {
	case domain.TypeDate, domain.TypeDatetime:
		s, _ := v.(string)
		if len(s) < 10 {
			return nil, nil
		}
		day, err := time.Parse(time.DateOnly, s[:10])
		if err != nil {
			return nil, nil
		}
		p := period(day, k.gran)
		return p, p
	case domain.TypeMany2one:
		return r.out(model, k.field, v), r.sortValue(model, k.field, id)
	}
	o := r.out(model, k.field, v)
	return o, o
}

// period names the period of a day: 2026-03-09, 2026-W10, 2026-03,
// 2026-Q1 or 2026 (ISO weeks, as Odoo's read_group).
func period(d time.Time, gran string) string {
	switch gran {
	case "day":
		return d.Format(time.DateOnly)
	case "week":
		y, w := d.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case "quarter":
		return fmt.Sprintf("%d-Q%d", d.Year(), (int(d.Month())-1)/3+1)
	case "year":
		return strconv.Itoa(d.Year())
	}
	return d.Format("2006-01")
}

// measures checks the measure items.
func (r *records) measures(model string, specs []string) ([]measure, error) {
	var out []measure
	for _, s := range specs {
		if s == "count" || s == "__count" {
			out = append(out, measure{spec: s, op: "count"})
			continue
		}
		name, op, ok := strings.Cut(s, ":")
		if !ok {
			return nil, fmt.Errorf("%q: want \"count\" or \"<field>:<sum|avg|min|max|count>\"", s)
		}
		f, fok := r.field(model, name)
		if !fok {
			return nil, fmt.Errorf("%q is not a synced field of %s that you may read", name, model)
		}
		switch op {
		case "count":
		case "sum", "avg", "min", "max":
			switch f.Type {
			case domain.TypeInteger, domain.TypeFloat, domain.TypeMonetary:
			case domain.TypeDate, domain.TypeDatetime:
				if op == "sum" || op == "avg" {
					return nil, fmt.Errorf("%q: dates take min, max or count", s)
				}
			default:
				return nil, fmt.Errorf("%q: %s needs a number field, %s is %s", s, op, name, f.Type)
			}
		default:
			return nil, fmt.Errorf("%q: the operation must be sum, avg, min, max or count", s)
		}
		out = append(out, measure{spec: s, field: name, op: op, info: f})
	}
	return out, nil
}

// measure computes one measure over records: money in cents, other
// numbers to 6 decimals; avg, min and max of no value are null.
func (r *records) measure(model string, m measure, ids []int64) any {
	if m.op == "count" {
		if m.field == "" {
			return len(ids)
		}
		n := 0
		for _, id := range ids {
			if v := r.Value(model, id, m.field); v != false && v != nil {
				n++
			}
		}
		return n
	}
	if m.info.Type == domain.TypeDate || m.info.Type == domain.TypeDatetime {
		var best string
		for _, id := range ids {
			s, _ := r.Value(model, id, m.field).(string)
			if s != "" && (best == "" || (m.op == "min") == (s < best)) {
				best = s
			}
		}
		if best == "" {
			return nil
		}
		return best
	}
	var sum float64
	best := math.NaN()
	for _, id := range ids {
		x := num(r.Value(model, id, m.field))
		sum += x
		if math.IsNaN(best) || (m.op == "min" && x < best) || (m.op == "max" && x > best) {
			best = x
		}
	}
	var v float64
	switch m.op {
	case "sum":
		v = sum
	case "avg":
		if len(ids) == 0 {
			return nil
		}
		v = sum / float64(len(ids))
	default:
		if math.IsNaN(best) {
			return nil
		}
		v = best
	}
	if m.info.Type == domain.TypeMonetary {
		return cents(v)
	}
	return math.Round(v*1e6) / 1e6
}

package odoo

import (
	"context"
	"fmt"
	"strings"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// ReadGroupParams describes a grouped read.
type ReadGroupParams struct {
	// GroupBy lists the groupby specs: "partner_id", "state",
	// "date:month" (granularities day, week, month, quarter, year). Date
	// fields need a granularity.
	GroupBy []string
	// Aggregates lists "field:function" specs, for example
	// "amount_total:sum" or "partner_id:count_distinct" (functions sum, avg,
	// min, max, count, count_distinct, bool_and, bool_or, array_agg). The
	// record count is always returned in Group.Count.
	Aggregates []string
	// Order orders the groups, for example "amount_total:sum desc" on 19
	// or "amount_total desc" on 16-18.
	Order string
	// Limit and Offset page the groups; 0 means no limit.
	Limit, Offset int
	// Context is the Odoo context (tz matters for datetime grouping).
	Context map[string]any
}

// Group is one group of a ReadGroup result, in the same shape whatever the
// version.
type Group struct {
	// Keys holds the value of each groupby spec, keyed by the spec.
	Keys map[string]GroupKey
	// Aggregates holds each aggregate, keyed by its spec
	// ("amount_total:sum"), as sent (a number is json.Number, int64 or
	// float64; False when no record has a value).
	Aggregates map[string]any
	// Count is the number of records in the group.
	Count int64
	// Domain selects the group's records: the call's domain and the
	// group's own condition.
	Domain domain.Domain
}

// Float returns an aggregate as a float64; False (no value) gives 0.
func (g Group) Float(spec string) (float64, error) {
	v, ok := g.Aggregates[spec]
	if !ok {
		return 0, fmt.Errorf("odoo: read_group: no aggregate %q in the group", spec)
	}
	return decodeFloat(v)
}

// GroupKey is the value of one groupby spec for a group.
type GroupKey struct {
	// Value is nil for the False group; the id (int64) for a many2one; the
	// first day of the period ("2024-01-01", or "2024-01-01 00:00:00" for
	// datetimes) for a date granularity; the raw value otherwise.
	Value any
	// Label is the display name of a many2one or the period label of a
	// date ("January 2024"); it is empty for other fields.
	Label string
}

// ReadGroup groups the records of model matching domain. It calls
// formatted_read_group on 19+ and read_group (lazy=False, with aliased
// aggregates) on 16-18, and returns the same Group shape for both.
func (c *Client) ReadGroup(ctx context.Context, model string, dom domain.Domain, p ReadGroupParams) ([]Group, error) {
	_, _, info, err := c.connected("read_group", model)
	if err != nil {
		return nil, err
	}
	wire, err := domainArg("read_group", model, dom)
	if err != nil {
		return nil, err
	}
	aggs := make([]string, 0, len(p.Aggregates))
	for _, a := range p.Aggregates {
		if a == "__count" {
			continue
		}
		field, fn, ok := strings.Cut(a, ":")
		if !ok || field == "" || fn == "" || strings.ContainsAny(fn, "()") {
			return nil, &Error{Kind: ErrInvalidArgument, Op: "read_group", Model: model, Message: fmt.Sprintf("aggregate %q must be \"field:function\"", a)}
		}
		aggs = append(aggs, a)
	}
	if info.Version.AtLeast(19, 0) {
		return c.formattedReadGroup(ctx, model, dom, wire, p, aggs)
	}
	return c.legacyReadGroup(ctx, model, dom, wire, p, aggs)
}

func (c *Client) formattedReadGroup(ctx context.Context, model string, dom domain.Domain, wire []any, p ReadGroupParams, aggs []string) ([]Group, error) {
	r := &request{model: model, method: "formatted_read_group", params: []param{
		{"domain", wire},
		{"groupby", nonNil(p.GroupBy)},
		{"aggregates", append([]string{"__count"}, aggs...)},
	}, kwargs: map[string]any{}, context: p.Context}
	if p.Order != "" {
		r.kwargs["order"] = p.Order
	}
	if p.Limit > 0 {
		r.kwargs["limit"] = p.Limit
	}
	if p.Offset > 0 {
		r.kwargs["offset"] = p.Offset
	}
	v, err := c.execute(ctx, r)
	if err != nil {
		return nil, err
	}
	rows, err := toRecords(v, r)
	if err != nil {
		return nil, err
	}
	out := make([]Group, 0, len(rows))
	for _, row := range rows {
		g := Group{Keys: map[string]GroupKey{}, Aggregates: map[string]any{}}
		for _, gb := range p.GroupBy {
			k, err := groupKey(row[gb], gb, nil)
			if err != nil {
				return nil, decodeError(r.method, model, "groupby %q: %w", gb, err)
			}
			g.Keys[gb] = k
		}
		for _, a := range aggs {
			g.Aggregates[a] = row[a]
		}
		if g.Count, err = decodeInt(row["__count"]); err != nil {
			return nil, decodeError(r.method, model, "__count: %w", err)
		}
		extra, err := domain.Parse(orEmpty(row["__extra_domain"]))
		if err != nil {
			return nil, decodeError(r.method, model, "__extra_domain: %w", err)
		}
		g.Domain = domain.And(dom, extra)
		out = append(out, g)
	}
	return out, nil
}

func (c *Client) legacyReadGroup(ctx context.Context, model string, dom domain.Domain, wire []any, p ReadGroupParams, aggs []string) ([]Group, error) {
	// "a0:sum(amount_total)" puts the value under "a0", so two
	// aggregates on one field do not collide.
	fields := make([]string, len(aggs))
	for i, a := range aggs {
		field, fn, _ := strings.Cut(a, ":")
		fields[i] = fmt.Sprintf("a%d:%s(%s)", i, fn, field)
	}
	r := &request{model: model, method: "read_group", params: []param{
		{"domain", wire},
		{"fields", nonNil(fields)},
		{"groupby", nonNil(p.GroupBy)},
	}, kwargs: map[string]any{"lazy": false}, context: p.Context}
	if p.Order != "" {
		r.kwargs["orderby"] = p.Order
	}
	if p.Limit > 0 {
		r.kwargs["limit"] = p.Limit
	}
	if p.Offset > 0 {
		r.kwargs["offset"] = p.Offset
	}
	v, err := c.execute(ctx, r)
	if err != nil {
		return nil, err
	}
	rows, err := toRecords(v, r)
	if err != nil {
		return nil, err
	}
	out := make([]Group, 0, len(rows))
	for _, row := range rows {
		g := Group{Keys: map[string]GroupKey{}, Aggregates: map[string]any{}}
		ranges, _ := row["__range"].(map[string]any)
		for _, gb := range p.GroupBy {
			rng, _ := ranges[gb].(map[string]any)
			k, err := groupKey(row[gb], gb, rng)
			if err != nil {
				return nil, decodeError(r.method, model, "groupby %q: %w", gb, err)
			}
			g.Keys[gb] = k
		}
		for i, a := range aggs {
			g.Aggregates[a] = row[fmt.Sprintf("a%d", i)]
		}
		if g.Count, err = decodeInt(row["__count"]); err != nil {
			return nil, decodeError(r.method, model, "__count: %w", err)
		}
		g.Domain = dom
		if raw, ok := row["__domain"]; ok {
			if g.Domain, err = domain.Parse(raw); err != nil {
				return nil, decodeError(r.method, model, "__domain: %w", err)
			}
		}
		out = append(out, g)
	}
	return out, nil
}

// groupKey decodes the value of one groupby spec: [id, name] for a
// many2one, [value, label] for a date on 19, a label plus __range on 16-18.
func groupKey(v any, spec string, rng map[string]any) (GroupKey, error) {
	if IsFalse(v) {
		return GroupKey{}, nil
	}
	_, granularity, dated := strings.Cut(spec, ":")
	if dated && isPeriodGranularity(granularity) {
		if pair, ok := v.([]any); ok && len(pair) == 2 {
			label, _ := pair[1].(string)
			return GroupKey{Value: pair[0], Label: label}, nil
		}
		label, _ := v.(string)
		if from, ok := rng["from"]; ok {
			return GroupKey{Value: from, Label: label}, nil
		}
		return GroupKey{Value: v, Label: label}, nil
	}
	if pair, ok := v.([]any); ok && len(pair) == 2 {
		m, err := decodeMany2One(pair)
		if err != nil {
			return GroupKey{}, err
		}
		return GroupKey{Value: m.ID, Label: m.Name}, nil
	}
	return GroupKey{Value: v}, nil
}

func isPeriodGranularity(g string) bool {
	switch g {
	case "day", "week", "month", "quarter", "year":
		return true
	}
	return false
}

// orEmpty returns v, or an empty list for a missing value.
func orEmpty(v any) any {
	if v == nil {
		return []any{}
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

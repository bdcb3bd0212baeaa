package odoosim

import (
	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// readGroup is the legacy read_group(domain, fields, groupby, offset,
// limit, orderby, lazy) of Odoo 16-18 (deprecated, still served, in 19).
func (c *call) readGroup() (any, error) {
	if c.s.major >= 19 {
		c.s.log.Debug("odoosim: read_group is deprecated since 19.0; use formatted_read_group", "model", c.m.name)
	}
	fieldSpecs, err := c.argStrings("fields")
	if err != nil {
		return nil, err
	}
	groupSpecs, err := c.argStrings("groupby")
	if err != nil {
		return nil, err
	}
	lazy := c.argBool("lazy", true)
	gbs, err := c.parseGroupBy(groupSpecs, false)
	if err != nil {
		return nil, err
	}
	used := gbs
	if lazy && len(gbs) > 1 {
		used = gbs[:1]
	}
	var aggs []*aggregate
	for _, spec := range fieldSpecs {
		if isGroupField(spec, gbs) {
			continue
		}
		a, err := c.parseAggregate(spec, false)
		if err != nil {
			return nil, err
		}
		if a != nil && a.fn != "__count" {
			aggs = append(aggs, a)
		}
	}
	userDomain, err := parseDomain(c.arg("domain"))
	if err != nil {
		return nil, err
	}
	groups, _, err := c.groupRecords(c.arg("domain"), used)
	if err != nil {
		return nil, err
	}
	countKey := "__count"
	if lazy && len(used) > 0 {
		countKey = used[0].f.name + "_count"
	}
	if err := c.sortGroups(groups, used, aggs, c.argString("orderby"), countKey); err != nil {
		return nil, err
	}
	offset, err := c.argInt("offset", 0)
	if err != nil {
		return nil, err
	}
	limit, err := c.argInt("limit", 0)
	if err != nil {
		return nil, err
	}
	groups = pageGroups(groups, offset, limit)
	out := make([]any, 0, len(groups))
	for _, g := range groups {
		o := &object{}
		for i, gb := range used {
			o.set(gb.spec, c.groupValue(gb, g.keys[i], false))
		}
		o.set(countKey, int64(len(g.ids)))
		for _, a := range aggs {
			o.set(a.alias, c.aggregateValue(a, g.ids))
		}
		cond, ranges := c.groupDomain(g, used)
		o.set("__domain", domain.And(cond, userDomain).Wire())
		if len(ranges.keys) > 0 {
			o.set("__range", ranges)
		}
		if lazy && len(gbs) > 1 {
			rest := make([]any, 0, len(gbs)-1)
			for _, gb := range gbs[1:] {
				rest = append(rest, gb.spec)
			}
			o.set("__context", newObject("group_by", rest))
		}
		out = append(out, o)
	}
	return out, nil
}

// isGroupField reports whether a read_group fields entry names a groupby
// field, which Odoo leaves out of the aggregates.
func isGroupField(spec string, gbs []groupBy) bool {
	for _, gb := range gbs {
		if spec == gb.spec || spec == gb.f.name {
			return true
		}
	}
	return false
}

func pageGroups(groups []*group, offset, limit int64) []*group {
	if offset > 0 {
		if offset >= int64(len(groups)) {
			return nil
		}
		groups = groups[offset:]
	}
	if limit > 0 && limit < int64(len(groups)) {
		groups = groups[:limit]
	}
	return groups
}

// formattedReadGroup is Odoo 19's formatted_read_group(domain, groupby,
// aggregates, having, offset, limit, order): keys are the spec strings,
// date groups are [value, label] pairs and each group carries its own
// __extra_domain. Without groupby there is exactly one group. having is
// accepted but not applied.
func (c *call) formattedReadGroup() (any, error) {
	groupSpecs, err := c.argStrings("groupby")
	if err != nil {
		return nil, err
	}
	aggSpecs, err := c.argStrings("aggregates")
	if err != nil {
		return nil, err
	}
	gbs, err := c.parseGroupBy(groupSpecs, true)
	if err != nil {
		return nil, err
	}
	aggs := make([]*aggregate, 0, len(aggSpecs))
	for _, spec := range aggSpecs {
		a, err := c.parseAggregate(spec, true)
		if err != nil {
			return nil, err
		}
		aggs = append(aggs, a)
	}
	groups, _, err := c.groupRecords(c.arg("domain"), gbs)
	if err != nil {
		return nil, err
	}
	if err := c.sortGroups(groups, gbs, aggs, c.argString("order")); err != nil {
		return nil, err
	}
	offset, err := c.argInt("offset", 0)
	if err != nil {
		return nil, err
	}
	limit, err := c.argInt("limit", 0)
	if err != nil {
		return nil, err
	}
	if len(gbs) > 0 {
		groups = pageGroups(groups, offset, limit)
	}
	out := make([]any, 0, len(groups))
	for _, g := range groups {
		o := &object{}
		for i, gb := range gbs {
			o.set(gb.spec, c.groupValue(gb, g.keys[i], true))
		}
		for _, a := range aggs {
			o.set(a.alias, c.aggregateValue(a, g.ids))
		}
		cond, _ := c.groupDomain(g, gbs)
		o.set("__extra_domain", cond.Wire())
		out = append(out, o)
	}
	return out, nil
}

package domain

import (
	"fmt"
	"strings"
)

// pred reports whether the record with the given id matches.
type pred func(id int64) bool

func always(b bool) pred { return func(int64) bool { return b } }

// Matcher is a domain compiled against a Source and a model. Compile it once
// per request and use it for every record: field lookups, value conversions
// and sub-searches happen once, and results about related records (the
// partner of an invoice, the lines of an order) are memoised. A Matcher is
// not safe for concurrent use.
type Matcher struct {
	src   Source
	model string
	pred  pred
}

// Compile compiles d for evaluating records of model in src. It returns a
// *FieldError for an unknown field (also inside dotted paths and "any"
// sub-domains) and an error prefixed "domain: " for any other invalid
// condition, such as "any" on a char field or a non-date value compared to a
// date field. opts may be nil.
func (d Domain) Compile(src Source, model string, opts *EvalOpts) (*Matcher, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	c := &compiler{src: src, reverse: map[relKey]map[int64][]int64{}}
	if opts != nil {
		c.opts = *opts
	}
	if c.opts.ActiveTest {
		d = c.withActive(model, d)
	}
	p, err := c.compile(model, d)
	if err != nil {
		return nil, err
	}
	return &Matcher{src: src, model: model, pred: p}, nil
}

// Match reports whether record id matches the domain.
func (m *Matcher) Match(id int64) bool { return m.pred(id) }

// Filter returns the ids that match the domain, in the given order.
func (m *Matcher) Filter(ids []int64) []int64 {
	out := make([]int64, 0, len(ids)/4)
	for _, id := range ids {
		if m.pred(id) {
			out = append(out, id)
		}
	}
	return out
}

// Search returns the ids of every record of the model that matches the
// domain, in the order the Source lists them. Pair it with
// EvalOpts.ActiveTest to get what Odoo's search returns before ordering and
// paging.
func (m *Matcher) Search() []int64 { return m.Filter(m.src.IDs(m.model)) }

// Match compiles d for model and reports whether record id matches it.
// Compile once instead when testing many records.
func (d Domain) Match(src Source, model string, id int64) (bool, error) {
	m, err := d.Compile(src, model, nil)
	if err != nil {
		return false, err
	}
	return m.Match(id), nil
}

// Filter compiles d for model and returns the ids that match it, in the
// given order.
func (d Domain) Filter(src Source, model string, ids []int64) ([]int64, error) {
	m, err := d.Compile(src, model, nil)
	if err != nil {
		return nil, err
	}
	return m.Filter(ids), nil
}

// relKey names a relational field of a model.
type relKey struct{ model, field string }

// compiler holds the state of one Compile call.
type compiler struct {
	src  Source
	opts EvalOpts
	// reverse caches, per one2many field, its comodel's records grouped by
	// the inverse many2one, and per hierarchy field, each record's children.
	reverse map[relKey]map[int64][]int64
}

func (c *compiler) compile(model string, d Domain) (pred, error) {
	switch d.Kind {
	case KindTrue:
		return always(true), nil
	case KindFalse:
		return always(false), nil
	case KindNot:
		p, err := c.compile(model, d.Children[0])
		if err != nil {
			return nil, err
		}
		return func(id int64) bool { return !p(id) }, nil
	case KindAnd, KindOr:
		ps := make([]pred, len(d.Children))
		for i, ch := range d.Children {
			p, err := c.compile(model, ch)
			if err != nil {
				return nil, err
			}
			ps[i] = p
		}
		if d.Kind == KindAnd {
			return andPred(ps), nil
		}
		return orPred(ps), nil
	case KindCond:
		return c.cond(model, d.Cond)
	}
	return nil, fmt.Errorf("domain: unknown node kind %d", d.Kind)
}

func andPred(ps []pred) pred {
	switch len(ps) {
	case 0:
		return always(true)
	case 1:
		return ps[0]
	case 2:
		a, b := ps[0], ps[1]
		return func(id int64) bool { return a(id) && b(id) }
	}
	return func(id int64) bool {
		for _, p := range ps {
			if !p(id) {
				return false
			}
		}
		return true
	}
}

func orPred(ps []pred) pred {
	switch len(ps) {
	case 0:
		return always(false)
	case 1:
		return ps[0]
	case 2:
		a, b := ps[0], ps[1]
		return func(id int64) bool { return a(id) || b(id) }
	}
	return func(id int64) bool {
		for _, p := range ps {
			if p(id) {
				return true
			}
		}
		return false
	}
}

// condError formats an error about condition cd on model.
func condError(model string, cd *Condition, format string, args ...any) error {
	return fmt.Errorf("domain: %s on model '%s': %s", cd, model, fmt.Sprintf(format, args...))
}

// field looks up a field, falling back to the built-in "id" and
// "display_name".
func (c *compiler) field(model, name string) (Field, error) {
	if f, ok := c.src.Field(model, name); ok {
		return f, nil
	}
	switch name {
	case "id":
		return Field{Type: typeID}, nil
	case "display_name":
		return Field{Type: typeDisplayName}, nil
	}
	return Field{}, &FieldError{Model: model, Field: name}
}

// getter returns a function reading field name of model's records.
func (c *compiler) getter(model, name string, f Field) func(int64) any {
	src := c.src
	switch f.Type {
	case typeID:
		return func(id int64) any { return id }
	case typeDisplayName:
		return func(id int64) any { return src.DisplayName(model, id) }
	}
	return func(id int64) any { return src.Value(model, id, name) }
}

// related returns a function listing the ids a relational field of model's
// records points to. The returned slice is only valid until the next call.
func (c *compiler) related(model, name string, f Field) func(int64) []int64 {
	src := c.src
	switch {
	case f.Type == TypeMany2one:
		buf := make([]int64, 1)
		return func(id int64) []int64 {
			if rid := toID(src.Value(model, id, name)); rid != 0 {
				buf[0] = rid
				return buf
			}
			return nil
		}
	case f.Type == TypeOne2many && f.InverseName != "":
		key := relKey{f.Relation, "\x00inverse:" + f.InverseName}
		return func(id int64) []int64 {
			idx, ok := c.reverse[key]
			if !ok {
				inverse := c.related(f.Relation, f.InverseName, Field{Type: TypeMany2one})
				idx = groupBy(src.IDs(f.Relation), inverse)
				c.reverse[key] = idx
			}
			return idx[id]
		}
	}
	return func(id int64) []int64 { return toIDs(src.Value(model, id, name)) }
}

// withActive adds Odoo's implicit ('active', '=', True) to d when model has
// an active field that d does not mention.
func (c *compiler) withActive(model string, d Domain) Domain {
	for _, name := range []string{"active", "x_active"} {
		f, ok := c.src.Field(model, name)
		if !ok {
			continue
		}
		if f.Type == TypeBoolean && !d.Mentions(name) {
			return And(Cond(name, OpEq, true), d)
		}
		return d
	}
	return d
}

func (c *compiler) cond(model string, cd *Condition) (pred, error) {
	name, rest, dotted := strings.Cut(cd.Path, ".")
	f, err := c.field(model, name)
	if err != nil {
		return nil, err
	}
	if f.Unsearchable {
		if c.opts.Ignored != nil {
			c.opts.Ignored(model, name)
		}
		return always(true), nil
	}
	if dotted {
		if !f.Type.Relational() || rest == "" {
			return nil, &FieldError{Model: model, Field: cd.Path}
		}
		// Odoo rewrites (a.b, op, v) as (a, any, [(b, op, v)]), whatever op.
		sub := &Condition{Path: rest, Op: cd.Op, Value: cd.Value}
		return c.anyPred(model, name, f, Domain{Kind: KindCond, Cond: sub})
	}
	op, neg := cd.Op.positive()
	if !neg {
		op = cd.Op
	}
	p, err := c.positive(model, name, f, op, cd)
	if err != nil || !neg {
		return p, err
	}
	return func(id int64) bool { return !p(id) }, nil
}

// positive compiles cd with its operator replaced by the positive op.
func (c *compiler) positive(model, name string, f Field, op Op, cd *Condition) (pred, error) {
	value := cd.Value
	if op == OpEqIfSet {
		if value == false {
			return always(true), nil
		}
		op = OpEq
		if _, ok := value.([]any); ok {
			op = OpIn
		}
	}
	switch op {
	case OpAny:
		if !f.Type.Relational() {
			return nil, condError(model, cd, "operator %q needs a relational field, '%s' is %s", cd.Op, name, typeName(f.Type))
		}
		return c.anyPred(model, name, f, value.(Domain))
	case OpChildOf, OpParentOf:
		return c.hierarchy(model, name, f, op, cd)
	}
	if f.Type.Relational() {
		return c.relational(model, name, f, op, cd)
	}
	return c.scalar(model, name, f, op, cd)
}

// anyPred compiles (name, any, sub): some record linked through relational
// field name matches sub, evaluated on the comodel. Results per related
// record are memoised.
func (c *compiler) anyPred(model, name string, f Field, sub Domain) (pred, error) {
	if f.Relation == "" {
		return nil, fmt.Errorf("domain: relational field '%s' on model '%s' has no comodel", name, model)
	}
	if f.Type != TypeMany2one && c.opts.ActiveTest {
		sub = c.withActive(f.Relation, sub)
	}
	sp, err := c.compile(f.Relation, sub)
	if err != nil {
		return nil, err
	}
	// Memoise per related record, except through a one2many whose records
	// each belong to a single parent, so a cache would never hit.
	if sub.Kind != KindTrue && f.Type != TypeOne2many {
		inner, memo := sp, map[int64]bool{}
		sp = func(rid int64) bool {
			r, ok := memo[rid]
			if !ok {
				r = inner(rid)
				memo[rid] = r
			}
			return r
		}
	}
	if f.Type == TypeMany2one {
		src := c.src
		return func(id int64) bool {
			rid := toID(src.Value(model, id, name))
			return rid != 0 && sp(rid)
		}, nil
	}
	rel := c.related(model, name, f)
	return func(id int64) bool {
		for _, rid := range rel(id) {
			if sp(rid) {
				return true
			}
		}
		return false
	}, nil
}

// relational compiles a positive, non-"any", non-hierarchy condition on a
// relational field.
func (c *compiler) relational(model, name string, f Field, op Op, cd *Condition) (pred, error) {
	value := cd.Value
	if isNameValue(op, value) {
		// Odoo resolves names with a name search on the comodel: the
		// condition holds when a linked record's display name matches.
		// Inequalities against a name degrade to "=", as in Odoo.
		nop := op
		switch op {
		case OpLt, OpLe, OpGt, OpGe:
			nop = OpEq
		}
		sub := &Condition{Path: "display_name", Op: nop, Value: value}
		return c.anyPred(model, name, f, Domain{Kind: KindCond, Cond: sub})
	}
	if f.Type == TypeMany2one {
		return c.scalar(model, name, f, op, cd)
	}
	// x2many compared with ids: some linked record is one of them; False in
	// the list (or = False) matches records with no linked record.
	set, matchEmpty, err := idSet(value)
	if err != nil {
		return nil, condError(model, cd, "%v", err)
	}
	rel := c.related(model, name, f)
	return func(id int64) bool {
		rids := rel(id)
		if len(rids) == 0 {
			return matchEmpty
		}
		for _, rid := range rids {
			if _, ok := set[rid]; ok {
				return true
			}
		}
		return false
	}, nil
}

// isNameValue reports whether a relational condition compares display names:
// the value is a string or a non-empty list of strings, or the operator is a
// pattern match.
func isNameValue(op Op, value any) bool {
	switch op {
	case OpLike, OpILike, OpEqLike, OpEqILike:
		return true
	}
	switch v := value.(type) {
	case string:
		return true
	case []any:
		if len(v) == 0 {
			return false
		}
		for _, it := range v {
			if _, ok := it.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// idSet converts the value of an x2many condition into a set of ids, and
// whether records with no linked record match.
func idSet(value any) (map[int64]struct{}, bool, error) {
	items, ok := value.([]any)
	if !ok {
		items = []any{value}
	}
	set := make(map[int64]struct{}, len(items))
	matchEmpty := false
	for _, it := range items {
		switch v := it.(type) {
		case bool:
			if v {
				return nil, false, fmt.Errorf("want record ids, got true")
			}
			matchEmpty = true
		case int64:
			if v == 0 {
				matchEmpty = true
				continue
			}
			set[v] = struct{}{}
		default:
			return nil, false, fmt.Errorf("want record ids, got %s", describe(it))
		}
	}
	return set, matchEmpty, nil
}

func typeName(t FieldType) string {
	switch t {
	case typeID:
		return "the record id"
	case typeDisplayName:
		return "the display name"
	}
	return string(t)
}

// groupBy indexes ids by the keys each one has, such as a one2many's records
// by their parent. The slices keys returns are not retained; the index's
// slices share one backing array.
func groupBy(ids []int64, keys func(int64) []int64) map[int64][]int64 {
	type pair struct{ key, id int64 }
	pairs := make([]pair, 0, len(ids))
	counts := map[int64]int{}
	for _, id := range ids {
		for _, k := range keys(id) {
			pairs = append(pairs, pair{k, id})
			counts[k]++
		}
	}
	backing := make([]int64, len(pairs))
	idx := make(map[int64][]int64, len(counts))
	off := 0
	for _, p := range pairs {
		s, ok := idx[p.key]
		if !ok {
			n := counts[p.key]
			s = backing[off : off : off+n]
			off += n
		}
		idx[p.key] = append(s, p.id)
	}
	return idx
}

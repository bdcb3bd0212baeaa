package domain

import (
	"encoding/json"
	"fmt"
	"iter"
	"strings"
)

// Op is the operator of a condition, such as "=" or "child_of". Operators are
// lower case; Parse and Cond normalise "<>" to "!=".
type Op string

// The operators Odoo accepts in a condition. OpNotEqLike and OpNotEqILike are
// the Odoo 19 spellings of a negated "=like" / "=ilike"; older servers only
// understand them wrapped in "!" instead.
const (
	OpEq         Op = "="
	OpNe         Op = "!="
	OpLt         Op = "<"
	OpLe         Op = "<="
	OpGt         Op = ">"
	OpGe         Op = ">="
	OpEqIfSet    Op = "=?"
	OpLike       Op = "like"
	OpNotLike    Op = "not like"
	OpILike      Op = "ilike"
	OpNotILike   Op = "not ilike"
	OpEqLike     Op = "=like"
	OpNotEqLike  Op = "not =like"
	OpEqILike    Op = "=ilike"
	OpNotEqILike Op = "not =ilike"
	OpIn         Op = "in"
	OpNotIn      Op = "not in"
	OpChildOf    Op = "child_of"
	OpParentOf   Op = "parent_of"
	OpAny        Op = "any"
	OpNotAny     Op = "not any"
)

// Valid reports whether o is an operator Odoo accepts in a condition.
func (o Op) Valid() bool {
	switch o {
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpEqIfSet,
		OpLike, OpNotLike, OpILike, OpNotILike,
		OpEqLike, OpNotEqLike, OpEqILike, OpNotEqILike,
		OpIn, OpNotIn, OpChildOf, OpParentOf, OpAny, OpNotAny:
		return true
	}
	return false
}

// Negative reports whether o is a negative operator ("!=", "not in",
// "not like", "not ilike", "not =like", "not =ilike" or "not any"). A
// negative condition matches exactly the records its positive counterpart
// does not match, including records where the field is not set.
func (o Op) Negative() bool {
	_, ok := o.positive()
	return ok
}

// positive returns the positive counterpart of a negative operator.
func (o Op) positive() (Op, bool) {
	switch o {
	case OpNe:
		return OpEq, true
	case OpNotIn:
		return OpIn, true
	case OpNotLike:
		return OpLike, true
	case OpNotILike:
		return OpILike, true
	case OpNotEqLike:
		return OpEqLike, true
	case OpNotEqILike:
		return OpEqILike, true
	case OpNotAny:
		return OpAny, true
	}
	return "", false
}

// Inverse returns the operator whose condition is the exact complement of
// o's, and false when there is none (inequalities, "=?", "child_of",
// "parent_of"). Inequalities have no inverse because neither "<" nor ">="
// matches a record whose field is not set.
func (o Op) Inverse() (Op, bool) {
	if p, ok := o.positive(); ok {
		return p, true
	}
	switch o {
	case OpEq:
		return OpNe, true
	case OpIn:
		return OpNotIn, true
	case OpLike:
		return OpNotLike, true
	case OpILike:
		return OpNotILike, true
	case OpEqLike:
		return OpNotEqLike, true
	case OpEqILike:
		return OpNotEqILike, true
	case OpAny:
		return OpNotAny, true
	}
	return "", false
}

// Kind identifies the shape of a Domain node.
type Kind uint8

// The kinds of Domain nodes. The zero Kind is KindTrue, so the zero Domain
// matches every record, like the empty wire domain [].
const (
	KindTrue  Kind = iota // matches every record: [] or [(1, '=', 1)]
	KindFalse             // matches no record: [(0, '=', 1)]
	KindAnd               // all Children match
	KindOr                // at least one of Children matches
	KindNot               // Children[0] does not match
	KindCond              // Cond matches
)

// Domain is a parsed Odoo domain: a tree of AND, OR and NOT nodes over
// conditions. Build one with Parse, ParseJSON or the builder functions (And,
// Or, Not, Cond, Any, True, False), which keep it normalised: AND and OR
// nodes are flattened and have at least two children, constants are folded
// away, and a negated condition on a plain field uses the inverse operator
// instead of a NOT node when one exists. The zero Domain matches every
// record. Domains are values; treat them as immutable.
type Domain struct {
	// Kind is the node type.
	Kind Kind
	// Children are the operands of a KindAnd or KindOr node (two or more)
	// or of a KindNot node (exactly one). It is nil for other kinds.
	Children []Domain
	// Cond is the condition of a KindCond node, and nil for other kinds.
	Cond *Condition
}

// Condition is one (field path, operator, value) term of a domain.
type Condition struct {
	// Path is a field name, or a dotted path through relational fields such
	// as "partner_id.country_id.code".
	Path string
	// Op is the operator, always lower case.
	Op Op
	// Value is the normalised right-hand side: false (for Odoo's False and
	// None), bool, int64, float64 (only for non-integral numbers), string,
	// a []any of those scalars, or a Domain for OpAny and OpNotAny.
	Value any

	// err records a value Cond could not normalise, so that Compile and
	// Validate can report it; Parse never sets it.
	err error
}

// True returns the domain matching every record.
func True() Domain { return Domain{} }

// False returns the domain matching no record.
func False() Domain { return Domain{Kind: KindFalse} }

// And returns the conjunction of ds. And() is True.
func And(ds ...Domain) Domain { return nary(KindAnd, ds) }

// Or returns the disjunction of ds. Or() is False.
func Or(ds ...Domain) Domain { return nary(KindOr, ds) }

func nary(kind Kind, ds []Domain) Domain {
	unit, zero := KindTrue, KindFalse
	if kind == KindOr {
		unit, zero = KindFalse, KindTrue
	}
	var children []Domain
	for _, d := range ds {
		switch d.Kind {
		case unit:
			continue
		case zero:
			return Domain{Kind: zero}
		case kind:
			children = append(children, d.Children...)
		default:
			children = append(children, d)
		}
	}
	switch len(children) {
	case 0:
		return Domain{Kind: unit}
	case 1:
		return children[0]
	}
	return Domain{Kind: kind, Children: children}
}

// Not returns the negation of d. Double negations cancel, constants flip,
// and a condition on a plain (undotted) field whose operator has an inverse
// becomes that inverse condition, as Odoo does: Not(Cond("a", "=", 1)) is
// Cond("a", "!=", 1). Negated "=like" and "=ilike" keep the NOT node, since
// "not =like" and "not =ilike" are understood only by Odoo 19. A dotted path
// keeps the NOT node, because
// ('order_line.product_id', '!=', 5) means "some line has another product",
// not "no line has product 5".
func Not(d Domain) Domain {
	switch d.Kind {
	case KindTrue:
		return False()
	case KindFalse:
		return True()
	case KindNot:
		if len(d.Children) == 1 {
			return d.Children[0]
		}
	case KindCond:
		if d.Cond == nil {
			break
		}
		// "=like" and "=ilike" keep the NOT node: their inverses exist on
		// the wire only since Odoo 19, and Wire must stay valid for 16-18.
		op := d.Cond.Op
		if inv, ok := op.Inverse(); ok && op != OpEqLike && op != OpEqILike &&
			!strings.Contains(d.Cond.Path, ".") && d.Cond.err == nil {
			c := *d.Cond
			c.Op = inv
			return Domain{Kind: KindCond, Cond: &c}
		}
	}
	return Domain{Kind: KindNot, Children: []Domain{d}}
}

// Cond returns the condition (path, op, value). The operator is normalised
// like Parse does ("<>" becomes "!=", upper case is lowered, "in" with a
// boolean becomes "=", "=" with a list becomes "in") and so is the value:
// nil means false, Go integer and float types become int64 or float64, typed
// slices such as []int64 or []string become []any, and a []any value of
// OpAny is parsed as a sub-domain. A value or operator that cannot be used is
// reported by Validate, Compile, Match and Filter.
func Cond(path string, op Op, value any) Domain {
	c, err := newCondition(path, string(op), value)
	if err != nil {
		c = Condition{Path: path, Op: op, Value: value, err: fmt.Errorf("domain: condition on %q: %w", path, err)}
	}
	return Domain{Kind: KindCond, Cond: &c}
}

// Any returns the condition (path, "any", sub): some record linked through
// the relational field path matches sub.
func Any(path string, sub Domain) Domain { return Cond(path, OpAny, sub) }

// NotAny returns the condition (path, "not any", sub): no record linked
// through the relational field path matches sub.
func NotAny(path string, sub Domain) Domain { return Cond(path, OpNotAny, sub) }

// Validate reports whether d is well formed: every condition has a non-empty
// path, a valid operator and a usable value, and every node has the right
// number of children. Domains from Parse are always well formed. Validate
// does not look at fields; Compile does.
func (d Domain) Validate() error {
	switch d.Kind {
	case KindTrue, KindFalse:
		return nil
	case KindAnd, KindOr:
		for _, c := range d.Children {
			if err := c.Validate(); err != nil {
				return err
			}
		}
		return nil
	case KindNot:
		if len(d.Children) != 1 {
			return fmt.Errorf("domain: \"!\" node has %d operands, want 1", len(d.Children))
		}
		return d.Children[0].Validate()
	case KindCond:
		c := d.Cond
		if c == nil {
			return fmt.Errorf("domain: condition node without a condition")
		}
		if c.err != nil {
			return c.err
		}
		if c.Path == "" {
			return fmt.Errorf("domain: condition with an empty field name")
		}
		if !c.Op.Valid() {
			return fmt.Errorf("domain: %s: unknown operator %q", c, c.Op)
		}
		if sub, ok := c.Value.(Domain); ok {
			if err := sub.Validate(); err != nil {
				return fmt.Errorf("domain: %s: sub-domain: %w", c, err)
			}
		} else if c.Op == OpAny || c.Op == OpNotAny {
			return fmt.Errorf("domain: %s: operator %q needs a domain value, got %T", c, c.Op, c.Value)
		}
		return nil
	}
	return fmt.Errorf("domain: unknown node kind %d", d.Kind)
}

// Wire returns d in Odoo's wire form, ready to be sent as JSON or XML-RPC:
// a list in prefix notation with explicit "&" and "|" operators, where each
// condition is a 3-element list. True is the empty list; False is
// [[0, "=", 1]].
func (d Domain) Wire() []any {
	if d.Kind == KindTrue {
		return []any{}
	}
	return d.appendWire(make([]any, 0, 4))
}

func (d Domain) appendWire(out []any) []any {
	switch d.Kind {
	case KindTrue:
		return append(out, []any{int64(1), "=", int64(1)})
	case KindFalse:
		return append(out, []any{int64(0), "=", int64(1)})
	case KindAnd, KindOr:
		op := "&"
		if d.Kind == KindOr {
			op = "|"
		}
		for i := 1; i < len(d.Children); i++ {
			out = append(out, op)
		}
		if len(d.Children) == 0 { // hand-built node: And() is True, Or() is False
			if d.Kind == KindAnd {
				return True().appendWire(out)
			}
			return False().appendWire(out)
		}
		for _, c := range d.Children {
			out = c.appendWire(out)
		}
		return out
	case KindNot:
		out = append(out, "!")
		for _, c := range d.Children {
			out = c.appendWire(out)
		}
		return out
	case KindCond:
		if d.Cond == nil { // invalid hand-built node, reported by Validate
			return True().appendWire(out)
		}
		return append(out, d.Cond.wire())
	}
	return out
}

func (c *Condition) wire() []any {
	v := c.Value
	switch x := v.(type) {
	case Domain:
		v = x.Wire()
	case []any:
		v = append([]any{}, x...)
	}
	return []any{c.Path, string(c.Op), v}
}

// String returns the condition in JSON wire form, for messages.
func (c *Condition) String() string {
	b, err := json.Marshal(c.wire())
	if err != nil {
		return fmt.Sprintf("[%q, %q, %v]", c.Path, c.Op, c.Value)
	}
	return string(b)
}

// String returns d's wire form encoded as JSON.
func (d Domain) String() string {
	b, err := json.Marshal(d.Wire())
	if err != nil {
		return fmt.Sprintf("%v", d.Wire())
	}
	return string(b)
}

// MarshalJSON encodes d's wire form.
func (d Domain) MarshalJSON() ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(d.Wire())
}

// UnmarshalJSON parses a JSON wire domain into d, like ParseJSON.
func (d *Domain) UnmarshalJSON(data []byte) error {
	p, err := ParseJSON(data)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Conditions yields d's conditions in wire order. It does not descend into
// the sub-domains of "any" and "not any" conditions.
func (d Domain) Conditions() iter.Seq[Condition] {
	return func(yield func(Condition) bool) {
		d.walk(yield)
	}
}

func (d Domain) walk(yield func(Condition) bool) bool {
	if d.Kind == KindCond && d.Cond != nil {
		return yield(*d.Cond)
	}
	for _, c := range d.Children {
		if !c.walk(yield) {
			return false
		}
	}
	return true
}

// Mentions reports whether a condition of d, outside "any" sub-domains, has
// exactly path field. Odoo uses this test, with field "active", to decide
// whether search adds its implicit ('active', '=', True) filter: see the
// package documentation on active_test.
func (d Domain) Mentions(field string) bool {
	for c := range d.Conditions() {
		if c.Path == field {
			return true
		}
	}
	return false
}

// MentionsActive reports whether d mentions field "active", in which case
// Odoo does not add the implicit ('active', '=', True) filter.
func (d Domain) MentionsActive() bool { return d.Mentions("active") }

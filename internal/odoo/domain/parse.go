package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
)

// maxExactFloat is the largest magnitude below which every integral float64
// is an exact integer; such floats are normalised to int64.
const maxExactFloat = 1 << 53

// Parse parses a domain in decoded wire form: a []any (or any other slice)
// whose items are the strings "&", "|" and "!" and 3-element term lists
// [field, operator, value], as produced by decoding JSON or XML-RPC. Numbers
// may be any Go integer or float type or json.Number.
//
// Consecutive items are implicitly AND-ed; "&" and "|" take the next two
// items and "!" the next one; the empty list is True; the leaves
// [1, "=", 1] and [0, "=", 1] are True and False. Operators are lowered and
// "<>" becomes "!="; "==" and other unknown operators are errors. "in" with
// a boolean value becomes "=", "=" with a list becomes "in", and "in" with a
// single scalar gets it wrapped in a list. The value of "any" and
// "not any" is parsed as a sub-domain. Errors name the 1-based position of
// the offending item, for example
//
//	domain: term 3: unknown operator "=~"
//
// Parse checks syntax only; fields are checked by Compile.
func Parse(wire any) (Domain, error) {
	if d, ok := wire.(Domain); ok {
		return d, d.Validate()
	}
	items, ok := toList(wire)
	if !ok {
		return Domain{}, fmt.Errorf("domain: want a list, got %s", describe(wire))
	}
	d, err := parseList(items)
	if err != nil {
		return Domain{}, fmt.Errorf("domain: %w", err)
	}
	return d, nil
}

// ParseJSON parses a JSON-encoded wire domain such as
// [["state","=","posted"],["amount_total",">",100]]. Numbers are decoded
// exactly (as json.Number) before normalisation.
func ParseJSON(data []byte) (Domain, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return Domain{}, fmt.Errorf("domain: decoding JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Domain{}, errors.New("domain: decoding JSON: unexpected data after the domain")
	}
	return Parse(v)
}

// parseList parses the items of one (sub-)domain list. Errors carry no
// "domain: " prefix; callers add it.
func parseList(items []any) (Domain, error) {
	stack := make([]*rawNode, 0, len(items))
	for i := len(items) - 1; i >= 0; i-- {
		pos := i + 1
		if s, ok := items[i].(string); ok {
			arity := 0
			switch s {
			case "&", "|":
				arity = 2
			case "!":
				arity = 1
			default:
				return Domain{}, fmt.Errorf("term %d: unexpected %q: want \"&\", \"|\", \"!\" or a [field, operator, value] term", pos, s)
			}
			if len(stack) < arity {
				return Domain{}, fmt.Errorf("term %d: operator %q needs %d operands, got %d", pos, s, arity, len(stack))
			}
			n := &rawNode{op: s[0], kids: make([]*rawNode, arity)}
			for k := range n.kids { // the operand nearest the operator is on top
				n.kids[k] = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, n)
			continue
		}
		term, ok := toList(items[i])
		if !ok {
			return Domain{}, fmt.Errorf("term %d: unexpected %s: want \"&\", \"|\", \"!\" or a [field, operator, value] term", pos, describe(items[i]))
		}
		d, err := parseTerm(term)
		if err != nil {
			return Domain{}, fmt.Errorf("term %d: %w", pos, err)
		}
		stack = append(stack, &rawNode{term: d})
	}
	// The stack holds the top-level items last-first; they are AND-ed.
	top := &rawNode{op: '&', kids: make([]*rawNode, len(stack))}
	for k := range stack {
		top.kids[k] = stack[len(stack)-1-k]
	}
	return top.domain(), nil
}

// rawNode is an item of a prefix list before normalisation. Parsing builds
// these first so that chains of "&" or "|" (as Odoo's AND() and OR() emit
// them) are flattened in one pass instead of being copied at every level.
type rawNode struct {
	op   byte // '&', '|', '!', or 0 for a term
	kids []*rawNode
	term Domain
}

// domain normalises n with the builder functions.
func (n *rawNode) domain() Domain {
	switch n.op {
	case 0:
		return n.term
	case '!':
		neg := false
		for n.op == '!' {
			neg, n = !neg, n.kids[0]
		}
		if neg {
			return Not(n.domain())
		}
		return n.domain()
	}
	var children []Domain
	todo := []*rawNode{n}
	for len(todo) > 0 {
		m := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for m.op == '!' && m.kids[0].op == '!' { // !!x is x
			m = m.kids[0].kids[0]
		}
		if m.op == n.op {
			for k := len(m.kids) - 1; k >= 0; k-- {
				todo = append(todo, m.kids[k])
			}
			continue
		}
		children = append(children, m.domain())
	}
	if n.op == '|' {
		return Or(children...)
	}
	return And(children...)
}

func parseTerm(term []any) (Domain, error) {
	if len(term) != 3 {
		return Domain{}, fmt.Errorf("a term must have 3 elements [field, operator, value], got %d", len(term))
	}
	op, ok := term[1].(string)
	if !ok {
		return Domain{}, fmt.Errorf("operator must be a string, got %s", describe(term[1]))
	}
	path, ok := term[0].(string)
	if !ok {
		// Only the constant leaves (1, '=', 1) and (0, '=', 1) have a
		// non-string left side.
		l, lerr := normScalar(term[0])
		r, rerr := normScalar(term[2])
		if lerr == nil && rerr == nil && op == "=" && r == int64(1) {
			switch l {
			case int64(1):
				return True(), nil
			case int64(0):
				return False(), nil
			}
		}
		return Domain{}, fmt.Errorf("field name must be a string, got %s", describe(term[0]))
	}
	if path == "" {
		return Domain{}, errors.New("field name must not be empty")
	}
	c, err := newCondition(path, op, term[2])
	if err != nil {
		return Domain{}, err
	}
	return Domain{Kind: KindCond, Cond: &c}, nil
}

// newCondition normalises a condition's operator and value.
func newCondition(path, rawOp string, value any) (Condition, error) {
	op := Op(strings.ToLower(rawOp))
	if op == "<>" {
		op = OpNe
	}
	if !op.Valid() {
		if op == "==" {
			return Condition{}, fmt.Errorf("unknown operator %q (Odoo spells equality \"=\")", rawOp)
		}
		return Condition{}, fmt.Errorf("unknown operator %q", rawOp)
	}
	c := Condition{Path: path, Op: op}
	if op == OpAny || op == OpNotAny {
		switch v := value.(type) {
		case Domain:
			if err := v.Validate(); err != nil {
				return Condition{}, err
			}
			c.Value = v
			return c, nil
		}
		items, ok := toList(value)
		if !ok {
			return Condition{}, fmt.Errorf("operator %q needs a domain (a list), got %s", op, describe(value))
		}
		sub, err := parseList(items)
		if err != nil {
			return Condition{}, fmt.Errorf("sub-domain of %q: %w", path, err)
		}
		c.Value = sub
		return c, nil
	}
	if items, ok := toList(value); ok {
		list := make([]any, len(items))
		for i, it := range items {
			v, err := normScalar(it)
			if err != nil {
				return Condition{}, fmt.Errorf("value item %d: %w", i+1, err)
			}
			list[i] = v
		}
		c.Value = list
		switch op {
		case OpEq:
			c.Op = OpIn
		case OpNe:
			c.Op = OpNotIn
		}
		return c, nil
	}
	v, err := normScalar(value)
	if err != nil {
		return Condition{}, fmt.Errorf("value: %w", err)
	}
	c.Value = v
	if op == OpIn || op == OpNotIn {
		if _, isBool := v.(bool); isBool {
			// Odoo: "The domain term ... should use the '=' or '!=' operator."
			c.Op = OpEq
			if op == OpNotIn {
				c.Op = OpNe
			}
		} else {
			c.Value = []any{v}
		}
	}
	return c, nil
}

// normScalar normalises one scalar value: nil becomes false, integers
// int64, integral floats int64 and other floats float64.
func normScalar(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return false, nil
	case bool, string, int64:
		return x, nil
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint:
		return normUint(uint64(x))
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		return normUint(x)
	case float32:
		return normFloat(float64(x))
	case float64:
		return normFloat(x)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("invalid number %q", string(x))
		}
		return normFloat(f)
	}
	if _, ok := toList(v); ok {
		return nil, fmt.Errorf("unexpected nested list %s", describe(v))
	}
	return nil, fmt.Errorf("unsupported value %s", describe(v))
}

func normUint(u uint64) (any, error) {
	if u > math.MaxInt64 {
		return normFloat(float64(u))
	}
	return int64(u), nil
}

func normFloat(f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("unsupported number %v", f)
	}
	if f == math.Trunc(f) && math.Abs(f) <= maxExactFloat {
		return int64(f), nil
	}
	return f, nil
}

// toList returns v's items when v is a list: a []any, or any other slice or
// array except []byte.
func toList(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case nil, string, []byte, Domain:
		return nil, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// describe renders a wire value for an error message.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", v)
	}
	if b, err := json.Marshal(v); err == nil && len(b) <= 80 {
		return string(b)
	}
	return fmt.Sprintf("a value of type %T", v)
}

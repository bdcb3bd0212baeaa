package domain

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestParseNormalises(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want string // JSON of Wire()
	}{
		{"empty", `[]`, `[]`},
		{"implicit and", `[["a","=",1],["b","=",2],["c","=",3]]`, `["\u0026","\u0026",["a","=",1],["b","=",2],["c","=",3]]`},
		{"explicit and flattened", `["&","&",["a","=",1],["b","=",2],["c","=",3]]`, `["\u0026","\u0026",["a","=",1],["b","=",2],["c","=",3]]`},
		{"nested and flattened", `["&",["a","=",1],"&",["b","=",2],["c","=",3]]`, `["\u0026","\u0026",["a","=",1],["b","=",2],["c","=",3]]`},
		{"or then implicit and", `["|",["a","=",1],["b","=",2],["c","=",3]]`, `["\u0026","|",["a","=",1],["b","=",2],["c","=",3]]`},
		{"or of and", `["|",["a","=",1],"&",["b","=",2],["c","=",3]]`, `["|",["a","=",1],"\u0026",["b","=",2],["c","=",3]]`},
		{"not eq flips", `["!",["a","=",1]]`, `[["a","!=",1]]`},
		{"not in flips", `["!",["a","in",[1,2]]]`, `[["a","not in",[1,2]]]`},
		{"not not ilike flips", `["!",["a","not ilike","x"]]`, `[["a","ilike","x"]]`},
		{"not any flips", `["!",["a","any",[["b","=",1]]]]`, `[["a","not any",[["b","=",1]]]]`},
		{"not =like kept for old servers", `["!",["a","=like","x%"]]`, `["!",["a","=like","x%"]]`},
		{"not not =like flips", `["!",["a","not =ilike","x%"]]`, `[["a","=ilike","x%"]]`},
		{"not lt kept", `["!",["a","<",1]]`, `["!",["a","\u003c",1]]`},
		{"not child_of kept", `["!",["id","child_of",1]]`, `["!",["id","child_of",1]]`},
		{"not dotted kept", `["!",["a.b","=",1]]`, `["!",["a.b","=",1]]`},
		{"double not cancels", `["!","!",["a","<",1]]`, `[["a","\u003c",1]]`},
		{"not or kept", `["!","|",["a","=",1],["b","=",2]]`, `["!","|",["a","=",1],["b","=",2]]`},
		{"true leaf", `[[1,"=",1]]`, `[]`},
		{"true leaf as floats", `[[1.0,"=",1.0]]`, `[]`},
		{"false leaf", `[[0,"=",1]]`, `[[0,"=",1]]`},
		{"not false leaf", `["!",[0,"=",1]]`, `[]`},
		{"and with false", `[["a","=",1],[0,"=",1]]`, `[[0,"=",1]]`},
		{"or with true", `["|",[1,"=",1],["a","=",1]]`, `[]`},
		{"and with true", `["&",[1,"=",1],["a","=",1]]`, `[["a","=",1]]`},
		{"diamond", `[["a","<>",1]]`, `[["a","!=",1]]`},
		{"upper case", `[["a","NOT ILIKE","x"]]`, `[["a","not ilike","x"]]`},
		{"in bool becomes eq", `[["a","in",false]]`, `[["a","=",false]]`},
		{"not in bool becomes ne", `[["a","not in",true]]`, `[["a","!=",true]]`},
		{"eq list becomes in", `[["a","=",[1,2]]]`, `[["a","in",[1,2]]]`},
		{"ne list becomes not in", `[["a","!=",[1,2]]]`, `[["a","not in",[1,2]]]`},
		{"in scalar wrapped", `[["a","in",5]]`, `[["a","in",[5]]]`},
		{"null is false", `[["a","=",null]]`, `[["a","=",false]]`},
		{"integral float is int", `[["a","=",5.0]]`, `[["a","=",5]]`},
		{"float kept", `[["a","=",1.5]]`, `[["a","=",1.5]]`},
		{"any sub-domain normalised", `[["a","any",[["b","=",1],["c","<>",2]]]]`, `[["a","any",["\u0026",["b","=",1],["c","!=",2]]]]`},
		{"any empty", `[["a","any",[]]]`, `[["a","any",[]]]`},
		{"eq if set kept", `[["a","=?",false]]`, `[["a","=?",false]]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := ParseJSON([]byte(tc.in))
			if err != nil {
				t.Fatalf("ParseJSON(%s): %v", tc.in, err)
			}
			b, err := json.Marshal(d.Wire())
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("Wire(%s) = %s, want %s", tc.in, b, tc.want)
			}
			again, err := Parse(d.Wire())
			if err != nil {
				t.Fatalf("Parse(Wire()): %v", err)
			}
			if !reflect.DeepEqual(again, d) {
				t.Errorf("Parse(Wire()) = %#v, want %#v", again, d)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
	}{
		{"unknown operator", `[["a","=",1],["b","=",2],["c","=~",3]]`, `domain: term 3: unknown operator "=~"`},
		{"double equals", `[["a","==",1]]`, `domain: term 1: unknown operator "==" (Odoo spells equality "=")`},
		{"position counts operators", `["&",["a","=",1],["b","=~",2]]`, `domain: term 3: unknown operator "=~"`},
		{"and missing operand", `["&",["a","=",1]]`, `domain: term 1: operator "&" needs 2 operands, got 1`},
		{"or missing operands", `[["a","=",1],"|"]`, `domain: term 2: operator "|" needs 2 operands, got 0`},
		{"not missing operand", `["!"]`, `domain: term 1: operator "!" needs 1 operands, got 0`},
		{"bare string", `[["a","=",1],"state"]`, `domain: term 2: unexpected "state"`},
		{"number item", `[5]`, `domain: term 1: unexpected 5: want`},
		{"short term", `[["a","="]]`, `domain: term 1: a term must have 3 elements`},
		{"long term", `[["a","=",1,2]]`, `domain: term 1: a term must have 3 elements [field, operator, value], got 4`},
		{"operator not string", `[["a",1,1]]`, `domain: term 1: operator must be a string`},
		{"field not string", `[[2,"=",1]]`, `domain: term 1: field name must be a string`},
		{"empty field", `[["","=",1]]`, `domain: term 1: field name must not be empty`},
		{"any needs list", `[["a","any",5]]`, `domain: term 1: operator "any" needs a domain (a list)`},
		{"any sub error", `[["x","=",1],["a","any",[["b","=~",1]]]]`, `domain: term 2: sub-domain of "a": term 1: unknown operator "=~"`},
		{"nested list value", `[["a","in",[[1,2]]]]`, `domain: term 1: value item 1: unexpected nested list`},
		{"object value", `[["a","=",{"x":1}]]`, `domain: term 1: value: unsupported value`},
		{"not a list", `{"a":1}`, `domain: want a list`},
		{"trailing data", `[] []`, `domain: decoding JSON: unexpected data after the domain`},
		{"bad json", `[`, `domain: decoding JSON`},
		{"huge number", `[["a","=",1e400]]`, `invalid number`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseJSON([]byte(tc.in))
			if err == nil {
				t.Fatalf("ParseJSON(%s): no error, want %q", tc.in, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseJSON(%s) error = %q, want it to contain %q", tc.in, err, tc.want)
			}
		})
	}
}

func TestParseDecodedValues(t *testing.T) {
	t.Parallel()
	// What XML-RPC and JSON decoders and Go callers produce.
	d, err := Parse([]any{
		[]any{"a", "in", []int64{1, 2}},
		[]any{"b", "=", int(7)},
		[]any{"c", "=", float64(2)},
		[]any{"d", "=", json.Number("3")},
		[]any{"e", "in", []string{"x"}},
		[]any{"f", "=", nil},
		[]any{"g", "=", uint8(9)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := And(
		Domain{Kind: KindCond, Cond: &Condition{Path: "a", Op: OpIn, Value: []any{int64(1), int64(2)}}},
		Domain{Kind: KindCond, Cond: &Condition{Path: "b", Op: OpEq, Value: int64(7)}},
		Domain{Kind: KindCond, Cond: &Condition{Path: "c", Op: OpEq, Value: int64(2)}},
		Domain{Kind: KindCond, Cond: &Condition{Path: "d", Op: OpEq, Value: int64(3)}},
		Domain{Kind: KindCond, Cond: &Condition{Path: "e", Op: OpIn, Value: []any{"x"}}},
		Domain{Kind: KindCond, Cond: &Condition{Path: "f", Op: OpEq, Value: false}},
		Domain{Kind: KindCond, Cond: &Condition{Path: "g", Op: OpEq, Value: int64(9)}},
	)
	if !reflect.DeepEqual(d, want) {
		t.Errorf("Parse = %s, want %s", d, want)
	}
	// A slice of terms typed [][]any parses too.
	d2, err := Parse([][]any{{"a", "=", 1}})
	if err != nil || d2.String() != `[["a","=",1]]` {
		t.Errorf("Parse([][]any) = %s, %v", d2, err)
	}
}

func TestBuilder(t *testing.T) {
	t.Parallel()
	d := And(
		Cond("state", "=", "posted"),
		Or(Cond("amount_total", ">", 100), Cond("partner_id.country_id.code", "=", "BE")),
		Not(Cond("id", OpIn, []int64{1, 2})),
	)
	if got, want := d.String(), `["\u0026","\u0026",["state","=","posted"],"|",["amount_total","\u003e",100],["partner_id.country_id.code","=","BE"],["id","not in",[1,2]]]`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
	p, err := Parse(d.Wire())
	if err != nil || !reflect.DeepEqual(p, d) {
		t.Errorf("Parse(Wire()) = %s, %v; want %s", p, err, d)
	}

	checks := []struct {
		name      string
		got, want Domain
	}{
		{"And() is True", And(), True()},
		{"Or() is False", Or(), False()},
		{"And(True, x) is x", And(True(), Cond("a", "=", 1)), Cond("a", "=", 1)},
		{"And(False, x) is False", And(Cond("a", "=", 1), False()), False()},
		{"Or(True, x) is True", Or(Cond("a", "=", 1), True()), True()},
		{"Not(Not(x)) is x", Not(Not(Cond("a", "<", 1))), Cond("a", "<", 1)},
		{"Cond normalises op", Cond("a", "<>", 1), Cond("a", OpNe, int64(1))},
		{"Cond any with list", Cond("a", OpAny, []any{[]any{"b", "=", 1}}), Any("a", Cond("b", "=", 1))},
		{"NotAny", Not(Any("a", True())), NotAny("a", True())},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %s, want %s", c.name, c.got, c.want)
		}
	}

	for _, bad := range []Domain{
		Cond("a", "==", 1),
		Cond("a", "=", map[string]int{}),
		Cond("", "=", 1),
		Cond("a", OpAny, 5),
		And(Cond("a", "=", 1), Cond("b", "=~", 1)),
	} {
		if err := bad.Validate(); err == nil || !strings.HasPrefix(err.Error(), "domain: ") {
			t.Errorf("Validate(%s) = %v, want a domain: error", bad, err)
		}
		if _, err := bad.MarshalJSON(); err == nil {
			t.Errorf("MarshalJSON(%s): no error", bad)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	type request struct {
		Domain Domain `json:"domain"`
	}
	var r request
	if err := json.Unmarshal([]byte(`{"domain":[["state","=","posted"],["amount_total",">",100.5]]}`), &r); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"domain":["\u0026",["state","=","posted"],["amount_total","\u003e",100.5]]}`; got != want {
		t.Errorf("round trip = %s, want %s", got, want)
	}
	if err := json.Unmarshal([]byte(`{"domain":[["a","==",1]]}`), &r); err == nil {
		t.Error("Unmarshal with == : no error")
	}
}

func TestMentions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want bool
	}{
		{`[]`, false},
		{`[["active","=",false]]`, true},
		{`["|",["name","=","x"],"!",["active","=",true]]`, true},
		{`[["active","in",[true,false]]]`, true},
		{`[["partner_id.active","=",true]]`, false},
		{`[["line_ids","any",[["active","=",true]]]]`, false},
		{`[["name","ilike","active"]]`, false},
	}
	for _, tc := range cases {
		d, err := ParseJSON([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if got := d.MentionsActive(); got != tc.want {
			t.Errorf("MentionsActive(%s) = %v, want %v", tc.in, got, tc.want)
		}
	}
	d, _ := ParseJSON([]byte(`["|",["a","=",1],["b.c","=",2]]`))
	var paths []string
	for c := range d.Conditions() {
		paths = append(paths, c.Path)
	}
	if strings.Join(paths, ",") != "a,b.c" {
		t.Errorf("Conditions() paths = %v", paths)
	}
}

// TestParseLongChains checks that long "&"/"|" chains, in the shapes Odoo's
// AND()/OR() and hand-written domains use, flatten into one node. With
// per-level copying these would take quadratic time.
func TestParseLongChains(t *testing.T) {
	t.Parallel()
	const n = 50_000
	term := func(i int) any { return []any{"id", "=", i} }
	opsFirst := make([]any, 0, 2*n)    // ["&", "&", ..., A, B, C, ...]
	interleaved := make([]any, 0, 2*n) // ["|", A, "|", B, ..., Z]
	implicit := make([]any, 0, n)      // [A, B, C, ...]
	doubleNot := make([]any, 0, 4*n)   // ["&", "!", "!", "&", "!", "!", ...]
	for i := 1; i < n; i++ {
		opsFirst = append(opsFirst, "&")
		interleaved = append(interleaved, "|", term(i))
		doubleNot = append(doubleNot, "&", term(i), "!", "!")
	}
	for i := 1; i <= n; i++ {
		opsFirst = append(opsFirst, term(i))
		implicit = append(implicit, term(i))
	}
	interleaved = append(interleaved, term(n))
	doubleNot = append(doubleNot, term(n))
	for name, tc := range map[string]struct {
		wire []any
		kind Kind
	}{
		"ops first":   {opsFirst, KindAnd},
		"interleaved": {interleaved, KindOr},
		"implicit":    {implicit, KindAnd},
		"double not":  {doubleNot, KindAnd},
	} {
		d, err := Parse(tc.wire)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d.Kind != tc.kind || len(d.Children) != n {
			t.Errorf("%s: got kind %d with %d children, want kind %d with %d", name, d.Kind, len(d.Children), tc.kind, n)
		}
	}
}

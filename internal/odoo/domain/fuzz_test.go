package domain

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzParse checks that parsing never panics, that the wire form of a parsed
// domain parses back to the same domain (directly and through JSON), and that
// evaluating it on the fake dataset never panics. Its kept corpus lives in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`[]`,
		`[["state","=","posted"],["amount_total",">",100]]`,
		`["|",["state","=","draft"],"&",["amount_total",">",100],["partner_id.country_id.code","=","BE"]]`,
		`["!","|",["a","=",1],["b","<>",false]]`,
		`[["line_ids","any",[["product_id","in",[1,2,false]]]],["x","not any",[]]]`,
		`[[1,"=",1],[0,"=",1.0]]`,
		`[["id","child_of",[1,"azure"]],["parent_id","parent_of",2]]`,
		`[["ref","=like","PO\\_%"],["name","NOT ILIKE",null]]`,
		`[["a","in",5],["b","=",[1.5,"x",true]],["c","=?",false]]`,
		`[["create_date","<=","2024-01-31"],["invoice_date",">","2024-02-01"]]`,
		`["&",["a","=",1]]`,
		`[["a","==",1]]`,
		`[["a","=",1e400]]`,
		`[["a","=",9223372036854775808]]`,
	} {
		f.Add([]byte(seed))
	}
	src := newFakeSource()
	models := []string{"account.move", "res.partner"}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseJSON(data)
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("parsed domain does not validate: %v", err)
		}
		w := d.Wire()
		again, err := Parse(w)
		if err != nil {
			t.Fatalf("Parse(Wire()) of %s: %v", data, err)
		}
		if !reflect.DeepEqual(again, d) {
			t.Fatalf("Parse(Wire()) = %s, want %s", again, d)
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("json.Marshal(%s): %v", d, err)
		}
		viaJSON, err := ParseJSON(b)
		if err != nil {
			t.Fatalf("ParseJSON(%s): %v", b, err)
		}
		if !reflect.DeepEqual(viaJSON, d) {
			t.Fatalf("ParseJSON(json.Marshal(d)) = %s, want %s", viaJSON, d)
		}
		for _, model := range models {
			m, err := d.Compile(src, model, &EvalOpts{ActiveTest: len(data)%2 == 0})
			if err != nil {
				continue
			}
			m.Search()
		}
	})
}

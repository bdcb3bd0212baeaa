package domain_test

import (
	"fmt"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

func ExampleAnd() {
	d := domain.And(
		domain.Cond("state", domain.OpEq, "posted"),
		domain.Or(
			domain.Cond("amount_residual", domain.OpGt, 0),
			domain.Cond("partner_id.country_id.code", domain.OpIn, []string{"BE", "NL"}),
		),
		domain.Not(domain.Cond("move_type", domain.OpEq, "entry")),
	)
	fmt.Println(d)
	// Output: ["\u0026","\u0026",["state","=","posted"],"|",["amount_residual","\u003e",0],["partner_id.country_id.code","in",["BE","NL"]],["move_type","!=","entry"]]
}

func ExampleParse() {
	// As decoded from JSON-RPC: numbers are float64, tuples are lists.
	wire := []any{
		"|", []any{"state", "=", "draft"}, []any{"amount_total", ">", float64(100)},
		[]any{"partner_id", "<>", false},
	}
	d, err := domain.Parse(wire)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d)

	_, err = domain.Parse([]any{[]any{"state", "==", "draft"}})
	fmt.Println(err)
	// Output:
	// ["\u0026","|",["state","=","draft"],["amount_total","\u003e",100],["partner_id","!=",false]]
	// domain: term 1: unknown operator "==" (Odoo spells equality "=")
}

// tinySource is a Source with two partners.
type tinySource struct{}

func (tinySource) Field(model, name string) (domain.Field, bool) {
	switch name {
	case "name":
		return domain.Field{Type: domain.TypeChar}, true
	case "active":
		return domain.Field{Type: domain.TypeBoolean}, true
	}
	return domain.Field{}, false
}

func (tinySource) IDs(string) []int64 { return []int64{1, 2} }

func (tinySource) Value(model string, id int64, name string) any {
	rec := map[int64]map[string]any{
		1: {"name": "Azure Interior", "active": true},
		2: {"name": "Azure Archive", "active": false},
	}
	return rec[id][name]
}

func (s tinySource) DisplayName(model string, id int64) string {
	return s.Value(model, id, "name").(string)
}

func ExampleDomain_Compile() {
	d, _ := domain.ParseJSON([]byte(`[["name","ilike","azure"]]`))
	m, err := d.Compile(tinySource{}, "res.partner", &domain.EvalOpts{ActiveTest: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Search())

	_, err = domain.Cond("nmae", domain.OpEq, "x").Compile(tinySource{}, "res.partner", nil)
	fmt.Println(err)
	// Output:
	// [1]
	// domain: Invalid field 'nmae' on model 'res.partner'
}

package domain

import (
	"fmt"
	"testing"
)

// columnSource is a columnar Source for benchmarks: values[model][field][id-1].
type columnSource struct {
	fields map[string]map[string]Field
	values map[string]map[string][]any
	count  map[string]int
}

func (s *columnSource) Field(model, name string) (Field, bool) {
	f, ok := s.fields[model][name]
	return f, ok
}

func (s *columnSource) IDs(model string) []int64 {
	ids := make([]int64, s.count[model])
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	return ids
}

func (s *columnSource) Value(model string, id int64, name string) any {
	col := s.values[model][name]
	if id < 1 || int(id) > len(col) {
		return nil
	}
	return col[id-1]
}

func (s *columnSource) DisplayName(model string, id int64) string {
	name, _ := s.Value(model, id, "name").(string)
	return name
}

// newBenchSource builds n invoices over 1000 partners in 10 countries, with
// two lines each.
func newBenchSource(n int) *columnSource {
	const partners, countries = 1000, 10
	s := &columnSource{
		fields: map[string]map[string]Field{
			"res.country": {"name": char(), "code": char()},
			"res.partner": {"name": char(), "country_id": m2o("res.country"), "active": typed(TypeBoolean)},
			"account.move": {
				"name": char(), "state": typed(TypeSelection), "move_type": typed(TypeSelection),
				"amount_total": typed(TypeMonetary), "invoice_date": typed(TypeDate),
				"partner_id": m2o("res.partner"), "line_ids": o2m("account.move.line", "move_id"),
			},
			"account.move.line": {"move_id": m2o("account.move"), "quantity": typed(TypeFloat)},
		},
		values: map[string]map[string][]any{},
		count:  map[string]int{"res.country": countries, "res.partner": partners, "account.move": n, "account.move.line": 2 * n},
	}
	col := func(model, field string, size int, f func(i int) any) {
		if s.values[model] == nil {
			s.values[model] = map[string][]any{}
		}
		c := make([]any, size)
		for i := range c {
			c[i] = f(i)
		}
		s.values[model][field] = c
	}
	codes := []string{"BE", "FR", "NL", "DE", "LU", "ES", "IT", "PT", "AT", "CH"}
	col("res.country", "code", countries, func(i int) any { return codes[i] })
	col("res.country", "name", countries, func(i int) any { return "Country " + codes[i] })
	col("res.partner", "name", partners, func(i int) any { return fmt.Sprintf("Partner %d", i+1) })
	col("res.partner", "country_id", partners, func(i int) any { return int64(i%countries + 1) })
	col("res.partner", "active", partners, func(i int) any { return i%50 != 0 })
	states := []string{"draft", "posted", "posted", "cancel"}
	types := []string{"out_invoice", "out_refund", "in_invoice", "entry"}
	col("account.move", "name", n, func(i int) any { return fmt.Sprintf("INV/%06d", i+1) })
	col("account.move", "state", n, func(i int) any { return states[i%len(states)] })
	col("account.move", "move_type", n, func(i int) any { return types[(i/3)%len(types)] })
	col("account.move", "amount_total", n, func(i int) any { return float64(i % 2000) })
	col("account.move", "invoice_date", n, func(i int) any {
		if i%7 == 0 {
			return false
		}
		return fmt.Sprintf("2024-%02d-%02d", i%12+1, i%28+1)
	})
	col("account.move", "partner_id", n, func(i int) any { return int64(i%partners + 1) })
	col("account.move.line", "move_id", 2*n, func(i int) any { return int64(i/2 + 1) })
	col("account.move.line", "quantity", 2*n, func(i int) any { return float64(i % 10) })
	return s
}

func BenchmarkFilter100k(b *testing.B) {
	src := newBenchSource(100_000)
	ids := src.IDs("account.move")
	benches := []struct {
		name   string
		domain string
	}{
		{"5terms_dotted_m2o", `[["state","=","posted"],["move_type","in",["out_invoice","out_refund"]],["amount_total",">",500],["invoice_date",">=","2024-03-01"],["partner_id.country_id.code","=","BE"]]`},
		{"5terms_or_ilike_o2m_any", `["|",["name","ilike","inv/00"],["partner_id","ilike","partner 1"],["state","!=","cancel"],["invoice_date","!=",false],["line_ids","any",[["quantity",">",8]]]]`},
	}
	for _, bc := range benches {
		d, err := ParseJSON([]byte(bc.domain))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				m, err := d.Compile(src, "account.move", &EvalOpts{ActiveTest: true})
				if err != nil {
					b.Fatal(err)
				}
				n = len(m.Filter(ids))
			}
			b.ReportMetric(float64(n), "matches")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(ids)), "ns/record")
		})
	}
}

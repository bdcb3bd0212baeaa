package operations_test

import (
	"testing"

	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/odoo"
)

// TestStockValue: the stock value is the sum of the layers created up to
// the end of Today per company, in its currency; without the model (Odoo
// 19, stock_account not installed) it is unavailable, with a note.
func TestStockValue(t *testing.T) {
	t.Parallel()
	layer := func(id, company int64, created string, value float64) rec {
		return rec{"id": id, "company_id": pair(company, "C"), "create_date": created, "value": value, "quantity": 1.0, "product_id": int64(10)}
	}
	layers := []rec{
		layer(1, 1, "2024-01-01 06:00:00", 1000.10),
		layer(2, 1, "2025-03-31 23:59:59", -250.05), // the last second of Today counts
		layer(3, 1, "2025-04-01 00:00:00", 5000),    // tomorrow does not
		layer(4, 2, "2025-02-10 10:00:00", 0.1),
		layer(5, 2, "2025-02-11 10:00:00", 0.2),
	}
	for _, tc := range []struct {
		name       string
		layers     []rec
		avail      bool
		one, two   float64
		currencyOf string
	}{
		{"layers", layers, true, 750.05, 0.3, "EUR"},
		{"no layers yet", []rec{}, true, 0, 0, "EUR"},
		{"model absent", nil, false, 0, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := baseStock()
			src["res.currency"] = []rec{{"id": int64(1), "name": "EUR"}, {"id": int64(2), "name": "USD"}}
			src["res.company"] = []rec{{"id": int64(1), "name": "One", "currency_id": pair(1, "EUR")}, {"id": int64(2), "name": "Two", "currency_id": pair(2, "USD")}}
			if tc.layers != nil {
				src["stock.valuation.layer"] = tc.layers
			}
			res := analyze(t, src, nil)
			for _, c := range []struct {
				id   int64
				want float64
			}{{1, tc.one}, {2, tc.two}} {
				m, ok := find(res, operations.StockValue, c.id)
				if !ok {
					t.Fatalf("company %d: no %s", c.id, operations.StockValue)
				}
				if m.Available != tc.avail || m.Value != c.want {
					t.Errorf("company %d: available %v value %v, want %v %v", c.id, m.Available, m.Value, tc.avail, c.want)
				}
				if !tc.avail && m.Note == "" {
					t.Errorf("company %d: unavailable without a note", c.id)
				}
			}
			if m, _ := find(res, operations.StockValue, 1); m.Unit != tc.currencyOf {
				t.Errorf("unit %q, want %q", m.Unit, tc.currencyOf)
			}
		})
	}
}

// TestValuationSeries checks that Series gives, for each day, what AsOf
// gives for it alone.
func TestValuationSeries(t *testing.T) {
	t.Parallel()
	src := baseStock()
	src["stock.valuation.layer"] = []rec{
		{"id": int64(3), "company_id": int64(1), "create_date": "2025-01-05 08:00:00", "value": -40.0},
		{"id": int64(1), "company_id": int64(1), "create_date": "2025-01-02 08:00:00", "value": 100.0},
		{"id": int64(2), "company_id": int64(2), "create_date": "2025-01-03 08:00:00", "value": 7.5},
	}
	v, ok, err := operations.LoadValuation(t.Context(), src)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	var days []odoo.Date
	for d := (odoo.Date{Year: 2025, Month: 1, Day: 1}); d.Day <= 6; d = d.AddDays(1) {
		days = append(days, d)
	}
	series := v.Series(days)
	want := map[int64][]float64{1: {0, 100, 100, 100, 60, 60}, 2: {0, 0, 7.5, 7.5, 7.5, 7.5}}
	for c, w := range want {
		for i, d := range days {
			if got := series[c][i]; got != w[i] || v.AsOf(d)[c] != w[i] {
				t.Errorf("company %d on %s: series %v, as of %v, want %v", c, d, got, v.AsOf(d)[c], w[i])
			}
		}
	}
}

package odoosim_test

import (
	"context"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoosim"
)

// TestValuationLayersPerVersion checks that the simulator serves a demo
// company's stock.valuation.layer on Odoo 16 to 18, with the fields the
// stock value is computed from, and not on 19, which removed the model
// (odoo/odoo#222169), where the generator writes none either.
func TestValuationLayersPerVersion(t *testing.T) {
	t.Parallel()
	const model = "stock.valuation.layer"
	for _, tc := range []struct {
		version string
		served  bool
	}{{"16.0", true}, {"18.0", true}, {"19.0", false}} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			ds, _, err := demodata.Generate(context.Background(), demodata.Options{Size: demodata.SizeSmall, Seed: 5,
				Today: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), OdooVersion: tc.version})
			if err != nil {
				t.Fatal(err)
			}
			if got := ds.Len(model) > 0; got != tc.served {
				t.Fatalf("%s: generator wrote %d layers", tc.version, ds.Len(model))
			}
			_, url := start(t, startOpts{version: tc.version, ds: ds, opts: odoosim.Options{Database: testDB}})
			listed, _ := mustExec(t, url, "ir.model", "search_count", list(list(list("model", "=", model))), nil).(int64)
			if !tc.served {
				if _, fault := execKw(t, url, adminUID, adminKey, model, "search_count", list(list()), nil); fault == nil {
					t.Errorf("%s serves %s", tc.version, model)
				}
				if listed != 0 {
					t.Errorf("%s lists %s in ir.model", tc.version, model)
				}
				return
			}
			if listed != 1 {
				t.Errorf("%s: ir.model lists %s %d times", tc.version, model, listed)
			}
			recs, _ := mustExec(t, url, model, "search_read", list(list(list("quantity", "<", 0))),
				map[string]any{"fields": list("product_id", "quantity", "value", "unit_cost", "stock_move_id", "company_id", "create_date"), "limit": int64(1)}).([]any)
			if len(recs) != 1 {
				t.Fatalf("%s: %d outgoing layers read, want 1", tc.version, len(recs))
			}
			r, _ := recs[0].(map[string]any)
			q, _ := r["quantity"].(float64)
			v, _ := r["value"].(float64)
			c, _ := r["unit_cost"].(float64)
			if q >= 0 || v >= 0 || c <= 0 || r["stock_move_id"] == false || r["create_date"] == false {
				t.Errorf("%s: outgoing layer %v", tc.version, r)
			}
		})
	}
}

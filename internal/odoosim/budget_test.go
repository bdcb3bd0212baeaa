package odoosim_test

import (
	"context"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoosim"
)

// TestBudgetModelsPerVersion checks that the simulator serves a demo
// company's budgets in the models of the emulated version only: Odoo 17's
// crossovered.budget family, Odoo 18's budget.analytic family with the
// analytic lines their actuals come from.
func TestBudgetModelsPerVersion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		version      string
		served, gone []string
	}{
		{"17.0", []string{"crossovered.budget", "crossovered.budget.lines", "account.budget.post"}, []string{"budget.analytic", "budget.line"}},
		{"18.0", []string{"budget.analytic", "budget.line", "account.analytic.account", "account.analytic.line"},
			[]string{"crossovered.budget", "crossovered.budget.lines", "account.budget.post"}},
	} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			ds, _, err := demodata.Generate(context.Background(), demodata.Options{Size: demodata.SizeSmall, Seed: 5,
				Today: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), OdooVersion: tc.version})
			if err != nil {
				t.Fatal(err)
			}
			_, url := start(t, startOpts{version: tc.version, ds: ds, opts: odoosim.Options{Database: testDB}})
			for _, m := range tc.served {
				if n, _ := mustExec(t, url, m, "search_count", list(list()), nil).(int64); n == 0 {
					t.Errorf("%s: no %s records", tc.version, m)
				}
			}
			for _, m := range tc.gone {
				if _, fault := execKw(t, url, adminUID, adminKey, m, "search_count", list(list()), nil); fault == nil {
					t.Errorf("%s serves %s", tc.version, m)
				}
				if n, _ := mustExec(t, url, "ir.model", "search_count", list(list(list("model", "=", m))), nil).(int64); n != 0 {
					t.Errorf("%s lists %s in ir.model", tc.version, m)
				}
			}
		})
	}
}

package sales_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/sales"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
)

// TestRevenueBacktest backtests the monthly revenue forecast on demo
// companies with books ending 2026-12-07 and checks the forecast metric
// says which model it used: the one the backtest chose. On the medium
// company (AICOO_EVAL_MEDIUM=1) the seasonal model beats every baseline
// at every horizon (measured: MAPE 6.9%, 6.6%, 7.5% against the
// run-rate's 10.6%, 10.2%, 11.1%).
func TestRevenueBacktest(t *testing.T) {
	t.Parallel()
	sizes := []demodata.Size{demodata.SizeSmall}
	if os.Getenv("AICOO_EVAL_MEDIUM") != "" && !testing.Short() {
		sizes = append(sizes, demodata.SizeMedium)
	}
	ctx := context.Background()
	today := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for _, size := range sizes {
		ds, _, err := demodata.Generate(ctx, demodata.Options{Size: size, Seed: 1, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		src := analysis.DatasetSource{DS: ds}
		tabs, err := sales.RevenueBacktests(ctx, src, odoo.DateOf(today))
		if err != nil || len(tabs) != 1 {
			t.Fatalf("%s: backtests %v: %v", size, tabs, err)
		}
		tab := tabs[0]
		if tab.Origins != 10 || tab.Seasonal != 10 || len(tab.Scores) != 3 || tab.Scores[2].N != 5 {
			t.Fatalf("%s: %d origins, %d seasonal, scores %+v", size, tab.Origins, tab.Seasonal, tab.Scores)
		}
		if size == demodata.SizeMedium {
			for _, s := range tab.Scores {
				if !s.Beats() {
					t.Errorf("medium, %d months: seasonal MAPE %.3f MAE %.0f; baselines %v %v", s.Horizon, s.MAPE[0], s.MAE[0], s.MAPE, s.MAE)
				}
			}
		}
		model, why := tab.Choose()
		res, err := sales.New().Analyze(ctx, &analysis.Env{Source: src, Today: odoo.DateOf(today)})
		if err != nil {
			t.Fatal(err)
		}
		note := ""
		for _, m := range res.Metrics {
			if m.Name == "sales.forecast.revenue_90d" {
				note = m.Note
			}
		}
		if !strings.HasPrefix(note, "invoiced revenue ("+model.String()+": ") || !strings.Contains(note, why) {
			t.Errorf("%s: revenue forecast note %q, want the %v model's (%s)", size, note, model, why)
		}
	}
}

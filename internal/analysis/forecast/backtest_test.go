package forecast_test

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
)

// evalToday is the fixed last day of the evaluation datasets.
var evalToday = time.Date(2025, 6, 18, 0, 0, 0, 0, time.UTC)

// TestBacktest backtests the forecast on the demo company (small, seeds
// 1-3; medium too with AICOO_EVAL_MEDIUM set) and prints the table.
func TestBacktest(t *testing.T) {
	sizes := []demodata.Size{demodata.SizeSmall}
	if os.Getenv("AICOO_EVAL_MEDIUM") != "" {
		sizes = append(sizes, demodata.SizeMedium)
	}
	for _, size := range sizes {
		for _, seed := range []uint64{1, 2, 3} {
			var sb strings.Builder
			reps, err := forecast.EvalDemo(context.Background(), &sb, size, seed, evalToday)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("\n%s", sb.String())
			for _, r := range reps {
				for _, h := range r.Horizons {
					if !h.BeatsBaselines() {
						t.Errorf("%s seed %d: at %d weeks the forecast does not beat both baselines", size, seed, h.Weeks)
					}
				}
			}
		}
	}
}

// TestOpeningCashIsFinanceCash: the forecast opens on the finance
// analyzer's cash position.
func TestOpeningCashIsFinanceCash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: evalToday})
	if err != nil {
		t.Fatal(err)
	}
	src := analysis.DatasetSource{DS: ds}
	res, err := finance.New().Analyze(ctx, &analysis.Env{Source: src, Today: odoo.DateOf(evalToday)})
	if err != nil {
		t.Fatal(err)
	}
	f, err := forecast.Compute(ctx, src, odoo.DateOf(evalToday), forecast.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Metrics {
		if m.Name != "finance.cash.position" {
			continue
		}
		for _, c := range f.Companies {
			if c.CompanyID == m.CompanyID && math.Abs(c.OpeningCash-m.Value) > 0.01 {
				t.Errorf("company %d: forecast opens on %.2f, finance's cash is %.2f", c.CompanyID, c.OpeningCash, m.Value)
			}
		}
		return
	}
	t.Fatal("no finance.cash.position")
}

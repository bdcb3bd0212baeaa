package forecast_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/demodata"
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

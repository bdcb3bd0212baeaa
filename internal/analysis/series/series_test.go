package series_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/analysistest"
	"github.com/aicoo/aicoo/internal/analysis/series"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/eval"
	"github.com/aicoo/aicoo/internal/odoo"
)

// evalToday is the reference date of the other analyzers' evaluations.
var evalToday = time.Date(2025, 6, 18, 0, 0, 0, 0, time.UTC)

// TestEval: on small companies (seeds 1-3) the injected revenue spike is
// found and the near miss (a one-off invoice within a normal week's range)
// is not.
func TestEval(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			analysistest.CheckDetector(t, series.New(), demodata.Options{Size: demodata.SizeSmall, Seed: seed, Today: evalToday}, dataset.KindSeriesAnomaly)
		})
	}
}

// TestFewFalseAlarms runs the analyzer over 16 small companies (seeds 1-3 and
// seed 2 with low runway,
// four reference dates in different seasons, December and August among
// them) and counts the insights that are not the injected spike: every
// other week of every series is ordinary demo history. Measured: 0.
func TestFewFalseAlarms(t *testing.T) {
	t.Parallel()
	const maxFalse = 1
	todays := []time.Time{evalToday, time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), time.Date(2026, 8, 20, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	var falses []string
	found, runs := 0, 0
	for _, today := range todays {
		for seed := uint64(1); seed <= 4; seed++ {
			// Seed 4 is seed 2 with the low-runway scenario (a sales slump
			// and an equipment payment 16-18 days before Today), as
			// "aicoo eval --seed 2 --low-runway" runs it.
			opt := demodata.Options{Size: demodata.SizeSmall, Seed: seed, Today: today}
			if seed == 4 {
				opt.Seed, opt.LowRunway = 2, true
			}
			ds, gt, err := demodata.Generate(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			env := &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(today)}
			res, err := series.New().Analyze(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range eval.Score(gt, []*analysis.Result{res}).Kinds {
				if k.Kind != series.Kind {
					continue
				}
				runs++
				found += k.TP
				for _, s := range k.FalsePositives {
					falses = append(falses, fmt.Sprintf("%s seed %d: %s", today.Format(time.DateOnly), seed, s))
				}
			}
		}
	}
	t.Logf("%d companies: spike found in %d, false alarms %d %v", runs, found, len(falses), falses)
	if runs != 16 || found < 15 || len(falses) > maxFalse {
		t.Errorf("%d companies: spike found in %d (want 15+), false alarms %d (want at most %d):\n%s", runs, found, len(falses), maxFalse,
			strings.Join(falses, "\n"))
	}
}

// TestInsightWording checks the insight of the spike: subject, expected
// range and observed value in the title, refs to the week's invoices.
func TestInsightWording(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ds, gt, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: evalToday})
	if err != nil {
		t.Fatal(err)
	}
	res, err := series.New().Analyze(ctx, &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(evalToday)})
	if err != nil {
		t.Fatal(err)
	}
	spike := gt.ByKind(dataset.KindSeriesAnomaly, false)
	if len(res.Insights) != 1 || len(spike) != 1 {
		t.Fatalf("insights %+v, spikes %+v", res.Insights, spike)
	}
	in := res.Insights[0]
	// Today is Wednesday 2025-06-18; the spike is on Monday 06-16, in
	// Today's week (2025-W25).
	if in.Subject != "series:revenue:2025-W25" || !strings.HasPrefix(in.Title, "Revenue this week ") ||
		!strings.Contains(in.Title, ", expected 0 EUR to ") || !strings.HasSuffix(in.Title, "for a June week") {
		t.Errorf("subject %q title %q", in.Subject, in.Title)
	}
	if in.Facts["observed"] <= in.Facts["expected_high"] || in.Refs[0].Model != "account.move" || len(in.Refs[0].IDs) < 2 {
		t.Errorf("facts %v refs %+v", in.Facts, in.Refs)
	}
	var names []string
	for _, m := range res.Metrics {
		names = append(names, m.Name)
	}
	for _, want := range []string{"series.revenue.last_7_days", "series.orders.unusual_weeks", "series.cash.alerts_past_year", "series.receipts.last_7_days"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("no metric %s in %v", want, names)
		}
	}
}

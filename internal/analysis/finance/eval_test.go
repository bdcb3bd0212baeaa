package finance_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/eval"
	"github.com/aicoo/aicoo/internal/odoo"
)

// evalToday is the fixed reference date of the evaluation datasets.
var evalToday = time.Date(2025, 6, 18, 0, 0, 0, 0, time.UTC)

// ownedKinds are the ground-truth kinds the finance analyzer answers for.
// unusual_transaction is owned only for vendor bills (account.move); the
// expenses analyzer answers for expenses.
var ownedKinds = map[dataset.Kind]string{
	dataset.KindOverdueInvoice:     "",
	dataset.KindLowCashRunway:      "",
	dataset.KindBudgetOverrun:      "",
	dataset.KindUnusualTransaction: "account.move",
}

// ownedTruth keeps the ground-truth items the finance analyzer owns.
func ownedTruth(gt *dataset.GroundTruth) *dataset.GroundTruth {
	out := &dataset.GroundTruth{Today: gt.Today}
	for _, it := range gt.Items {
		model, ok := ownedKinds[it.Kind]
		if ok && (model == "" || model == it.Model) {
			out.Items = append(out.Items, it)
		}
	}
	return out
}

func TestEval(t *testing.T) {
	t.Parallel()
	type scenario struct {
		name string
		opt  demodata.Options
	}
	var cases []scenario
	for _, seed := range []uint64{1, 2, 3} {
		cases = append(cases, scenario{"small/seed" + string(rune('0'+seed)), demodata.Options{Size: demodata.SizeSmall, Seed: seed, Today: evalToday}})
	}
	cases = append(cases, scenario{"small/seed1/low-runway", demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: evalToday, LowRunway: true}})
	if os.Getenv("AICOO_EVAL_MEDIUM") != "" && !testing.Short() {
		cases = append(cases, scenario{"medium/seed1", demodata.Options{Size: demodata.SizeMedium, Seed: 1, Today: evalToday}},
			scenario{"medium/seed2/low-runway", demodata.Options{Size: demodata.SizeMedium, Seed: 2, Today: evalToday, LowRunway: true}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			ds, gt, err := demodata.Generate(ctx, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			env := &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(tc.opt.Today)}
			res, err := finance.New().Analyze(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			rep := eval.Score(ownedTruth(gt), []*analysis.Result{res})
			var sb strings.Builder
			if err := rep.Write(&sb, true); err != nil {
				t.Fatal(err)
			}
			failed := false
			for _, k := range rep.Kinds {
				if !k.Passed() {
					failed = true
				}
			}
			if failed {
				t.Errorf("%s: finance evaluation failed:\n%s", tc.name, sb.String())
			} else {
				t.Logf("%s:\n%s", tc.name, sb.String())
			}
		})
	}
}

// TestBudgetAcrossVersions checks that the same company reports the same
// budget figures and overruns whether its budgets live in Odoo 17's
// crossovered.budget.lines or Odoo 18's analytic budget.line, and that each
// scores perfectly against its ground truth.
func TestBudgetAcrossVersions(t *testing.T) {
	t.Parallel()
	type outcome struct {
		metrics  map[string]float64
		insights map[string]analysis.Insight // by title
		model    string
		lines    []finance.BudgetLine
	}
	run := func(version string) outcome {
		ctx := context.Background()
		opt := demodata.Options{Size: demodata.SizeSmall, Seed: 3, Today: evalToday, OdooVersion: version}
		ds, gt, err := demodata.Generate(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		res, err := finance.New().Analyze(ctx, &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(opt.Today)})
		if err != nil {
			t.Fatal(err)
		}
		o := outcome{metrics: map[string]float64{}, insights: map[string]analysis.Insight{}}
		byName := map[string]analysis.Metric{}
		for _, m := range res.Metrics {
			byName[m.Name] = m
			if strings.HasPrefix(m.Name, "finance.budget.") && m.Period == nil {
				if !m.Available {
					t.Fatalf("%s: %s unavailable: %s", version, m.Name, m.Note)
				}
				o.metrics[m.Name] = m.Value
			}
		}
		o.lines = finance.BudgetLines(byName)
		for _, in := range res.Insights {
			if in.Kind == finance.KindBudgetOverrun {
				o.insights[in.Title] = in
				o.model = in.Refs[0].Model
			}
		}
		truth := &dataset.GroundTruth{Today: gt.Today}
		for _, it := range gt.Items {
			if it.Kind == dataset.KindBudgetOverrun {
				truth.Items = append(truth.Items, it)
			}
		}
		rep := eval.Score(truth, []*analysis.Result{res})
		for _, k := range rep.Kinds {
			if !k.Passed() || k.TP == 0 {
				var sb strings.Builder
				_ = rep.Write(&sb, true)
				t.Errorf("%s: budget evaluation failed:\n%s", version, sb.String())
			}
		}
		return o
	}
	v17, v18 := run("17.0"), run("18.0")
	if v17.model != "crossovered.budget.lines" || v18.model != "budget.line" {
		t.Errorf("overruns point to %q (17) and %q (18)", v17.model, v18.model)
	}
	if len(v17.metrics) != 5 || len(v17.insights) == 0 {
		t.Fatalf("17.0: metrics %v, %d overruns", v17.metrics, len(v17.insights))
	}
	for name, v := range v17.metrics {
		if w, ok := v18.metrics[name]; !ok || !near(v, w) {
			t.Errorf("%s = %v on 17.0, %v on 18.0", name, v, w)
		}
	}
	// The per-line figures agree too: same names, periods, plans and
	// actuals; one overrun per line over its plan.
	if len(v17.lines) != int(v17.metrics["finance.budget.lines"]) || len(v17.lines) != len(v18.lines) {
		t.Fatalf("budget lines: %d on 17.0, %d on 18.0, %v counted", len(v17.lines), len(v18.lines), v17.metrics["finance.budget.lines"])
	}
	over := 0
	for i, a := range v17.lines {
		b := v18.lines[i]
		if a.Name != b.Name || a.From != b.From || a.To != b.To || !near(a.Planned, b.Planned) || !near(a.Actual, b.Actual) ||
			a.Model != v17.model || b.Model != v18.model || a.Refs[0].IDs[0] != a.ID || a.Target == "" {
			t.Errorf("line %d: 17.0 %+v, 18.0 %+v", i, a, b)
		}
		if a.Overrun() {
			over++
			if _, ok := v17.insights[fmt.Sprintf("%s: %.0f%% of budget spent", a.Name, a.Used()*100)]; !ok {
				t.Errorf("line %s is over its plan without an overrun insight", a.Name)
			}
		}
	}
	if over != len(v17.insights) {
		t.Errorf("%d lines over their plan, %d overrun insights", over, len(v17.insights))
	}
	if len(v17.insights) != len(v18.insights) {
		t.Errorf("%d overruns on 17.0, %d on 18.0", len(v17.insights), len(v18.insights))
	}
	for title, a := range v17.insights {
		b, ok := v18.insights[title]
		if !ok || a.Priority != b.Priority || a.Score != b.Score || !reflect.DeepEqual(a.Facts, b.Facts) {
			t.Errorf("overrun %q: 17.0 %+v, 18.0 %+v", title, a, b)
		}
	}
}

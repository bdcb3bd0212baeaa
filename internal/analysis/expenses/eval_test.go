package expenses_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/expenses"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/eval"
	"github.com/aicoo/aicoo/internal/odoo"
)

// evalToday is the fixed reference date of the evaluation datasets.
var evalToday = time.Date(2025, 6, 18, 0, 0, 0, 0, time.UTC)

// ownedTruth keeps the ground-truth items the expenses analyzer owns:
// duplicate expenses and unusual expenses (unusual vendor bills are the
// finance analyzer's).
func ownedTruth(gt *dataset.GroundTruth) *dataset.GroundTruth {
	out := &dataset.GroundTruth{Today: gt.Today}
	for _, it := range gt.Items {
		if it.Kind == dataset.KindDuplicateExpense || it.Kind == dataset.KindUnusualTransaction && it.Model == "hr.expense" {
			out.Items = append(out.Items, it)
		}
	}
	return out
}

func report(t *testing.T, rep *eval.Report) string {
	t.Helper()
	var sb strings.Builder
	if err := rep.Write(&sb, true); err != nil {
		t.Fatal(err)
	}
	return sb.String()
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
		cases = append(cases, scenario{"medium/seed1", demodata.Options{Size: demodata.SizeMedium, Seed: 1, Today: evalToday}})
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
			exp, err := expenses.New().Analyze(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			rep := eval.Score(ownedTruth(gt), []*analysis.Result{exp})
			for _, k := range rep.Kinds {
				if !k.Passed() {
					t.Errorf("expenses evaluation failed:\n%s", report(t, rep))
					break
				}
			}
			t.Logf("%s expenses:\n%s", tc.name, report(t, rep))

			// Together with the finance analyzer, unusual_transaction covers
			// expenses and vendor bills, and no record is reported twice.
			fin, err := finance.New().Analyze(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			all := &dataset.GroundTruth{Items: gt.ByKind(dataset.KindUnusualTransaction, false)}
			all.Items = append(all.Items, gt.ByKind(dataset.KindUnusualTransaction, true)...)
			rep = eval.Score(all, []*analysis.Result{exp, fin})
			if k := rep.Kinds[0]; !k.Passed() {
				t.Errorf("unusual_transaction over both analyzers failed:\n%s", report(t, rep))
			}
			seen := map[string]string{}
			for _, r := range []*analysis.Result{exp, fin} {
				for _, in := range r.Insights {
					if in.Kind != expenses.KindUnusualTransaction {
						continue
					}
					if prev, ok := seen[in.Subject]; ok {
						t.Errorf("%s reported by %s and %s", in.Subject, prev, r.Area)
					}
					seen[in.Subject] = r.Area
				}
			}
		})
	}
}

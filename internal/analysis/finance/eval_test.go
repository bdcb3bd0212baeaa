package finance_test

import (
	"context"
	"os"
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

package customers_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/customers"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/eval"
	"github.com/aicoo/aicoo/internal/odoo"
)

var evalToday = time.Date(2025, 6, 18, 0, 0, 0, 0, time.UTC)

// hideModels hides models from a source, as when they are not synced.
type hideModels struct {
	analysis.Source
	hidden map[string]bool
}

func (h hideModels) Records(ctx context.Context, model string) ([]odoo.Record, error) {
	if h.hidden[model] {
		return nil, analysis.ErrUnavailable
	}
	return h.Source.Records(ctx, model)
}

func TestEval(t *testing.T) {
	type scenario struct {
		name   string
		opt    demodata.Options
		hidden []string
	}
	var cases []scenario
	for _, s := range []uint64{1, 2, 3} {
		cases = append(cases, scenario{name: "small", opt: demodata.Options{Size: demodata.SizeSmall, Seed: s, Today: evalToday}})
	}
	cases = append(cases,
		scenario{name: "small-invoices-only", opt: demodata.Options{Size: demodata.SizeSmall, Seed: 2, Today: evalToday}, hidden: []string{"sale.order"}},
		scenario{name: "low-runway-16", opt: demodata.Options{Size: demodata.SizeSmall, Seed: 7, Today: evalToday.AddDate(0, 4, 3),
			LowRunway: true, NoHelpdesk: true, OdooVersion: "16.0"}})
	if os.Getenv("AICOO_EVAL_MEDIUM") != "" {
		cases = append(cases, scenario{name: "medium", opt: demodata.Options{Size: demodata.SizeMedium, Seed: 1, Today: evalToday}})
	}
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			ctx := context.Background()
			ds, gt, err := demodata.Generate(ctx, sc.opt)
			if err != nil {
				t.Fatal(err)
			}
			hidden := map[string]bool{}
			for _, m := range sc.hidden {
				hidden[m] = true
			}
			env := &analysis.Env{Source: hideModels{analysis.DatasetSource{DS: ds}, hidden}, Today: odoo.DateOf(sc.opt.Today)}
			res, err := customers.New().Analyze(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			rep := eval.Score(gt, []*analysis.Result{res})
			mine := &eval.Report{}
			for _, k := range rep.Kinds {
				if k.Kind == string(dataset.KindChurnRisk) {
					mine.Kinds = append(mine.Kinds, k)
				}
			}
			if len(mine.Kinds) == 0 {
				t.Fatal("the ground truth has no churn risks")
			}
			var buf bytes.Buffer
			if err := mine.Write(&buf, true); err != nil {
				t.Fatal(err)
			}
			if p, f := mine.Passed(); f > 0 || p == 0 {
				t.Errorf("seed %d:\n%s", sc.opt.Seed, buf.String())
			} else {
				t.Logf("seed %d:\n%s", sc.opt.Seed, buf.String())
			}
		})
	}
}

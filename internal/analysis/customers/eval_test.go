package customers_test

import (
	"os"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis/analysistest"
	"github.com/aicoo/aicoo/internal/analysis/customers"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
)

var evalToday = time.Date(2025, 6, 18, 0, 0, 0, 0, time.UTC)

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
			analysistest.CheckDetector(t, customers.New(), sc.opt, dataset.KindChurnRisk, sc.hidden...)
		})
	}
}

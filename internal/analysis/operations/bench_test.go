package operations_test

import (
	"context"
	"os"
	"runtime"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
)

// benchModels are the models the analyzer reads, to count records per second.
var benchModels = []string{"res.company", "res.partner", "product.template", "product.product", "uom.uom", "product.supplierinfo",
	"stock.location", "stock.picking.type", "stock.quant", "stock.warehouse.orderpoint", "stock.move", "stock.picking",
	"purchase.order", "purchase.order.line", "sale.order", "project.task.type", "project.task"}

func benchAnalyze(b *testing.B, size demodata.Size) {
	ds, _, err := demodata.Generate(context.Background(), demodata.Options{Size: size, Seed: 1, Today: evalToday})
	if err != nil {
		b.Fatal(err)
	}
	records := 0
	for _, m := range benchModels {
		records += ds.Len(m)
	}
	env := &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(evalToday)}
	a := operations.New()
	runtime.GC() // collect the generator's garbage outside the timing
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Analyze(context.Background(), env); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(records), "records")
}

// BenchmarkAnalyzeMedium runs the analyzer over a medium company.
func BenchmarkAnalyzeMedium(b *testing.B) { benchAnalyze(b, demodata.SizeMedium) }

// BenchmarkAnalyzeLarge runs over a large company; set AICOO_BENCH_LARGE=1.
func BenchmarkAnalyzeLarge(b *testing.B) {
	if os.Getenv("AICOO_BENCH_LARGE") == "" {
		b.Skip("set AICOO_BENCH_LARGE=1 to benchmark the large company")
	}
	benchAnalyze(b, demodata.SizeLarge)
}

package expenses_test

import (
	"context"
	"os"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/expenses"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
)

// benchModels are the models the expenses analyzer reads.
var benchModels = []string{"hr.expense", "hr.employee", "product.product", "aicoo.budget", "account.move.line", "res.company", "res.currency"}

func benchmark(b *testing.B, size demodata.Size) {
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: size, Seed: 1, Today: evalToday, LowRunway: true})
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, m := range benchModels {
		n += ds.Len(m)
	}
	env := &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(evalToday)}
	a := expenses.New()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := a.Analyze(ctx, env); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(n), "records")
}

// BenchmarkAnalyzeMedium runs the analyzer over a medium company (about
// 20,000 customer invoices).
func BenchmarkAnalyzeMedium(b *testing.B) { benchmark(b, demodata.SizeMedium) }

// BenchmarkAnalyzeLarge runs it over a large company (over 200,000 journal
// items). Set AICOO_BENCH_LARGE=1: generating the company takes a while.
func BenchmarkAnalyzeLarge(b *testing.B) {
	if os.Getenv("AICOO_BENCH_LARGE") == "" {
		b.Skip("set AICOO_BENCH_LARGE=1")
	}
	benchmark(b, demodata.SizeLarge)
}

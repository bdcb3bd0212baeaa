package finance_test

import (
	"os"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis/analysistest"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/demodata"
)

// benchModels are the models the finance analyzer reads.
var benchModels = []string{"account.move", "account.move.line", "account.journal", "account.account",
	"res.partner", "aicoo.budget", "hr.expense.sheet", "hr.expense", "res.company", "res.currency"}

func benchmark(b *testing.B, size demodata.Size) {
	analysistest.Bench(b, finance.New(), demodata.Options{Size: size, Seed: 1, Today: evalToday, LowRunway: true}, benchModels)
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

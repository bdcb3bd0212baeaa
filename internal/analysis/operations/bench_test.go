package operations_test

import (
	"os"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis/analysistest"
	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/demodata"
)

// benchModels are the models the analyzer reads, to count records per second.
var benchModels = []string{"res.company", "res.partner", "product.template", "product.product", "uom.uom", "product.supplierinfo",
	"stock.location", "stock.picking.type", "stock.quant", "stock.warehouse.orderpoint", "stock.move", "stock.picking",
	"purchase.order", "purchase.order.line", "sale.order", "project.task.type", "project.task"}

func benchAnalyze(b *testing.B, size demodata.Size) {
	analysistest.Bench(b, operations.New(), demodata.Options{Size: size, Seed: 1, Today: evalToday}, benchModels)
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

package demodata

import (
	"context"
	"os"
	"testing"
)

// BenchmarkGenerate measures generation per size. Run, for example:
//
//	go test -run '^$' -bench 'Generate/small' -benchmem ./internal/demodata/
//
// medium and large run only with DEMODATA_SIZES=1 (they take seconds and
// gigabytes).
func BenchmarkGenerate(b *testing.B) {
	for _, size := range []Size{SizeSmall, SizeMedium, SizeLarge} {
		b.Run(string(size), func(b *testing.B) {
			if size != SizeSmall && os.Getenv("DEMODATA_SIZES") == "" {
				b.Skip("set DEMODATA_SIZES=1 to benchmark medium and large")
			}
			for b.Loop() {
				ds, _, err := Generate(context.Background(), Options{Size: size, Seed: 1, Today: testToday})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(ds.Len("account.move.line")), "journal_items")
				b.ReportMetric(float64(ds.Len("stock.move")), "stock_moves")
			}
		})
	}
}

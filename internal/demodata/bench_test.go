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

// TestSizes checks the medium and large sizes. It runs only with
// DEMODATA_SIZES=1 because it takes tens of seconds and a few gigabytes.
func TestSizes(t *testing.T) {
	if os.Getenv("DEMODATA_SIZES") == "" {
		t.Skip("set DEMODATA_SIZES=1 to check medium and large")
	}
	tests := []struct {
		size                    Size
		minInvoices, maxInvoice int
		minLines, minMoves      int
	}{
		{SizeMedium, 15000, 26000, 100000, 40000},
		{SizeLarge, 25000, 60000, 200000, 100000},
	}
	for _, tt := range tests {
		t.Run(string(tt.size), func(t *testing.T) {
			ds, gt, err := Generate(context.Background(), Options{Size: tt.size, Seed: 5, Today: testToday})
			if err != nil {
				t.Fatal(err)
			}
			invoices := 0
			for _, m := range ds.Records("account.move") {
				if m.Str("move_type") == "out_invoice" {
					invoices++
				}
			}
			if invoices < tt.minInvoices || invoices > tt.maxInvoice || ds.Len("account.move.line") < tt.minLines || ds.Len("stock.move") < tt.minMoves {
				t.Errorf("%d customer invoices, %d journal items, %d stock moves", invoices, ds.Len("account.move.line"), ds.Len("stock.move"))
			}
			if err := ds.Validate(); err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, it := range gt.Items {
				if !it.NearMiss {
					kinds[string(it.Kind)]++
				}
			}
			for _, k := range kindOrder {
				if kinds[string(k)] == 0 && k != "low_cash_runway" {
					t.Errorf("no %s problem", k)
				}
			}
		})
	}
}

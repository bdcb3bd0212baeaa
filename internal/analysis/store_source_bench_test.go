package analysis_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// BenchmarkStoreSourceRecords reads and decodes the largest models of a
// small company from a SQLite store as an analysis does (the fields the
// analyzers keep): the cost of the stored record format on the read path.
// It reports the process's CPU time per record too, which a machine busy
// with other work changes much less than the wall time.
func BenchmarkStoreSourceRecords(b *testing.B) {
	ctx := context.Background()
	today := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: today})
	if err != nil {
		b.Fatal(err)
	}
	s := storetest.Open(b, store.SQLite)
	c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	models := []string{"account.move.line", "account.move", "stock.move", "sale.order.line", "account.payment"}
	storetest.CopyDataset(b, s, c.ID, ds, today, models...)
	src := analysis.StoreSource{Store: s, ConnectionID: c.ID, Fields: areas.Fields()}
	n := 0
	for _, m := range models {
		n += ds.Len(m)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		for _, m := range models {
			if _, err := src.Records(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
	}
	cpu = cpuTime() - cpu
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/record")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(n*b.N), "cpu-ns/record")
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

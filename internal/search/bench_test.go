package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// benchQueries is a deterministic mix of what people type: invoice and
// order numbers (whole, without separators, a prefix), partner names
// whole, cut short and with a typo, product codes, and one or two letters
// (the first keystrokes of the live search).
func benchQueries(ds *dataset.Dataset, n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(model, field string) string {
		recs := ds.Records(model)
		for {
			if v, ok := recs[r.IntN(len(recs))][field].(string); ok && v != "" && v != "/" {
				return v
			}
		}
	}
	typo := func(s string) string {
		b := []byte(s)
		if len(b) > 4 {
			i := 1 + r.IntN(len(b)-3)
			b[i], b[i+1] = b[i+1], b[i]
		}
		return string(b)
	}
	gen := []func() string{
		func() string { return pick("account.move", "name") },
		func() string { return strings.ReplaceAll(pick("account.move", "name"), "/", "") },
		func() string { s := pick("account.move", "name"); return s[:len(s)-2] },
		func() string { return pick("sale.order", "name") },
		func() string { return pick("purchase.order", "name") },
		func() string { return pick("res.partner", "name") },
		func() string { return strings.Fields(pick("res.partner", "name"))[0] },
		func() string { s := pick("res.partner", "name"); return s[:min(len(s), 3)] },
		func() string { return typo(pick("res.partner", "name")) },
		func() string { return pick("product.template", "default_code") },
		func() string { return typo(pick("product.template", "name")) },
		func() string { return pick("crm.lead", "name") },
		func() string { return []string{"s", "in", "a", "42", "cash", "overdue"}[r.IntN(6)] },
	}
	out := make([]string, n)
	for i := range out {
		out[i] = gen[r.IntN(len(gen))]()
	}
	return out
}

// BenchmarkSearch searches a generated company stored in SQLite (small;
// AICOO_SEARCH_SIZE=medium for the medium one) with a mix of queries, as
// the CFO (who sees everything, the largest result sets). It reports the
// p50 and p99 latency of one search, the documents indexed, the memory
// the records index holds per document and the time to build it.
func BenchmarkSearch(b *testing.B) {
	ds := company(b, benchSize())
	st := storetest.Open(b, store.SQLite)
	conn := load(b, st, ds)
	ctx := context.Background()

	// Build once outside the service to measure the index's memory.
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	svc := newService(b, st, nil)
	ix, _, err := buildRecords(ctx, st, conn, svc.roles, MaxDocsDefault)
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	perDoc := float64(after.HeapAlloc-before.HeapAlloc) / float64(ix.Len())
	runtime.KeepAlive(ix)

	if err := svc.Refresh(ctx, conn); err != nil {
		b.Fatal(err)
	}
	queries := benchQueries(ds, 2000)
	var lat []time.Duration
	found := 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := queries[i%len(queries)]
		t0 := time.Now()
		res, err := svc.Search(ctx, Query{ConnectionID: conn, Role: store.RoleCFO, Text: q, Limit: 10})
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if len(res) > 0 {
			found++
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(ix.Len()), "docs")
	b.ReportMetric(perDoc, "bytes/doc")
	b.ReportMetric(took.Seconds(), "build-s")
	b.ReportMetric(float64(found)/float64(len(lat)), "found-ratio")
	if testing.Verbose() {
		fmt.Printf("search %s: %d documents, %.0f bytes each, built in %v; p50 %.2f ms, p99 %.2f ms over %d searches\n",
			benchSize(), ix.Len(), perDoc, took.Round(time.Millisecond), pct(0.5), pct(0.99), len(lat))
	}
}

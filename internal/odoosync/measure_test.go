package odoosync_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// heapPeak samples the heap in use until stopped and returns the peak.
func heapPeak() (stop func() uint64) {
	var (
		mu   sync.Mutex
		peak uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mu.Lock()
		peak = max(peak, ms.HeapInuse)
		mu.Unlock()
	}
	wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		sample()
		return peak
	}
}

// TestMeasureSync measures full and incremental sync of a demo company
// served by the simulator over JSON-RPC, through the real client, into a
// fresh store. It runs only when AICOO_SYNC_MEASURE names a size (small,
// medium or large). AICOO_SYNC_MEASURE_DB=postgres uses PostgreSQL instead
// of SQLite; AICOO_SYNC_MEASURE_PROTOCOL=xmlrpc uses XML-RPC;
// AICOO_SYNC_MEASURE_NOSYNC=1 only generates and serves the company, as a
// baseline for the peak memory of the process. Run it with -v:
//
//	go test -c -o /tmp/odoosync.test ./internal/odoosync/
//	AICOO_SYNC_MEASURE=medium /usr/bin/time -v /tmp/odoosync.test -test.run TestMeasureSync -test.v
func TestMeasureSync(t *testing.T) {
	size := os.Getenv("AICOO_SYNC_MEASURE")
	if size == "" {
		t.Skip("set AICOO_SYNC_MEASURE=small|medium|large to measure")
	}
	proto := odoo.Protocol(os.Getenv("AICOO_SYNC_MEASURE_PROTOCOL"))
	if proto == "" {
		proto = odoo.ProtocolJSONRPC
	}
	dialect := store.SQLite
	if os.Getenv("AICOO_SYNC_MEASURE_DB") == "postgres" {
		dialect = store.Postgres
	}
	ctx := context.Background()
	start := time.Now()
	sim := serveDemo(t, demodata.Size(size), proto)
	// A month after the demo's last day, so that every write date is in
	// the past (the demo company plans some calendar events ahead).
	sim.clock.Set(demoToday.AddDate(0, 1, 0))
	sim.clock.move()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("size %s: generated and served in %s; heap in use before syncing: %.0f MiB", size, time.Since(start).Round(time.Millisecond), float64(ms.HeapInuse)/(1<<20))
	if os.Getenv("AICOO_SYNC_MEASURE_NOSYNC") != "" {
		return
	}
	b := setup(t, storetest.Open(t, dialect))
	s := newSyncerT(t, odoosync.Config{Store: b.store, Client: sim.client, ConnectionID: b.conn, NowFunc: sim.clock.Now})

	stop := heapPeak()
	wall := time.Now()
	rep, err := s.Sync(ctx, odoosync.Opts{})
	fullTime := time.Since(wall)
	if err != nil {
		t.Fatal(err)
	}
	peak := stop()
	full := rep.Fetched()
	t.Logf("full sync (%s, %s): %d records in %s = %.0f records/s; peak heap in use %.0f MiB",
		proto, dialect, full, fullTime.Round(time.Millisecond), float64(full)/fullTime.Seconds(), float64(peak)/(1<<20))
	for _, m := range rep.Models {
		t.Logf("  %-28s %-13s %7d records %8s", m.Model, m.Status, m.Fetched, m.Duration.Round(time.Millisecond))
	}

	// Steady state: nothing changed.
	sim.clock.Add(time.Minute)
	wall = time.Now()
	if rep, err = s.Sync(ctx, odoosync.Opts{}); err != nil {
		t.Fatal(err)
	}
	idle := time.Since(wall)
	for _, m := range rep.Models {
		if m.Fetched != 0 {
			t.Errorf("steady state: %s fetched %d", m.Model, m.Fetched)
		}
	}

	// 1% of the partners and leads change.
	changed := 0
	for _, model := range []string{"res.partner", "crm.lead"} {
		n, err := sim.client.SearchCount(ctx, model, domain.True(), nil)
		if err != nil {
			t.Fatal(err)
		}
		ids, err := sim.client.Search(ctx, model, domain.True(), odoo.SearchReadOpts{Limit: int(max(n/100, 1)), Order: "id asc"})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if err := sim.client.Write(ctx, model, []int64{id}, map[string]any{"name": fmt.Sprintf("renamed %d", id)}, nil); err != nil {
				t.Fatal(err)
			}
		}
		changed += len(ids)
	}
	sim.clock.Add(time.Minute)
	wall = time.Now()
	rep, err = s.Sync(ctx, odoosync.Opts{})
	incTime := time.Since(wall)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched() != int64(changed) {
		t.Errorf("incremental sync fetched %d records, want the %d changed", rep.Fetched(), changed)
	}
	t.Logf("incremental sync: %d changed records in %s (%.0f changed records/s); idle cycle %s; full/incremental time ratio %.0fx",
		rep.Fetched(), incTime.Round(time.Millisecond), float64(rep.Fetched())/incTime.Seconds(), idle.Round(time.Millisecond),
		fullTime.Seconds()/incTime.Seconds())

	sim.clock.Add(2 * time.Hour)
	wall = time.Now()
	if rep, err = s.Sync(ctx, odoosync.Opts{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("cycle with the hourly id sweep of every model: %s", time.Since(wall).Round(time.Millisecond))
}

package history_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestMeasureBackfill measures the first backfill of a demo company read
// from a SQLite store, as after its first sync: time and bytes added. It
// runs only with AICOO_HISTORY_MEASURE=small|medium|large (docs/history.md
// has the numbers).
func TestMeasureBackfill(t *testing.T) {
	size := os.Getenv("AICOO_HISTORY_MEASURE")
	if size == "" {
		t.Skip("set AICOO_HISTORY_MEASURE=medium to measure")
	}
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.Size(size), Seed: 1, Today: demoToday})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: demoToday.Add(8 * time.Hour)}
	s := storetest.Open(t, store.SQLite, func(c *store.Config) { c.NowFunc = clk.Now })
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	load(t, ctx, s, conn.ID, ds, ds.Models()...)
	bytes := func() int64 {
		t.Helper()
		if _, err := s.DB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := s.DB().QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := bytes()
	clk.Set(demoToday.Add(9 * time.Hour))
	u := &history.Updater{Store: s, Now: clk.Now,
		Source: func(id int64) analysis.Source { return analysis.StoreSource{Store: s, ConnectionID: id} }}
	start := time.Now()
	rep, err := u.Update(ctx, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	added := bytes() - before
	t.Logf("%s company: %d journal items, %d opportunities; backfill %d points in %s; store %d bytes before, %d bytes added",
		size, ds.Len("account.move.line"), ds.Len("crm.lead"), rep.Points, took.Round(10*time.Millisecond), before, added)
	if took > 30*time.Second || added > 50<<20 {
		t.Errorf("backfill took %s and added %d bytes: the goal is under 30 s and 50 MB", took, added)
	}
}

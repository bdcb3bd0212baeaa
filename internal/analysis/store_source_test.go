package analysis_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestStoreSource(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		src := analysis.StoreSource{Store: s, ConnectionID: c.ID}
		if _, err := src.Records(ctx, "res.partner"); err == nil || errors.Is(err, analysis.ErrUnavailable) || !strings.Contains(err.Error(), "nothing has been synced") {
			t.Fatalf("before any sync: %v", err)
		}
		now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
		if err := s.OdooRecordUpsertMany(ctx, c.ID, "res.partner", []store.OdooRecordParams{
			{OdooID: 7, WriteDate: now, Active: true, Data: json.RawMessage(`{"id":7,"name":"Azure","country_id":[21,"Belgium"],"credit_limit":1234567890123}`)},
			{OdooID: 9, WriteDate: now, Active: false, Data: json.RawMessage(`{"id":9,"name":"Old","country_id":false,"active":false}`)},
		}); err != nil {
			t.Fatal(err)
		}
		for _, st := range []*store.OdooSyncState{
			{ConnectionID: c.ID, Model: "res.partner", Status: store.OdooSyncOK, RecordCount: 2},
			{ConnectionID: c.ID, Model: "helpdesk.ticket", Status: store.OdooSyncNotInstalled},
		} {
			if err := s.OdooSyncStatePut(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		recs, err := src.Records(ctx, "res.partner")
		if err != nil || len(recs) != 2 {
			t.Fatalf("records: %v %v", recs, err)
		}
		country, err := recs[0].Many2One("country_id")
		if err != nil || country.ID != 21 || country.Name != "Belgium" {
			t.Fatalf("many2one: %+v %v", country, err)
		}
		limit, err := recs[0].Int("credit_limit")
		if err != nil || limit != 1234567890123 {
			t.Fatalf("large integers must stay exact: %d %v", limit, err)
		}
		if c2, _ := recs[1].Many2One("country_id"); !c2.IsZero() {
			t.Fatalf("False many2one: %+v", c2)
		}
		if _, err := src.Records(ctx, "helpdesk.ticket"); !errors.Is(err, analysis.ErrUnavailable) {
			t.Fatalf("not installed: want ErrUnavailable, got %v", err)
		}
		if _, err := src.Records(ctx, "mail.message"); !errors.Is(err, analysis.ErrUnavailable) {
			t.Fatalf("not synced: want ErrUnavailable, got %v", err)
		}
	})
}

func TestRecordCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t, store.SQLite)
	c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	put := func(name string, count int64) {
		t.Helper()
		if err := s.OdooRecordUpsertMany(ctx, c.ID, "res.partner", []store.OdooRecordParams{
			{OdooID: 1, Active: true, Data: json.RawMessage(`{"id":1,"name":"` + name + `"}`)},
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: c.ID, Model: "res.partner", Status: store.OdooSyncOK,
			RecordCount: count, LastSyncedAt: time.Date(2026, 11, 27, 8, 0, int(count), 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	put("Azure", 1)
	cache := analysis.NewRecordCache()
	src := cache.Source(s, c.ID)
	a, err := src.Records(ctx, "res.partner")
	if err != nil || len(a) != 1 {
		t.Fatal(a, err)
	}
	// A second read without a new sync is the same decoded slice.
	b, _ := src.Records(ctx, "res.partner")
	if &a[0] != &b[0] {
		t.Fatal("second read decoded again")
	}
	// Concurrent readers agree.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if r, err := src.Records(ctx, "res.partner"); err != nil || len(r) != 1 {
				t.Error(r, err)
			}
		})
	}
	wg.Wait()
	// After the next sync the new data is read.
	put("Azure Interior", 2)
	d, err := src.Records(ctx, "res.partner")
	if err != nil || len(d) != 1 {
		t.Fatal(d, err)
	}
	if name, _ := d[0].String("name"); name != "Azure Interior" {
		t.Fatalf("stale cache: %q", name)
	}
	if _, err := src.Records(ctx, "helpdesk.ticket"); !errors.Is(err, analysis.ErrUnavailable) {
		t.Fatalf("a model the sync does not carry: %v", err)
	}
}

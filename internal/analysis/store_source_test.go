package analysis_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
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

// TestRecordCacheRefresh: after a sync, only the records it wrote are
// decoded again and merged in id order; a deletion, which the merge cannot
// see, makes the count disagree and the model is read whole.
func TestRecordCacheRefresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	s := storetest.Open(t, store.SQLite, func(c *store.Config) { c.NowFunc = func() time.Time { return now } })
	c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	sync := func(count int64, recs ...store.OdooRecordParams) {
		t.Helper()
		if err := s.OdooRecordUpsertMany(ctx, c.ID, "res.partner", recs); err != nil {
			t.Fatal(err)
		}
		if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: c.ID, Model: "res.partner", Status: store.OdooSyncOK,
			RecordCount: count, LastSyncedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(id int64, name string) store.OdooRecordParams {
		return store.OdooRecordParams{OdooID: id, Active: true, Data: json.RawMessage(fmt.Sprintf(`{"id":%d,"name":%q}`, id, name))}
	}
	names := func(recs []odoo.Record) string {
		var out []string
		for _, r := range recs {
			n, _ := r.String("name")
			out = append(out, n)
		}
		return strings.Join(out, ",")
	}
	src := analysis.NewRecordCache().Source(s, c.ID)

	// The first sync writes in two batches a quarter of an hour apart; a
	// refresh reads from a margin before the last batch's time on.
	sync(2, rec(1, "Azure"), rec(5, "Gemini"))
	now = now.Add(15 * time.Minute)
	sync(3, rec(3, "Deco"))
	first, err := src.Records(ctx, "res.partner")
	if err != nil || names(first) != "Azure,Deco,Gemini" {
		t.Fatalf("first read: %q %v", names(first), err)
	}

	now = now.Add(5 * time.Minute)
	sync(4, rec(3, "Deco Addict"), rec(4, "Lumber"))
	second, err := src.Records(ctx, "res.partner")
	if err != nil || names(second) != "Azure,Deco Addict,Lumber,Gemini" {
		t.Fatalf("after a sync that changed one and added one: %q %v", names(second), err)
	}
	if reflect.ValueOf(second[0]).Pointer() != reflect.ValueOf(first[0]).Pointer() {
		t.Fatal("a record the sync did not write was decoded again")
	}
	if names(first) != "Azure,Deco,Gemini" {
		t.Fatalf("the earlier slice, which analyzers may still hold, changed: %q", names(first))
	}

	// A sync by an instance whose clock is eight minutes behind still
	// shows: its writes fall inside the margin.
	now = now.Add(-8 * time.Minute)
	sync(4, rec(5, "Gemini Furniture"))
	skewed, err := src.Records(ctx, "res.partner")
	if err != nil || names(skewed) != "Azure,Deco Addict,Lumber,Gemini Furniture" {
		t.Fatalf("after a sync stamped by a slower clock: %q %v", names(skewed), err)
	}

	now = now.Add(15 * time.Minute)
	if _, err := s.OdooRecordDelete(ctx, c.ID, "res.partner", []int64{5}); err != nil {
		t.Fatal(err)
	}
	sync(3)
	third, err := src.Records(ctx, "res.partner")
	if err != nil || names(third) != "Azure,Deco Addict,Lumber" {
		t.Fatalf("after a deletion: %q %v", names(third), err)
	}
}

// TestRecordCacheDropsIdleModels: a model nobody read for three hours is
// dropped at the next read of another, a model read meanwhile is kept.
func TestRecordCacheDropsIdleModels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t, store.SQLite)
	c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	for _, model := range []string{"res.partner", "crm.lead", "account.move"} {
		if err := s.OdooRecordUpsertMany(ctx, c.ID, model, []store.OdooRecordParams{{OdooID: 1, Active: true, Data: json.RawMessage(`{"id":1}`)}}); err != nil {
			t.Fatal(err)
		}
		if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: c.ID, Model: model, Status: store.OdooSyncOK, RecordCount: 1,
			LastSyncedAt: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	cache := analysis.NewRecordCache()
	analysis.SetCacheClock(cache, func() time.Time { return now })
	src := cache.Source(s, c.ID)
	read := func(model string) {
		t.Helper()
		if _, err := src.Records(ctx, model); err != nil {
			t.Fatal(err)
		}
	}
	read("res.partner")
	read("crm.lead")
	now = now.Add(2 * time.Hour)
	read("crm.lead") // still in use
	now = now.Add(90 * time.Minute)
	read("account.move") // sweeps: res.partner unread for 3.5 h
	if n := cache.Len(); n != 2 {
		t.Fatalf("the cache holds %d models, want 2 (crm.lead and account.move)", n)
	}
}

// TestRecordCacheReadsWholeHourly: a write stamped by a clock far behind
// (beyond the refresh margin) is missed by refreshes, but not for longer
// than an hour: the model is then read whole.
func TestRecordCacheReadsWholeHourly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	syncClock := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	s := storetest.Open(t, store.SQLite, func(c *store.Config) { c.NowFunc = func() time.Time { return syncClock } })
	c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	state := 0
	sync := func(name string) {
		t.Helper()
		if err := s.OdooRecordUpsertMany(ctx, c.ID, "res.partner", []store.OdooRecordParams{
			{OdooID: 1, Active: true, Data: json.RawMessage(`{"id":1,"name":"` + name + `"}`)}}); err != nil {
			t.Fatal(err)
		}
		state++
		if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: c.ID, Model: "res.partner", Status: store.OdooSyncOK, RecordCount: 1,
			LastSyncedAt: time.Date(2026, 11, 27, 9, state, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	now := syncClock
	cache := analysis.NewRecordCache()
	analysis.SetCacheClock(cache, func() time.Time { return now })
	src := cache.Source(s, c.ID)
	name := func() string {
		t.Helper()
		recs, err := src.Records(ctx, "res.partner")
		if err != nil || len(recs) != 1 {
			t.Fatal(recs, err)
		}
		n, _ := recs[0].String("name")
		return n
	}
	sync("Azure")
	if got := name(); got != "Azure" {
		t.Fatalf("first read %q", got)
	}
	// Another instance, its clock 40 minutes behind, writes a change.
	syncClock = syncClock.Add(-40 * time.Minute)
	now = now.Add(5 * time.Minute)
	sync("Azure Interior")
	if got := name(); got != "Azure" {
		t.Fatalf("the refresh was expected to miss the slow clock's write (the case this test covers), got %q", got)
	}
	now = now.Add(time.Hour)
	sync("Azure Interior")
	if got := name(); got != "Azure Interior" {
		t.Fatalf("an hour later the model is read whole: got %q", got)
	}
}

// TestRecordCacheBoundsAndProjects: the cache keeps only the fields it is
// told (with id and active), and past MaxRecords drops the models read
// least recently, never the one just read.
func TestRecordCacheBoundsAndProjects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t, store.SQLite)
	c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int{"res.partner": 3, "crm.lead": 2, "account.move": 4}
	for model, n := range sizes {
		var recs []store.OdooRecordParams
		for id := 1; id <= n; id++ {
			recs = append(recs, store.OdooRecordParams{OdooID: int64(id), Active: true,
				Data: json.RawMessage(fmt.Sprintf(`{"id":%d,"active":true,"name":"R%d","state":"posted","note":"long text"}`, id, id))})
		}
		if err := s.OdooRecordUpsertMany(ctx, c.ID, model, recs); err != nil {
			t.Fatal(err)
		}
		if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: c.ID, Model: model, Status: store.OdooSyncOK, RecordCount: int64(n),
			LastSyncedAt: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	cache := analysis.NewRecordCacheWith(analysis.CacheOptions{
		Fields:     map[string][]string{"res.partner": {"name"}, "account.move": {"state"}},
		MaxRecords: 6,
	})
	analysis.SetCacheClock(cache, func() time.Time { return now })
	src := cache.AnalysisSource(s, c.ID)
	read := func(model string) []odoo.Record {
		t.Helper()
		now = now.Add(time.Minute)
		recs, err := src.Records(ctx, model)
		if err != nil || len(recs) != sizes[model] {
			t.Fatalf("%s: %d records, %v", model, len(recs), err)
		}
		return recs
	}
	partners := read("res.partner")
	if want := (odoo.Record{"id": json.Number("1"), "active": true, "name": "R1"}); !reflect.DeepEqual(partners[0], want) {
		t.Fatalf("projected partner %v, want %v", partners[0], want)
	}
	// Source keeps every field, in a copy of its own.
	if whole, err := cache.Source(s, c.ID).Records(ctx, "res.partner"); err != nil || len(whole[0]) != 5 {
		t.Fatalf("Source: %v %v", whole, err)
	}
	if cache.Len() != 2 {
		t.Fatalf("the cache holds %d models, want the partners twice", cache.Len())
	}
	cache = analysis.NewRecordCacheWith(analysis.CacheOptions{
		Fields:     map[string][]string{"res.partner": {"name"}, "account.move": {"state"}},
		MaxRecords: 6,
	})
	analysis.SetCacheClock(cache, func() time.Time { return now })
	src = cache.AnalysisSource(s, c.ID)
	read("res.partner")
	if leads := read("crm.lead"); len(leads[0]) != 5 {
		t.Fatalf("a model without a field list keeps every field: %v", leads[0])
	}
	if cache.Records() != 5 {
		t.Fatalf("cache holds %d records, want 5", cache.Records())
	}
	read("account.move") // 9 records: res.partner, read first, goes
	if cache.Len() != 2 || cache.Records() != 6 {
		t.Fatalf("after the bound: %d models, %d records, want crm.lead and account.move (6)", cache.Len(), cache.Records())
	}
	read("res.partner") // read again: crm.lead goes, then account.move (3+4 > 6)
	if cache.Len() != 1 || cache.Records() != 3 {
		t.Fatalf("after reading res.partner again: %d models, %d records, want res.partner alone (3)", cache.Len(), cache.Records())
	}
}

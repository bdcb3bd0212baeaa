package odoosync_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// t0 is the write date of the seeded records.
var t0 = time.Date(2025, 6, 2, 9, 30, 0, 0, time.UTC)

// bundle is a fake Odoo, a store and a clock an hour after t0.
type bundle struct {
	odoo  *fakeOdoo
	store *store.Store
	conn  int64
	clock *clock
}

func setup(t *testing.T, s *store.Store) *bundle {
	t.Helper()
	if s == nil {
		s = storetest.Open(t, store.SQLite)
	}
	c, err := s.ConnectionUpsert(context.Background(), store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{odoo: newFake(), store: s, conn: c.ID, clock: &clock{t: t0.Add(time.Hour)}}
}

func (b *bundle) syncer(t *testing.T, specs []odoosync.ModelSpec, mod func(*odoosync.Config)) *odoosync.Syncer {
	t.Helper()
	cfg := odoosync.Config{Store: b.store, Client: b.odoo, ConnectionID: b.conn, Models: specs,
		PageSize: 10, NowFunc: b.clock.Now}
	if mod != nil {
		mod(&cfg)
	}
	return newSyncerT(t, cfg)
}

func spec(models ...string) []odoosync.ModelSpec {
	var out []odoosync.ModelSpec
	for _, m := range models {
		out = append(out, odoosync.ModelSpec{Model: m, Fields: []string{"name", "amount", "computed", "missing_field"}})
	}
	return out
}

// stored returns the names of the stored records of a model by id, with
// "(archived)" appended to archived ones.
func (b *bundle) stored(t *testing.T, model string) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	for r, err := range b.store.OdooRecordList(context.Background(), store.OdooRecordListParams{ConnectionID: b.conn, Model: model}) {
		if err != nil {
			t.Fatal(err)
		}
		f, err := r.Fields()
		if err != nil {
			t.Fatal(err)
		}
		name, _ := f["name"].(string)
		if !r.Active {
			name += " (archived)"
		}
		out[r.OdooID] = name
	}
	return out
}

func (b *bundle) run(t *testing.T, s *odoosync.Syncer, opts odoosync.Opts) *odoosync.Report {
	t.Helper()
	b.odoo.resetCounts()
	rep, err := s.Sync(context.Background(), opts)
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	return rep
}

func modelReport(t *testing.T, rep *odoosync.Report, model string) odoosync.ModelReport {
	t.Helper()
	for _, m := range rep.Models {
		if m.Model == model {
			return m
		}
	}
	t.Fatalf("no report for %s in %+v", model, rep.Models)
	return odoosync.ModelReport{}
}

// TestSyncBothDialects runs the first and a steady-state cycle on SQLite
// and PostgreSQL.
func TestSyncBothDialects(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b := setup(t, s)
		b.odoo.addModel("res.partner", true, nil)
		for id := int64(1); id <= 35; id++ {
			b.odoo.put("res.partner", id, "p", t0.Add(time.Duration(id%4)*time.Second))
		}
		syncer := b.syncer(t, spec("res.partner", "helpdesk.ticket"), nil)
		rep := b.run(t, syncer, odoosync.Opts{})
		if m := modelReport(t, rep, "res.partner"); m.Status != store.OdooSyncOK || m.Fetched != 35 || !m.Swept || m.Total != 35 {
			t.Fatalf("first cycle = %+v", m)
		}
		if m := modelReport(t, rep, "helpdesk.ticket"); m.Status != store.OdooSyncNotInstalled || m.Err != nil {
			t.Fatalf("helpdesk = %+v", m)
		}
		b.clock.Add(time.Minute)
		rep = b.run(t, syncer, odoosync.Opts{})
		if m := modelReport(t, rep, "res.partner"); m.Fetched != 0 || m.Swept {
			t.Fatalf("steady state must fetch nothing and not sweep: %+v", m)
		}
		st, err := b.store.OdooSyncStateGet(context.Background(), b.conn, "res.partner")
		if err != nil {
			t.Fatal(err)
		}
		wantFields := []string{"id", "write_date", "active", "amount", "name"}
		if !slices.Equal(st.Fields, wantFields) || !st.CursorWriteDate.Equal(t0.Add(3*time.Second)) || len(st.CursorIDs) != 9 ||
			st.RecordCount != 35 || st.Status != store.OdooSyncOK || st.ProgressDone != 0 {
			t.Fatalf("state = %+v", st)
		}
		states, err := b.store.OdooSyncStateList(context.Background(), b.conn)
		if err != nil || len(states) != 2 || states[0].Status != store.OdooSyncNotInstalled {
			t.Fatalf("states = %+v, %v", states, err)
		}
	})
}

func TestSyncCursor(t *testing.T) {
	t.Parallel()
	const m = "res.partner"
	tests := []struct {
		name string
		// seed fills the fake before the first cycle.
		seed func(b *bundle)
		// change alters the fake between the first and second cycles.
		change func(b *bundle)
		// firstFetched and secondFetched are the records fetched by each
		// cycle; third cycles always fetch nothing.
		firstFetched, secondFetched int
		want                        map[int64]string
	}{{
		name: "same second across page boundaries",
		seed: func(b *bundle) {
			for id := int64(1); id <= 25; id++ {
				b.odoo.put(m, id, "a", t0)
			}
		},
		firstFetched: 25, secondFetched: 0,
		want: wantNames(1, 25, "a"),
	}, {
		name: "a late commit in the cursor's second is not lost",
		seed: func(b *bundle) {
			for id := int64(2); id <= 25; id++ {
				b.odoo.put(m, id, "a", t0)
			}
		},
		change: func(b *bundle) {
			b.odoo.put(m, 1, "late", t0)  // lower id, same second
			b.odoo.put(m, 30, "late", t0) // higher id, same second
		},
		firstFetched: 24, secondFetched: 2,
		want: merge(wantNames(2, 25, "a"), map[int64]string{1: "late", 30: "late"}),
	}, {
		name: "updates and creations after the cursor",
		seed: func(b *bundle) {
			for id := int64(1); id <= 12; id++ {
				b.odoo.put(m, id, "a", t0.Add(time.Duration(id)*time.Second))
			}
		},
		change: func(b *bundle) {
			b.odoo.set(m, 3, t0.Add(time.Minute), map[string]any{"name": "b"})
			b.odoo.put(m, 13, "new", t0.Add(time.Minute))
		},
		firstFetched: 12, secondFetched: 2,
		want: merge(wantNames(1, 12, "a"), map[int64]string{3: "b", 13: "new"}),
	}, {
		name: "archived records come through",
		seed: func(b *bundle) {
			for id := int64(1); id <= 5; id++ {
				b.odoo.put(m, id, "a", t0)
			}
			b.odoo.set(m, 2, t0, map[string]any{"active": false})
		},
		change: func(b *bundle) {
			b.odoo.set(m, 4, t0.Add(time.Minute), map[string]any{"active": false})
		},
		firstFetched: 5, secondFetched: 1,
		want: map[int64]string{1: "a", 2: "a (archived)", 3: "a", 4: "a (archived)", 5: "a"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			b.odoo.addModel(m, true, nil)
			tt.seed(b)
			s := b.syncer(t, spec(m), nil)
			if got := modelReport(t, b.run(t, s, odoosync.Opts{}), m).Fetched; got != int64(tt.firstFetched) {
				t.Fatalf("first cycle fetched %d, want %d", got, tt.firstFetched)
			}
			if tt.change != nil {
				tt.change(b)
			}
			b.clock.Add(time.Hour / 2) // no sweep is due
			rep := b.run(t, s, odoosync.Opts{})
			if got := modelReport(t, rep, m); got.Fetched != int64(tt.secondFetched) || got.Swept {
				t.Fatalf("second cycle = %+v, want %d fetched and no sweep", got, tt.secondFetched)
			}
			if got := b.odoo.count(m); got != tt.secondFetched {
				t.Fatalf("second cycle: the fake returned %d records, want %d", got, tt.secondFetched)
			}
			b.clock.Add(time.Minute)
			if got := modelReport(t, b.run(t, s, odoosync.Opts{}), m).Fetched; got != 0 {
				t.Fatalf("third cycle fetched %d, want 0", got)
			}
			if got := b.stored(t, m); !maps.Equal(got, tt.want) {
				t.Fatalf("stored = %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestSyncUnsettledSecond: records written in the second being fetched are
// fetched once more, which catches a rewrite within that second.
func TestSyncUnsettledSecond(t *testing.T) {
	t.Parallel()
	const m = "crm.lead"
	b := setup(t, nil)
	b.odoo.addModel(m, true, nil)
	for id := int64(1); id <= 15; id++ {
		b.odoo.put(m, id, "a", t0.Add(-time.Minute))
	}
	for id := int64(16); id <= 20; id++ {
		b.odoo.put(m, id, "a", t0)
	}
	b.clock.Set(t0.Add(500 * time.Millisecond)) // within t0's second
	s := b.syncer(t, spec(m), func(c *odoosync.Config) { c.SettleDelay = 2 * time.Second })
	// The initial scan by id fetches 20; the incremental pass after it
	// fetches again the 5 written in the second the scan began.
	if got := modelReport(t, b.run(t, s, odoosync.Opts{}), m).Fetched; got != 25 {
		t.Fatalf("first cycle fetched %d", got)
	}
	st, _ := b.store.OdooSyncStateGet(context.Background(), b.conn, m)
	if !st.CursorWriteDate.Equal(t0.Add(-3*time.Second)) || len(st.CursorIDs) != 0 {
		t.Fatalf("the cursor must stop before the unsettled second: %v %v", st.CursorWriteDate, st.CursorIDs)
	}
	// Rewritten in the same second: write_date does not change.
	b.odoo.set(m, 18, t0, map[string]any{"name": "rewritten"})
	b.clock.Set(t0.Add(2 * time.Second)) // still within the settle delay
	if got := modelReport(t, b.run(t, s, odoosync.Opts{}), m).Fetched; got != 5 {
		t.Fatalf("second cycle fetched %d, want the 5 unsettled records", got)
	}
	b.clock.Set(t0.Add(time.Minute))
	if got := modelReport(t, b.run(t, s, odoosync.Opts{}), m).Fetched; got != 5 {
		t.Fatalf("third cycle fetched %d, want the 5 records once more as they settle", got)
	}
	b.clock.Add(time.Minute)
	if got := modelReport(t, b.run(t, s, odoosync.Opts{}), m).Fetched; got != 0 {
		t.Fatalf("fourth cycle fetched %d, want 0", got)
	}
	if got := b.stored(t, m)[18]; got != "rewritten" {
		t.Fatalf("record 18 = %q", got)
	}
}

// TestSyncRecordChangedDuringSync: a record of an early page updated while
// later pages are fetched is stored in its new version after the next
// cycle at the latest.
func TestSyncRecordChangedDuringSync(t *testing.T) {
	t.Parallel()
	const m = "sale.order"
	b := setup(t, nil)
	b.odoo.addModel(m, false, nil)
	for id := int64(1); id <= 40; id++ {
		b.odoo.put(m, id, "a", t0.Add(time.Duration(id)*time.Second))
	}
	b.odoo.beforeSearchRead = func(model string, n int) {
		if model == m && n == 3 {
			// Record 5 (page 1) changes, then record 38 (page 4) too, in
			// the second of the page being read.
			b.odoo.set(m, 5, t0.Add(time.Hour), map[string]any{"name": "changed"})
			b.odoo.set(m, 38, t0.Add(time.Hour), map[string]any{"name": "changed too"})
		}
	}
	b.clock.Set(t0.Add(time.Hour))
	s := b.syncer(t, spec(m), func(c *odoosync.Config) { c.SettleDelay = -1 })
	b.run(t, s, odoosync.Opts{})
	b.odoo.beforeSearchRead = nil
	b.clock.Add(time.Minute)
	b.run(t, s, odoosync.Opts{})
	got := b.stored(t, m)
	if got[5] != "changed" || got[38] != "changed too" || len(got) != 40 {
		t.Fatalf("stored = %v", got)
	}
	b.clock.Add(time.Minute)
	if n := modelReport(t, b.run(t, s, odoosync.Opts{}), m).Fetched; n != 0 {
		t.Fatalf("a later cycle fetched %d", n)
	}
}

func TestSyncSweep(t *testing.T) {
	t.Parallel()
	const m = "account.move"
	b := setup(t, nil)
	b.odoo.addModel(m, false, nil)
	for id := int64(1); id <= 30; id++ {
		b.odoo.put(m, id, "a", t0)
	}
	s := b.syncer(t, spec(m), func(c *odoosync.Config) { c.SweepPageSize = 7 })
	b.run(t, s, odoosync.Opts{})
	b.odoo.del(m, 3, 17, 30)
	// A record the store lost (or never got) is fetched again by a sweep.
	if _, err := b.store.OdooRecordDelete(context.Background(), b.conn, m, []int64{9}); err != nil {
		t.Fatal(err)
	}

	b.clock.Add(30 * time.Minute)
	if r := modelReport(t, b.run(t, s, odoosync.Opts{}), m); r.Swept || r.Deleted != 0 || r.Total != 29 {
		t.Fatalf("no sweep is due yet: %+v", r)
	}
	b.clock.Add(31 * time.Minute)
	r := modelReport(t, b.run(t, s, odoosync.Opts{}), m)
	if !r.Swept || r.Deleted != 3 || r.Repaired != 1 || r.Total != 27 {
		t.Fatalf("hourly sweep = %+v", r)
	}
	if got := b.stored(t, m); len(got) != 27 || got[3] != "" || got[9] != "a" {
		t.Fatalf("stored = %v", got)
	}
	b.odoo.del(m, 1)
	b.clock.Add(time.Minute)
	r = modelReport(t, b.run(t, s, odoosync.Opts{Full: true}), m)
	if !r.Swept || r.Deleted != 1 || r.Fetched != 26 {
		t.Fatalf("full sync = %+v", r)
	}
}

// TestSyncFieldsChange: a new field in the spec fetches the model again.
func TestSyncFieldsChange(t *testing.T) {
	t.Parallel()
	const m = "product.product"
	b := setup(t, nil)
	b.odoo.addModel(m, true, map[string]fakeField{"default_code": {"char", true}})
	for id := int64(1); id <= 12; id++ {
		b.odoo.put(m, id, "a", t0)
	}
	b.run(t, b.syncer(t, []odoosync.ModelSpec{{Model: m, Fields: []string{"name"}}}, nil), odoosync.Opts{})
	b.clock.Add(time.Minute)
	r := modelReport(t, b.run(t, b.syncer(t, []odoosync.ModelSpec{{Model: m, Fields: []string{"name", "default_code"}}}, nil), odoosync.Opts{}), m)
	if r.Fetched != 12 || !r.Swept || r.Fields != 5 {
		t.Fatalf("after a field change = %+v", r)
	}
}

func TestSyncFailingModel(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, m := range []string{"res.partner", "crm.lead", "sale.order"} {
		b.odoo.addModel(m, true, nil)
		for id := int64(1); id <= 3; id++ {
			b.odoo.put(m, id, "a", t0)
		}
	}
	b.odoo.fail["crm.lead"] = &odoo.Error{Kind: odoo.ErrAccessRights, Op: "search_read", Model: "crm.lead"}
	b.odoo.failMethod["crm.lead"] = "search_read"
	s := b.syncer(t, spec("res.partner", "crm.lead", "sale.order"), nil)
	rep, err := s.Sync(context.Background(), odoosync.Opts{})
	if !errors.Is(err, odoo.ErrAccessRights) || !strings.HasPrefix(err.Error(), "odoosync: sync crm.lead: search_read: ") {
		t.Fatalf("err = %v", err)
	}
	if rep.Failed() != 1 || rep.Fetched() != 6 || modelReport(t, rep, "sale.order").Status != store.OdooSyncOK {
		t.Fatalf("report = %+v", rep.Models)
	}
	st, _ := b.store.OdooSyncStateGet(context.Background(), b.conn, "crm.lead")
	if st.Status != store.OdooSyncFailed || !strings.Contains(st.LastError, "access denied") {
		t.Fatalf("state = %+v", st)
	}
	delete(b.odoo.fail, "crm.lead")
	b.clock.Add(time.Minute)
	if r := modelReport(t, b.run(t, s, odoosync.Opts{}), "crm.lead"); r.Status != store.OdooSyncOK || r.Fetched != 3 {
		t.Fatalf("after recovery = %+v", r)
	}
}

// TestSyncCancel: cancelling mid-model keeps the committed pages, and the
// next cycle resumes after them.
func TestSyncCancel(t *testing.T) {
	t.Parallel()
	const m = "stock.move"
	b := setup(t, nil)
	b.odoo.addModel(m, false, nil)
	for id := int64(1); id <= 45; id++ {
		b.odoo.put(m, id, "a", t0.Add(time.Duration(id/4)*time.Second))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.odoo.beforeSearchRead = func(model string, n int) {
		if n == 3 {
			cancel()
		}
	}
	s := b.syncer(t, spec(m, "res.partner"), nil)
	rep, err := s.Sync(ctx, odoosync.Opts{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if len(rep.Models) != 1 || rep.Models[0].Fetched != 20 {
		t.Fatalf("report = %+v", rep.Models)
	}
	st, _ := b.store.OdooSyncStateGet(context.Background(), b.conn, m)
	// The initial scan by id was interrupted after id 20.
	if st.Status != store.OdooSyncFailed || !st.CursorWriteDate.IsZero() || !slices.Equal(st.CursorIDs, []int64{20}) {
		t.Fatalf("state after cancel = %+v", st)
	}
	b.odoo.beforeSearchRead = nil
	// The scan resumes after id 20 (25 records); not knowing every id of
	// the latest second, the incremental pass fetches that second again
	// (ids 44 and 45).
	if r := modelReport(t, b.run(t, s, odoosync.Opts{Models: []string{m}}), m); r.Fetched != 27 || r.Total != 45 {
		t.Fatalf("resumed = %+v", r)
	}
	b.clock.Add(time.Minute)
	if r := modelReport(t, b.run(t, s, odoosync.Opts{Models: []string{m}}), m); r.Fetched != 0 {
		t.Fatalf("after the resumed scan = %+v", r)
	}
}

func TestNewAndOptsErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tests := []struct {
		name string
		cfg  odoosync.Config
	}{
		{"no store", odoosync.Config{Client: b.odoo, ConnectionID: 1}},
		{"no connection", odoosync.Config{Store: b.store, Client: b.odoo}},
		{"duplicate model", odoosync.Config{Store: b.store, Client: b.odoo, ConnectionID: 1, Models: spec("a", "a")}},
		{"empty model", odoosync.Config{Store: b.store, Client: b.odoo, ConnectionID: 1, Models: spec("")}},
	}
	for _, tt := range tests {
		if _, err := odoosync.New(tt.cfg); err == nil || !strings.HasPrefix(err.Error(), "odoosync: ") {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
	s := b.syncer(t, nil, nil)
	if len(s.Models()) != len(odoosync.DefaultModels()) {
		t.Fatalf("default models = %v", s.Models())
	}
	if _, err := s.Sync(context.Background(), odoosync.Opts{Models: []string{"nope"}}); err == nil {
		t.Fatal("an unknown model must fail")
	}
}

func wantNames(from, to int64, name string) map[int64]string {
	out := map[int64]string{}
	for id := from; id <= to; id++ {
		out[id] = name
	}
	return out
}

func merge(a, b map[int64]string) map[int64]string {
	maps.Copy(a, b)
	return a
}

// TestSyncFailedModelResumesFirst: a model that failed mid-scan is synced
// first on the next run and resumes from its cursor, so a run cut short
// again (a job timeout, an open circuit breaker) still makes progress on
// it instead of going over the finished models and stopping before the
// same one every time.
func TestSyncFailedModelResumesFirst(t *testing.T) {
	t.Parallel()
	const first, flaky = "res.partner", "stock.move"
	b := setup(t, nil)
	for _, m := range []string{first, flaky} {
		b.odoo.addModel(m, false, nil)
		for id := int64(1); id <= 45; id++ {
			b.odoo.put(m, id, "a", t0.Add(time.Duration(id/4)*time.Second))
		}
	}
	s := b.syncer(t, spec(first, flaky), nil)
	// Run 1: the flaky model fails on its third page, after ids 1 to 20.
	b.odoo.beforeSearchRead = func(model string, n int) {
		if model == flaky && n == 3 {
			b.odoo.mu.Lock()
			b.odoo.fail[flaky] = &odoo.Error{Kind: odoo.ErrServerFault, Op: "search_read", Model: flaky, Message: "502"}
			b.odoo.mu.Unlock()
		}
	}
	rep, err := s.Sync(context.Background(), odoosync.Opts{})
	if err == nil || rep.Failed() != 1 || modelReport(t, rep, flaky).Fetched != 20 {
		t.Fatalf("run 1: err %v, report %+v", err, rep.Models)
	}
	delete(b.odoo.fail, flaky)
	// Run 2 is cut short as soon as it reads the first configured model.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.odoo.beforeSearchRead = func(model string, _ int) {
		if model == first {
			cancel()
		}
	}
	b.clock.Add(time.Minute)
	rep, _ = s.Sync(ctx, odoosync.Opts{})
	if len(rep.Models) == 0 || rep.Models[0].Model != flaky {
		t.Fatalf("run 2 did not start with the failed model: %+v", rep.Models)
	}
	// It fetched the 25 records after id 20, and the last second again.
	if r := rep.Models[0]; r.Status != store.OdooSyncOK || r.Fetched != 27 || r.Total != 45 {
		t.Fatalf("run 2, %s = %+v", flaky, r)
	}
}

// TestSyncRecordsPendingModels: a run records every model it is to sync
// before starting, so a model not reached yet reads as not synced yet
// rather than as a model aicoo does not sync.
func TestSyncRecordsPendingModels(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.odoo.addModel("res.partner", false, nil)
	b.odoo.addModel("crm.lead", false, nil)
	ctx, cancel := context.WithCancel(context.Background())
	b.odoo.beforeSearchRead = func(string, int) { cancel() }
	s := b.syncer(t, spec("res.partner", "crm.lead"), nil)
	if _, err := s.Sync(ctx, odoosync.Opts{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	st, err := b.store.OdooSyncStateGet(context.Background(), b.conn, "crm.lead")
	if err != nil || st.Status != "" || !st.LastSuccessAt.IsZero() {
		t.Fatalf("crm.lead state = %+v, %v", st, err)
	}
}

// TestSyncTransientFailures: a model that fails on a transient error is
// tried once more at the end of the run, from its cursor; when the circuit
// breaker opens, the run pauses and resumes the model, and once out of
// pauses leaves the remaining models, untouched, to the next run.
func TestSyncTransientFailures(t *testing.T) {
	t.Parallel()
	unavailable := &odoo.Error{Kind: odoo.ErrUnavailable, Op: "search_read", Message: "Bad Gateway"}
	open := &odoo.Error{Kind: odoo.ErrCircuitOpen, Op: "search_read"}
	for _, tt := range []struct {
		name string
		// failOn lists the search_read calls of crm.lead (counted from 1)
		// that fail, and with what.
		failOn map[int]error
		pauses int
		// want: crm.lead's status, and the models deferred.
		wantStatus   string
		wantDeferred []string
	}{
		{"a 502 is retried at the end of the run", map[int]error{2: unavailable}, 0, store.OdooSyncOK, nil},
		{"a second 502 fails the model", map[int]error{2: unavailable, 3: unavailable}, 0, store.OdooSyncFailed, nil},
		{"an open breaker pauses and resumes", map[int]error{2: open}, 0, store.OdooSyncOK, nil},
		{"out of pauses, the rest waits", map[int]error{2: open}, -1, store.OdooSyncFailed, []string{"sale.order"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			for _, m := range []string{"res.partner", "crm.lead", "sale.order"} {
				b.odoo.addModel(m, false, nil)
				for id := int64(1); id <= 25; id++ {
					b.odoo.put(m, id, "a", t0.Add(time.Duration(id)*time.Second))
				}
			}
			b.odoo.beforeSearchRead = func(model string, n int) {
				b.odoo.mu.Lock()
				defer b.odoo.mu.Unlock()
				delete(b.odoo.fail, model)
				if err, ok := tt.failOn[n]; ok && model == "crm.lead" {
					b.odoo.fail[model], b.odoo.failMethod[model] = err, "search_read"
				}
			}
			s := b.syncer(t, spec("res.partner", "crm.lead", "sale.order"), func(c *odoosync.Config) {
				c.BreakerPause, c.BreakerPauses = time.Millisecond, tt.pauses
			})
			rep, _ := s.Sync(context.Background(), odoosync.Opts{})
			lead := modelReport(t, rep, "crm.lead")
			if lead.Status != tt.wantStatus || !slices.Equal(rep.Deferred, tt.wantDeferred) {
				t.Fatalf("crm.lead %+v, deferred %v", lead, rep.Deferred)
			}
			// Resumed after the 10 records of the first page (and the
			// last second fetched again), not started over (36).
			if tt.wantStatus == store.OdooSyncOK && (lead.Fetched != 26 || len(b.stored(t, "crm.lead")) != 25) {
				t.Fatalf("crm.lead resumed badly: %+v", lead)
			}
			if tt.wantDeferred != nil {
				if st, err := b.store.OdooSyncStateGet(context.Background(), b.conn, "sale.order"); err != nil || st.Status != "" {
					t.Fatalf("a deferred model must stay pending: %+v, %v", st, err)
				}
			}
		})
	}
}

// TestSyncLogsNoNilError: the line logged for each model names an error
// only when there is one (the demo's --verbose showed error=<nil> on every
// model that synced).
func TestSyncLogsNoNilError(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, m := range []string{"res.partner", "crm.lead"} {
		b.odoo.addModel(m, true, nil)
		b.odoo.put(m, 1, "a", t0)
	}
	b.odoo.fail["crm.lead"] = &odoo.Error{Kind: odoo.ErrAccessRights, Op: "search_read", Model: "crm.lead"}
	b.odoo.failMethod["crm.lead"] = "search_read"
	var logs bytes.Buffer
	s := b.syncer(t, spec("res.partner", "crm.lead"), func(c *odoosync.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	_, _ = s.Sync(context.Background(), odoosync.Opts{})
	var synced, failed bool
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "error=<nil>") {
			t.Errorf("logged a nil error: %s", line)
		}
		if strings.Contains(line, "model synced") && strings.Contains(line, "model=res.partner") {
			synced = true
		}
		if strings.Contains(line, "model=crm.lead") && strings.Contains(line, "error=") {
			failed = true
		}
	}
	if !synced || !failed {
		t.Errorf("want a line for the synced model and one with the failed model's error:\n%s", logs.String())
	}
}

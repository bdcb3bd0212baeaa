package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func odooRecs(from, to int64, wd time.Time, tag string) []store.OdooRecordParams {
	var out []store.OdooRecordParams
	for id := from; id <= to; id++ {
		out = append(out, store.OdooRecordParams{
			OdooID: id, WriteDate: wd, Active: id%7 != 0,
			Data: json.RawMessage(fmt.Sprintf(`{"id":%d,"name":"%s %d","amount":12345678.25,"partner_id":[3,"Acme"]}`, id, tag, id)),
		})
	}
	return out
}

func TestOdooRecordUpsertAndList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		wd := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
		// 1234 rows: two full statements of 500 and a short one.
		if err := s.OdooRecordUpsertMany(ctx, c.ID, "res.partner", odooRecs(1, 1234, wd, "v1")); err != nil {
			t.Fatal(err)
		}
		// Another model and an upsert of a part with a later write date.
		if err := s.OdooRecordUpsertMany(ctx, c.ID, "crm.lead", odooRecs(1, 3, wd, "lead")); err != nil {
			t.Fatal(err)
		}
		if err := s.OdooRecordUpsertMany(ctx, c.ID, "res.partner", odooRecs(1000, 1300, wd.Add(time.Hour), "v2")); err != nil {
			t.Fatal(err)
		}
		// An older version must not overwrite a newer one.
		if err := s.OdooRecordUpsertMany(ctx, c.ID, "res.partner", odooRecs(1300, 1300, wd, "stale")); err != nil {
			t.Fatal(err)
		}
		n, err := s.OdooRecordCount(ctx, c.ID, "res.partner")
		if err != nil || n != 1300 {
			t.Fatalf("count = %d, %v; want 1300", n, err)
		}
		r, err := s.OdooRecordGet(ctx, c.ID, "res.partner", 1300)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Name   string      `json:"name"`
			Amount json.Number `json:"amount"`
		}
		if err := r.Decode(&v); err != nil || v.Name != "v2 1300" || v.Amount.String() != "12345678.25" {
			t.Fatalf("record 1300 = %+v (%v), want v2 and the exact amount", v, err)
		}
		if !r.WriteDate.Equal(wd.Add(time.Hour)) || r.Active != true || r.SyncedAt.IsZero() {
			t.Fatalf("record 1300 = %+v", r)
		}
		fields, err := r.Fields()
		if err != nil || fields["partner_id"] == nil {
			t.Fatalf("Fields = %v, %v", fields, err)
		}
		if _, err := s.OdooRecordGet(ctx, c.ID, "res.partner", 99999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing record: want ErrNotFound, got %v", err)
		}

		tests := []struct {
			name   string
			params store.OdooRecordListParams
			want   int
			first  int64
		}{
			{"all", store.OdooRecordListParams{ConnectionID: c.ID, Model: "res.partner", PageSize: 100}, 1300, 1},
			{"active only", store.OdooRecordListParams{ConnectionID: c.ID, Model: "res.partner", ActiveOnly: true}, 1300 - 1300/7, 1},
			{"after", store.OdooRecordListParams{ConnectionID: c.ID, Model: "res.partner", AfterID: 1290, PageSize: 3}, 10, 1291},
			{"other model", store.OdooRecordListParams{ConnectionID: c.ID, Model: "crm.lead"}, 3, 1},
			{"none", store.OdooRecordListParams{ConnectionID: c.ID, Model: "sale.order"}, 0, 0},
		}
		for _, tt := range tests {
			var ids []int64
			for r, err := range s.OdooRecordList(ctx, tt.params) {
				if err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
				ids = append(ids, r.OdooID)
			}
			if len(ids) != tt.want || !slices.IsSorted(ids) || (len(ids) > 0 && ids[0] != tt.first) {
				t.Errorf("%s: got %d ids starting %v, want %d from %d", tt.name, len(ids), ids[:min(3, len(ids))], tt.want, tt.first)
			}
		}

		// DataOnly gives the same ids, data and sync times, in the same order.
		full := map[int64]*store.OdooRecord{}
		for r, err := range s.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: c.ID, Model: "res.partner"}) {
			if err != nil {
				t.Fatal(err)
			}
			full[r.OdooID] = r
		}
		var lean int
		for r, err := range s.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: c.ID, Model: "res.partner", DataOnly: true, PageSize: 300}) {
			if err != nil {
				t.Fatal(err)
			}
			f := full[r.OdooID]
			if f == nil || string(f.Data) != string(r.Data) || !f.SyncedAt.Equal(r.SyncedAt) || r.Model != "res.partner" || r.ConnectionID != c.ID {
				t.Fatalf("DataOnly record %d = %+v, want the data and sync time of %+v", r.OdooID, r, f)
			}
			lean++
		}
		if lean != len(full) {
			t.Fatalf("DataOnly listed %d records, want %d", lean, len(full))
		}

		bad := []store.OdooRecordParams{{OdooID: 5, Data: json.RawMessage(`{`)}}
		if err := s.OdooRecordUpsertMany(ctx, c.ID, "res.partner", bad); err == nil {
			t.Fatal("invalid JSON must fail")
		}
	})
}

func TestOdooRecordDeleteMissing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		wd := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
		if err := s.OdooRecordUpsertMany(ctx, c.ID, "account.move", odooRecs(1, 2500, wd, "m")); err != nil {
			t.Fatal(err)
		}
		if err := s.OdooRecordUpsertMany(ctx, c.ID, "res.partner", odooRecs(1, 10, wd, "p")); err != nil {
			t.Fatal(err)
		}
		var keep []int64
		for id := int64(2500); id >= 1; id-- {
			if id%3 != 0 {
				keep = append(keep, id) // unsorted on purpose
			}
		}
		gone, err := s.OdooRecordDeleteMissing(ctx, c.ID, "account.move", keep)
		if err != nil || len(gone) != 833 || gone[0] != 3 {
			t.Fatalf("DeleteMissing = %d ids (%v), %v; want 833 from 3", len(gone), gone[:min(3, len(gone))], err)
		}
		ids, err := s.OdooRecordIDs(ctx, c.ID, "account.move")
		if err != nil || len(ids) != 2500-833 {
			t.Fatalf("ids = %d, %v", len(ids), err)
		}
		if n, _ := s.OdooRecordCount(ctx, c.ID, "res.partner"); n != 10 {
			t.Fatalf("another model must be untouched: %d", n)
		}
		n, err := s.OdooRecordDelete(ctx, c.ID, "res.partner", []int64{1, 2, 99})
		if err != nil || n != 2 {
			t.Fatalf("Delete = %d, %v", n, err)
		}
	})
}

func TestOdooSyncState(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		if _, err := s.OdooSyncStateGet(ctx, c.ID, "res.partner"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before first sync: want ErrNotFound, got %v", err)
		}
		cursor := time.Date(2025, 3, 1, 10, 0, 5, 0, time.UTC)
		st := &store.OdooSyncState{
			ConnectionID: c.ID, Model: "res.partner", Status: store.OdooSyncRunning,
			Fields: []string{"id", "name", "write_date"}, CursorWriteDate: cursor, CursorIDs: []int64{7, 9},
			StartedAt: cursor.Add(time.Minute), ProgressDone: 10, ProgressTotal: 100,
		}
		if err := s.OdooSyncStatePut(ctx, st); err != nil {
			t.Fatal(err)
		}
		st.Status, st.LastError, st.RecordCount = store.OdooSyncOK, "", 100
		st.LastSyncedAt, st.LastSuccessAt, st.LastFullSweepAt = cursor.Add(2*time.Minute), cursor.Add(2*time.Minute), cursor.Add(2*time.Minute)
		if err := s.OdooSyncStatePut(ctx, st); err != nil {
			t.Fatal(err)
		}
		if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: c.ID, Model: "helpdesk.ticket", Status: store.OdooSyncNotInstalled}); err != nil {
			t.Fatal(err)
		}
		got, err := s.OdooSyncStateGet(ctx, c.ID, "res.partner")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != store.OdooSyncOK || !got.CursorWriteDate.Equal(cursor) || !slices.Equal(got.CursorIDs, []int64{7, 9}) ||
			!slices.Equal(got.Fields, st.Fields) || got.RecordCount != 100 || got.ProgressTotal != 100 ||
			!got.LastFullSweepAt.Equal(cursor.Add(2*time.Minute)) || got.UpdatedAt.IsZero() {
			t.Fatalf("state = %+v", got)
		}
		list, err := s.OdooSyncStateList(ctx, c.ID)
		if err != nil || len(list) != 2 || list[0].Model != "helpdesk.ticket" || list[0].CursorIDs == nil || !list[0].CursorWriteDate.IsZero() {
			t.Fatalf("list = %+v, %v", list, err)
		}
		if err := s.OdooSyncStateDelete(ctx, c.ID, "res.partner"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.OdooSyncStateGet(ctx, c.ID, "res.partner"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after delete: want ErrNotFound, got %v", err)
		}
	})
}

func BenchmarkOdooRecordUpsertMany(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s := storetest.Open(b, d)
			ctx := context.Background()
			c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			recs := odooRecs(1, 1000, time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC), "bench")
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if err := s.OdooRecordUpsertMany(ctx, c.ID, "res.partner", recs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "records/s")
		})
	}
}

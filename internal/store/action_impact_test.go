package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestActionImpact(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme", OdooURL: "https://acme.odoo.com", OdooDatabase: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		// Four executed follow-ups, one pending note that never ran.
		var ids []int64
		for i := range 4 {
			a, _, err := s.ActionCreate(ctx, store.ActionCreateParams{ConnectionID: conn.ID, IdempotencyKey: fmt.Sprintf("k%d", i),
				ActionType: "followup_activity", TargetModel: "account.move", TargetID: int64(10 + i), Status: store.ActionApproved})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.ActionTransition(ctx, store.ActionTransitionParams{ConnectionID: conn.ID, ID: a.ID,
				From: []string{store.ActionApproved}, Status: store.ActionExecuted, Executed: true, RecordModel: "mail.activity", RecordID: int64(i + 1)}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		if _, _, err := s.ActionCreate(ctx, store.ActionCreateParams{ConnectionID: conn.ID, IdempotencyKey: "waiting",
			ActionType: "chatter_note", Status: store.ActionPending}); err != nil {
			t.Fatal(err)
		}
		due := func() []int64 {
			t.Helper()
			list, err := s.ActionImpactDue(ctx, conn.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, a := range list {
				out = append(out, a.ID)
			}
			return out
		}
		if got := due(); !slices.Equal(got, ids) {
			t.Fatalf("due before any check = %v, want the executed %v", got, ids)
		}
		at := time.Date(2025, 4, 2, 9, 0, 0, 0, time.UTC)
		set := func(id int64, status string) bool {
			t.Helper()
			ok, err := s.ActionImpactSet(ctx, store.ActionImpactParams{ConnectionID: conn.ID, ID: id, Status: status, Note: status + " note", CheckedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		for _, c := range []struct {
			id     int64
			status string
			want   bool
		}{
			{ids[0], store.ImpactPending, true},
			{ids[0], store.ImpactPending, true}, // pending is checked again
			{ids[0], store.ImpactImproved, true},
			{ids[0], store.ImpactNotImproved, false}, // decided: final
			{ids[1], store.ImpactNotImproved, true},
			{ids[2], store.ImpactUnknown, true},
			{ids[3], store.ImpactExcluded, false}, // not rolled back
			{ids[3], store.ImpactPending, true},
		} {
			if got := set(c.id, c.status); got != c.want {
				t.Fatalf("set %d %s = %v, want %v", c.id, c.status, got, c.want)
			}
		}
		if _, err := s.ActionImpactSet(ctx, store.ActionImpactParams{ConnectionID: conn.ID, ID: ids[3], Status: "great", CheckedAt: at}); err == nil {
			t.Fatal("an unknown impact status was accepted")
		}
		a, err := s.ActionByID(ctx, conn.ID, ids[0])
		if err != nil || a.ImpactStatus != store.ImpactImproved || a.ImpactNote != "improved note" || !a.ImpactCheckedAt.Equal(at) {
			t.Fatalf("read back %+v %v", a, err)
		}
		if got := due(); !slices.Equal(got, ids[3:]) {
			t.Fatalf("due after the checks = %v, want %v", got, ids[3:])
		}
		// Rolled back after it was judged improved: due again, to be excluded.
		if _, err := s.ActionTransition(ctx, store.ActionTransitionParams{ConnectionID: conn.ID, ID: ids[0],
			From: []string{store.ActionExecuted}, Status: store.ActionRolledBack, RolledBack: true}); err != nil {
			t.Fatal(err)
		}
		if got := due(); !slices.Equal(got, []int64{ids[0], ids[3]}) {
			t.Fatalf("due after a rollback = %v", got)
		}
		if set(ids[0], store.ImpactImproved) {
			t.Fatal("a rolled-back action was marked improved")
		}
		if !set(ids[0], store.ImpactExcluded) || set(ids[0], store.ImpactExcluded) {
			t.Fatal("excluding a rolled-back action is not done exactly once")
		}
		counts, err := s.ActionImpactCounts(ctx, conn.ID, time.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := []store.ActionImpactCount{
			{ActionType: "followup_activity", Status: store.ActionExecuted, ImpactStatus: store.ImpactNotImproved, N: 1},
			{ActionType: "followup_activity", Status: store.ActionExecuted, ImpactStatus: store.ImpactPending, N: 1},
			{ActionType: "followup_activity", Status: store.ActionExecuted, ImpactStatus: store.ImpactUnknown, N: 1},
			{ActionType: "followup_activity", Status: store.ActionRolledBack, ImpactStatus: store.ImpactExcluded, N: 1},
		}
		if !slices.Equal(counts, want) {
			t.Fatalf("counts = %+v, want %+v", counts, want)
		}
		if counts, err := s.ActionImpactCounts(ctx, conn.ID, time.Now().Add(time.Hour)); err != nil || len(counts) != 0 {
			t.Fatalf("counts since later = %+v %v", counts, err)
		}
	})
}

func TestOdooRecordsWrittenSince(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme", OdooURL: "https://acme.odoo.com", OdooDatabase: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC)
		if err := s.OdooRecordUpsertMany(ctx, conn.ID, "sale.order", []store.OdooRecordParams{
			{OdooID: 1, WriteDate: at.Add(-time.Second), Active: true},
			{OdooID: 2, WriteDate: at, Active: true},
			{OdooID: 3, Active: true},
			{OdooID: 4, WriteDate: at.Add(time.Hour), Active: true},
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.OdooRecordUpsertMany(ctx, conn.ID, "crm.lead", []store.OdooRecordParams{{OdooID: 5, WriteDate: at, Active: true}}); err != nil {
			t.Fatal(err)
		}
		recs, err := s.OdooRecordsWrittenSince(ctx, conn.ID, "sale.order", at)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range recs {
			ids = append(ids, r.OdooID)
		}
		if !slices.Equal(ids, []int64{2, 3, 4}) {
			t.Fatalf("written since = %v, want [2 3 4]", ids)
		}
	})
}

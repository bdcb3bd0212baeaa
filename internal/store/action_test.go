package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestActionLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme", OdooURL: "https://acme.odoo.com", OdooDatabase: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		p := store.ActionCreateParams{ConnectionID: conn.ID, IdempotencyKey: "k1", ActionType: "chatter_note",
			Subject: "account.move:7", TargetModel: "account.move", TargetID: 7, PartnerID: 3, Amount: 12.5,
			Parameters: json.RawMessage(`{"body":"x"}`), Evidence: json.RawMessage(`{"facts":{"a":1}}`),
			PolicyMode: "approve", Status: store.ActionPending, Marker: "[aicoo:k1]"}
		a, created, err := s.ActionCreate(ctx, p)
		if err != nil || !created {
			t.Fatalf("create: %v %v", created, err)
		}
		again, created, err := s.ActionCreate(ctx, p)
		if err != nil || created || again.ID != a.ID {
			t.Fatalf("second create: %+v %v %v", again, created, err)
		}
		if a.PartnerID != 3 || a.TargetID != 7 || a.Amount != 12.5 || a.Marker != "[aicoo:k1]" || string(a.Parameters) != `{"body":"x"}` && string(a.Parameters) != `{"body": "x"}` {
			t.Fatalf("read back %+v", a)
		}
		// A transition from the wrong status is refused.
		_, err = s.ActionTransition(ctx, store.ActionTransitionParams{ConnectionID: conn.ID, ID: a.ID, From: []string{store.ActionApproved}, Status: store.ActionExecuting})
		if !errors.Is(err, store.ErrActionStatus) {
			t.Fatalf("wrong-status transition: %v", err)
		}
		a, err = s.ActionTransition(ctx, store.ActionTransitionParams{ConnectionID: conn.ID, ID: a.ID, From: []string{store.ActionPending},
			Status: store.ActionApproved, Approved: true})
		if err != nil || a.Status != store.ActionApproved || a.ApprovedAt.IsZero() {
			t.Fatalf("approve: %+v %v", a, err)
		}
		n, err := s.ActionCountExecuted(ctx, store.ActionCountParams{ConnectionID: conn.ID, ActionType: "chatter_note", Since: time.Now().Add(-time.Hour)})
		if err != nil || n != 1 {
			t.Fatalf("count approved: %d %v", n, err)
		}
		a, err = s.ActionTransition(ctx, store.ActionTransitionParams{ConnectionID: conn.ID, ID: a.ID, From: []string{store.ActionApproved},
			Status: store.ActionExecuted, Executed: true, RecordModel: "mail.message", RecordID: 99, RecordWriteDate: "2025-04-01 10:00:00",
			BeforeValues: json.RawMessage(`{"exists":false}`)})
		if err != nil || a.RecordID != 99 || a.ExecutedAt.IsZero() || a.RecordWriteDate != "2025-04-01 10:00:00" {
			t.Fatalf("executed: %+v %v", a, err)
		}
		n, err = s.ActionCountExecuted(ctx, store.ActionCountParams{ConnectionID: conn.ID, ActionType: "chatter_note", PartnerID: 3, Since: time.Now().Add(-time.Hour)})
		if err != nil || n != 1 {
			t.Fatalf("count executed: %d %v", n, err)
		}
		list, err := s.ActionList(ctx, store.ActionListParams{ConnectionID: conn.ID, Statuses: []string{store.ActionExecuted}, IDs: []int64{a.ID}})
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %d %v", len(list), err)
		}
		if _, err := s.ActionByID(ctx, conn.ID, 12345); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing: %v", err)
		}
	})
}

func TestActionPolicyPut(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme", OdooURL: "https://acme.odoo.com", OdooDatabase: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActionPolicyGet(ctx, conn.ID, "draft_rfq"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no policy yet: %v", err)
		}
		p := store.ActionPolicy{ConnectionID: conn.ID, ActionType: "draft_rfq", Mode: "approve", MaxAmount: 5000, MaxPerDay: 3,
			QuietStart: "20:00", QuietEnd: "07:00", Timezone: "Europe/Berlin"}
		if _, err := s.ActionPolicyPut(ctx, p); err != nil {
			t.Fatal(err)
		}
		p.Mode, p.MaxPerCustomerWeek = "never", 2
		got, err := s.ActionPolicyPut(ctx, p)
		if err != nil || got.Mode != "never" || got.MaxPerCustomerWeek != 2 || got.MaxAmount != 5000 || got.Timezone != "Europe/Berlin" {
			t.Fatalf("replace: %+v %v", got, err)
		}
		list, err := s.ActionPolicyList(ctx, conn.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %d %v", len(list), err)
		}
	})
}

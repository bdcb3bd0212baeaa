package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func newNotificationUser(t *testing.T, s *store.Store, connID int64, name string) *store.User {
	t.Helper()
	u, err := s.UserCreate(context.Background(), store.UserCreateParams{ConnectionID: connID, Username: name, Email: name + "@example.com", Role: "ceo"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestNotificationInsertIsUnique(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		u := newNotificationUser(t, s, c.ID, "ann")
		p := store.NotificationParams{
			ConnectionID: c.ID, Key: "alert:1:1", Channel: "email", Recipient: "ann@example.com", UserID: u.ID,
			Priority: store.PriorityHigh, Subject: "Cash runway under 60 days", Body: "Runway is 41 days.",
			Link: "/alerts/1", Data: json.RawMessage(`{"runway_days":41}`), MaxAttempts: 3,
		}
		var first *store.Notification
		// Twice outside a transaction, then once inside one: one row.
		for i := range 3 {
			var (
				n       *store.Notification
				created bool
				err     error
			)
			if i < 2 {
				n, created, err = s.NotificationInsert(ctx, p)
			} else {
				err = s.InTx(ctx, func(tx *store.Store) error {
					n, created, err = tx.NotificationInsert(ctx, p)
					return err
				})
			}
			if err != nil {
				t.Fatal(err)
			}
			if created != (i == 0) {
				t.Fatalf("insert %d: created = %v", i, created)
			}
			if i == 0 {
				first = n
			} else if n.ID != first.ID {
				t.Fatalf("insert %d: id %d, want %d", i, n.ID, first.ID)
			}
		}
		if first.Status != store.NotificationPending || first.UserID != u.ID || first.AlertID != 0 || first.MaxAttempts != 3 ||
			first.Subject != p.Subject || first.Link != "/alerts/1" || first.Priority != store.PriorityHigh {
			t.Fatalf("row = %+v", first)
		}
		var data map[string]int
		if err := json.Unmarshal(first.Data, &data); err != nil || data["runway_days"] != 41 {
			t.Fatalf("data = %s, %v", first.Data, err)
		}
		// Another recipient or channel is another row.
		p2 := p
		p2.Channel = "sms"
		p2.Recipient = "+32470000000"
		if n, created, err := s.NotificationInsert(ctx, p2); err != nil || !created || n.ID == first.ID {
			t.Fatalf("second channel: %v %v %v", n, created, err)
		}
	})
}

func TestNotificationInsertRejectsBadInput(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	c := newConnection(t, s)
	good := store.NotificationParams{ConnectionID: c.ID, Key: "k", Channel: "email", Recipient: "a@b.c", Subject: "s", MaxAttempts: 1}
	tests := []struct {
		name   string
		modify func(*store.NotificationParams)
	}{
		{"no connection", func(p *store.NotificationParams) { p.ConnectionID = 0 }},
		{"no key", func(p *store.NotificationParams) { p.Key = "" }},
		{"no channel", func(p *store.NotificationParams) { p.Channel = "" }},
		{"no recipient", func(p *store.NotificationParams) { p.Recipient = "" }},
		{"no subject", func(p *store.NotificationParams) { p.Subject = "" }},
		{"no attempts", func(p *store.NotificationParams) { p.MaxAttempts = 0 }},
		{"bad data", func(p *store.NotificationParams) { p.Data = json.RawMessage(`{`) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := good
			tt.modify(&p)
			if _, _, err := s.NotificationInsert(context.Background(), p); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestNotificationLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		n, _, err := s.NotificationInsert(ctx, store.NotificationParams{
			ConnectionID: c.ID, Key: "alert:7:1", Channel: "webhook", Recipient: "default", Subject: "x", MaxAttempts: 2,
		})
		if err != nil {
			t.Fatal(err)
		}
		// Claim, fail, release: pending again with the error kept.
		got, claimed, err := s.NotificationClaim(ctx, n.ID, store.NotificationClaimParams{})
		if err != nil || !claimed || got.Status != store.NotificationSending || got.Attempts != 1 || got.ClaimedAt.IsZero() {
			t.Fatalf("claim: %+v %v %v", got, claimed, err)
		}
		// A second claim while sending does not claim, unless reclaiming.
		if got, claimed, err := s.NotificationClaim(ctx, n.ID, store.NotificationClaimParams{}); err != nil || claimed || got.Status != store.NotificationSending {
			t.Fatalf("double claim: %+v %v %v", got, claimed, err)
		}
		if err := s.NotificationRelease(ctx, n.ID, "503 from peer"); err != nil {
			t.Fatal(err)
		}
		// Dead-lettered, listed, retried.
		if _, claimed, err := s.NotificationClaim(ctx, n.ID, store.NotificationClaimParams{}); err != nil || !claimed {
			t.Fatalf("second claim: %v %v", claimed, err)
		}
		if ok, err := s.NotificationMarkDead(ctx, n.ID, "503 from peer again"); err != nil || !ok {
			t.Fatalf("dead: %v %v", ok, err)
		}
		dead, err := s.NotificationList(ctx, store.NotificationListParams{ConnectionID: c.ID, Status: store.NotificationDead})
		if err != nil || len(dead) != 1 || dead[0].LastError != "503 from peer again" || dead[0].DeadAt.IsZero() || dead[0].Attempts != 2 {
			t.Fatalf("dead letters: %+v %v", dead, err)
		}
		if _, claimed, err := s.NotificationClaim(ctx, n.ID, store.NotificationClaimParams{Reclaim: true}); err != nil || claimed {
			t.Fatalf("claim of a dead letter: %v %v", claimed, err)
		}
		retried, err := s.NotificationRetry(ctx, c.ID, n.ID)
		if err != nil || retried.Status != store.NotificationPending || retried.Attempts != 0 || retried.Round != 1 || !retried.DeadAt.IsZero() {
			t.Fatalf("retry: %+v %v", retried, err)
		}
		if _, err := s.NotificationRetry(ctx, c.ID, n.ID); !errors.Is(err, store.ErrNotificationNotDead) {
			t.Fatalf("retry of a pending row: %v", err)
		}
		if _, err := s.NotificationRetry(ctx, c.ID+1, n.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("retry from another connection: %v", err)
		}
		if _, err := s.NotificationRetry(ctx, c.ID, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("retry of an unknown row: %v", err)
		}
		// Claim, process dies, reclaim, sent once.
		if _, claimed, _ := s.NotificationClaim(ctx, n.ID, store.NotificationClaimParams{}); !claimed {
			t.Fatal("third claim failed")
		}
		if got, claimed, err := s.NotificationClaim(ctx, n.ID, store.NotificationClaimParams{Reclaim: true}); err != nil || !claimed || got.Attempts != 2 {
			t.Fatalf("reclaim: %+v %v %v", got, claimed, err)
		}
		if ok, err := s.NotificationMarkSent(ctx, n.ID); err != nil || !ok {
			t.Fatalf("sent: %v %v", ok, err)
		}
		if ok, err := s.NotificationMarkSent(ctx, n.ID); err != nil || ok {
			t.Fatalf("second sent: %v %v", ok, err)
		}
		if ok, err := s.NotificationMarkDead(ctx, n.ID, "late"); err != nil || ok {
			t.Fatalf("dead after sent: %v %v", ok, err)
		}
		final, err := s.NotificationByID(ctx, n.ID)
		if err != nil || final.Status != store.NotificationSent || final.SentAt.IsZero() || final.LastError != "" {
			t.Fatalf("final: %+v %v", final, err)
		}
		if _, _, err := s.NotificationClaim(ctx, 999999, store.NotificationClaimParams{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("claim unknown: %v", err)
		}
		counts, err := s.NotificationCounts(ctx, c.ID)
		if err != nil || counts["webhook"][store.NotificationSent] != 1 {
			t.Fatalf("counts: %v %v", counts, err)
		}
	})
}

func TestNotificationInAppReadAndList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		ann := newNotificationUser(t, s, c.ID, "ann")
		bob := newNotificationUser(t, s, c.ID, "bob")
		var ids []int64
		for i, u := range []*store.User{ann, ann, ann, bob} {
			n, _, err := s.NotificationInsert(ctx, store.NotificationParams{
				ConnectionID: c.ID, Key: "msg:" + string(rune('a'+i)), Channel: "inapp", Recipient: "user:" + u.Username,
				UserID: u.ID, Subject: "hello", MaxAttempts: 1,
			})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, n.ID)
		}
		list, err := s.NotificationList(ctx, store.NotificationListParams{ConnectionID: c.ID, Channel: "inapp", UserID: ann.ID, Limit: 2})
		if err != nil || len(list) != 2 || list[0].ID != ids[2] || list[1].ID != ids[1] {
			t.Fatalf("page 1: %v %v", list, err)
		}
		list, err = s.NotificationList(ctx, store.NotificationListParams{ConnectionID: c.ID, Channel: "inapp", UserID: ann.ID, BeforeID: list[1].ID})
		if err != nil || len(list) != 1 || list[0].ID != ids[0] {
			t.Fatalf("page 2: %v %v", list, err)
		}
		if ok, err := s.NotificationMarkRead(ctx, c.ID, bob.ID, ids[0]); err != nil || ok {
			t.Fatalf("bob read ann's: %v %v", ok, err)
		}
		if ok, err := s.NotificationMarkRead(ctx, c.ID, ann.ID, ids[0]); err != nil || !ok {
			t.Fatalf("ann read: %v %v", ok, err)
		}
		unread, err := s.NotificationList(ctx, store.NotificationListParams{ConnectionID: c.ID, UserID: ann.ID, UnreadOnly: true})
		if err != nil || len(unread) != 2 {
			t.Fatalf("unread: %v %v", unread, err)
		}
		if _, err := s.NotificationList(ctx, store.NotificationListParams{}); err == nil {
			t.Fatal("list without connection: no error")
		}
		// Only sent in-app rows count as unread; mark-all reads them all.
		if n, err := s.NotificationUnreadCount(ctx, c.ID, ann.ID, 99); err != nil || n != 0 {
			t.Fatalf("unread before sending: %d %v", n, err)
		}
		for _, id := range ids[1:] {
			if _, claimed, err := s.NotificationClaim(ctx, id, store.NotificationClaimParams{}); err != nil || !claimed {
				t.Fatalf("claim %d: %v %v", id, claimed, err)
			}
			if ok, err := s.NotificationMarkSent(ctx, id); err != nil || !ok {
				t.Fatalf("sent %d: %v %v", id, ok, err)
			}
		}
		for _, tt := range []struct {
			user  int64
			limit int
			want  int
		}{{ann.ID, 99, 2}, {ann.ID, 1, 1}, {bob.ID, 99, 1}} {
			if n, err := s.NotificationUnreadCount(ctx, c.ID, tt.user, tt.limit); err != nil || n != tt.want {
				t.Errorf("unread of %d (limit %d) = %d %v, want %d", tt.user, tt.limit, n, err, tt.want)
			}
		}
		if n, err := s.NotificationMarkAllRead(ctx, c.ID, ann.ID); err != nil || n != 2 {
			t.Fatalf("mark all read: %d %v", n, err)
		}
		if n, err := s.NotificationUnreadCount(ctx, c.ID, ann.ID, 99); err != nil || n != 0 {
			t.Fatalf("unread after mark all: %d %v", n, err)
		}
	})
}

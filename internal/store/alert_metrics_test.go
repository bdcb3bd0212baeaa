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

func TestAlertAndNotificationCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		if got, err := s.AlertCountByStatus(ctx); err != nil || len(got) != 0 {
			t.Fatalf("empty store: %v, %v", got, err)
		}
		u := newNotificationUser(t, s, c.ID, "ann")
		var ids []int64
		for i, p := range []string{store.PriorityCritical, store.PriorityHigh, store.PriorityHigh, store.PriorityLow} {
			a, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: c.ID, Fingerprint: fmt.Sprintf("fp:%d", i), Type: "t", Priority: p, Title: "x"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		at := time.Now()
		if _, err := s.AlertAcknowledge(ctx, store.AlertActParams{ConnectionID: c.ID, AlertID: ids[1], UserID: u.ID, Actor: "ann", At: at}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AlertResolve(ctx, store.AlertActParams{ConnectionID: c.ID, AlertID: ids[3], Actor: "ann", Note: "fixed", At: at}); err != nil {
			t.Fatal(err)
		}
		got, err := s.AlertCountByStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.AlertCount{
			{Status: store.AlertAcknowledged, Priority: store.PriorityHigh, Count: 1},
			{Status: store.AlertNew, Priority: store.PriorityCritical, Count: 1},
			{Status: store.AlertNew, Priority: store.PriorityHigh, Count: 1},
			{Status: store.AlertResolved, Priority: store.PriorityLow, Count: 1},
		}
		if !slices.Equal(got, want) {
			t.Fatalf("alert counts = %+v, want %+v", got, want)
		}

		for i, ch := range []string{"email", "email", "sms"} {
			n, _, err := s.NotificationInsert(ctx, store.NotificationParams{ConnectionID: c.ID, Key: fmt.Sprintf("k:%d", i), Channel: ch,
				Recipient: "r", UserID: u.ID, Subject: "s", MaxAttempts: 3})
			if err != nil {
				t.Fatal(err)
			}
			if i == 1 {
				if ok, err := s.NotificationMarkDead(ctx, n.ID, "bounced"); err != nil || !ok {
					t.Fatal(ok, err)
				}
			}
		}
		nc, err := s.NotificationCountUnsent(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantN := []store.NotificationCount{
			{Channel: "email", Status: store.NotificationDead, Count: 1},
			{Channel: "email", Status: store.NotificationPending, Count: 1},
			{Channel: "sms", Status: store.NotificationPending, Count: 1},
		}
		if !slices.Equal(nc, wantN) {
			t.Fatalf("notification counts = %+v, want %+v", nc, wantN)
		}
	})
}

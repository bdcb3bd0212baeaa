package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestAlertRaiseWithEvent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		fire := func() store.AlertFired {
			t.Helper()
			f, err := s.AlertRaiseWithEvent(ctx, store.AlertFireParams{
				AlertRaiseParams: store.AlertRaiseParams{ConnectionID: c.ID, Fingerprint: "fp", Type: "finance", Priority: "high", Title: "t"},
				Annotation:       &store.AlertAnnotation{Subject: "res.company:1"},
				Note:             "seen", At: t0,
			})
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		first := fire()
		if !first.Created || first.PreviousID != 0 {
			t.Fatalf("first raise: %+v", first)
		}
		a := storetest.RaisedAlert(t, s, c.ID, "fp", 0)
		if a.Subject != "res.company:1" {
			t.Fatalf("annotation not applied: subject %q", a.Subject)
		}
		// Notified, then seen again while open: one more occurrence, no new event.
		if err := s.AlertMarkNotified(ctx, a.ID, t0); err != nil {
			t.Fatal(err)
		}
		if again := fire(); again.Created || again.Alert.ID != a.ID || again.Alert.Occurrences != 2 {
			t.Fatalf("second raise: %+v", again)
		}
		if ev, _ := s.AlertEventList(ctx, a.ID); len(ev) != 1 {
			t.Fatalf("%d events after a repeat, want 1", len(ev))
		}
		if d, _ := s.AlertGet(ctx, c.ID, a.ID); d.NotifyPending {
			t.Fatal("a repeat of an open alert must not notify again")
		}
		if _, err := s.AlertResolve(ctx, store.AlertActParams{ConnectionID: c.ID, AlertID: a.ID, Actor: "ann"}); err != nil {
			t.Fatal(err)
		}
		if next := fire(); !next.Created || next.PreviousID != a.ID {
			t.Fatalf("after resolve: %+v", next)
		}
		storetest.RaisedAlert(t, s, c.ID, "fp", a.ID)
	})
}

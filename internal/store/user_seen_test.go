package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestUserSeenAndAlertChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "ann", Role: store.RoleCEO})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		const gap = 30 * time.Minute
		for _, step := range []struct {
			at   time.Time
			want time.Time
		}{
			{t0, time.Time{}},                                 // first visit: nothing to compare
			{t0.Add(10 * time.Minute), time.Time{}},           // a reload keeps it
			{t0.Add(5 * time.Hour), t0.Add(10 * time.Minute)}, // a new visit compares with the latest
			{t0.Add(5*time.Hour + time.Minute), t0.Add(10 * time.Minute)},
			{t0.Add(24 * time.Hour), t0.Add(5*time.Hour + time.Minute)},
		} {
			got, err := s.UserSeen(ctx, u.ID, step.at, gap)
			if err != nil || !got.Equal(step.want) {
				t.Fatalf("UserSeen at %v = %v, %v; want %v", step.at, got, err, step.want)
			}
		}

		fire := func(fp string, at time.Time) *store.Alert {
			f, err := s.AlertRaiseWithEvent(ctx, store.AlertFireParams{AlertRaiseParams: store.AlertRaiseParams{ConnectionID: c.ID,
				Fingerprint: fp, Type: "finance", Priority: "high", Title: fp}, At: at})
			if err != nil {
				t.Fatal(err)
			}
			return f.Alert
		}
		old := fire("old", t0)
		fresh := fire("fresh", t0.Add(2*time.Hour))
		if _, err := s.AlertResolve(ctx, store.AlertActParams{ConnectionID: c.ID, AlertID: old.ID, Actor: "ann", At: t0.Add(3 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AlertEventAppend(ctx, store.AlertEventParams{ConnectionID: c.ID, AlertID: fresh.ID, At: t0.Add(4 * time.Hour),
			Action: store.AlertEventEscalated}); err != nil {
			t.Fatal(err)
		}
		got, err := s.AlertChangesSince(ctx, c.ID, t0.Add(time.Hour), 0)
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		for _, ch := range got {
			seen = append(seen, ch.Title+" "+ch.Change)
		}
		want := []string{"fresh escalated", "old resolved", "fresh raised"}
		if len(seen) != len(want) {
			t.Fatalf("changes %v, want %v", seen, want)
		}
		for i := range want {
			if seen[i] != want[i] {
				t.Fatalf("changes %v, want %v", seen, want)
			}
		}
	})
}

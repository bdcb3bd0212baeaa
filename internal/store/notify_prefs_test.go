package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestNotifyPrefs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "prefs-ann", Role: store.RoleCFO})
		if err != nil {
			t.Fatal(err)
		}
		if p, err := s.NotifyPrefsGet(ctx, u.ID); err != nil || p.Digest || len(p.Channels) != 0 {
			t.Fatalf("before saving: %+v %v", p, err)
		}
		for _, bad := range []store.NotifyPrefs{{QuietStart: "22:00"}, {QuietStart: "25:00", QuietEnd: "07:00"}, {MinPriority: map[string]string{"sms": "urgent"}}} {
			if err := s.NotifyPrefsPut(ctx, c.ID, u.ID, bad); err == nil {
				t.Errorf("saved %+v", bad)
			}
		}
		want := store.NotifyPrefs{Channels: []string{"email", "sms"}, MinPriority: map[string]string{"sms": "critical"}, QuietStart: "22:00", QuietEnd: "07:00",
			CriticalBreaksQuiet: true, Areas: []string{"finance"}}
		for range 2 { // saving twice replaces
			if err := s.NotifyPrefsPut(ctx, c.ID, u.ID, want); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.NotifyPrefsGet(ctx, u.ID)
		if err != nil || got.QuietStart != "22:00" || got.MinPriority["sms"] != "critical" || !got.CriticalBreaksQuiet {
			t.Fatalf("read back %+v %v", got, err)
		}
		if all, err := s.NotifyPrefsList(ctx, c.ID); err != nil || len(all) != 1 {
			t.Fatalf("list %v %v", all, err)
		}
	})
}

func TestNotifyPrefsRules(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	p := store.NotifyPrefs{Channels: []string{"email", "sms"}, MinPriority: map[string]string{"sms": "critical"}, QuietStart: "22:00", QuietEnd: "07:00"}
	tests := []struct {
		ch, prio string
		takes    bool
	}{{"in_app", "low", true}, {"email", "low", true}, {"sms", "high", false}, {"sms", "critical", true}, {"slack", "critical", false}}
	for _, tt := range tests {
		if got := p.Takes(tt.ch, tt.prio); got != tt.takes {
			t.Errorf("takes %s at %s: %v, want %v", tt.ch, tt.prio, got, tt.takes)
		}
	}
	for _, tt := range []struct {
		utc   string
		quiet bool
	}{{"2026-03-02T21:30:00Z", true}, {"2026-03-02T05:59:00Z", true}, {"2026-03-02T06:00:00Z", false}, {"2026-03-02T12:00:00Z", false}} {
		at, _ := time.Parse(time.RFC3339, tt.utc)
		if got := p.Quiet(at, berlin); got != tt.quiet {
			t.Errorf("quiet at %s (Berlin): %v, want %v", tt.utc, got, tt.quiet)
		}
	}
}

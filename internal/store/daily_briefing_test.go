package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func newBriefingUser(t *testing.T, s *store.Store, connID int64, name string) *store.User {
	t.Helper()
	u, err := s.UserCreate(context.Background(), store.UserCreateParams{ConnectionID: connID, Username: name, Role: store.RoleCFO, Timezone: "Europe/Brussels"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestDailyBriefingOncePerUserAndDay(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		u := newBriefingUser(t, s, c.ID, "carla")
		day := time.Date(2026, 3, 9, 23, 30, 0, 0, time.FixedZone("x", 3600))
		p := store.DailyBriefingParams{ConnectionID: c.ID, UserID: u.ID, Date: day, Role: store.RoleCFO,
			Content: "# Briefing\n", Facts: json.RawMessage(`{"figures":[{"name":"finance.cash.position","value":12}]}`),
			InsightsCount: 4, AlertsCount: 2, RecommendationsCount: 3}
		// Concurrent generators for the same user and day leave one row.
		var wg sync.WaitGroup
		inserted := make([]bool, 4)
		errs := make([]error, 4)
		for i := range inserted {
			wg.Go(func() {
				q := p
				q.Content = "# Briefing " + string(rune('A'+i))
				_, inserted[i], errs[i] = s.DailyBriefingInsert(ctx, q)
			})
		}
		wg.Wait()
		n := 0
		for i, ok := range inserted {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("inserted %d briefings for one user and day, want 1", n)
		}
		b, err := s.DailyBriefingByUserDate(ctx, u.ID, time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if !b.Date.Equal(time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)) || b.Role != store.RoleCFO || b.InsightsCount != 4 ||
			b.AlertsCount != 2 || b.RecommendationsCount != 3 || !b.DeliveredAt.IsZero() || !b.ReadAt.IsZero() {
			t.Fatalf("stored briefing: %+v", b)
		}
		var facts map[string]any
		if err := json.Unmarshal(b.Facts, &facts); err != nil || facts["figures"] == nil {
			t.Fatalf("facts %s: %v", b.Facts, err)
		}
		// The next day is a new briefing.
		p.Date = day.AddDate(0, 0, 1)
		if _, ok, err := s.DailyBriefingInsert(ctx, p); err != nil || !ok {
			t.Fatalf("next day: inserted=%v err=%v", ok, err)
		}
		list, err := s.DailyBriefingList(ctx, store.DailyBriefingListParams{UserID: u.ID})
		if err != nil || len(list) != 2 || !list[0].Date.After(list[1].Date) {
			t.Fatalf("archive: %d briefings, err %v", len(list), err)
		}

		at := time.Date(2026, 3, 10, 5, 0, 0, 0, time.UTC)
		if ok, err := s.DailyBriefingMarkDelivered(ctx, b.ID, "email", at); err != nil || !ok {
			t.Fatalf("deliver: %v %v", ok, err)
		}
		if ok, err := s.DailyBriefingMarkDelivered(ctx, b.ID, "in_app", at.Add(time.Hour)); err != nil || ok {
			t.Fatalf("second delivery must keep the first: %v %v", ok, err)
		}
		if err := s.DailyBriefingMarkRead(ctx, b.ID, at.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.DailyBriefingMarkRead(ctx, b.ID, at.Add(5*time.Hour)); err != nil {
			t.Fatal(err)
		}
		b, err = s.DailyBriefingByID(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !b.DeliveredAt.Equal(at) || b.DeliveryMethod != "email" || !b.ReadAt.Equal(at.Add(2*time.Hour)) {
			t.Fatalf("delivery and read: %+v", b)
		}
		if _, err := s.DailyBriefingByID(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing briefing: %v", err)
		}
		if err := s.DailyBriefingMarkRead(ctx, 9999, at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("read missing briefing: %v", err)
		}
		if _, err := s.DailyBriefingMarkDelivered(ctx, 9999, "email", at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deliver missing briefing: %v", err)
		}
	})
}

func TestDailyBriefingBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		u := newBriefingUser(t, s, c.ID, "carla")
		good := store.DailyBriefingParams{ConnectionID: c.ID, UserID: u.ID, Date: time.Now(), Role: "cfo", Content: "x"}
		for name, mod := range map[string]func(*store.DailyBriefingParams){
			"no user":    func(p *store.DailyBriefingParams) { p.UserID = 0 },
			"no date":    func(p *store.DailyBriefingParams) { p.Date = time.Time{} },
			"no content": func(p *store.DailyBriefingParams) { p.Content = "" },
			"bad facts":  func(p *store.DailyBriefingParams) { p.Facts = json.RawMessage(`{`) },
		} {
			p := good
			mod(&p)
			if _, _, err := s.DailyBriefingInsert(ctx, p); err == nil {
				t.Errorf("%s: want an error", name)
			}
		}
	})
}

func TestAIUsageLedger(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		for _, p := range []store.AIUsageParams{
			{ConnectionID: c.ID, Feature: "briefing", Provider: "anthropic", Model: "m", InputTokens: 1000, OutputTokens: 200,
				CacheReadTokens: 500, CacheWriteTokens: 10, Cost: 0.25, Duration: 1500 * time.Millisecond, Success: true},
			{ConnectionID: c.ID, Feature: "briefing", Provider: "anthropic", Model: "m", Success: false, Error: "overloaded"},
			{ConnectionID: c.ID, Feature: "summary", Provider: "openai", Model: "n", InputTokens: 10, OutputTokens: 5, Cost: 0.5, Success: true},
		} {
			if _, err := s.AIUsageInsert(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Now()
		tot, err := s.AIUsageSum(ctx, c.ID, now.Add(-time.Hour), now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := store.AIUsageTotals{Calls: 3, Failed: 1, InputTokens: 1010, OutputTokens: 205, CacheReadTokens: 500, CacheWriteTokens: 10, Cost: 0.75}
		if tot != want {
			t.Fatalf("totals %+v, want %+v", tot, want)
		}
		if tot, err := s.AIUsageSum(ctx, c.ID, now.Add(time.Hour), now.Add(2*time.Hour)); err != nil || tot.Calls != 0 || tot.Cost != 0 {
			t.Fatalf("empty period: %+v %v", tot, err)
		}
		list, err := s.AIUsageList(ctx, store.AIUsageListParams{ConnectionID: c.ID, Feature: "briefing"})
		if err != nil || len(list) != 2 {
			t.Fatalf("list: %d %v", len(list), err)
		}
		if list[1].Duration != 1500*time.Millisecond || !list[1].Success || list[0].Error != "overloaded" {
			t.Fatalf("rows: %+v %+v", list[0], list[1])
		}
		if _, err := s.AIUsageInsert(ctx, store.AIUsageParams{ConnectionID: c.ID}); err == nil {
			t.Fatal("a call without feature must be refused")
		}
		if _, err := s.AIUsageInsert(ctx, store.AIUsageParams{ConnectionID: c.ID, Feature: "x", Cost: -1}); err == nil {
			t.Fatal("a negative cost must be refused")
		}
	})
}

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestAIUsageByModel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		other, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "other", OdooURL: "https://other.odoo.com", OdooDatabase: "other"})
		if err != nil {
			t.Fatal(err)
		}
		add := func(conn int64, feature, model string, ms int64, cost float64, ok bool) *store.AIUsage {
			t.Helper()
			u, err := s.AIUsageInsert(ctx, store.AIUsageParams{ConnectionID: conn, Feature: feature, Provider: "anthropic", Model: model,
				InputTokens: 100, OutputTokens: 10, CacheReadTokens: 5, Cost: cost, Duration: time.Duration(ms) * time.Millisecond, Success: ok})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		// Twenty briefing calls of 100..2000 ms: p95 is the 19th, 1900 ms.
		for i := int64(1); i <= 20; i++ {
			add(c.ID, "briefing", "big", i*100, 0.5, i != 7)
		}
		add(c.ID, "chat", "small", 300, 0.01, true)
		add(c.ID, "chat", "small", 100, 0.01, true)
		add(other.ID, "briefing", "big", 99999, 100, true)
		old := add(c.ID, "briefing", "big", 50000, 100, true)
		if _, err := s.DB().ExecContext(ctx, `UPDATE ai_usage SET created_at = $1 WHERE id = $2`, time.Now().UTC().Add(-48*time.Hour), old.ID); err != nil {
			t.Fatal(err)
		}

		now := time.Now()
		got, err := s.AIUsageByModel(ctx, c.ID, now.Add(-24*time.Hour), now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("groups = %+v, want briefing/big and chat/small", got)
		}
		b, ch := got[0], got[1]
		tests := []struct {
			name      string
			got, want any
		}{
			{"costliest first", b.Feature + "/" + b.Model, "briefing/big"},
			{"calls", b.Calls, int64(20)},
			{"failed", b.Failed, int64(1)},
			{"input tokens", b.InputTokens, int64(2000)},
			{"output tokens", b.OutputTokens, int64(200)},
			{"cache read", b.CacheReadTokens, int64(100)},
			{"cost", b.Cost, 10.0},
			{"mean", b.MeanLatency, 1050 * time.Millisecond},
			{"p95", b.P95Latency, 1900 * time.Millisecond},
			{"max", b.MaxLatency, 2000 * time.Millisecond},
			{"small calls", ch.Calls, int64(2)},
			{"small p95 of two is the slowest", ch.P95Latency, 300 * time.Millisecond},
			{"small mean", ch.MeanLatency, 200 * time.Millisecond},
			{"small provider", ch.Provider, "anthropic"},
		}
		for _, tt := range tests {
			if tt.got != tt.want {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			}
		}
		empty, err := s.AIUsageByModel(ctx, c.ID, now.Add(-10*24*time.Hour), now.Add(-5*24*time.Hour))
		if err != nil || len(empty) != 0 {
			t.Fatalf("a period without calls: %+v %v", empty, err)
		}
	})
}

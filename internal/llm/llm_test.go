package llm_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/llm"
	"github.com/aicoo/aicoo/internal/llm/llmtest"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

type bundle struct {
	store  *store.Store
	connID int64
	mu     sync.Mutex
	sleeps []time.Duration
}

func setup(t *testing.T) *bundle {
	t.Helper()
	s := storetest.Open(t, store.SQLite)
	c, err := s.ConnectionUpsert(context.Background(), store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{store: s, connID: c.ID}
}

func (b *bundle) client(t *testing.T, cfg llm.Config) *llm.Client {
	t.Helper()
	c, err := llm.New(cfg, llm.Options{Ledger: b.store, Sleep: func(_ context.Context, d time.Duration) error {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.sleeps = append(b.sleeps, d)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (b *bundle) ledger(t *testing.T) []*store.AIUsage {
	t.Helper()
	rows, err := b.store.AIUsageList(context.Background(), store.AIUsageListParams{ConnectionID: b.connID})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func (b *bundle) call() llm.Call {
	return llm.Call{ConnectionID: b.connID, Feature: "briefing", Use: llm.UseSummary, System: "You write briefings.", Prompt: "Facts: cash 100", MaxTokens: 800}
}

func TestAnthropic(t *testing.T) {
	t.Parallel()
	overloaded := llmtest.Answer{Status: 529, ErrorType: "overloaded_error", ErrorMessage: "Overloaded"}
	limited := llmtest.Answer{Status: 429, ErrorType: "rate_limit_error", ErrorMessage: "slow down", Header: map[string]string{"retry-after": "7"}}
	ok := llmtest.Answer{Text: "Cash is 100.", InputTokens: 1000, OutputTokens: 200, CacheRead: 3000, CacheWrite: 0}
	tests := []struct {
		name       string
		answers    []llmtest.Answer
		maxWait    time.Duration
		wantErr    int // HTTP status of the final error, 0 for success
		wantCalls  int
		wantSleeps []time.Duration
	}{
		{name: "success", answers: []llmtest.Answer{ok}, wantCalls: 1},
		{name: "overloaded then success, backoff", answers: []llmtest.Answer{overloaded, overloaded, ok}, wantCalls: 3, wantSleeps: []time.Duration{time.Second, 2 * time.Second}},
		{name: "429 honours retry-after", answers: []llmtest.Answer{limited, ok}, wantCalls: 2, wantSleeps: []time.Duration{7 * time.Second}},
		{name: "retry-after beyond the limit fails", answers: []llmtest.Answer{limited, ok}, maxWait: 5 * time.Second, wantErr: 429, wantCalls: 1},
		{name: "overloaded every time", answers: []llmtest.Answer{overloaded}, wantErr: 529, wantCalls: 3, wantSleeps: []time.Duration{time.Second, 2 * time.Second}},
		{name: "bad request is not retried", answers: []llmtest.Answer{{Status: 400, ErrorType: "invalid_request_error", ErrorMessage: "max_tokens too large"}}, wantErr: 400, wantCalls: 1},
		{name: "server error then success", answers: []llmtest.Answer{{Status: 500, ErrorType: "api_error", ErrorMessage: "boom"}, ok}, wantCalls: 2, wantSleeps: []time.Duration{time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			srv := llmtest.NewAnthropic(t, tt.answers...)
			c := b.client(t, llm.Config{Provider: llm.ProviderAnthropic, BaseURL: srv.URL, APIKey: "sk-test", MaxRetryWait: tt.maxWait})
			res, err := c.Complete(context.Background(), b.call())
			if got := len(srv.Requests()); got != tt.wantCalls {
				t.Fatalf("server saw %d requests, want %d", got, tt.wantCalls)
			}
			if !equalDurations(b.sleeps, tt.wantSleeps) {
				t.Fatalf("waited %v, want %v", b.sleeps, tt.wantSleeps)
			}
			rows := b.ledger(t)
			if len(rows) != 1 {
				t.Fatalf("ledger has %d rows, want 1 per call", len(rows))
			}
			row := rows[0]
			if tt.wantErr != 0 {
				var apiErr *llm.APIError
				if !errors.As(err, &apiErr) || apiErr.Status != tt.wantErr {
					t.Fatalf("error %v, want status %d", err, tt.wantErr)
				}
				if row.Success || row.Error == "" || row.Cost != 0 {
					t.Fatalf("failed call in ledger: %+v", row)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != "Cash is 100." || res.Model != "claude-haiku-4-5" || res.Attempts != tt.wantCalls {
				t.Fatalf("result %+v", res)
			}
			// Haiku: 1000*$1 + 200*$5 + 3000*$0.10 per million.
			const wantCost = (1000*1.0 + 200*5.0 + 3000*0.10) / 1e6
			if !row.Success || row.Provider != "anthropic" || row.Model != "claude-haiku-4-5" || row.InputTokens != 1000 ||
				row.OutputTokens != 200 || row.CacheReadTokens != 3000 || diff(row.Cost, wantCost) > 1e-12 || row.Feature != "briefing" {
				t.Fatalf("ledger row %+v (want cost %g)", row, wantCost)
			}
			req := srv.Requests()[0]
			if req.Header.Get("X-Api-Key") != "sk-test" || req.Body["model"] != "claude-haiku-4-5" || req.Body["max_tokens"] != float64(800) {
				t.Fatalf("request header/body: %v %v", req.Header, req.Body)
			}
			sys, _ := req.Body["system"].([]any)
			if len(sys) != 1 || sys[0].(map[string]any)["cache_control"] == nil {
				t.Fatalf("system prompt must be marked cacheable: %v", req.Body["system"])
			}
		})
	}
}

func TestOpenAICompatible(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := llmtest.NewOpenAI(t,
		llmtest.Answer{Status: 429, ErrorMessage: "rate limited", Header: map[string]string{"retry-after-ms": "1500"}},
		llmtest.Answer{Status: 503, ErrorMessage: "loading model"},
		llmtest.Answer{Text: "All good.", InputTokens: 900, CacheRead: 100, OutputTokens: 50},
	)
	c := b.client(t, llm.Config{Provider: llm.ProviderOpenAI, BaseURL: srv.URL, APIKey: "k",
		Models: map[string]string{llm.UseSummary: "llama3", llm.UseAnalysis: "llama3"},
		Prices: map[string]llm.Price{"llama3": {Input: 2, Output: 4, CacheRead: 1}}})
	res, err := c.Complete(context.Background(), b.call())
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "All good." || res.Attempts != 3 || !equalDurations(b.sleeps, []time.Duration{1500 * time.Millisecond, 2 * time.Second}) {
		t.Fatalf("result %+v, sleeps %v", res, b.sleeps)
	}
	// prompt_tokens 1000 includes 100 cached: 900 uncached.
	if res.Usage != (llm.Usage{InputTokens: 900, OutputTokens: 50, CacheReadTokens: 100}) {
		t.Fatalf("usage %+v", res.Usage)
	}
	if want := (900*2.0 + 50*4.0 + 100*1.0) / 1e6; diff(res.Cost, want) > 1e-12 {
		t.Fatalf("cost %g, want %g", res.Cost, want)
	}
	req := srv.Requests()[2]
	msgs := req.Body["messages"].([]any)
	if req.Header.Get("Authorization") != "Bearer k" || len(msgs) != 2 || msgs[0].(map[string]any)["role"] != "system" {
		t.Fatalf("request: %v %v", req.Header, req.Body)
	}
}

func TestNoneProvider(t *testing.T) {
	t.Parallel()
	c, err := llm.New(llm.Config{}, llm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Enabled() || c.ProviderName() != "none" {
		t.Fatal("the default provider must be none")
	}
	if _, err := c.Complete(context.Background(), llm.Call{ConnectionID: 1, Feature: "x", Prompt: "p", MaxTokens: 1}); !errors.Is(err, llm.ErrDisabled) {
		t.Fatalf("none: %v", err)
	}
}

func TestBudget(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	srv := llmtest.NewAnthropic(t, llmtest.Answer{Text: "fine", InputTokens: 1_000_000, OutputTokens: 0})
	c := b.client(t, llm.Config{Provider: llm.ProviderAnthropic, BaseURL: srv.URL, APIKey: "k", MonthlyBudget: 1.5})
	// $1 per call: two calls fit under $1.50 (the second starts at $1), the third is refused.
	for i := range 2 {
		if _, err := c.Complete(ctx, b.call()); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	_, err := c.Complete(ctx, b.call())
	if !errors.Is(err, llm.ErrBudgetExceeded) {
		t.Fatalf("past the budget: %v", err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Fatalf("the provider was called %d times, want 2", n)
	}
	alerts, err := b.store.AlertList(ctx, store.AlertListParams{ConnectionID: b.connID, OpenOnly: true})
	if err != nil || len(alerts) != 1 || alerts[0].Fingerprint != llm.BudgetFingerprint(time.Now()) || !strings.Contains(alerts[0].Title, "budget") {
		t.Fatalf("budget alert: %+v %v", alerts, err)
	}
	// Refused again: still one alert.
	if _, err := c.Complete(ctx, b.call()); !errors.Is(err, llm.ErrBudgetExceeded) {
		t.Fatal(err)
	}
	if alerts, _ := b.store.AlertList(ctx, store.AlertListParams{ConnectionID: b.connID, OpenOnly: true}); len(alerts) != 1 {
		t.Fatalf("%d alerts, want 1", len(alerts))
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for name, cfg := range map[string]llm.Config{
		"unknown provider": {Provider: "gemini"},
		"no api key":       {Provider: llm.ProviderAnthropic},
		"no price":         {Provider: llm.ProviderAnthropic, APIKey: "k", Models: map[string]string{llm.UseSummary: "claude-unknown"}},
		"no model":         {Provider: llm.ProviderOpenAI},
		"negative budget":  {Provider: llm.ProviderAnthropic, APIKey: "k", MonthlyBudget: -1},
		"too many tries":   {Provider: llm.ProviderAnthropic, APIKey: "k", MaxAttempts: 50},
		"negative price":   {Provider: llm.ProviderAnthropic, APIKey: "k", Prices: map[string]llm.Price{"x": {Input: -1}}},
	} {
		if _, err := llm.New(cfg, llm.Options{Ledger: b.store}); err == nil || !strings.HasPrefix(err.Error(), "llm: ") {
			t.Errorf("%s: want an llm error, got %v", name, err)
		}
	}
	if _, err := llm.New(llm.Config{Provider: llm.ProviderAnthropic, APIKey: "k"}, llm.Options{}); err == nil {
		t.Error("a model without a ledger must be refused")
	}
	c := b.client(t, llm.Config{Provider: llm.ProviderAnthropic, APIKey: "k", BaseURL: "http://127.0.0.1:1"})
	for name, call := range map[string]llm.Call{
		"no feature":    {ConnectionID: b.connID, Prompt: "p", MaxTokens: 1, Use: llm.UseSummary},
		"empty prompt":  {ConnectionID: b.connID, Feature: "f", MaxTokens: 1, Use: llm.UseSummary},
		"no max tokens": {ConnectionID: b.connID, Feature: "f", Prompt: "p", Use: llm.UseSummary},
		"unknown use":   {ConnectionID: b.connID, Feature: "f", Prompt: "p", MaxTokens: 1, Use: "poetry"},
	} {
		if _, err := c.Complete(context.Background(), call); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestRetryAfterHeader(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		h    http.Header
		want time.Duration
	}{
		{http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond},
		{http.Header{"Retry-After": {now.Add(20 * time.Second).Format(http.TimeFormat)}}, 20 * time.Second},
		{http.Header{"Retry-After": {"soon"}}, 0},
		{http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"9"}}, 250 * time.Millisecond},
		{http.Header{}, 0},
	} {
		if got := llm.RetryAfter(tt.h, now); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.h, got, tt.want)
		}
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func diff(a, b float64) float64 {
	if a > b {
		return a - b
	}
	return b - a
}

// TestBudgetAlertLifecycle: the budget alert is raised through the one
// entry point, so it gets the lifecycle of every alert: a "raised" event,
// notify pending, and a link to the previous one when it comes back.
func TestBudgetAlertLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	srv := llmtest.NewAnthropic(t, llmtest.Answer{Text: "fine", InputTokens: 1_000_000, OutputTokens: 0})
	c := b.client(t, llm.Config{Provider: llm.ProviderAnthropic, BaseURL: srv.URL, APIKey: "k", MonthlyBudget: 0.5})
	if _, err := c.Complete(ctx, b.call()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Complete(ctx, b.call()); !errors.Is(err, llm.ErrBudgetExceeded) {
		t.Fatalf("past the budget: %v", err)
	}
	fp := llm.BudgetFingerprint(time.Now())
	first := storetest.RaisedAlert(t, b.store, b.connID, fp, 0)
	if _, err := b.store.AlertResolve(ctx, store.AlertActParams{ConnectionID: b.connID, AlertID: first.ID, Actor: "ann"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Complete(ctx, b.call()); !errors.Is(err, llm.ErrBudgetExceeded) {
		t.Fatalf("still past the budget: %v", err)
	}
	storetest.RaisedAlert(t, b.store, b.connID, fp, first.ID)
}

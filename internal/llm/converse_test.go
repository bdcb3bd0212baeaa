package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/llm"
	"github.com/aicoo/aicoo/internal/llm/llmtest"
)

// TestConverse runs the same two-step tool conversation against both fake
// providers, streamed: the model calls a tool, gets its result (one of
// them an error) and answers; every step is in the ledger with its cost.
func TestConverse(t *testing.T) {
	t.Parallel()
	tools := []llm.ToolSpec{
		{Name: "metric", Description: "A figure.", Schema: json.RawMessage(`{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}`)},
		{Name: "alerts", Description: "Open alerts.", Schema: json.RawMessage(`{"type":"object","properties":{}}`)},
	}
	for _, kind := range []string{"anthropic", "openai"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			answers := []llmtest.Answer{
				{Text: "Let me look.", ToolCalls: []llmtest.ToolCall{{Name: "metric", Input: `{"name":"cash"}`}, {Name: "alerts"}}},
				{Text: "Cash is 1,200 dollars and no alert is open."},
			}
			var srv *llmtest.Server
			cfg := llm.Config{Provider: kind, APIKey: "k", Models: map[string]string{llm.UseAnalysis: "m1", llm.UseSummary: "m1"},
				Prices: map[string]llm.Price{"m1": {Input: 3, Output: 15, CacheRead: 0.3, CacheWrite: 3.75}}}
			if kind == "anthropic" {
				srv = llmtest.NewAnthropic(t, answers...)
			} else {
				srv = llmtest.NewOpenAI(t, answers...)
			}
			cfg.BaseURL = srv.URL
			c := b.client(t, cfg)
			var deltas []string
			call := llm.ConverseCall{ConnectionID: b.connID, Feature: "ask", Use: llm.UseAnalysis, System: "You are aicoo.", Tools: tools,
				Messages: []llm.Turn{{Role: llm.RoleUser, Text: "How much cash?"}}, MaxTokens: 500,
				OnText: func(d string) { deltas = append(deltas, d) }}
			r1, err := c.Converse(context.Background(), call)
			if err != nil {
				t.Fatal(err)
			}
			if len(r1.ToolCalls) != 2 || r1.ToolCalls[0].Name != "metric" || string(r1.ToolCalls[0].Input) != `{"name":"cash"}` ||
				r1.ToolCalls[1].Name != "alerts" || string(r1.ToolCalls[1].Input) != `{}` || r1.ToolCalls[0].ID == "" || r1.Text != "Let me look." {
				t.Fatalf("first step = %+v", r1)
			}
			call.Messages = append(call.Messages,
				llm.Turn{Role: llm.RoleAssistant, Text: r1.Text, ToolCalls: r1.ToolCalls},
				llm.Turn{Role: llm.RoleUser, ToolResults: []llm.ToolResult{
					{CallID: r1.ToolCalls[0].ID, Content: `{"value":1200}`},
					{CallID: r1.ToolCalls[1].ID, Content: "not allowed", IsError: true}}})
			deltas = nil
			r2, err := c.Converse(context.Background(), call)
			if err != nil {
				t.Fatal(err)
			}
			if r2.Text != "Cash is 1,200 dollars and no alert is open." || len(r2.ToolCalls) != 0 || len(deltas) < 3 || strings.Join(deltas, "") != r2.Text {
				t.Fatalf("second step = %+v, deltas %q", r2, deltas)
			}

			reqs := srv.Requests()
			if len(reqs) != 2 || !reqs[0].Stream || strings.Join(reqs[0].Tools, ",") != "metric,alerts" || reqs[0].System != "You are aicoo." {
				t.Fatalf("requests = %+v", reqs)
			}
			got := reqs[1].ToolResults
			if len(got) != 2 || got[0].CallID != r1.ToolCalls[0].ID || got[0].Content != `{"value":1200}` || got[0].IsError || !got[1].IsError {
				t.Fatalf("tool results sent = %+v", got)
			}
			if kind == "anthropic" {
				// The system prompt and the last tool carry cache breakpoints.
				sys, _ := reqs[0].Body["system"].([]any)
				ts, _ := reqs[0].Body["tools"].([]any)
				if len(sys) != 1 || sys[0].(map[string]any)["cache_control"] == nil || ts[1].(map[string]any)["cache_control"] == nil || ts[0].(map[string]any)["cache_control"] != nil {
					t.Fatalf("cache breakpoints: system %v tools %v", sys, ts)
				}
				// The conversation so far carries the third breakpoint.
				msgs, _ := reqs[1].Body["messages"].([]any)
				last := msgs[len(msgs)-1].(map[string]any)["content"].([]any)
				if last[len(last)-1].(map[string]any)["cache_control"] == nil {
					t.Fatalf("last block of the conversation has no cache breakpoint: %v", last)
				}
				if ap := ts[0].(map[string]any)["input_schema"].(map[string]any); ap["additionalProperties"] != false || ap["type"] != "object" {
					t.Fatalf("schema sent = %v", ap)
				}
			}
			rows := b.ledger(t)
			if len(rows) != 2 || !rows[0].Success || rows[0].Feature != "ask" {
				t.Fatalf("ledger = %+v", rows)
			}
			// The second step read the prefix from the cache: it is cheaper
			// per prefix token, and usage is what the fake reported.
			if r2.Usage.CacheReadTokens == 0 || r1.Usage.CacheReadTokens != 0 || r2.Cost <= 0 || rows[0].Cost+rows[1].Cost != r1.Cost+r2.Cost {
				t.Fatalf("usage %+v %+v costs %v %v", r1.Usage, r2.Usage, r1.Cost, r2.Cost)
			}
			if kind == "anthropic" && r1.Usage.CacheWriteTokens == 0 {
				t.Fatalf("first step wrote no cache: %+v", r1.Usage)
			}
		})
	}
}

func TestConverseErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := llmtest.NewAnthropic(t, llmtest.Answer{Status: 529, ErrorType: "overloaded_error", ErrorMessage: "Overloaded"}, llmtest.Answer{Text: "fine"})
	c := b.client(t, llm.Config{Provider: "anthropic", APIKey: "k", BaseURL: srv.URL, MonthlyBudget: 0.000001})
	call := llm.ConverseCall{ConnectionID: b.connID, Feature: "ask", Use: llm.UseAnalysis, Messages: []llm.Turn{{Role: llm.RoleUser, Text: "hi"}}, MaxTokens: 100}
	r, err := c.Converse(context.Background(), call)
	if err != nil || r.Text != "fine" || r.Attempts != 2 {
		t.Fatalf("retry after 529: %+v %v", r, err)
	}
	// The first answer spent the tiny budget: the next step is refused
	// before any request.
	if _, err := c.Converse(context.Background(), call); !errors.Is(err, llm.ErrBudgetExceeded) {
		t.Fatalf("over budget: %v", err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	none, _ := llm.New(llm.Config{}, llm.Options{})
	if _, err := none.Converse(context.Background(), call); !errors.Is(err, llm.ErrDisabled) {
		t.Fatalf("provider none: %v", err)
	}
}

package chat_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/chat"
	"github.com/aicoo/aicoo/internal/llm"
	"github.com/aicoo/aicoo/internal/llm/llmtest"
	"github.com/aicoo/aicoo/internal/store"
)

var kinds = []string{"anthropic", "openai"}

func call(name, input string) llmtest.Answer {
	return llmtest.Answer{ToolCalls: []llmtest.ToolCall{{Name: name, Input: input}}}
}

// TestConversation asks two questions in one thread: each answer is
// streamed, grounded in its tool results, stored with its tools and
// sources, and the second question carries the first exchange.
func TestConversation(t *testing.T) {
	t.Parallel()
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind, chat.Limits{}, 0,
				call("metric", `{"name":"cash"}`),
				llmtest.Answer{Text: "Cash is 1,200.50 EUR as of 2026-03-02, about 1.2k."},
				call("search_records", `{"model":"res.partner"}`),
				llmtest.Answer{Text: "Summit Components owes 4,100; 2 partners matched."},
			)
			ctx := context.Background()
			var events []chat.Event
			a, err := e.svc.Ask(ctx, chat.Question{Caller: e.ceo, Text: "How much cash do we have?"}, func(ev chat.Event) { events = append(events, ev) })
			if err != nil {
				t.Fatal(err)
			}
			if a.Text != "Cash is 1,200.50 EUR as of 2026-03-02, about 1.2k." || len(a.Ungrounded) != 0 || a.Note != "" || a.Stopped != "" || a.Steps != 2 {
				t.Fatalf("first answer = %+v", a)
			}
			var streamed strings.Builder
			var texts int
			for _, ev := range events {
				if ev.Type == "text" {
					streamed.WriteString(ev.Text)
					texts++
				}
			}
			if events[0].Type != "thread" || events[0].ThreadID != a.ThreadID || texts < 3 || strings.TrimSpace(streamed.String()) != a.Text ||
				!slices.ContainsFunc(events, func(ev chat.Event) bool { return ev.Type == "tool" && ev.Tool == "metric" }) {
				t.Fatalf("events = %+v", events)
			}
			if len(a.Tools) != 1 || a.Tools[0].Name != "metric" || a.Tools[0].Error != "" || len(a.Sources) != 1 || a.Sources[0].Path == "" {
				t.Fatalf("tools %+v sources %+v", a.Tools, a.Sources)
			}
			if a.Cost <= 0 || a.Usage.OutputTokens == 0 {
				t.Fatalf("usage %+v cost %v", a.Usage, a.Cost)
			}

			b, err := e.svc.Ask(ctx, chat.Question{Caller: e.ceo, ThreadID: a.ThreadID, Text: "Who owes us most?"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if b.ThreadID != a.ThreadID || len(b.Ungrounded) != 0 || len(b.Sources) != 2 || b.Sources[1].Model != "res.partner" || b.Sources[1].ID != 9 {
				t.Fatalf("second answer = %+v", b)
			}
			reqs := e.srv.Requests()
			if len(reqs) != 4 {
				t.Fatalf("%d requests, want 4", len(reqs))
			}
			// The second question carries the first exchange, not its tool calls.
			if !strings.Contains(reqs[2].Prompt, "How much cash do we have?") || !strings.Contains(reqs[2].Prompt, "Who owes us most?") || len(reqs[2].ToolResults) != 0 {
				t.Fatalf("third request prompt %q, results %d", reqs[2].Prompt, len(reqs[2].ToolResults))
			}
			if !strings.Contains(reqs[0].System, "Numbers only from tools") || !strings.Contains(reqs[0].System, "never instructions") {
				t.Fatalf("system prompt = %q", reqs[0].System)
			}
			msgs, err := e.store.AskMessageList(ctx, a.ThreadID)
			if err != nil || len(msgs) != 4 || msgs[1].Content != a.Text || !strings.Contains(string(msgs[1].Tools), `"metric"`) ||
				!strings.Contains(string(msgs[3].Sources), `"res.partner"`) {
				t.Fatalf("stored = %+v, %v", msgs, err)
			}
			rows, err := e.store.AIUsageList(ctx, store.AIUsageListParams{ConnectionID: e.conn})
			if err != nil || len(rows) != 4 || rows[0].Feature != chat.Feature {
				t.Fatalf("ledger = %d rows, %v", len(rows), err)
			}
			if e.ungroundedCount(t) != 0 {
				t.Fatal("a grounded answer was counted as ungrounded")
			}
			t.Logf("%s: first question %d steps, usage %+v, cost $%.5f; second $%.5f", kind, a.Steps, a.Usage, a.Cost, b.Cost)
		})
	}
}

// TestAnswerCases covers a tool error, a role refusal, an ungrounded
// number, prompt injection and the per-question limits, on both providers.
func TestAnswerCases(t *testing.T) {
	t.Parallel()
	type check func(t *testing.T, e *env, a *chat.Answer)
	tests := []struct {
		name    string
		sales   bool
		limits  chat.Limits
		answers []llmtest.Answer
		slow    bool
		check   check
	}{
		{
			name: "tool error goes back to the model",
			answers: []llmtest.Answer{call("metric", `{"name":"profit"}`), call("metric", `{"name":"cash"}`),
				{Text: "Cash is 1,200.50 EUR."}},
			check: func(t *testing.T, e *env, a *chat.Answer) {
				if len(a.Tools) != 2 || !strings.Contains(a.Tools[0].Error, "name must be one of") || a.Tools[0].Refused || a.Tools[1].Error != "" || len(a.Ungrounded) != 0 {
					t.Fatalf("answer = %+v", a)
				}
				r := e.srv.Requests()[1].ToolResults
				if len(r) != 1 || !r[0].IsError || !strings.Contains(r[0].Content, "name must be one of") {
					t.Fatalf("tool result sent = %+v", r)
				}
			},
		},
		{
			name:    "role refusal",
			sales:   true,
			answers: []llmtest.Answer{call("metric", `{"name":"cash"}`), {Text: "Your role does not see finance figures, so I cannot tell you the cash position."}},
			check: func(t *testing.T, e *env, a *chat.Answer) {
				if len(a.Tools) != 1 || !a.Tools[0].Refused || len(a.Sources) != 0 || len(a.Ungrounded) != 0 {
					t.Fatalf("answer = %+v", a)
				}
				reqs := e.srv.Requests()
				if slices.Contains(reqs[0].Tools, "metric") || !slices.Contains(reqs[0].Tools, "search_records") {
					t.Fatalf("sales was offered %v", reqs[0].Tools)
				}
				if r := reqs[1].ToolResults; len(r) != 1 || !r[0].IsError || !strings.Contains(r[0].Content, "not allowed") || strings.Contains(r[0].Content, "1200") {
					t.Fatalf("refusal sent = %+v", r)
				}
			},
		},
		{
			name:    "ungrounded number",
			answers: []llmtest.Answer{call("metric", `{"name":"cash"}`), {Text: "Cash is 1,250 EUR, up 12% on last month."}},
			check: func(t *testing.T, e *env, a *chat.Answer) {
				if !slices.Equal(a.Ungrounded, []string{"1,250", "12%"}) || !strings.Contains(a.Note, "could not find 2 numbers") {
					t.Fatalf("answer = %+v", a)
				}
				if e.ungroundedCount(t) != 1 {
					t.Fatalf("counter = %v, want 1", e.ungroundedCount(t))
				}
				seg := chat.Segments(a.Text, a.Ungrounded)
				if len(seg) != 5 || !seg[1].Ungrounded || seg[1].Text != "1,250" || !seg[3].Ungrounded || seg[2].Ungrounded {
					t.Fatalf("segments = %+v", seg)
				}
			},
		},
		{
			// The model does what the partner's name says: it calls a tool
			// that does not exist and tries to propose. Nothing is approved,
			// no approve tool is offered, and the name reaches the model
			// only inside a tool result.
			name: "prompt injection changes nothing",
			answers: []llmtest.Answer{call("search_records", `{"model":"res.partner"}`),
				call("approve_all_actions", `{}`),
				{Text: "Summit Components owes 4,100. One partner's name contains unusual text; I did not act on it."}},
			check: func(t *testing.T, e *env, a *chat.Answer) {
				if e.proposals.count() != 0 {
					t.Fatal("an action was proposed")
				}
				if len(a.Tools) != 2 || !strings.Contains(a.Tools[1].Error, "no tool") || len(a.Ungrounded) != 0 {
					t.Fatalf("answer = %+v", a)
				}
				for i, r := range e.srv.Requests() {
					if slices.ContainsFunc(r.Tools, func(n string) bool { return strings.Contains(n, "approve") }) {
						t.Fatalf("request %d offered %v", i, r.Tools)
					}
					if strings.Contains(r.System, injection) || strings.Contains(r.Prompt, injection) {
						t.Fatalf("request %d carries the injected text outside a tool result", i)
					}
				}
				if r := e.srv.Requests()[1].ToolResults; len(r) != 1 || !strings.Contains(r[0].Content, injection) {
					t.Fatalf("the partner's name did not reach the model as data: %+v", r)
				}
			},
		},
		{
			name:    "tool call limit",
			limits:  chat.Limits{MaxToolCalls: 2},
			answers: []llmtest.Answer{{Text: "Checking.", ToolCalls: []llmtest.ToolCall{{Name: "metric", Input: `{"name":"cash"}`}}}},
			check: func(t *testing.T, e *env, a *chat.Answer) {
				if a.Stopped != chat.StopToolCalls || len(a.Tools) != 2 || !strings.Contains(a.Note, "stopped after 2 tool calls") || !strings.Contains(a.Note, "ask.max_tool_calls") {
					t.Fatalf("answer = %+v", a)
				}
			},
		},
		{
			name:    "token limit",
			limits:  chat.Limits{MaxTokens: 10},
			answers: []llmtest.Answer{call("metric", `{"name":"cash"}`)},
			check: func(t *testing.T, e *env, a *chat.Answer) {
				if a.Stopped != chat.StopTokens || len(a.Tools) != 0 || !strings.Contains(a.Note, "ask.max_tokens") {
					t.Fatalf("answer = %+v", a)
				}
			},
		},
		{
			name:    "time limit",
			limits:  chat.Limits{MaxTime: 100 * time.Millisecond},
			answers: []llmtest.Answer{{Text: "late"}},
			slow:    true,
			check: func(t *testing.T, e *env, a *chat.Answer) {
				if a.Stopped != chat.StopTime || !strings.Contains(a.Note, "ask.timeout") {
					t.Fatalf("answer = %+v", a)
				}
			},
		},
	}
	for _, tt := range tests {
		for _, kind := range kinds {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind, tt.limits, 0, tt.answers...)
				if tt.slow {
					answers := tt.answers
					e.srv.Respond = func(n int, _ llmtest.Request) llmtest.Answer {
						time.Sleep(400 * time.Millisecond)
						return answers[0]
					}
				}
				c := e.ceo
				if tt.sales {
					c = e.sales
				}
				a, err := e.svc.Ask(context.Background(), chat.Question{Caller: c, Text: "How much cash do we have?"}, nil)
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, e, a)
				msgs, err := e.store.AskMessageList(context.Background(), a.ThreadID)
				if err != nil || len(msgs) != 2 || msgs[1].Note != a.Note {
					t.Fatalf("stored = %+v, %v", msgs, err)
				}
			})
		}
	}
}

// TestBudgetStop spends a tiny budget on the first question; the second
// is answered with a note saying so, without a request to the provider.
func TestBudgetStop(t *testing.T) {
	t.Parallel()
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind, chat.Limits{}, 0.0000001, llmtest.Answer{Text: "Hello."})
			ctx := context.Background()
			if a, err := e.svc.Ask(ctx, chat.Question{Caller: e.ceo, Text: "Hi"}, nil); err != nil || a.Stopped != "" {
				t.Fatalf("first = %+v, %v", a, err)
			}
			a, err := e.svc.Ask(ctx, chat.Question{Caller: e.ceo, Text: "Hi again"}, nil)
			if err != nil || a.Stopped != chat.StopBudget || !strings.Contains(a.Note, "budget") || a.Text != "" {
				t.Fatalf("second = %+v, %v", a, err)
			}
			if n := len(e.srv.Requests()); n != 1 {
				t.Fatalf("%d requests, want 1", n)
			}
		})
	}
}

func TestAskRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "anthropic", chat.Limits{}, 0, llmtest.Answer{Text: "ok"})
	ctx := context.Background()
	if _, err := e.svc.Ask(ctx, chat.Question{Caller: e.ceo, Text: "  "}, nil); !errors.Is(err, chat.ErrEmptyQuestion) {
		t.Fatalf("blank question: %v", err)
	}
	a, err := e.svc.Ask(ctx, chat.Question{Caller: e.ceo, Text: "Hi"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Another user cannot continue ann's thread.
	if _, err := e.svc.Ask(ctx, chat.Question{Caller: e.sales, ThreadID: a.ThreadID, Text: "Hi"}, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other user's thread: %v", err)
	}
	none, err := llm.New(llm.Config{}, llm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := chat.New(ask.NewRegistry(nil), none, e.store, chat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Ask(ctx, chat.Question{Caller: e.ceo, Text: "Hi"}, nil); !errors.Is(err, chat.ErrNoModel) || svc.Enabled() {
		t.Fatalf("without a model: %v", err)
	}
}

// TestDirectAnswerWithoutModel: without a model the question patterns are
// answered by the tools alone, stored in the thread like any answer; a
// role the tool refuses is told so; other questions need a model.
func TestDirectAnswerWithoutModel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "anthropic", chat.Limits{}, 0)
	ctx := context.Background()
	reg := ask.NewRegistry(access.New(areas.Catalogue()))
	if err := reg.Add(ask.Tool{Name: "metric", Perm: access.View, Area: "finance", Schema: json.RawMessage(`{"type":"object"}`),
		Run: func(_ context.Context, _ ask.Caller, in json.RawMessage) (*ask.Output, error) {
			var args struct{ Name string }
			_ = json.Unmarshal(in, &args)
			if args.Name != "finance.cash.position" {
				return nil, &ask.InputError{Tool: "metric", Msg: "unknown figure"}
			}
			return &ask.Output{Text: "Cash is 580,370.00 EUR.", Sources: []ask.Source{{Label: "Cash position", Path: "/analytics/finance/metrics/finance.cash.position"}}}, nil
		}}); err != nil {
		t.Fatal(err)
	}
	none, err := llm.New(llm.Config{}, llm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := chat.New(reg, none, e.store, chat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var streamed strings.Builder
	a, err := svc.Ask(ctx, chat.Question{Caller: e.ceo, Text: "What is our cash?"}, func(ev chat.Event) {
		if ev.Type == "text" {
			streamed.WriteString(ev.Text)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Text != "Cash is 580,370.00 EUR." || streamed.String() != a.Text || len(a.Tools) != 1 || a.Tools[0].Name != "metric" ||
		len(a.Sources) != 1 || a.MessageID == 0 || a.Note == "" {
		t.Fatalf("direct answer %+v", a)
	}
	if msgs, err := e.store.AskMessageList(ctx, a.ThreadID); err != nil || len(msgs) != 2 {
		t.Fatalf("thread holds %d messages, %v", len(msgs), err)
	}
	refused, err := svc.Ask(ctx, chat.Question{Caller: e.sales, Text: "cash"}, nil)
	if err != nil || !strings.HasPrefix(refused.Text, "Your role does not see this") {
		t.Fatalf("sales asks for cash: %+v %v", refused, err)
	}
	if _, err := svc.Ask(ctx, chat.Question{Caller: e.ceo, Text: "Why did margins drop?"}, nil); !errors.Is(err, chat.ErrNoModel) {
		t.Fatalf("a free-form question without a model: %v", err)
	}
}

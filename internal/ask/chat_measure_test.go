package ask_test

import (
	"context"
	"os"
	"testing"

	"github.com/aicoo/aicoo/internal/chat"
	"github.com/aicoo/aicoo/internal/llm"
	"github.com/aicoo/aicoo/internal/llm/llmtest"
	"github.com/aicoo/aicoo/internal/store"
)

// TestMeasureChatCost measures the tokens and cost of a typical question
// (one tool call, then the answer) with the real tool registry on the demo
// company and the scripted Anthropic fake, which counts a token per 4 bytes
// of the request (set AICOO_ASK_MEASURE=1). The second question shows the
// prompt cache at work: the system prompt and the tool list are read, not
// written.
func TestMeasureChatCost(t *testing.T) {
	if os.Getenv("AICOO_ASK_MEASURE") == "" {
		t.Skip("set AICOO_ASK_MEASURE=1 to measure")
	}
	d := sharedDemo(t)
	ctx := context.Background()
	c := d.caller(store.RoleCEO)
	u, err := d.st.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ConnectionID, Username: "measure-chat", Role: store.RoleCEO})
	if err != nil {
		t.Fatal(err)
	}
	c.UserID = u.ID
	call := llmtest.Answer{ToolCalls: []llmtest.ToolCall{{Name: "metric", Input: `{"name":"finance.cash.position"}`}}}
	answer := llmtest.Answer{Text: "Cash is what the metric says; see the source below for the figure and its history over the last months."}
	srv := llmtest.NewAnthropic(t, call, answer, call, answer)
	model, err := llm.New(llm.Config{Provider: llm.ProviderAnthropic, APIKey: "k", BaseURL: srv.URL}, llm.Options{Ledger: d.st})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := chat.New(d.reg, model, d.st, chat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		a, err := svc.Ask(ctx, chat.Question{Caller: c, Text: "How much cash do we have?"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Steps != 2 || a.Note != "" || (i == 1 && a.Usage.CacheWriteTokens != 0) {
			t.Fatalf("question %d: %+v", i+1, a)
		}
		t.Logf("question %d (%d tools offered): %d steps, input %d, output %d, cache read %d, cache write %d tokens: $%.4f with %s",
			i+1, len(d.reg.For(c)), a.Steps, a.Usage.InputTokens, a.Usage.OutputTokens, a.Usage.CacheReadTokens, a.Usage.CacheWriteTokens, a.Cost, model.Model(llm.UseAnalysis))
	}
}

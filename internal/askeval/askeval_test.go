package askeval_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/askeval"
	"github.com/aicoo/aicoo/internal/chat"
	"github.com/aicoo/aicoo/internal/llm"
	"github.com/aicoo/aicoo/internal/llm/llmtest"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestQuestionSetMatchesDocs: the embedded set is the table of
// docs/ask-eval.md, row for row.
func TestQuestionSetMatchesDocs(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/ask-eval.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := askeval.Parse(askeval.Questions)
	if err != nil {
		t.Fatal(err)
	}
	got, err := askeval.Parse(string(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 30 || len(got) != len(want) {
		t.Fatalf("%d questions embedded, %d in the docs; want 30 in both", len(want), len(got))
	}
	roles := map[string]int{}
	for i := range want {
		if fmt.Sprint(want[i]) != fmt.Sprint(got[i]) {
			t.Errorf("question %d differs:\n%v\n%v", i+1, want[i], got[i])
		}
		roles[want[i].Role]++
	}
	for _, r := range []string{"ceo", "cfo", "sales", "ops"} {
		if roles[r] < 5 {
			t.Errorf("only %d questions for the %s", roles[r], r)
		}
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for name, md := range map[string]string{
		"empty":     "# nothing",
		"bad input": "| 1 | ceo | Cash? | `metric` | `{name}` |",
		"cells":     "| 1 | ceo | Cash? | `metric` |",
	} {
		if _, err := askeval.Parse(md); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

// figure is the fake tools' value of a check: stable per input.
func figure(in json.RawMessage) float64 {
	h := fnv.New32a()
	h.Write(in)
	return float64(h.Sum32()%900000)/100 + 10
}

// TestRunScoresAnswers runs the whole set through the chat with the
// scripted fake model: it calls each question's tool and writes the
// figure back, except for question 2, where it writes a number of its own.
func TestRunScoresAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases, err := askeval.Parse(askeval.Questions)
	if err != nil {
		t.Fatal(err)
	}
	reg := ask.NewRegistry(access.New(areas.Catalogue()))
	for _, name := range []string{"metric", "alerts", "actions"} {
		if err := reg.Add(ask.Tool{Name: name, Perm: access.View, Schema: json.RawMessage(`{"type":"object"}`),
			Run: func(_ context.Context, _ ask.Caller, in json.RawMessage) (*ask.Output, error) {
				v := figure(in)
				return &ask.Output{Data: map[string]any{"value": v}, Text: fmt.Sprintf("The figure: %.2f (as of 2026-03-02).", v)}, nil
			}}); err != nil {
			t.Fatal(err)
		}
	}
	var answers []llmtest.Answer
	for _, c := range cases {
		answers = append(answers, llmtest.Answer{ToolCalls: []llmtest.ToolCall{{Name: c.Tool, Input: string(c.Input)}}})
		text := fmt.Sprintf("It is %.2f.", figure(c.Input))
		if c.N == 2 {
			text = "It is 12345.67."
		}
		answers = append(answers, llmtest.Answer{Text: text})
	}
	srv := llmtest.NewAnthropic(t, answers...)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := storetest.Open(t, store.SQLite)
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	callers := map[string]ask.Caller{}
	for _, role := range []string{store.RoleCEO, store.RoleCFO, store.RoleSales, store.RoleOps} {
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "eval-" + role, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		callers[role] = ask.Caller{UserID: u.ID, Username: u.Username, Role: role, ConnectionID: conn.ID, Via: "cli"}
	}
	model, err := llm.New(llm.Config{Provider: llm.ProviderAnthropic, APIKey: "k", BaseURL: srv.URL, MaxAttempts: 1,
		Models: map[string]string{llm.UseSummary: "claude-haiku-4-5", llm.UseAnalysis: "claude-sonnet-4-5"}},
		llm.Options{Ledger: s, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := chat.New(reg, model, s, chat.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := askeval.Run(ctx, svc, reg, callers, cases)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Answered != 30 || rep.Correct != 29 || rep.Grounded != 29 || rep.Tokens == 0 {
		t.Errorf("answered %d, correct %d, grounded %d, tokens %d; want 30, 29, 29 and some tokens", rep.Answered, rep.Correct, rep.Grounded, rep.Tokens)
	}
	if r := rep.Results[1]; r.Correct || r.Grounded || !r.UsedTool {
		t.Errorf("question 2 (a number of the model's own): %+v", r)
	}
	var out bytes.Buffer
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "30 questions: 30 answered, 29 grounded, 29 correct") {
		t.Errorf("report:\n%s", out.String())
	}
	if _, err := askeval.Run(ctx, svc, reg, map[string]ask.Caller{}, cases[:1]); err == nil {
		t.Error("ran without a user of the question's role")
	}
}

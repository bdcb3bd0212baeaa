// Package chat is the conversation with aicoo: a person asks a question in
// words, a language model answers it by calling the tools of package ask
// (never computing a figure itself), and the answer is checked so that
// every number in it comes from a tool result of that question. Threads
// are kept per user in the store.
package chat

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/grounding"
	"github.com/aicoo/aicoo/internal/llm"
	"github.com/aicoo/aicoo/internal/store"
)

// Defaults of the per-question limits.
const (
	MaxToolCallsDefault = 8
	MaxTokensDefault    = 200_000
	MaxTimeDefault      = 90 * time.Second
	// AnswerTokensDefault bounds what the model writes in one step.
	AnswerTokensDefault = 1500
	// QuestionMax bounds a question, in characters.
	QuestionMax = 4000
	// historyMax bounds the earlier messages of a thread sent with a
	// question.
	historyMax = 20
	// toolResultMax bounds a tool result sent to the model, in bytes.
	toolResultMax = 60_000
)

// Feature is the chat's name in the usage ledger.
const Feature = "ask"

// ErrNoModel is returned by Ask when no language model is configured:
// free-form questions need one.
var ErrNoModel = errors.New("chat: free-form questions need a language model (llm.provider)")

// ErrEmptyQuestion is returned for a blank or oversized question.
var ErrEmptyQuestion = errors.New("chat: the question is empty or too long")

// Model is the language model client (*llm.Client).
type Model interface {
	Enabled() bool
	Converse(ctx context.Context, call llm.ConverseCall) (*llm.ConverseResult, error)
}

// Store keeps threads (*store.Store).
type Store interface {
	AskThreadCreate(ctx context.Context, connectionID, userID int64, title string) (*store.AskThread, error)
	AskThreadGet(ctx context.Context, userID, id int64) (*store.AskThread, error)
	AskMessageAdd(ctx context.Context, m store.AskMessage) (*store.AskMessage, error)
	AskMessageList(ctx context.Context, threadID int64) ([]*store.AskMessage, error)
}

// Limits bound one question.
type Limits struct {
	// MaxToolCalls is the most tool calls one question may make.
	MaxToolCalls int
	// MaxTokens is the most tokens (input, cached and output, over every
	// step) one question may use.
	MaxTokens int64
	// MaxTime is the longest one question may take.
	MaxTime time.Duration
	// AnswerTokens is the most the model may write in one step.
	AnswerTokens int
}

// Options configure a Service.
type Options struct {
	Limits Limits
	// Use routes the chat to a model (llm.UseAnalysis by default).
	Use        string
	Logger     *slog.Logger
	Now        func() time.Time
	Registerer prometheus.Registerer // receives aicoo_ask_ungrounded_total; nil registers nothing
}

// Service answers questions. It is safe for concurrent use.
type Service struct {
	reg        *ask.Registry
	model      Model
	store      Store
	limits     Limits
	use        string
	logger     *slog.Logger
	now        func() time.Time
	ungrounded prometheus.Counter
}

// New builds a Service over the tool registry, the model and the store.
func New(reg *ask.Registry, model Model, st Store, opts Options) (*Service, error) {
	if reg == nil || st == nil {
		return nil, errors.New("chat: a registry and a store are required")
	}
	l := opts.Limits
	l.MaxToolCalls = cmp.Or(l.MaxToolCalls, MaxToolCallsDefault)
	l.MaxTokens = cmp.Or(l.MaxTokens, MaxTokensDefault)
	l.MaxTime = cmp.Or(l.MaxTime, MaxTimeDefault)
	l.AnswerTokens = cmp.Or(l.AnswerTokens, AnswerTokensDefault)
	if l.MaxToolCalls < 0 || l.MaxTokens < 0 || l.MaxTime < 0 || l.AnswerTokens < 0 {
		return nil, fmt.Errorf("chat: limits must not be negative: %+v", l)
	}
	s := &Service{reg: reg, model: model, store: st, limits: l, use: cmp.Or(opts.Use, llm.UseAnalysis),
		logger: opts.Logger, now: opts.Now}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.ungrounded = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "aicoo_ask_ungrounded_total",
		Help: "Chat answers with a number no tool result of their question supports (shown marked, with a note).",
	})
	if opts.Registerer != nil {
		if err := opts.Registerer.Register(s.ungrounded); err != nil {
			return nil, fmt.Errorf("chat: register metrics: %w", err)
		}
	}
	return s, nil
}

// Enabled reports whether a model is configured to answer free-form
// questions.
func (s *Service) Enabled() bool { return s.model != nil && s.model.Enabled() }

// Limits returns the limits in force.
func (s *Service) Limits() Limits { return s.limits }

// Question is one question of a person.
type Question struct {
	Caller ask.Caller
	// ThreadID continues a thread of the caller; 0 starts a new one.
	ThreadID int64
	Text     string
}

// ToolUse is one tool call an answer made, as kept with the answer.
type ToolUse struct {
	Name  string          `json:"name"`
	Input json.RawMessage `json:"input,omitempty"`
	// Error is the refusal or failure the model was told, empty on success.
	Error   string `json:"error,omitempty"`
	Refused bool   `json:"refused,omitempty"`
}

// Stop reasons of an answer cut short.
const (
	StopToolCalls = "tool_calls"
	StopTokens    = "tokens"
	StopTime      = "time"
	StopBudget    = "budget"
	StopModel     = "model_error"
)

// Answer is aicoo's answer to a question.
type Answer struct {
	ThreadID    int64
	ThreadTitle string
	MessageID   int64
	Text        string
	Tools       []ToolUse
	Sources     []ask.Source
	// Ungrounded are the numbers of Text (as written) that no tool result
	// of the question supports.
	Ungrounded []string
	// Note says in words why the answer is marked or cut short.
	Note string
	// Stopped is "" for a complete answer, else a Stop* reason.
	Stopped string
	Usage   llm.Usage
	Cost    float64
	Steps   int
}

// Event is what Ask reports while it works, for a page to show progress.
type Event struct {
	// Type is "thread" (ThreadID and Title known), "text" (Text is the
	// next piece of the answer) or "tool" (Tool is being called).
	Type     string
	ThreadID int64
	Title    string
	Text     string
	Tool     string
}

// Ask answers q, reporting progress to onEvent (may be nil). The question
// and the answer are stored in the caller's thread. A limit, the budget or
// a failing model ends the answer early with a Note; Ask returns an error
// only when nothing could be stored or asked: ErrEmptyQuestion,
// store.ErrNotFound for a thread that is not the caller's, and, without a
// model, ErrNoModel for a question none of package ask's patterns answers
// (those it answers are answered by the tools directly).
func (s *Service) Ask(ctx context.Context, q Question, onEvent func(Event)) (*Answer, error) {
	if onEvent == nil {
		onEvent = func(Event) {}
	}
	text := strings.TrimSpace(q.Text)
	if text == "" || utf8.RuneCountInString(text) > QuestionMax {
		return nil, ErrEmptyQuestion
	}
	if !s.Enabled() {
		return s.direct(ctx, q, text, onEvent)
	}
	c := q.Caller
	var (
		thread  *store.AskThread
		history []llm.Turn
		err     error
	)
	if q.ThreadID == 0 {
		thread, err = s.store.AskThreadCreate(ctx, c.ConnectionID, c.UserID, text)
	} else {
		thread, err = s.store.AskThreadGet(ctx, c.UserID, q.ThreadID)
		if err == nil {
			history, err = s.history(ctx, thread.ID)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("chat: thread: %w", err)
	}
	onEvent(Event{Type: "thread", ThreadID: thread.ID, Title: thread.Title})
	if _, err := s.store.AskMessageAdd(ctx, store.AskMessage{ThreadID: thread.ID, Role: store.AskRoleUser, Content: text}); err != nil {
		return nil, fmt.Errorf("chat: store the question: %w", err)
	}

	a := s.run(ctx, c, text, history, onEvent)
	a.ThreadID, a.ThreadTitle = thread.ID, thread.Title
	if err := s.keepAnswer(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// keepAnswer stores an answer in its thread, with its tools, sources and
// unmatched numbers, and sets its MessageID. It is stored even when the
// asker went away: it was computed (and a model's answer paid for).
func (s *Service) keepAnswer(ctx context.Context, a *Answer) error {
	tools, _ := json.Marshal(a.Tools)
	sources, _ := json.Marshal(a.Sources)
	ung, _ := json.Marshal(a.Ungrounded)
	m, err := s.store.AskMessageAdd(context.WithoutCancel(ctx), store.AskMessage{ThreadID: a.ThreadID, Role: store.AskRoleAssistant,
		Content: a.Text, Tools: tools, Sources: sources, Ungrounded: ung, Note: a.Note})
	if err != nil {
		return fmt.Errorf("chat: store the answer: %w", err)
	}
	a.MessageID = m.ID
	return nil
}

// history returns a thread's earlier messages as conversation turns: the
// questions and the answers' text (not their tool calls: figures are
// fetched again for each question).
func (s *Service) history(ctx context.Context, threadID int64) ([]llm.Turn, error) {
	msgs, err := s.store.AskMessageList(ctx, threadID)
	if err != nil {
		return nil, err
	}
	if len(msgs) > historyMax {
		msgs = msgs[len(msgs)-historyMax:]
	}
	var out []llm.Turn
	for _, m := range msgs {
		role := llm.RoleUser
		if m.Role == store.AskRoleAssistant {
			role = llm.RoleAssistant
		}
		content := m.Content
		if strings.TrimSpace(content) == "" {
			content = "(no answer)"
		}
		// Turns alternate; a question left unanswered merges with the next.
		if n := len(out); n > 0 && out[n-1].Role == role {
			out[n-1].Text += "\n\n" + content
			continue
		}
		out = append(out, llm.Turn{Role: role, Text: content})
	}
	if len(out) > 0 && out[0].Role != llm.RoleUser {
		out = out[1:]
	}
	return out, nil
}

// run is the loop: model, tool calls, results, until the model answers or
// a limit stops it.
func (s *Service) run(ctx context.Context, c ask.Caller, question string, history []llm.Turn, onEvent func(Event)) *Answer {
	ctx, cancel := context.WithTimeout(ctx, s.limits.MaxTime)
	defer cancel()
	now := s.now()
	a := &Answer{}
	var specs []llm.ToolSpec
	for _, t := range s.reg.For(c) {
		specs = append(specs, llm.ToolSpec{Name: t.Name, Description: t.Description, Schema: t.Schema})
	}
	allowed := append(grounding.Values(question), dateNumbers(now)...)
	msgs := append(slices.Clone(history), llm.Turn{Role: llm.RoleUser, Text: question})
	var text strings.Builder
	calls := 0
	for {
		a.Steps++
		res, err := s.model.Converse(ctx, llm.ConverseCall{
			ConnectionID: c.ConnectionID, Feature: Feature, Use: s.use, System: systemPrompt(c, now),
			Tools: specs, Messages: msgs, MaxTokens: s.limits.AnswerTokens,
			OnText: func(d string) {
				text.WriteString(d)
				onEvent(Event{Type: "text", Text: d})
			},
		})
		if err != nil {
			s.stop(ctx, a, err)
			break
		}
		a.Usage.InputTokens += res.Usage.InputTokens
		a.Usage.OutputTokens += res.Usage.OutputTokens
		a.Usage.CacheReadTokens += res.Usage.CacheReadTokens
		a.Usage.CacheWriteTokens += res.Usage.CacheWriteTokens
		a.Cost += res.Cost
		if len(res.ToolCalls) == 0 {
			break
		}
		if calls+len(res.ToolCalls) > s.limits.MaxToolCalls {
			a.Stopped = StopToolCalls
			a.Note = fmt.Sprintf("aicoo stopped after %d tool calls, the most one question may use (ask.max_tool_calls); the answer may be incomplete. Try a narrower question.", calls)
			break
		}
		if used := a.Usage.InputTokens + a.Usage.OutputTokens + a.Usage.CacheReadTokens + a.Usage.CacheWriteTokens; used > s.limits.MaxTokens {
			a.Stopped = StopTokens
			a.Note = fmt.Sprintf("aicoo stopped after using %s tokens, the most one question may use (ask.max_tokens); the answer may be incomplete. Try a narrower question.", thousands(used))
			break
		}
		// The text between tool calls is the model thinking aloud: a
		// paragraph break keeps it apart from what follows.
		if text.Len() > 0 {
			text.WriteString("\n\n")
			onEvent(Event{Type: "text", Text: "\n\n"})
		}
		results := make([]llm.ToolResult, 0, len(res.ToolCalls))
		for _, tc := range res.ToolCalls {
			calls++
			onEvent(Event{Type: "tool", Tool: tc.Name})
			content, use, vals, sources := s.callTool(ctx, c, tc)
			a.Tools = append(a.Tools, use)
			allowed = append(allowed, vals...)
			for _, src := range sources {
				if !slices.Contains(a.Sources, src) {
					a.Sources = append(a.Sources, src)
				}
			}
			results = append(results, llm.ToolResult{CallID: tc.ID, Content: content, IsError: use.Error != ""})
		}
		msgs = append(msgs, llm.Turn{Role: llm.RoleAssistant, Text: res.Text, ToolCalls: res.ToolCalls},
			llm.Turn{Role: llm.RoleUser, ToolResults: results})
	}
	a.Text = strings.TrimSpace(text.String())
	if a.Text == "" && a.Note == "" {
		a.Note = "The model gave no answer."
	}
	if ung := ungrounded(a.Text, allowed); len(ung) > 0 {
		a.Ungrounded = ung
		s.ungrounded.Inc()
		note := fmt.Sprintf("aicoo could not find %d number%s of this answer (marked) in what its tools returned for this question: check %s before relying on %s.",
			len(ung), plural(len(ung)), pick(len(ung), "it", "them"), pick(len(ung), "it", "them"))
		a.Note = strings.TrimSpace(note + " " + a.Note)
		s.logger.Warn("chat: answer with ungrounded numbers", "connection", c.ConnectionID, "numbers", ung)
	}
	return a
}

// stop records why the model could not go on.
func (s *Service) stop(ctx context.Context, a *Answer, err error) {
	switch {
	case errors.Is(err, llm.ErrBudgetExceeded):
		a.Stopped = StopBudget
		a.Note = "This month's language-model budget (llm.monthly_budget) is spent, so aicoo cannot answer free-form questions until next month or until an administrator raises the budget."
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		a.Stopped = StopTime
		a.Note = fmt.Sprintf("aicoo stopped after %s, the longest one question may take (ask.timeout); the answer may be incomplete.", s.limits.MaxTime.Round(time.Second))
	default:
		a.Stopped = StopModel
		a.Note = "The language model did not answer; try again in a moment. (" + oneLine(err.Error()) + ")"
		s.logger.Warn("chat: model failed", "error", err)
	}
}

// callTool runs one tool call for c and returns what the model is told,
// what the answer keeps, the numbers the result allows and its sources.
// Refusals, bad input and unknown tools go back to the model as tool
// errors, so it can say so or try again.
func (s *Service) callTool(ctx context.Context, c ask.Caller, tc llm.ToolCall) (string, ToolUse, []float64, []ask.Source) {
	use := ToolUse{Name: tc.Name, Input: tc.Input}
	if !json.Valid(tc.Input) {
		use.Input = nil
		use.Error = tc.Name + ": the input is not valid JSON"
		return use.Error, use, nil, nil
	}
	out, err := s.reg.Call(ctx, c, tc.Name, tc.Input)
	if err != nil {
		var (
			refused *ask.RefusedError
			input   *ask.InputError
		)
		switch {
		case errors.As(err, &refused):
			use.Refused = true
			use.Error = err.Error()
		case errors.As(err, &input):
			use.Error = err.Error()
		case errors.Is(err, ask.ErrUnknownTool):
			use.Error = fmt.Sprintf("there is no tool %q; use only the tools offered", tc.Name)
		default:
			s.logger.Error("chat: tool failed", "tool", tc.Name, "error", err)
			use.Error = tc.Name + ": the tool failed; the server log has the details"
		}
		return use.Error, use, nil, nil
	}
	body, err := json.Marshal(struct {
		Data any    `json:"data"`
		Text string `json:"text,omitempty"`
	}{out.Data, out.Text})
	if err != nil {
		use.Error = tc.Name + ": the result could not be encoded"
		s.logger.Error("chat: encode tool result", "tool", tc.Name, "error", err)
		return use.Error, use, nil, nil
	}
	content := string(body)
	if len(content) > toolResultMax {
		content = content[:toolResultMax] + "… (cut: the result is too long; ask for fewer records)"
	}
	vals := grounding.JSONValues(body)
	return content, use, vals, out.Sources
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func plural(n int) string { return pick(n, "", "s") }

func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// thousands writes n with thousands separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

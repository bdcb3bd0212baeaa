package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// Provider names.
const (
	ProviderNone      = "none"
	ProviderAnthropic = "anthropic"
	ProviderOpenAI    = "openai" // any OpenAI-compatible Chat Completions endpoint
)

// Uses route a call to a model.
const (
	UseSummary  = "summary"  // short texts: briefings, alert summaries
	UseAnalysis = "analysis" // longer reasoning
)

// ErrDisabled is returned when the provider is "none": callers use their
// templates.
var ErrDisabled = errors.New("llm: no language model configured")

// ErrBudgetExceeded is returned when the connection has spent its monthly
// budget: callers use their templates.
var ErrBudgetExceeded = errors.New("llm: monthly budget exceeded")

// Usage counts a call's tokens. InputTokens excludes the cached ones.
type Usage struct {
	InputTokens      int64
	OutputTokens     int64
	CacheReadTokens  int64
	CacheWriteTokens int64
}

func (u *Usage) add(v Usage) {
	u.InputTokens += v.InputTokens
	u.OutputTokens += v.OutputTokens
	u.CacheReadTokens += v.CacheReadTokens
	u.CacheWriteTokens += v.CacheWriteTokens
}

// Message is one provider request.
type Message struct {
	Model string
	// System is the stable part of the prompt (instructions), sent first and
	// marked cacheable where the provider supports it.
	System string
	// Prompt is the part that changes from call to call.
	Prompt    string
	MaxTokens int
}

// Reply is a provider's answer.
type Reply struct {
	Text       string
	Model      string // as reported by the provider
	StopReason string
	Usage      Usage
}

// Provider sends one request, without retries.
type Provider interface {
	Name() string
	Send(ctx context.Context, m Message) (*Reply, error)
}

// APIError is an error answer from a provider.
type APIError struct {
	Provider   string
	Status     int
	Message    string
	RetryAfter time.Duration // from the retry-after headers, 0 when absent
}

func (e *APIError) Error() string {
	return fmt.Sprintf("llm: %s answered %d: %s", e.Provider, e.Status, e.Message)
}

// Retryable reports whether the call may succeed when repeated: rate limits,
// overload (529) and server errors.
func (e *APIError) Retryable() bool {
	switch e.Status {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooManyRequests, 529:
		return true
	}
	return e.Status >= 500
}

// Config configures a Client.
type Config struct {
	// Provider is "none" (the default), "anthropic" or "openai".
	Provider string
	// BaseURL overrides the provider's endpoint (an OpenAI-compatible
	// server's URL ending in /v1, or a test server).
	BaseURL string
	// APIKey authenticates; an OpenAI-compatible local server may need none.
	APIKey string
	// Models routes uses ("summary", "analysis") to model names; missing uses
	// fall back to DefaultModels for the provider.
	Models map[string]string
	// Prices maps model names to prices; DefaultPrices fill the gaps. Every
	// routed model needs a price (zero for a local model).
	Prices map[string]Price
	// Timeout bounds one attempt. Defaults to 60s.
	Timeout time.Duration
	// MaxAttempts bounds attempts per call. Defaults to 3.
	MaxAttempts int
	// MaxRetryWait is the longest wait between attempts; a provider asking
	// for longer fails the call. Defaults to 60s.
	MaxRetryWait time.Duration
	// MonthlyBudget caps each connection's spend per calendar month (UTC), in
	// US dollars. 0 means no cap.
	MonthlyBudget float64
	// HTTPClient is used for provider requests. Defaults to a new client.
	HTTPClient *http.Client
}

// Ledger is where calls are recorded and budgets are read; *store.Store
// implements it.
type Ledger interface {
	AIUsageInsert(ctx context.Context, p store.AIUsageParams) (*store.AIUsage, error)
	AIUsageSum(ctx context.Context, connectionID int64, from, to time.Time) (store.AIUsageTotals, error)
	AlertRaiseWithEvent(ctx context.Context, p store.AlertFireParams) (store.AlertFired, error)
}

// Options are a Client's collaborators.
type Options struct {
	Ledger Ledger // required unless the provider is "none"
	Logger *slog.Logger
	Now    func() time.Time
	// Sleep waits between attempts; tests make it record instead of wait.
	Sleep func(ctx context.Context, d time.Duration) error
	// Provider replaces the one named in Config (for tests of the retry
	// and ledger logic).
	Provider Provider
}

// Client sends prompts with routing, retries, budget and ledger. It is safe
// for concurrent use.
type Client struct {
	cfg      Config
	provider Provider // nil for "none"
	ledger   Ledger
	logger   *slog.Logger
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
}

// New checks the configuration and builds a Client.
func New(cfg Config, opts Options) (*Client, error) {
	c := &Client{cfg: cfg, ledger: opts.Ledger, logger: opts.Logger, now: opts.Now, sleep: opts.Sleep}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.cfg.Provider == "" {
		c.cfg.Provider = ProviderNone
	}
	if c.cfg.Timeout == 0 {
		c.cfg.Timeout = 60 * time.Second
	}
	if c.cfg.MaxAttempts == 0 {
		c.cfg.MaxAttempts = 3
	}
	if c.cfg.MaxRetryWait == 0 {
		c.cfg.MaxRetryWait = 60 * time.Second
	}
	if c.cfg.HTTPClient == nil {
		c.cfg.HTTPClient = &http.Client{}
	}
	switch {
	case c.cfg.Timeout < 0:
		return nil, fmt.Errorf("llm: timeout must be positive, got %s", c.cfg.Timeout)
	case c.cfg.MaxAttempts < 1 || c.cfg.MaxAttempts > 10:
		return nil, fmt.Errorf("llm: max attempts must be 1 to 10, got %d", c.cfg.MaxAttempts)
	case c.cfg.MaxRetryWait < 0:
		return nil, fmt.Errorf("llm: max retry wait must be positive, got %s", c.cfg.MaxRetryWait)
	case c.cfg.MonthlyBudget < 0:
		return nil, fmt.Errorf("llm: monthly budget must not be negative, got %g", c.cfg.MonthlyBudget)
	}
	models := DefaultModels(c.cfg.Provider)
	for use, m := range cfg.Models {
		models[use] = strings.TrimSpace(m)
	}
	c.cfg.Models = models
	prices := DefaultPrices()
	for m, p := range cfg.Prices {
		if err := p.validate(); err != nil {
			return nil, fmt.Errorf("llm: price of %q: %w", m, err)
		}
		prices[m] = p
	}
	c.cfg.Prices = prices

	switch c.cfg.Provider {
	case ProviderNone:
		return c, nil
	case ProviderAnthropic:
		if c.cfg.APIKey == "" && opts.Provider == nil {
			return nil, errors.New("llm: the anthropic provider needs an API key (llm.api_key)")
		}
		c.provider = newAnthropic(c.cfg)
	case ProviderOpenAI:
		if c.cfg.BaseURL == "" {
			c.cfg.BaseURL = "https://api.openai.com/v1"
		}
		c.provider = &openAI{baseURL: strings.TrimRight(c.cfg.BaseURL, "/"), apiKey: c.cfg.APIKey, http: c.cfg.HTTPClient}
	default:
		return nil, fmt.Errorf("llm: unknown provider %q (want none, anthropic or openai)", c.cfg.Provider)
	}
	if opts.Provider != nil {
		c.provider = opts.Provider
	}
	if c.ledger == nil {
		return nil, errors.New("llm: a ledger is required to use a model")
	}
	for _, use := range []string{UseSummary, UseAnalysis} {
		m := c.cfg.Models[use]
		if m == "" {
			return nil, fmt.Errorf("llm: no model for use %q with provider %s", use, c.cfg.Provider)
		}
		if _, ok := c.cfg.Prices[m]; !ok {
			return nil, fmt.Errorf("llm: no price for model %q (set one, 0 for a free local model)", m)
		}
	}
	return c, nil
}

// Enabled reports whether a model is configured.
func (c *Client) Enabled() bool { return c != nil && c.provider != nil }

// ProviderName names the provider in use.
func (c *Client) ProviderName() string {
	if !c.Enabled() {
		return ProviderNone
	}
	return c.provider.Name()
}

// Model returns the model routed for a use.
func (c *Client) Model(use string) string { return c.cfg.Models[use] }

// Call is one prompt to send for a connection.
type Call struct {
	ConnectionID int64
	Feature      string // recorded in the ledger, e.g. "briefing"
	Use          string // UseSummary or UseAnalysis
	System       string
	Prompt       string
	MaxTokens    int
}

// Result is the outcome of a successful call.
type Result struct {
	Text     string
	Model    string
	Usage    Usage
	Cost     float64
	Attempts int
	Duration time.Duration
}

// Complete sends the call, retrying what may succeed later, and records it
// in the ledger. It returns ErrDisabled without a model and
// ErrBudgetExceeded past the monthly budget.
func (c *Client) Complete(ctx context.Context, call Call) (*Result, error) {
	if !c.Enabled() {
		return nil, ErrDisabled
	}
	if call.ConnectionID == 0 || call.Feature == "" {
		return nil, errors.New("llm: a call needs a connection and a feature")
	}
	if strings.TrimSpace(call.Prompt) == "" {
		return nil, fmt.Errorf("llm: %s: empty prompt", call.Feature)
	}
	model, price, err := c.route(ctx, call.ConnectionID, call.Feature, call.Use, call.MaxTokens)
	if err != nil {
		return nil, err
	}

	start := c.now()
	var reply *Reply
	usage, attempts, err := c.withRetries(ctx, call.Feature, model, func(actx context.Context) (Usage, bool, error) {
		var err error
		reply, err = c.provider.Send(actx, Message{Model: model, System: call.System, Prompt: call.Prompt, MaxTokens: call.MaxTokens})
		if reply == nil {
			return Usage{}, true, err
		}
		return reply.Usage, true, err
	})
	dur := c.now().Sub(start)
	res := &Result{Model: model, Usage: usage, Cost: price.Cost(usage), Attempts: attempts, Duration: dur}
	if err == nil && strings.TrimSpace(reply.Text) == "" {
		err = fmt.Errorf("llm: %s: %s returned no text (stop reason %q)", call.Feature, c.provider.Name(), reply.StopReason)
	}
	if err := c.recordUsage(ctx, call.ConnectionID, call.Feature, model, usage, res.Cost, dur, err); err != nil {
		return nil, err
	}
	res.Text = reply.Text
	if reply.Model != "" {
		res.Model = reply.Model
	}
	return res, nil
}

// route checks what every call needs (a positive token bound, a model
// routed for the use, its price) and the connection's monthly budget, and
// returns the model and its price.
func (c *Client) route(ctx context.Context, connectionID int64, feature, use string, maxTokens int) (string, Price, error) {
	if maxTokens <= 0 {
		return "", Price{}, fmt.Errorf("llm: %s: max tokens must be positive, got %d", feature, maxTokens)
	}
	model := c.cfg.Models[use]
	if model == "" {
		return "", Price{}, fmt.Errorf("llm: %s: no model routed for use %q", feature, use)
	}
	price, ok := c.cfg.Prices[model]
	if !ok {
		return "", Price{}, fmt.Errorf("llm: %s: no price for model %q", feature, model)
	}
	return model, price, c.checkBudget(ctx, connectionID)
}

// withRetries runs one provider call, each attempt bounded by the
// configured timeout, retrying as retryWait allows while once says the
// attempt may be repeated (a conversation whose text was already streamed
// may not). It returns the usage of every attempt, which is spent even
// when an attempt fails.
func (c *Client) withRetries(ctx context.Context, feature, model string, once func(context.Context) (Usage, bool, error)) (usage Usage, attempts int, err error) {
	for attempts = 1; ; attempts++ {
		actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		u, repeatable, aerr := once(actx)
		cancel()
		usage.add(u)
		if err = aerr; err == nil || !repeatable {
			return usage, attempts, err
		}
		wait, retry := c.retryWait(ctx, err, attempts)
		if !retry {
			return usage, attempts, err
		}
		c.logger.Warn("llm call failed, retrying", "feature", feature, "model", model, "attempt", attempts, "wait", wait, "error", err)
		if serr := c.sleep(ctx, wait); serr != nil {
			return usage, attempts, fmt.Errorf("%w (while waiting to retry: %w)", err, serr)
		}
	}
}

// recordUsage writes a call's tokens, cost and outcome to the ledger, even
// when the caller's context is done: the tokens were spent. It returns
// callErr, joined with the ledger's error when writing failed.
func (c *Client) recordUsage(ctx context.Context, connectionID int64, feature, model string, usage Usage, cost float64, dur time.Duration, callErr error) error {
	entry := store.AIUsageParams{
		ConnectionID: connectionID, Feature: feature, Provider: c.provider.Name(), Model: model,
		InputTokens: usage.InputTokens, OutputTokens: usage.OutputTokens, CacheReadTokens: usage.CacheReadTokens,
		CacheWriteTokens: usage.CacheWriteTokens, Cost: cost, Duration: dur, Success: callErr == nil,
	}
	if callErr != nil {
		entry.Error = callErr.Error()
	}
	if _, lerr := c.ledger.AIUsageInsert(context.WithoutCancel(ctx), entry); lerr != nil {
		return errors.Join(callErr, fmt.Errorf("llm: record usage: %w", lerr))
	}
	return callErr
}

// retryWait decides whether to retry after attempt n failed with err, and
// how long to wait first.
func (c *Client) retryWait(ctx context.Context, err error, n int) (time.Duration, bool) {
	if n >= c.cfg.MaxAttempts || ctx.Err() != nil {
		return 0, false
	}
	backoff := time.Duration(1<<(n-1)) * time.Second
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		if !apiErr.Retryable() {
			return 0, false
		}
		wait := backoff
		if apiErr.RetryAfter > 0 {
			wait = apiErr.RetryAfter
		}
		if wait > c.cfg.MaxRetryWait {
			return 0, false
		}
		return wait, true
	}
	// Transport failures and per-attempt timeouts.
	return min(backoff, c.cfg.MaxRetryWait), true
}

// monthStart is the first instant of t's month in UTC.
func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// BudgetFingerprint names the alert raised when a connection runs out of
// budget in a month ("2026-03").
func BudgetFingerprint(month time.Time) string {
	return "llm:budget:" + monthStart(month).Format("2006-01")
}

func (c *Client) checkBudget(ctx context.Context, connectionID int64) error {
	if c.cfg.MonthlyBudget == 0 {
		return nil
	}
	now := c.now()
	from := monthStart(now)
	tot, err := c.ledger.AIUsageSum(ctx, connectionID, from, from.AddDate(0, 1, 0))
	if err != nil {
		return fmt.Errorf("llm: read budget: %w", err)
	}
	if tot.Cost < c.cfg.MonthlyBudget {
		return nil
	}
	data, _ := json.Marshal(map[string]any{"spent": tot.Cost, "budget": c.cfg.MonthlyBudget, "calls": tot.Calls, "month": from.Format("2006-01")})
	_, aerr := c.ledger.AlertRaiseWithEvent(ctx, store.AlertFireParams{
		AlertRaiseParams: store.AlertRaiseParams{
			ConnectionID: connectionID, Fingerprint: BudgetFingerprint(now), Type: "llm", Priority: store.PriorityMedium,
			Title:       fmt.Sprintf("Language-model budget reached: $%.2f of $%.2f this month", tot.Cost, c.cfg.MonthlyBudget),
			Description: "Briefings and summaries use their templates until the month ends or the budget (llm.monthly_budget) is raised.",
			Data:        data,
		},
		At:   now,
		Note: fmt.Sprintf("spent $%.2f of the $%.2f monthly budget", tot.Cost, c.cfg.MonthlyBudget),
	})
	if aerr != nil {
		return errors.Join(ErrBudgetExceeded, fmt.Errorf("llm: raise budget alert: %w", aerr))
	}
	return fmt.Errorf("%w: spent $%.4f of $%.2f in %s", ErrBudgetExceeded, tot.Cost, c.cfg.MonthlyBudget, from.Format("2006-01"))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"
)

// anthropicProvider speaks the Messages API through the official SDK, with
// the SDK's own retries off: Client retries, so every attempt is counted.
type anthropicProvider struct {
	client anthropic.Client
}

func newAnthropic(cfg Config) *anthropicProvider {
	opts := []option.RequestOption{
		option.WithAPIKey(cfg.APIKey),
		option.WithMaxRetries(0),
		option.WithHTTPClient(cfg.HTTPClient),
	}
	if cfg.BaseURL != "" {
		opts = append(opts, option.WithBaseURL(cfg.BaseURL))
	}
	return &anthropicProvider{client: anthropic.NewClient(opts...)}
}

func (p *anthropicProvider) Name() string { return ProviderAnthropic }

func (p *anthropicProvider) Send(ctx context.Context, m Message) (*Reply, error) {
	params := anthropic.MessageNewParams{
		Model:     anthropic.Model(m.Model),
		MaxTokens: int64(m.MaxTokens),
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(m.Prompt))},
	}
	if m.System != "" {
		// The instructions are the same on every call: cache them.
		params.System = []anthropic.TextBlockParam{{Text: m.System, CacheControl: anthropic.NewCacheControlEphemeralParam()}}
	}
	msg, err := p.client.Messages.New(ctx, params)
	if err != nil {
		var apiErr *anthropic.Error
		if errors.As(err, &apiErr) {
			e := &APIError{Provider: ProviderAnthropic, Status: apiErr.StatusCode, Message: anthropicMessage(apiErr)}
			if apiErr.Response != nil {
				e.RetryAfter = retryAfter(apiErr.Response.Header, time.Now())
			}
			return nil, e
		}
		return nil, fmt.Errorf("llm: anthropic: %w", err)
	}
	var text strings.Builder
	for _, b := range msg.Content {
		if b.Type == "text" {
			text.WriteString(b.Text)
		}
	}
	return &Reply{
		Text: text.String(), Model: string(msg.Model), StopReason: string(msg.StopReason),
		Usage: Usage{
			InputTokens: msg.Usage.InputTokens, OutputTokens: msg.Usage.OutputTokens,
			CacheReadTokens: msg.Usage.CacheReadInputTokens, CacheWriteTokens: msg.Usage.CacheCreationInputTokens,
		},
	}, nil
}

func anthropicMessage(e *anthropic.Error) string {
	raw := e.RawJSON()
	if len(raw) > 300 {
		raw = raw[:300]
	}
	if raw == "" {
		return http.StatusText(e.StatusCode)
	}
	return raw
}

// retryAfter reads how long a provider asks to wait: retry-after-ms
// (OpenAI), then retry-after in seconds or as an HTTP date. 0 when absent
// or unreadable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

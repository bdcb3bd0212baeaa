package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// openAI speaks the Chat Completions API of OpenAI and of compatible
// servers (Ollama, vLLM, LiteLLM, ...). They cache stable prompt prefixes on
// their own, so the system text goes first.
type openAI struct {
	baseURL string
	apiKey  string
	http    *http.Client
}

func (p *openAI) Name() string { return ProviderOpenAI }

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model     string        `json:"model"`
	Messages  []chatMessage `json:"messages"`
	MaxTokens int           `json:"max_tokens"`
}

type chatResponse struct {
	Model   string `json:"model"`
	Choices []struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens        int64 `json:"prompt_tokens"`
		CompletionTokens    int64 `json:"completion_tokens"`
		PromptTokensDetails struct {
			CachedTokens int64 `json:"cached_tokens"`
		} `json:"prompt_tokens_details"`
	} `json:"usage"`
	Error *struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"error"`
}

func (p *openAI) Send(ctx context.Context, m Message) (*Reply, error) {
	req := chatRequest{Model: m.Model, MaxTokens: m.MaxTokens}
	if m.System != "" {
		req.Messages = append(req.Messages, chatMessage{Role: "system", Content: m.System})
	}
	req.Messages = append(req.Messages, chatMessage{Role: "user", Content: m.Prompt})
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("llm: openai: encode request: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, p.baseURL+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("llm: openai: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	if p.apiKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+p.apiKey)
	}
	resp, err := p.http.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("llm: openai: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("llm: openai: read answer: %w", err)
	}
	var cr chatResponse
	jerr := json.Unmarshal(raw, &cr)
	if resp.StatusCode != http.StatusOK {
		msg := strings.TrimSpace(string(raw))
		if jerr == nil && cr.Error != nil && cr.Error.Message != "" {
			msg = cr.Error.Message
		}
		if len(msg) > 300 {
			msg = msg[:300]
		}
		return nil, &APIError{Provider: ProviderOpenAI, Status: resp.StatusCode, Message: msg, RetryAfter: retryAfter(resp.Header, time.Now())}
	}
	if jerr != nil {
		return nil, fmt.Errorf("llm: openai: decode answer: %w", jerr)
	}
	if len(cr.Choices) == 0 {
		return nil, fmt.Errorf("llm: openai: answer without choices")
	}
	cached := cr.Usage.PromptTokensDetails.CachedTokens
	return &Reply{
		Text: cr.Choices[0].Message.Content, Model: cr.Model, StopReason: cr.Choices[0].FinishReason,
		Usage: Usage{InputTokens: max(cr.Usage.PromptTokens-cached, 0), OutputTokens: cr.Usage.CompletionTokens, CacheReadTokens: cached},
	}, nil
}

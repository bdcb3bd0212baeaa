package llm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Chat Completions shapes for function calling and streaming.
type oaMessage struct {
	Role       string       `json:"role"`
	Content    *string      `json:"content"`
	ToolCalls  []oaToolCall `json:"tool_calls,omitempty"`
	ToolCallID string       `json:"tool_call_id,omitempty"`
}

type oaToolCall struct {
	Index    *int   `json:"index,omitempty"`
	ID       string `json:"id,omitempty"`
	Type     string `json:"type,omitempty"`
	Function struct {
		Name      string `json:"name,omitempty"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type oaTool struct {
	Type     string `json:"type"`
	Function struct {
		Name        string          `json:"name"`
		Description string          `json:"description,omitempty"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"function"`
}

type oaStreamRequest struct {
	Model         string      `json:"model"`
	Messages      []oaMessage `json:"messages"`
	Tools         []oaTool    `json:"tools,omitempty"`
	MaxTokens     int         `json:"max_tokens"`
	Stream        bool        `json:"stream"`
	StreamOptions struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

type oaChunk struct {
	Model   string `json:"model"`
	Choices []struct {
		Delta struct {
			Content   string       `json:"content"`
			ToolCalls []oaToolCall `json:"tool_calls"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens        int64 `json:"prompt_tokens"`
		CompletionTokens    int64 `json:"completion_tokens"`
		PromptTokensDetails struct {
			CachedTokens int64 `json:"cached_tokens"`
		} `json:"prompt_tokens_details"`
	} `json:"usage"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// Converse streams one Chat Completions request with function calling
// (tools / tool_calls), as OpenAI, Ollama and llama.cpp's server speak it.
// Tool errors have no flag in this API: their content starts with "Error:".
func (p *openAI) Converse(ctx context.Context, c Conversation, onText func(string)) (*ToolReply, error) {
	req := oaStreamRequest{Model: c.Model, MaxTokens: c.MaxTokens, Stream: true}
	req.StreamOptions.IncludeUsage = true
	str := func(s string) *string { return &s }
	if c.System != "" {
		req.Messages = append(req.Messages, oaMessage{Role: "system", Content: str(c.System)})
	}
	for _, t := range c.Tools {
		var ot oaTool
		ot.Type = "function"
		ot.Function.Name, ot.Function.Description, ot.Function.Parameters = t.Name, t.Description, t.Schema
		req.Tools = append(req.Tools, ot)
	}
	for _, m := range c.Messages {
		switch {
		case m.Role == RoleAssistant:
			om := oaMessage{Role: "assistant"}
			if m.Text != "" || len(m.ToolCalls) == 0 {
				om.Content = str(m.Text)
			}
			for _, tc := range m.ToolCalls {
				var otc oaToolCall
				otc.ID, otc.Type = tc.ID, "function"
				otc.Function.Name, otc.Function.Arguments = tc.Name, string(tc.Input)
				if otc.Function.Arguments == "" {
					otc.Function.Arguments = "{}"
				}
				om.ToolCalls = append(om.ToolCalls, otc)
			}
			req.Messages = append(req.Messages, om)
		default:
			for _, tr := range m.ToolResults {
				content := tr.Content
				if tr.IsError {
					content = "Error: " + content
				}
				req.Messages = append(req.Messages, oaMessage{Role: "tool", ToolCallID: tr.CallID, Content: str(content)})
			}
			if m.Text != "" {
				req.Messages = append(req.Messages, oaMessage{Role: "user", Content: str(m.Text)})
			}
		}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("llm: openai: encode request: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, p.baseURL+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("llm: openai: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "text/event-stream")
	if p.apiKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+p.apiKey)
	}
	resp, err := p.http.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("llm: openai: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var cr chatResponse
		msg := strings.TrimSpace(string(raw))
		if json.Unmarshal(raw, &cr) == nil && cr.Error != nil && cr.Error.Message != "" {
			msg = cr.Error.Message
		}
		if len(msg) > 300 {
			msg = msg[:300]
		}
		return nil, &APIError{Provider: ProviderOpenAI, Status: resp.StatusCode, Message: msg, RetryAfter: retryAfter(resp.Header, time.Now())}
	}
	return readOpenAIStream(resp.Body, onText)
}

// readOpenAIStream reads Server-Sent Events of chat.completion.chunk
// objects until [DONE], gathering text, tool calls (their arguments arrive
// in pieces, keyed by index) and the usage of the final chunk.
func readOpenAIStream(r io.Reader, onText func(string)) (*ToolReply, error) {
	reply := &ToolReply{}
	var text strings.Builder
	calls := map[int]*ToolCall{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	done := false
	for sc.Scan() {
		line := sc.Text()
		data, ok := strings.CutPrefix(line, "data:")
		if !ok {
			continue // event names, comments, blank separators
		}
		data = strings.TrimSpace(data)
		if data == "[DONE]" {
			done = true
			break
		}
		var ch oaChunk
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return reply, fmt.Errorf("llm: openai: read stream: %w", err)
		}
		if ch.Error != nil {
			return reply, &APIError{Provider: ProviderOpenAI, Status: http.StatusInternalServerError, Message: ch.Error.Message}
		}
		if ch.Model != "" {
			reply.Model = ch.Model
		}
		if ch.Usage != nil {
			cached := ch.Usage.PromptTokensDetails.CachedTokens
			reply.Usage = Usage{InputTokens: max(ch.Usage.PromptTokens-cached, 0), OutputTokens: ch.Usage.CompletionTokens, CacheReadTokens: cached}
		}
		for _, choice := range ch.Choices {
			if d := choice.Delta.Content; d != "" {
				text.WriteString(d)
				if onText != nil {
					onText(d)
				}
			}
			for i, tc := range choice.Delta.ToolCalls {
				idx := i
				if tc.Index != nil {
					idx = *tc.Index
				}
				call := calls[idx]
				if call == nil {
					call = &ToolCall{}
					calls[idx] = call
				}
				if tc.ID != "" {
					call.ID = tc.ID
				}
				if tc.Function.Name != "" {
					call.Name = tc.Function.Name
				}
				call.Input = append(call.Input, tc.Function.Arguments...)
			}
			if choice.FinishReason != nil {
				reply.StopReason = *choice.FinishReason
			}
		}
	}
	if err := sc.Err(); err != nil {
		return reply, fmt.Errorf("llm: openai: read stream: %w", err)
	}
	if !done && reply.StopReason == "" {
		return reply, fmt.Errorf("llm: openai: the stream ended before the answer did")
	}
	reply.Text = text.String()
	idxs := make([]int, 0, len(calls))
	for i := range calls {
		idxs = append(idxs, i)
	}
	sort.Ints(idxs)
	for n, i := range idxs {
		c := *calls[i]
		if c.ID == "" {
			// Some local servers leave ids out; the answer pairs by id.
			c.ID = fmt.Sprintf("call_%d", n)
		}
		if len(bytes.TrimSpace(c.Input)) == 0 {
			c.Input = json.RawMessage(`{}`)
		}
		reply.ToolCalls = append(reply.ToolCalls, c)
	}
	return reply, nil
}

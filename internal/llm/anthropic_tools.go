package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go"
)

// Converse streams one Messages API request with tools. The system prompt
// and the tool list are the same on every step of every question, so both
// carry a cache breakpoint (cache_control): later steps read them from the
// prompt cache at a tenth of the price. So does the conversation so far.
func (p *anthropicProvider) Converse(ctx context.Context, c Conversation, onText func(string)) (*ToolReply, error) {
	params := anthropic.MessageNewParams{
		Model:     anthropic.Model(c.Model),
		MaxTokens: int64(c.MaxTokens),
	}
	if c.System != "" {
		params.System = []anthropic.TextBlockParam{{Text: c.System, CacheControl: anthropic.NewCacheControlEphemeralParam()}}
	}
	for i, t := range c.Tools {
		tp, err := anthropicTool(t)
		if err != nil {
			return nil, err
		}
		if i == len(c.Tools)-1 {
			tp.CacheControl = anthropic.NewCacheControlEphemeralParam()
		}
		params.Tools = append(params.Tools, anthropic.ToolUnionParam{OfTool: tp})
	}
	for _, m := range c.Messages {
		var blocks []anthropic.ContentBlockParamUnion
		if m.Text != "" {
			blocks = append(blocks, anthropic.NewTextBlock(m.Text))
		}
		for _, tc := range m.ToolCalls {
			input := tc.Input
			if len(input) == 0 {
				input = json.RawMessage(`{}`)
			}
			blocks = append(blocks, anthropic.NewToolUseBlock(tc.ID, input, tc.Name))
		}
		for _, tr := range m.ToolResults {
			blocks = append(blocks, anthropic.NewToolResultBlock(tr.CallID, tr.Content, tr.IsError))
		}
		if m.Role == RoleAssistant {
			params.Messages = append(params.Messages, anthropic.NewAssistantMessage(blocks...))
		} else {
			params.Messages = append(params.Messages, anthropic.NewUserMessage(blocks...))
		}
	}
	// A third breakpoint after the conversation so far: the next step of a
	// tool loop reads it (tool results included) from the cache instead of
	// paying for it again.
	if n := len(params.Messages); n > 0 && len(c.Tools) > 0 {
		if blocks := params.Messages[n-1].Content; len(blocks) > 0 {
			if cc := blocks[len(blocks)-1].GetCacheControl(); cc != nil {
				*cc = anthropic.NewCacheControlEphemeralParam()
			}
		}
	}

	stream := p.client.Messages.NewStreaming(ctx, params)
	defer stream.Close()
	var msg anthropic.Message
	for stream.Next() {
		ev := stream.Current()
		if err := msg.Accumulate(ev); err != nil {
			return nil, fmt.Errorf("llm: anthropic: read stream: %w", err)
		}
		if ev.Type == "content_block_delta" && ev.Delta.Type == "text_delta" && onText != nil {
			onText(ev.Delta.Text)
		}
	}
	usage := Usage{
		InputTokens: msg.Usage.InputTokens, OutputTokens: msg.Usage.OutputTokens,
		CacheReadTokens: msg.Usage.CacheReadInputTokens, CacheWriteTokens: msg.Usage.CacheCreationInputTokens,
	}
	if err := stream.Err(); err != nil {
		var apiErr *anthropic.Error
		if errors.As(err, &apiErr) {
			e := &APIError{Provider: ProviderAnthropic, Status: apiErr.StatusCode, Message: anthropicMessage(apiErr)}
			if apiErr.Response != nil {
				e.RetryAfter = retryAfter(apiErr.Response.Header, time.Now())
			}
			return &ToolReply{Usage: usage}, e
		}
		// A stream cut short still spent what message_start reported.
		return &ToolReply{Usage: usage}, fmt.Errorf("llm: anthropic: %w", err)
	}
	reply := &ToolReply{Model: string(msg.Model), StopReason: string(msg.StopReason), Usage: usage}
	var text strings.Builder
	for _, b := range msg.Content {
		switch b.Type {
		case "text":
			text.WriteString(b.Text)
		case "tool_use":
			reply.ToolCalls = append(reply.ToolCalls, ToolCall{ID: b.ID, Name: b.Name, Input: append(json.RawMessage(nil), b.Input...)})
		}
	}
	reply.Text = text.String()
	return reply, nil
}

// anthropicTool turns a tool's JSON schema into the SDK's parameter:
// properties and required in their fields, every other keyword kept.
func anthropicTool(t ToolSpec) (*anthropic.ToolParam, error) {
	var schema map[string]any
	if err := json.Unmarshal(t.Schema, &schema); err != nil {
		return nil, fmt.Errorf("llm: tool %s: schema: %w", t.Name, err)
	}
	in := anthropic.ToolInputSchemaParam{Properties: schema["properties"], ExtraFields: map[string]any{}}
	if req, ok := schema["required"].([]any); ok {
		for _, r := range req {
			if s, ok := r.(string); ok {
				in.Required = append(in.Required, s)
			}
		}
	}
	for k, v := range schema {
		switch k {
		case "type", "properties", "required":
		default:
			in.ExtraFields[k] = v
		}
	}
	tp := &anthropic.ToolParam{Name: t.Name, InputSchema: in}
	if t.Description != "" {
		tp.Description = anthropic.String(t.Description)
	}
	return tp, nil
}

package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// pieces splits text into word-sized pieces, spaces kept, so a streamed
// answer arrives as several deltas.
func pieces(text string) []string {
	var out []string
	for text != "" {
		i := strings.IndexByte(text[1:], ' ')
		if i < 0 {
			out = append(out, text)
			break
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}

func sse(w http.ResponseWriter, event string, v any) {
	data, _ := json.Marshal(v)
	if event != "" {
		fmt.Fprintf(w, "event: %s\n", event)
	}
	fmt.Fprintf(w, "data: %s\n\n", data)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// streamAnthropic answers as the Messages API streams: message_start with
// the input usage, a text block in deltas, a tool_use block per call with
// its input as input_json_delta pieces, message_delta with the stop reason
// and output usage, message_stop.
func streamAnthropic(w http.ResponseWriter, n int, model string, a Answer) {
	sse(w, "message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": fmt.Sprintf("msg_%d", n), "type": "message", "role": "assistant", "model": model, "content": []any{},
		"stop_reason": nil, "stop_sequence": nil,
		"usage": map[string]any{"input_tokens": a.InputTokens, "output_tokens": 1,
			"cache_read_input_tokens": a.CacheRead, "cache_creation_input_tokens": a.CacheWrite},
	}})
	idx := 0
	if a.Text != "" {
		sse(w, "content_block_start", map[string]any{"type": "content_block_start", "index": idx, "content_block": map[string]any{"type": "text", "text": ""}})
		for _, p := range pieces(a.Text) {
			sse(w, "content_block_delta", map[string]any{"type": "content_block_delta", "index": idx, "delta": map[string]any{"type": "text_delta", "text": p}})
		}
		sse(w, "content_block_stop", map[string]any{"type": "content_block_stop", "index": idx})
		idx++
	}
	for _, c := range a.ToolCalls {
		sse(w, "content_block_start", map[string]any{"type": "content_block_start", "index": idx,
			"content_block": map[string]any{"type": "tool_use", "id": c.ID, "name": c.Name, "input": map[string]any{}}})
		half := len(c.Input) / 2
		for _, p := range []string{c.Input[:half], c.Input[half:]} {
			sse(w, "content_block_delta", map[string]any{"type": "content_block_delta", "index": idx, "delta": map[string]any{"type": "input_json_delta", "partial_json": p}})
		}
		sse(w, "content_block_stop", map[string]any{"type": "content_block_stop", "index": idx})
		idx++
	}
	stop := "end_turn"
	if len(a.ToolCalls) > 0 {
		stop = "tool_use"
	}
	sse(w, "message_delta", map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": stop, "stop_sequence": nil},
		"usage": map[string]any{"output_tokens": a.OutputTokens}})
	sse(w, "message_stop", map[string]any{"type": "message_stop"})
}

// streamOpenAI answers as Chat Completions streams: chunks of delta
// content, tool_calls deltas (name first, arguments in pieces), a
// finish_reason, a last chunk with usage (stream_options.include_usage)
// and [DONE].
func streamOpenAI(w http.ResponseWriter, n int, model string, a Answer) {
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": fmt.Sprintf("chatcmpl-%d", n), "object": "chat.completion.chunk", "model": model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	sse(w, "", chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for _, p := range pieces(a.Text) {
		sse(w, "", chunk(map[string]any{"content": p}, nil))
	}
	for i, c := range a.ToolCalls {
		sse(w, "", chunk(map[string]any{"tool_calls": []any{map[string]any{"index": i, "id": c.ID, "type": "function",
			"function": map[string]any{"name": c.Name, "arguments": ""}}}}, nil))
		half := len(c.Input) / 2
		for _, p := range []string{c.Input[:half], c.Input[half:]} {
			sse(w, "", chunk(map[string]any{"tool_calls": []any{map[string]any{"index": i, "function": map[string]any{"arguments": p}}}}, nil))
		}
	}
	finish := "stop"
	if len(a.ToolCalls) > 0 {
		finish = "tool_calls"
	}
	sse(w, "", chunk(map[string]any{}, finish))
	sse(w, "", map[string]any{"id": fmt.Sprintf("chatcmpl-%d", n), "object": "chat.completion.chunk", "model": model, "choices": []any{},
		"usage": map[string]any{"prompt_tokens": a.InputTokens + a.CacheRead, "completion_tokens": a.OutputTokens,
			"prompt_tokens_details": map[string]any{"cached_tokens": a.CacheRead}}})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

// extractTools finds the offered tools' names and the tool results in a
// request body of either API.
func extractTools(kind string, body map[string]any) (tools []string, results []ToolResult) {
	ts, _ := body["tools"].([]any)
	for _, t := range ts {
		m, _ := t.(map[string]any)
		if f, ok := m["function"].(map[string]any); ok {
			m = f
		}
		if name, ok := m["name"].(string); ok {
			tools = append(tools, name)
		}
	}
	msgs, _ := body["messages"].([]any)
	for _, msg := range msgs {
		mm, _ := msg.(map[string]any)
		if kind == "openai" {
			if mm["role"] == "tool" {
				content, _ := mm["content"].(string)
				id, _ := mm["tool_call_id"].(string)
				results = append(results, ToolResult{CallID: id, Content: content, IsError: strings.HasPrefix(content, "Error:")})
			}
			continue
		}
		blocks, _ := mm["content"].([]any)
		for _, b := range blocks {
			bm, _ := b.(map[string]any)
			if bm["type"] != "tool_result" {
				continue
			}
			r := ToolResult{}
			r.CallID, _ = bm["tool_use_id"].(string)
			r.IsError, _ = bm["is_error"].(bool)
			switch c := bm["content"].(type) {
			case string:
				r.Content = c
			case []any:
				for _, p := range c {
					if pm, ok := p.(map[string]any); ok {
						s, _ := pm["text"].(string)
						r.Content += s
					}
				}
			}
			results = append(results, r)
		}
	}
	return tools, results
}

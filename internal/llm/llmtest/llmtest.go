// Package llmtest gives tests httptest servers that speak the Anthropic
// Messages API and the OpenAI Chat Completions API, with scripted answers:
// text, tool calls, errors, 429 with retry-after, and Anthropic's 529
// overloaded. A request with "stream": true is answered as the provider
// streams (Server-Sent Events, the text in word-sized pieces). No test
// needs the internet.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
)

// Request is what a server received.
type Request struct {
	Header http.Header
	Body   map[string]any
	// System and Prompt are the instructions and the user text, extracted
	// from either API's shape.
	System string
	Prompt string
	// Stream is set when the request asked for a streamed answer.
	Stream bool
	// Tools names the tools offered, in order.
	Tools []string
	// ToolResults are the tool results the request carries, in order.
	ToolResults []ToolResult
}

// ToolResult is a tool result a request carried back to the model.
type ToolResult struct {
	CallID  string
	Content string
	IsError bool // Anthropic's is_error; OpenAI's content starts with "Error:"
}

// ToolCall is a scripted tool call of an answer.
type ToolCall struct {
	// ID defaults to "call_<request>_<n>".
	ID   string
	Name string
	// Input is the JSON object of arguments; empty means {}.
	Input string
}

// Answer is one scripted answer.
type Answer struct {
	// Status defaults to 200.
	Status int
	// Header is added to the answer (retry-after, say).
	Header map[string]string
	// Text is the model's text on a 200.
	Text string
	// ToolCalls are tool calls the model makes after Text.
	ToolCalls []ToolCall
	// InputTokens, OutputTokens, CacheRead and CacheWrite are reported as
	// usage. When all are zero, input is estimated as a quarter of the
	// request's message bytes (prompt, earlier answers, tool calls and
	// results) and output as a quarter of Text's and the tool calls' bytes,
	// and the system text with the tool list (the cached prefix) counts as
	// a cache read after the first request that carried it (as a cache
	// write on that one).
	InputTokens, OutputTokens, CacheRead, CacheWrite int64
	// ErrorType and ErrorMessage fill an error answer's body.
	ErrorType, ErrorMessage string
}

// Server is a fake provider. Its URL goes in llm.Config.BaseURL (for the
// OpenAI flavour, the URL is the /v1 base).
type Server struct {
	*httptest.Server
	// Respond picks the answer; by default the scripted answers are given
	// in order and the last one repeats.
	Respond func(n int, r Request) Answer

	mu       sync.Mutex
	requests []Request
	answers  []Answer
	cached   map[string]bool
	kind     string
}

// Requests returns what the server received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// NewAnthropic starts a fake Anthropic Messages API, closed when the test ends.
func NewAnthropic(t testing.TB, answers ...Answer) *Server {
	return start(t, "anthropic", answers)
}

// NewOpenAI starts a fake OpenAI Chat Completions API, closed when the test ends.
func NewOpenAI(t testing.TB, answers ...Answer) *Server {
	return start(t, "openai", answers)
}

func start(t testing.TB, kind string, answers []Answer) *Server {
	t.Helper()
	s := &Server{answers: answers, cached: map[string]bool{}, kind: kind}
	mux := http.NewServeMux()
	if kind == "anthropic" {
		mux.HandleFunc("POST /v1/messages", s.handle)
	} else {
		mux.HandleFunc("POST /v1/chat/completions", s.handle)
	}
	s.Server = httptest.NewServer(mux)
	if kind == "openai" {
		s.Server.URL += "/v1"
	}
	t.Cleanup(s.Close)
	return s
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	req := Request{Header: r.Header.Clone()}
	if err := json.Unmarshal(raw, &req.Body); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	req.System, req.Prompt = extract(s.kind, req.Body)
	req.Stream, _ = req.Body["stream"].(bool)
	req.Tools, req.ToolResults = extractTools(s.kind, req.Body)
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, req)
	var a Answer
	switch {
	case s.Respond != nil:
		s.mu.Unlock()
		a = s.Respond(n, req)
		s.mu.Lock()
	case len(s.answers) == 0:
		a = Answer{Text: "ok"}
	case n < len(s.answers):
		a = s.answers[n]
	default:
		a = s.answers[len(s.answers)-1]
	}
	if a.InputTokens == 0 && a.OutputTokens == 0 && a.CacheRead == 0 && a.CacheWrite == 0 && (a.Status == 0 || a.Status == 200) {
		tools, _ := json.Marshal(req.Body["tools"])
		if len(req.Tools) == 0 {
			tools = nil
		}
		prefix := req.System + string(tools)
		sys := int64(len(prefix)+3) / 4
		msgs, _ := json.Marshal(req.Body["messages"])
		if len(req.Tools) == 0 && len(req.ToolResults) == 0 {
			msgs = []byte(req.Prompt) // the plain prompt, as before tools
		} else if s.kind == "openai" && req.System != "" {
			msgs = msgs[min(len(msgs), len(req.System)):] // the system message is the prefix
		}
		a.InputTokens = int64(len(msgs)+3) / 4
		out := len(a.Text)
		for _, c := range a.ToolCalls {
			out += len(c.Name) + len(c.Input)
		}
		a.OutputTokens = int64(out+3) / 4
		if s.cached[prefix] {
			a.CacheRead = sys
		} else {
			a.CacheWrite = sys
			s.cached[prefix] = true
		}
	}
	s.mu.Unlock()

	for k, v := range a.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	if a.Status != 0 && a.Status != 200 {
		w.WriteHeader(a.Status)
		if s.kind == "anthropic" {
			_ = json.NewEncoder(w).Encode(map[string]any{"type": "error", "error": map[string]any{"type": a.ErrorType, "message": a.ErrorMessage}})
		} else {
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"type": a.ErrorType, "message": a.ErrorMessage}})
		}
		return
	}
	model, _ := req.Body["model"].(string)
	for i := range a.ToolCalls {
		if a.ToolCalls[i].ID == "" {
			a.ToolCalls[i].ID = fmt.Sprintf("call_%d_%d", n, i)
		}
		if a.ToolCalls[i].Input == "" {
			a.ToolCalls[i].Input = "{}"
		}
	}
	if req.Stream {
		w.Header().Set("Content-Type", "text/event-stream")
		if s.kind == "anthropic" {
			streamAnthropic(w, n, model, a)
		} else {
			streamOpenAI(w, n, model, a)
		}
		return
	}
	if s.kind == "anthropic" {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "msg_" + strconv.Itoa(n), "type": "message", "role": "assistant", "model": model,
			"content":     []any{map[string]any{"type": "text", "text": a.Text}},
			"stop_reason": "end_turn", "stop_sequence": nil,
			"usage": map[string]any{"input_tokens": a.InputTokens, "output_tokens": a.OutputTokens,
				"cache_read_input_tokens": a.CacheRead, "cache_creation_input_tokens": a.CacheWrite},
		})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-" + strconv.Itoa(n), "object": "chat.completion", "model": model,
		"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": a.Text}, "finish_reason": "stop"}},
		"usage": map[string]any{"prompt_tokens": a.InputTokens + a.CacheRead, "completion_tokens": a.OutputTokens,
			"prompt_tokens_details": map[string]any{"cached_tokens": a.CacheRead}},
	})
}

// extract finds the system text and the user prompt in a request body.
func extract(kind string, body map[string]any) (system, prompt string) {
	text := func(v any) string {
		switch c := v.(type) {
		case string:
			return c
		case []any:
			out := ""
			for _, b := range c {
				if m, ok := b.(map[string]any); ok && m["type"] == "text" {
					out += fmt.Sprint(m["text"])
				}
			}
			return out
		}
		return ""
	}
	if kind == "anthropic" {
		system = text(body["system"])
	}
	msgs, _ := body["messages"].([]any)
	for _, m := range msgs {
		mm, _ := m.(map[string]any)
		switch mm["role"] {
		case "system":
			system += text(mm["content"])
		case "user":
			prompt += text(mm["content"])
		}
	}
	return system, prompt
}

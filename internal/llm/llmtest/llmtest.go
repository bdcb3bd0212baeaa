// Package llmtest gives tests httptest servers that speak the Anthropic
// Messages API and the OpenAI Chat Completions API, with scripted answers:
// text, errors, 429 with retry-after, and Anthropic's 529 overloaded. No test
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
}

// Answer is one scripted answer.
type Answer struct {
	// Status defaults to 200.
	Status int
	// Header is added to the answer (retry-after, say).
	Header map[string]string
	// Text is the model's text on a 200.
	Text string
	// InputTokens, OutputTokens, CacheRead and CacheWrite are reported as
	// usage. When all are zero, input is estimated as a quarter of the
	// request's prompt bytes and output as a quarter of Text's bytes, and the
	// system text counts as a cache read after the first request that
	// carried it (as a cache write on that one).
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
		sys := int64(len(req.System)+3) / 4
		a.InputTokens = int64(len(req.Prompt)+3) / 4
		a.OutputTokens = int64(len(a.Text)+3) / 4
		if s.cached[req.System] {
			a.CacheRead = sys
		} else {
			a.CacheWrite = sys
			s.cached[req.System] = true
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
				if m, ok := b.(map[string]any); ok {
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

package llm_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/llm"
)

// TestReadOpenAIStream covers what local servers send differently: tool
// calls in one chunk without ids (Ollama), arguments in pieces keyed by
// index (llama.cpp, OpenAI), no usage, an error chunk, a cut stream.
func TestReadOpenAIStream(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, stream string
		wantText     string
		wantCalls    string // name(input) joined by ;
		wantErr      bool
		wantAPIErr   bool
	}{
		{name: "text and usage",
			stream:   "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n",
			wantText: "Hello"},
		{name: "one chunk, no ids, no usage",
			stream:    "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"name\":\"a\",\"arguments\":\"{\\\"x\\\":1}\"}},{\"function\":{\"name\":\"b\",\"arguments\":\"\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n",
			wantCalls: `a({"x":1});b({})`},
		{name: "pieces by index",
			stream:    "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c9\",\"function\":{\"name\":\"a\",\"arguments\":\"{\\\"x\\\"\"}}]}}]}\n\ndata: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\":2}\"}}]}}]}\n\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n",
			wantCalls: `a({"x":2})`},
		{name: "error chunk", stream: "data: {\"error\":{\"message\":\"model not loaded\"}}\n\n", wantErr: true, wantAPIErr: true},
		{name: "cut short", stream: "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n", wantErr: true},
		{name: "not JSON", stream: "data: {oops\n\n", wantErr: true},
	}
	for _, tt := range tests {
		var streamed strings.Builder
		r, err := llm.ReadOpenAIStream(strings.NewReader(tt.stream), func(d string) { streamed.WriteString(d) })
		if tt.wantErr {
			var apiErr *llm.APIError
			if err == nil || errors.As(err, &apiErr) != tt.wantAPIErr {
				t.Errorf("%s: err %v, want an error (API error %v)", tt.name, err, tt.wantAPIErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var calls []string
		for _, c := range r.ToolCalls {
			if c.ID == "" {
				t.Errorf("%s: a call without an id", tt.name)
			}
			calls = append(calls, c.Name+"("+string(c.Input)+")")
		}
		if r.Text != tt.wantText || streamed.String() != tt.wantText || strings.Join(calls, ";") != tt.wantCalls {
			t.Errorf("%s: text %q streamed %q calls %q", tt.name, r.Text, streamed.String(), calls)
		}
	}
}

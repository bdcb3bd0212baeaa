package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/chat"
	"github.com/aicoo/aicoo/internal/llm"
	"github.com/aicoo/aicoo/internal/store"
)

// scriptModel is a language model that asks for the cash figure, then
// answers with it (or with Answer when set), streaming the text in words.
type scriptModel struct {
	enabled bool
	// delay is waited before each streamed word, so a browser sees the
	// answer grow.
	delay  time.Duration
	mu     sync.Mutex
	answer string
	calls  int
}

func (m *scriptModel) Enabled() bool { return m.enabled }

func (m *scriptModel) Converse(_ context.Context, call llm.ConverseCall) (*llm.ConverseResult, error) {
	m.mu.Lock()
	m.calls++
	answer := m.answer
	m.mu.Unlock()
	last := call.Messages[len(call.Messages)-1]
	usage := llm.Usage{InputTokens: 100, OutputTokens: 20, CacheReadTokens: 900}
	if len(last.ToolResults) == 0 {
		return &llm.ConverseResult{ToolCalls: []llm.ToolCall{{ID: "c1", Name: "metric", Input: json.RawMessage(`{"name":"cash"}`)}}, Usage: usage}, nil
	}
	if answer == "" {
		answer = "Cash is 1,200.50 EUR today."
	}
	for _, w := range strings.SplitAfter(answer, " ") {
		time.Sleep(m.delay)
		call.OnText(w)
	}
	return &llm.ConverseResult{Text: answer, Usage: usage}, nil
}

// askTools is a registry with one figure tool citing an aicoo page and an
// Odoo record.
func askTools(t testing.TB) *ask.Registry {
	t.Helper()
	reg := ask.NewRegistry(access.New(areas.Catalogue()))
	if err := reg.Add(ask.Tool{Name: "metric", Description: "A figure.", Perm: access.View, Schema: json.RawMessage(`{"type":"object"}`),
		Run: func(context.Context, ask.Caller, json.RawMessage) (*ask.Output, error) {
			return &ask.Output{Data: map[string]any{"value": 1200.5, "currency": "EUR"}, Text: "Cash is 1,200.50 EUR.", Sources: []ask.Source{
				{Label: "Cash position", Path: "/analytics/finance/metrics/finance.cash.position"},
				{Label: "Invoice INV/2026/0042", Model: "account.move", ID: 42},
				{Label: "Bad link", Path: "//evil.example/x", Model: "account.move;drop", ID: 1},
			}}, nil
		}}); err != nil {
		t.Fatal(err)
	}
	return reg
}

func newAsker(t testing.TB, s *store.Store, m *scriptModel) *chat.Service {
	t.Helper()
	svc, err := chat.New(askTools(t), m, s, chat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// sseEvents reads a whole event stream into (name, data) pairs.
func sseEvents(t *testing.T, resp *http.Response) [][2]string {
	t.Helper()
	defer resp.Body.Close()
	var out [][2]string
	sc := bufio.NewScanner(resp.Body)
	name := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			out = append(out, [2]string{name, strings.TrimPrefix(line, "data: ")})
		}
	}
	return out
}

func TestAskAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	// JSON: a new thread, the answer with its tools and sources as links.
	a := decode[askAnswerJSON](t, f.do(t, store.RoleSales, "POST", "/api/v1/ask", `{"question": "How much cash do we have?"}`))
	m := a.Message
	if a.ThreadID == 0 || a.ThreadTitle != "How much cash do we have?" || m.Text != "Cash is 1,200.50 EUR today." || len(m.Ungrounded) != 0 || len(m.Tools) != 1 || m.Tools[0].Name != "metric" {
		t.Fatalf("answer = %+v", a)
	}
	if len(m.Sources) != 3 || m.Sources[0].Path != "/analytics/finance/metrics/finance.cash.position" ||
		m.Sources[1].OdooURL != "https://acme.odoo.com/web#id=42&model=account.move&view_type=form" || m.Sources[2].Path != "" || m.Sources[2].OdooURL != "" {
		t.Fatalf("sources = %+v", m.Sources)
	}
	if a.Usage.CacheReadTokens != 1800 || a.Steps != 2 {
		t.Fatalf("usage %+v steps %d", a.Usage, a.Steps)
	}

	// Streamed: thread, text pieces, tool, answer, in the same thread.
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/ask", strings.NewReader(fmt.Sprintf(`{"question": "And now?", "thread_id": %d}`, a.ThreadID)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.tokens[store.RoleSales]})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, ct)
	}
	evs := sseEvents(t, resp)
	var names []string
	var text strings.Builder
	for _, ev := range evs {
		names = append(names, ev[0])
		if ev[0] == "text" {
			var d struct{ Text string }
			_ = json.Unmarshal([]byte(ev[1]), &d)
			text.WriteString(d.Text)
		}
	}
	if len(evs) < 4 || names[0] != "thread" || names[1] != "tool" || names[len(names)-1] != "answer" || strings.Count(strings.Join(names, " "), "text") < 3 ||
		text.String() != "Cash is 1,200.50 EUR today." {
		t.Fatalf("events = %v, text %q", names, text.String())
	}
	// A question the stream cannot take is refused with a status, not an
	// event.
	long, _ := json.Marshal(map[string]string{"question": strings.Repeat("why ", chat.QuestionMax)})
	req, _ = http.NewRequest("POST", f.srv.URL+"/api/v1/ask", strings.NewReader(string(long)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.tokens[store.RoleSales]})
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 400 {
		t.Fatalf("long streamed question: %v %v", resp.StatusCode, err)
	}
	var final askAnswerJSON
	if err := json.Unmarshal([]byte(evs[len(evs)-1][1]), &final); err != nil || final.ThreadID != a.ThreadID {
		t.Fatalf("final event = %s, %v", evs[len(evs)-1][1], err)
	}

	// Threads: list, get, rename, delete; other users see none of it.
	l := decode[struct{ Data []threadJSON }](t, f.do(t, store.RoleSales, "GET", "/api/v1/threads", ""))
	if len(l.Data) != 1 || l.Data[0].ID != a.ThreadID {
		t.Fatalf("threads = %+v", l)
	}
	if l := decode[struct{ Data []threadJSON }](t, f.do(t, store.RoleOps, "GET", "/api/v1/threads", "")); len(l.Data) != 0 {
		t.Fatalf("ops sees %+v", l)
	}
	path := fmt.Sprintf("/api/v1/threads/%d", a.ThreadID)
	d := decode[threadDetail](t, f.do(t, store.RoleSales, "GET", path, ""))
	if len(d.Messages) != 4 || d.Messages[0].Role != "user" || d.Messages[3].Sources[1].OdooURL == "" || d.Messages[3].Segments[0].Text != "Cash is 1,200.50 EUR today." {
		t.Fatalf("thread = %+v", d)
	}
	for _, c := range []struct{ method, path, body string }{
		{"GET", path, ""}, {"POST", path + "/rename", `{"title": "x"}`}, {"POST", path + "/delete", ""},
		{"POST", "/api/v1/ask", fmt.Sprintf(`{"question": "mine now", "thread_id": %d}`, a.ThreadID)},
	} {
		if resp := f.do(t, store.RoleOps, c.method, c.path, c.body); resp.StatusCode != 404 || decodeError(t, resp).Code != codeNotFound {
			t.Errorf("ops %s %s: %d, want 404", c.method, c.path, resp.StatusCode)
		}
	}
	if r := decode[threadJSON](t, f.do(t, store.RoleSales, "POST", path+"/rename", `{"title": "Cash"}`)); r.Title != "Cash" {
		t.Fatalf("renamed = %+v", r)
	}
	for _, bad := range []struct{ path, body string }{
		{path + "/rename", `{"title": "  "}`}, {"/api/v1/ask", `{"question": ""}`}, {"/api/v1/ask", `{"q": "x"}`}, {"/api/v1/ask", `[1]`},
	} {
		if resp := f.do(t, store.RoleSales, "POST", bad.path, bad.body); resp.StatusCode != 400 || decodeError(t, resp).Code != codeBadRequest {
			t.Errorf("%s %s: %d, want 400", bad.path, bad.body, resp.StatusCode)
		}
	}
	decode[struct{ Deleted int64 }](t, f.do(t, store.RoleSales, "POST", path+"/delete", ""))
	if resp := f.do(t, store.RoleSales, "GET", path, ""); resp.StatusCode != 404 {
		t.Fatalf("deleted thread: %d", resp.StatusCode)
	}
}

func TestAskWithoutModel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	srv, err := New(Config{Store: f.store, Ask: newAsker(t, f.store, &scriptModel{}), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	g := *f
	g.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(g.srv.Close)

	// A free-form question: 501 saying how to configure a model.
	resp := g.do(t, store.RoleCEO, "POST", "/api/v1/ask", `{"question": "Why did our margins drop?"}`)
	if e := decodeError(t, resp); resp.StatusCode != 501 || !strings.Contains(e.Message, "llm.provider") || !strings.Contains(e.Message, "What is overdue from") {
		t.Fatalf("free-form without a model: %d %+v", resp.StatusCode, e)
	}
	// A question of a known pattern: answered by the tools, as JSON even
	// when a stream is asked for.
	req, _ := http.NewRequest("POST", g.srv.URL+"/api/v1/ask", strings.NewReader(`{"question": "How much cash do we have?"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.tokens[store.RoleCEO]})
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	a := decode[askAnswerJSON](t, resp)
	if a.Message.Text != "Cash is 1,200.50 EUR." || a.Message.Note != chat.DirectNote || len(a.Message.Sources) != 3 || a.Message.Tools[0].Name != "metric" {
		t.Fatalf("direct answer = %+v", a)
	}

	page := readAll(t, g.do(t, store.RoleCEO, "GET", "/ask", ""))
	for _, want := range []string{"Free-form questions need a language model", "answers a few questions directly", `id="ask-form"`, "How much cash do we have?"} {
		if !strings.Contains(page, want) {
			t.Errorf("page without a model lacks %q", want)
		}
	}
	if resp := g.form(t, store.RoleCEO, "/ask", url.Values{"question": {"Why did our margins drop?"}}); resp.StatusCode != 501 ||
		!strings.Contains(readAll(t, resp), "This question needs a language model") {
		t.Fatalf("free-form form without a model: %d", resp.StatusCode)
	}
	if resp := g.form(t, store.RoleCEO, "/ask", url.Values{"question": {"cash"}}); resp.StatusCode != 303 {
		t.Fatalf("direct question by form: %d", resp.StatusCode)
	}
	// Without an Asker at all, the page has no form.
	h, err := New(Config{Store: f.store, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	g.srv = httptest.NewServer(h.Handler())
	t.Cleanup(g.srv.Close)
	if page := readAll(t, g.do(t, store.RoleCEO, "GET", "/ask", "")); strings.Contains(page, `id="ask-form"`) || !strings.Contains(page, "llm.provider") {
		t.Fatal("page without an asker")
	}
}

func TestAskPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	resp := f.form(t, store.RoleCFO, "/ask", url.Values{"question": {"How much   cash?"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/ask?thread=") {
		t.Fatalf("form: %d %s", resp.StatusCode, loc)
	}
	page := readAll(t, f.do(t, store.RoleCFO, "GET", strings.Split(loc, "#")[0], ""))
	for _, want := range []string{
		`<a href="/ask">Ask</a>`, `aria-current="page">How much cash?</a>`, `<p class="ask-q">How much   cash?</p>`,
		`Cash is 1,200.50 EUR today.`, "Tools used: metric", `<a href="/analytics/finance/metrics/finance.cash.position">Cash position</a>`,
		`href="https://acme.odoo.com/web#id=42&amp;model=account.move&amp;view_type=form"`, `<script src="/static/ask.js" defer></script>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "evil.example") {
		t.Error("an unsafe source path was linked")
	}
	// Another user cannot open the thread.
	if resp := f.do(t, store.RoleSales, "GET", strings.Split(loc, "#")[0], ""); resp.StatusCode != 404 {
		t.Fatalf("sales opens cfo's thread: %d", resp.StatusCode)
	}
	id := strings.TrimPrefix(strings.Split(loc, "#")[0], "/ask?thread=")
	if resp := f.form(t, store.RoleCFO, "/ask/threads/"+id+"/rename", url.Values{"title": {"Cash check"}}); resp.StatusCode != 303 {
		t.Fatalf("rename: %d", resp.StatusCode)
	}
	if page := readAll(t, f.do(t, store.RoleCFO, "GET", "/ask?thread="+id, "")); !strings.Contains(page, "<h2>Cash check</h2>") {
		t.Fatal("renamed title not shown")
	}
	if resp := f.form(t, store.RoleCFO, "/ask/threads/"+id+"/delete", nil); resp.StatusCode != 303 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if page := readAll(t, f.do(t, store.RoleCFO, "GET", "/ask", "")); !strings.Contains(page, "No conversations yet.") {
		t.Fatal("deleted thread still listed")
	}
	if resp := f.do(t, store.RoleCFO, "GET", "/ask?thread=x", ""); resp.StatusCode != 400 {
		t.Fatalf("bad thread: %d", resp.StatusCode)
	}
}

func TestOdooRecordURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		conn  store.Connection
		model string
		id    int64
		want  string
	}{
		{store.Connection{OdooURL: "https://acme.odoo.com/", OdooProtocol: "json2"}, "res.partner", 7, "https://acme.odoo.com/odoo/res.partner/7"},
		{store.Connection{OdooURL: "https://acme.odoo.com", OdooProtocol: "jsonrpc"}, "res.partner", 7, "https://acme.odoo.com/web#id=7&model=res.partner&view_type=form"},
		{store.Connection{OdooURL: "https://acme.odoo.com"}, "res.partner", 7, "https://acme.odoo.com/web#id=7&model=res.partner&view_type=form"},
		{store.Connection{OdooURL: "javascript:alert(1)"}, "res.partner", 7, ""},
		{store.Connection{OdooURL: "https://acme.odoo.com"}, "res.partner/../x", 7, ""},
		{store.Connection{OdooURL: "https://acme.odoo.com"}, "res.partner", 0, ""},
	}
	for _, tt := range tests {
		if got := odooRecordURL(&tt.conn, tt.model, tt.id); got != tt.want {
			t.Errorf("odooRecordURL(%+v, %s, %d) = %q, want %q", tt.conn, tt.model, tt.id, got, tt.want)
		}
	}
}

// TestAskDraftFromSearch: the search box's "Ask aicoo" opens the Ask page
// with the question filled in (escaped).
func TestAskDraftFromSearch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	page := readAll(t, f.do(t, store.RoleCEO, "GET", "/ask?question="+url.QueryEscape(`What is overdue from <Alpen>?`), ""))
	if !strings.Contains(page, `autofocus>What is overdue from &lt;Alpen&gt;?</textarea>`) {
		t.Errorf("the question box is not filled in:\n%s", page)
	}
}

package mcpserver_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/mcpserver"
	"github.com/aicoo/aicoo/internal/store"
)

// tokens is a VerifyFunc over a fixed token table that can change while a
// test runs (a role change, a revocation).
type tokens struct {
	mu sync.Mutex
	m  map[string]ask.Caller
}

func (tk *tokens) verify(_ context.Context, token string) (ask.Caller, time.Time, error) {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	c, ok := tk.m[token]
	if !ok {
		return ask.Caller{}, time.Time{}, fmt.Errorf("token %q: %w", token[:3], mcpserver.ErrInvalidToken)
	}
	return c, time.Time{}, nil
}

func (tk *tokens) set(token string, c ask.Caller) {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	tk.m[token] = c
}

func httpServer(t *testing.T) (*httptest.Server, *tokens) {
	t.Helper()
	tk := &tokens{m: map[string]ask.Caller{
		"aicoo_cfo":   {UserID: 1, Username: "carla", Role: store.RoleCFO, ConnectionID: 1},
		"aicoo_sales": {UserID: 2, Username: "sam", Role: store.RoleSales, ConnectionID: 1},
	}}
	srv := httptest.NewServer(mcpserver.HTTPHandler(fakeConfig(t), tk.verify, mcpserver.HTTPOptions{}))
	t.Cleanup(srv.Close)
	return srv, tk
}

// bearer adds the token to every request.
type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if b.token != "" {
		r.Header.Set("Authorization", "Bearer "+b.token)
	}
	return b.base.RoundTrip(r)
}

func httpClient(ctx context.Context, url, token string) (*mcp.ClientSession, error) {
	tr := &mcp.StreamableClientTransport{Endpoint: url, MaxRetries: -1,
		HTTPClient: &http.Client{Transport: bearer{token, http.DefaultTransport}}}
	return mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, tr, nil)
}

// TestHTTPNeedsAToken: without a token, or with an unknown one, the
// endpoint answers 401 with a challenge; with one, the client gets the
// token's user's tools.
func TestHTTPNeedsAToken(t *testing.T) {
	t.Parallel()
	srv, _ := httpServer(t)
	init := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}`
	for _, auth := range []string{"", "Basic YTpi", "Bearer", "Bearer aicoo_nope"} {
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(init))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer ") {
			t.Errorf("%q: %d %q %s, want 401 with a Bearer challenge", auth, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
		}
	}
	ctx := context.Background()
	if cs, err := httpClient(ctx, srv.URL, ""); err == nil {
		cs.Close()
		t.Error("the SDK client connected without a token")
	}
	for token, want := range map[string]bool{"aicoo_cfo": true, "aicoo_sales": false} {
		cs, err := httpClient(ctx, srv.URL, token)
		if err != nil {
			t.Fatalf("%s: %v", token, err)
		}
		tools := toolNames(t, cs)
		if _, ok := tools["finance_ledger"]; ok != want {
			t.Errorf("%s offered finance_ledger: %v, want %v", token, ok, want)
		}
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "propose_action", Arguments: map[string]string{"type": "reminder", "reason": "overdue"}})
		if err != nil || res.IsError || !strings.Contains(strings.Join(texts(res), ""), `"via": "mcp"`) {
			t.Errorf("%s proposes: %v %v", token, err, texts(res))
		}
		cs.Close()
	}
}

// TestHTTPSessionStaysWithItsUser: a session's requests need the token of
// the user and role it began with; another user's token is refused, and so
// is the same token once the user's role changed (the client starts over
// and gets the new role's tools).
func TestHTTPSessionStaysWithItsUser(t *testing.T) {
	t.Parallel()
	srv, tk := httpServer(t)
	post := func(token, session, body string) (*http.Response, string) {
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	resp, body := post("aicoo_cfo", "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}`)
	session := resp.Header.Get("Mcp-Session-Id")
	if resp.StatusCode != http.StatusOK || session == "" {
		t.Fatalf("initialize: %d %s", resp.StatusCode, body)
	}
	if resp, body := post("aicoo_cfo", session, `{"jsonrpc":"2.0","method":"notifications/initialized"}`); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("initialized: %d %s", resp.StatusCode, body)
	}
	list := `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
	if resp, body := post("aicoo_cfo", session, list); resp.StatusCode != http.StatusOK || !strings.Contains(body, "finance_ledger") {
		t.Fatalf("cfo lists: %d %s", resp.StatusCode, body)
	}
	if resp, body := post("aicoo_sales", session, list); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sales in the cfo's session: %d %s, want 403", resp.StatusCode, body)
	}
	tk.set("aicoo_cfo", ask.Caller{UserID: 1, Username: "carla", Role: store.RoleSales, ConnectionID: 1})
	if resp, body := post("aicoo_cfo", session, list); resp.StatusCode != http.StatusForbidden {
		t.Errorf("after a role change: %d %s, want 403", resp.StatusCode, body)
	}
	cs, err := httpClient(context.Background(), srv.URL, "aicoo_cfo")
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if _, ok := toolNames(t, cs)["finance_ledger"]; ok {
		t.Error("a new session after the role change still offers finance_ledger")
	}
}

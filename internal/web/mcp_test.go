package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/mcpserver"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// mcpRegistry holds a tool every role may use, which answers who called
// it, and a finance-only one.
func mcpRegistry(t *testing.T) *ask.Registry {
	t.Helper()
	reg := ask.NewRegistry(access.New(areas.Catalogue()))
	whoami := func(_ context.Context, c ask.Caller, _ json.RawMessage) (*ask.Output, error) {
		return &ask.Output{Data: c, Text: c.Username + " (" + c.Role + ")"}, nil
	}
	err := reg.Add(
		ask.Tool{Name: "whoami", Description: "Who is asking.", Perm: access.View, Schema: json.RawMessage(`{"type":"object"}`), Run: whoami},
		ask.Tool{Name: "cash", Description: "Finance only.", Perm: access.View, Area: "finance", Schema: json.RawMessage(`{"type":"object"}`), Run: whoami},
	)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

type bearerTransport struct{ token string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// TestMCPEndpoint: /mcp takes API tokens only (401 without one, with a
// revoked one, or with just a session cookie), and serves the token's user
// the tools of their role.
func TestMCPEndpoint(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		tokens := map[string]string{}
		users := map[string]*store.User{}
		for _, role := range []string{store.RoleCFO, store.RoleSales} {
			u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: role + "-user", Role: role})
			if err != nil {
				t.Fatal(err)
			}
			if tokens[role], _, err = CreateAPIToken(ctx, s, u, "mcp", 0, time.Now()); err != nil {
				t.Fatal(err)
			}
			users[role] = u
		}
		srv, err := New(Config{Store: s, MCP: &mcpserver.Config{Registry: mcpRegistry(t), Version: "test"}})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		connect := func(token string) (*mcp.ClientSession, error) {
			tr := &mcp.StreamableClientTransport{Endpoint: ts.URL + "/mcp", MaxRetries: -1, HTTPClient: &http.Client{Transport: bearerTransport{token}}}
			return mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, tr, nil)
		}
		for role, wantCash := range map[string]bool{store.RoleCFO: true, store.RoleSales: false} {
			cs, err := connect(tokens[role])
			if err != nil {
				t.Fatalf("%s: %v", role, err)
			}
			list, err := cs.ListTools(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			cash := false
			for _, tool := range list.Tools {
				cash = cash || tool.Name == "cash"
			}
			if cash != wantCash {
				t.Errorf("%s offered the finance-only tool: %v, want %v", role, cash, wantCash)
			}
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "whoami"})
			if err != nil || res.IsError {
				t.Fatalf("%s whoami: %v %+v", role, err, res)
			}
			b, _ := json.Marshal(res.StructuredContent)
			var got struct{ Data ask.Caller }
			_ = json.Unmarshal(b, &got)
			want := ask.Caller{UserID: users[role].ID, Username: role + "-user", Role: role, ConnectionID: conn.ID, Via: "mcp"}
			if got.Data != want {
				t.Errorf("%s: the tool ran for %+v, want %+v", role, got.Data, want)
			}
			cs.Close()
		}

		// Refused: no token, a session cookie alone, a revoked token.
		sessionToken := auth.NewToken()
		now := time.Now()
		if err := s.SessionCreate(ctx, store.Session{TokenHash: auth.TokenHash(sessionToken), ConnectionID: conn.ID, UserID: users[store.RoleCFO].ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := s.APITokenRevoke(ctx, users[store.RoleSales].ID, "mcp"); err != nil {
			t.Fatal(err)
		}
		init := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
		for name, set := range map[string]func(*http.Request){
			"no token":      func(*http.Request) {},
			"cookie only":   func(r *http.Request) { r.AddCookie(&http.Cookie{Name: sessionCookie, Value: sessionToken}) },
			"revoked token": func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tokens[store.RoleSales]) },
		} {
			req, _ := http.NewRequest("POST", ts.URL+"/mcp", strings.NewReader(init))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			set(req)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: %d, want 401 with a challenge", name, resp.StatusCode)
			}
		}
	})
}

// TestMCPEndpointOff: without Config.MCP there is no /mcp.
func TestMCPEndpointOff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp, err := http.Post(b.srv.URL+"/mcp", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("/mcp without MCP configured: %d, want 404", resp.StatusCode)
	}
}

// TestMCPEndpointTypeScriptClient: the official TypeScript SDK's client
// (internal/mcpserver/testdata/tsclient) through the whole dashboard stack
// (input checks, cross-origin protection, security headers): with a real
// API token it lists the role's tools and calls each read tool; without a
// token it is refused with 401.
func TestMCPEndpointTypeScriptClient(t *testing.T) {
	t.Parallel()
	const dir = "../mcpserver/testdata/tsclient"
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(dir + "/node_modules/@modelcontextprotocol/sdk/package.json")
	}
	if err != nil {
		if os.Getenv("AICOO_REQUIRE_TSCLIENT") == "1" {
			t.Fatalf("node or the TypeScript MCP SDK is missing: %v", err)
		}
		t.Skipf("node or the TypeScript MCP SDK is missing (npm ci in internal/mcpserver/testdata/tsclient): %v", err)
	}
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "sam", Role: store.RoleSales})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := CreateAPIToken(ctx, s, u, "mcp", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: s, MCP: &mcpserver.Config{Registry: mcpRegistry(t), Version: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	ts := newServer(t, srv)
	client := func(env ...string) map[string]any {
		cctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		cmd := exec.CommandContext(cctx, node, "client.mjs")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append([]string{"MCP_MODE=http", "MCP_URL=" + ts + "/mcp"}, env...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("client.mjs: %v %s", err, out)
		}
		var r map[string]any
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("client.mjs printed %s: %v", out, err)
		}
		return r
	}
	r := client("MCP_TOKEN=" + token)
	b, _ := json.Marshal(r)
	var got struct {
		Tools []struct{ Name string }
		Calls map[string]struct {
			IsError bool
			Text    string
		}
	}
	_ = json.Unmarshal(b, &got)
	if w := got.Calls["whoami"]; r["error"] != nil || len(got.Tools) != 1 || got.Tools[0].Name != "whoami" || w.IsError || !strings.HasPrefix(w.Text, "sam (sales)") {
		t.Errorf("with a sales token (the sales role gets whoami only, called as sam): %s", b)
	}
	if r := client(); r["errorCode"] != float64(401) {
		t.Errorf("without a token: %v, want 401", r)
	}
}

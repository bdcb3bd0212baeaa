package mcpserver_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/mcpserver"
	"github.com/aicoo/aicoo/internal/store"
)

// connect serves cfg for caller c over an in-memory transport and returns
// the SDK's own client session to it.
func connect(t *testing.T, cfg mcpserver.Config, c ask.Caller) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := mcpserver.New(cfg, c).Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func caller(role string) ask.Caller {
	return ask.Caller{UserID: 7, Username: "pat", Role: role, ConnectionID: 1, Via: "mcp"}
}

func toolNames(t *testing.T, cs *mcp.ClientSession) map[string]*mcp.Tool {
	t.Helper()
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*mcp.Tool{}
	for _, tool := range res.Tools {
		out[tool.Name] = tool
	}
	return out
}

// TestToolsFollowTheRole: a client sees exactly the tools the caller's role
// may use, with the registry's schema and description, read-only unless the
// tool writes.
func TestToolsFollowTheRole(t *testing.T) {
	t.Parallel()
	cfg := fakeConfig(t)
	tests := []struct {
		role string
		want []string
	}{
		{store.RoleCFO, []string{"alert", "alerts", "broken", "finance_ledger", "metric", "propose_action"}},
		{store.RoleSales, []string{"alert", "alerts", "broken", "metric", "propose_action"}},
		{store.RoleViewer, []string{"alert", "alerts", "broken", "finance_ledger", "metric"}},
		{"nobody", nil},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			t.Parallel()
			tools := toolNames(t, connect(t, cfg, caller(tt.role)))
			var got []string
			for name := range tools {
				got = append(got, name)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("tools %v, want %v", got, tt.want)
			}
			for name, tool := range tools {
				reg := cfg.Registry.Tool(name)
				if tool.Description != reg.Description || tool.Annotations == nil || tool.Annotations.ReadOnlyHint == reg.Writes {
					t.Errorf("%s: description %q, annotations %+v (writes %v)", name, tool.Description, tool.Annotations, reg.Writes)
				}
				var want, got any
				_ = json.Unmarshal(reg.Schema, &want)
				b, _ := json.Marshal(tool.InputSchema)
				_ = json.Unmarshal(b, &got)
				if string(b) == "" || !jsonEqual(want, got) {
					t.Errorf("%s: schema %s, want %s", name, b, reg.Schema)
				}
			}
			if p := tools["propose_action"]; p != nil && (p.Annotations.DestructiveHint == nil || *p.Annotations.DestructiveHint) {
				t.Errorf("propose_action: destructive hint %v, want false (it only adds a proposal)", p.Annotations.DestructiveHint)
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func texts(res *mcp.CallToolResult) []string {
	var out []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			out = append(out, tc.Text)
		}
	}
	return out
}

// TestCallTool: a result carries the summary, the data as JSON, the
// sources with their dashboard links, and the same as structured content;
// a refusal, a bad input and an internal failure are tool errors the model
// can read, and the internal one does not leak its details.
func TestCallTool(t *testing.T) {
	t.Parallel()
	cfg := fakeConfig(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		role    string
		tool    string
		args    any
		isError bool
		want    []string // in the text content
		notWant string
	}{
		{"figure", store.RoleCFO, "metric", map[string]any{"name": "finance.cash.position"}, false,
			[]string{"Cash: 125000.00 EUR", `"value": 125000`, "- Cash (https://aicoo.example.com/analytics/finance/metrics/finance.cash.position)"}, ""},
		{"odoo source", store.RoleCFO, "alert", map[string]any{"id": 1}, false,
			[]string{"Invoice INV/2026/0042 is 45 days overdue", "[Odoo account.move 42]"}, ""},
		{"area refused", store.RoleSales, "metric", map[string]any{"name": "finance.cash.position"}, true,
			[]string{"metric: not allowed: the sales role does not see the finance area"}, "125000"},
		{"bad input", store.RoleCFO, "metric", map[string]any{"name": "finance.nope"}, true,
			[]string{`metric: no metric named "finance.nope"`}, ""},
		{"no input", store.RoleCFO, "alerts", nil, false, []string{"2 open alerts"}, ""},
		{"sales alerts", store.RoleSales, "alerts", nil, false, []string{"1 open alerts", "Summit Components"}, "INV/2026/0042"},
		{"internal failure", store.RoleCFO, "broken", map[string]any{}, true,
			[]string{"broken failed inside aicoo; the details are in aicoo's log"}, "10.0.0.7"},
		{"propose", store.RoleOps, "propose_action", map[string]any{"type": "reminder", "reason": "overdue"}, false,
			[]string{`"via": "mcp"`, `"proposed_by": "pat"`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cs := connect(t, cfg, caller(tt.role))
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tt.tool, Arguments: tt.args})
			if err != nil {
				t.Fatalf("protocol error %v, want a tool result", err)
			}
			all := strings.Join(texts(res), "\n")
			if res.IsError != tt.isError {
				t.Errorf("isError %v, want %v: %s", res.IsError, tt.isError, all)
			}
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("text %q lacks %q", all, w)
				}
			}
			if tt.notWant != "" && strings.Contains(all, tt.notWant) {
				t.Errorf("text %q holds %q", all, tt.notWant)
			}
			if tt.isError {
				return
			}
			b, _ := json.Marshal(res.StructuredContent)
			var sc struct {
				Data    json.RawMessage `json:"data"`
				Text    string          `json:"text"`
				Sources []struct{ Label, Path, URL string }
			}
			if err := json.Unmarshal(b, &sc); err != nil || len(sc.Data) == 0 || sc.Text == "" {
				t.Errorf("structured content %s: %v", b, err)
			}
			for _, s := range sc.Sources {
				if s.URL != "https://aicoo.example.com"+s.Path {
					t.Errorf("source %+v: url, want the base URL and the path", s)
				}
			}
		})
	}
	// A tool the role is not offered cannot be called either.
	cs := connect(t, cfg, caller(store.RoleSales))
	if res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "finance_ledger"}); err == nil {
		t.Errorf("sales called finance_ledger: %v", texts(res))
	}
}

// TestResources: metrics (one by one for the areas the role sees, and by
// template) and alerts are read through the tools, with their role checks.
func TestResources(t *testing.T) {
	t.Parallel()
	cfg := fakeConfig(t)
	ctx := context.Background()
	list := func(cs *mcp.ClientSession) []string {
		res, err := cs.ListResources(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var uris []string
		for _, r := range res.Resources {
			uris = append(uris, r.URI)
		}
		return uris
	}
	cfo, sales := connect(t, cfg, caller(store.RoleCFO)), connect(t, cfg, caller(store.RoleSales))
	if u := list(cfo); !slices.Contains(u, "aicoo://metrics/finance.cash.position") || !slices.Contains(u, "aicoo://alerts") || !slices.Contains(u, "aicoo://metrics/sales.win_rate.90d") {
		t.Errorf("cfo resources %v", u)
	}
	for _, u := range list(sales) {
		if strings.HasPrefix(u, "aicoo://metrics/finance.") || strings.HasPrefix(u, "aicoo://metrics/expenses.") {
			t.Errorf("sales is offered %s", u)
		}
	}
	tmpl, err := cfo.ListResourceTemplates(ctx, nil)
	if err != nil || len(tmpl.ResourceTemplates) != 2 {
		t.Fatalf("templates %+v, %v", tmpl, err)
	}
	tests := []struct {
		cs      *mcp.ClientSession
		uri     string
		want    string
		wantErr string
	}{
		{cfo, "aicoo://metrics/finance.cash.position", `"value": 125000`, ""},
		{sales, "aicoo://metrics/sales.pipeline.weighted_revenue", `"label": "Weighted pipeline"`, ""},
		{sales, "aicoo://metrics/finance.cash.position", "", "does not see the finance area"},
		{cfo, "aicoo://alerts", `"Deal Summit Components stalled for 30 days"`, ""},
		{cfo, "aicoo://alerts/1", `"url": "https://aicoo.example.com/alerts/1"`, ""},
		{sales, "aicoo://alerts/1", "", "no alert 1"},
		{cfo, "aicoo://alerts/x", "", "not found"},
		{cfo, "aicoo://elsewhere/1", "", "not found"},
	}
	for _, tt := range tests {
		res, err := tt.cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: tt.uri})
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err %v, want %q", tt.uri, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.uri, err)
		case len(res.Contents) != 1 || !strings.Contains(res.Contents[0].Text, tt.want) || res.Contents[0].MIMEType != "application/json":
			t.Errorf("%s: %+v, want %q", tt.uri, res.Contents, tt.want)
		}
	}
}

// TestPrompts: the workflows are offered with only the steps the caller
// may take.
func TestPrompts(t *testing.T) {
	t.Parallel()
	cfg := fakeConfig(t)
	ctx := context.Background()
	get := func(role, name string, args map[string]string) string {
		cs := connect(t, cfg, caller(role))
		res, err := cs.GetPrompt(ctx, &mcp.GetPromptParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatalf("%s %s: %v", role, name, err)
		}
		return res.Messages[0].Content.(*mcp.TextContent).Text
	}
	cs := connect(t, cfg, caller(store.RoleCFO))
	res, err := cs.ListPrompts(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.Prompts {
		names = append(names, p.Name)
	}
	if want := []string{"collections-call-list", "month-end-close-review", "weekly-ops-review"}; !slices.Equal(names, want) {
		t.Errorf("prompts %v, want %v", names, want)
	}
	cfo := get(store.RoleCFO, "month-end-close-review", map[string]string{"month": "2026-11"})
	for _, w := range []string{"of 2026-11", "Call `metric` for finance.cash.position", "Call `alerts`", "Every figure you write must come from"} {
		if !strings.Contains(cfo, w) {
			t.Errorf("cfo's month-end prompt lacks %q:\n%s", w, cfo)
		}
	}
	if strings.Contains(cfo, "metric_history") {
		t.Errorf("the prompt sends the model to a tool the server does not have:\n%s", cfo)
	}
	// Sales sees neither finance nor expenses: no month-end review at all,
	// and a weekly review without the operations figures.
	sp, err := connect(t, cfg, caller(store.RoleSales)).ListPrompts(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sp.Prompts {
		if p.Name == "month-end-close-review" {
			t.Error("sales is offered the month-end close review")
		}
	}
	sales := get(store.RoleSales, "weekly-ops-review", nil)
	if strings.Contains(sales, "operations.fulfillment") || !strings.Contains(sales, "sales.pipeline.weighted_revenue") || !strings.Contains(sales, "for this week") {
		t.Errorf("sales' weekly review:\n%s", sales)
	}
	if c := get(store.RoleCFO, "collections-call-list", map[string]string{"limit": "5", "min_days_overdue": "30"}); !strings.Contains(c, "the 5 customers") || !strings.Contains(c, "at least 30 days past due") {
		t.Errorf("collections prompt:\n%s", c)
	}
}

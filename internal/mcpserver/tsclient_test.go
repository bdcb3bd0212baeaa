package mcpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aicoo/aicoo/internal/mcpserver"
	"github.com/aicoo/aicoo/internal/store"
)

// stdioRoleEnv, set in the environment of this test binary, makes it an
// MCP server over stdio for a caller of that role (see TestMain), which the
// TypeScript client starts as its server command.
const stdioRoleEnv = "AICOO_MCPSERVER_TEST_STDIO_ROLE"

func TestMain(m *testing.M) {
	if role := os.Getenv(stdioRoleEnv); role != "" {
		cfg, err := newFakeConfig()
		if err == nil {
			err = mcpserver.New(cfg, caller(role)).Run(context.Background(), &mcp.StdioTransport{})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "stdio server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const tsclientDir = "testdata/tsclient"

// tsReport is what client.mjs prints.
type tsReport struct {
	Error     string
	ErrorCode int
	Server    struct{ Name, Version string }
	Tools     []struct {
		Name       string
		ReadOnly   bool
		SchemaType string
	}
	Calls map[string]struct {
		IsError    bool
		Text       string
		Structured json.RawMessage
	}
	Resources, Templates, Prompts []string
	Reads                         map[string]struct{ Text, Error string }
	Prompt                        string
}

// runTSClient runs the official TypeScript SDK's client with env and
// returns its report. It skips when node or the installed SDK is missing,
// unless AICOO_REQUIRE_TSCLIENT=1 (set by .ci/run, which installs both).
func runTSClient(t *testing.T, env ...string) tsReport {
	t.Helper()
	node, err := exec.LookPath("node")
	missing := ""
	switch {
	case err != nil:
		missing = "node is not installed"
	case !fileExists(filepath.Join(tsclientDir, "node_modules/@modelcontextprotocol/sdk/package.json")):
		missing = "the TypeScript MCP SDK is not installed: run \"npm ci\" in internal/mcpserver/" + tsclientDir
	}
	if missing != "" {
		if os.Getenv("AICOO_REQUIRE_TSCLIENT") == "1" {
			t.Fatal(missing)
		}
		t.Skip(missing + " (the TypeScript client test needs it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "client.mjs")
	cmd.Dir = tsclientDir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("client.mjs: %v\n%s", err, errb.String())
	}
	var r tsReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("client.mjs printed %q: %v\nstderr: %s", out.String(), err, errb.String())
	}
	return r
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

var tsExamples = `{"metric":{"name":"finance.cash.position"},"alert":{"id":1}}`

// TestTypeScriptClientOverStdio: the official TypeScript SDK starts the
// server as a command (this test binary, see TestMain), lists the tools
// and calls every read-only one, reads resources and gets a prompt.
func TestTypeScriptClientOverStdio(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r := runTSClient(t, "MCP_MODE=stdio", "MCP_COMMAND="+self, `MCP_ARGS=[]`,
		`MCP_SERVER_ENV={"`+stdioRoleEnv+`":"cfo"}`, "MCP_EXAMPLES="+tsExamples,
		"MCP_READ=aicoo://metrics/finance.cash.position,aicoo://alerts/2,aicoo://alerts/99")
	if r.Error != "" {
		t.Fatalf("connect: %s", r.Error)
	}
	if r.Server.Name != "aicoo" || r.Server.Version != "test" {
		t.Errorf("server %+v", r.Server)
	}
	cfg := fakeConfig(t)
	var want, got, read []string
	for _, tool := range cfg.Registry.For(caller(store.RoleCFO)) {
		want = append(want, tool.Name)
		if !tool.Writes {
			read = append(read, tool.Name)
		}
	}
	for _, tool := range r.Tools {
		got = append(got, tool.Name)
		if tool.SchemaType != "object" {
			t.Errorf("%s: schema type %q", tool.Name, tool.SchemaType)
		}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("tools %v, want %v", got, want)
	}
	for _, name := range read {
		if _, ok := r.Calls[name]; !ok {
			t.Errorf("read tool %s was not called", name)
		}
	}
	if _, ok := r.Calls["propose_action"]; ok {
		t.Error("propose_action was called as a read-only tool")
	}
	checkCall(t, r, "metric", false, "Cash: 125000.00 EUR")
	checkCall(t, r, "alert", false, "[Odoo account.move 42]")
	checkCall(t, r, "finance_ledger", false, "98000.25")
	checkCall(t, r, "broken", true, "broken failed inside aicoo")
	if !slices.Contains(r.Resources, "aicoo://metrics/finance.cash.position") || !slices.Contains(r.Templates, "aicoo://alerts/{id}") {
		t.Errorf("resources %v, templates %v", r.Resources, r.Templates)
	}
	if rd := r.Reads["aicoo://metrics/finance.cash.position"]; !strings.Contains(rd.Text, `"value": 125000`) {
		t.Errorf("metric resource: %+v", rd)
	}
	if rd := r.Reads["aicoo://alerts/2"]; !strings.Contains(rd.Text, "Summit Components") {
		t.Errorf("alert resource: %+v", rd)
	}
	if rd := r.Reads["aicoo://alerts/99"]; !strings.Contains(rd.Error, "no alert 99") {
		t.Errorf("missing alert resource: %+v", rd)
	}
	if len(r.Prompts) != 3 || !strings.Contains(r.Prompt, "Call `") {
		t.Errorf("prompts %v, first:\n%s", r.Prompts, r.Prompt)
	}
}

// TestTypeScriptClientOverHTTP: the same client over streamable HTTP with
// a sales user's token gets the sales tools and the sales refusals, and
// without a token it cannot connect (401).
func TestTypeScriptClientOverHTTP(t *testing.T) {
	t.Parallel()
	srv, _ := httpServer(t)
	r := runTSClient(t, "MCP_MODE=http", "MCP_URL="+srv.URL, "MCP_TOKEN=aicoo_sales", "MCP_EXAMPLES="+tsExamples,
		"MCP_READ=aicoo://metrics/sales.pipeline.weighted_revenue,aicoo://metrics/finance.cash.position")
	if r.Error != "" {
		t.Fatalf("connect: %s", r.Error)
	}
	for _, tool := range r.Tools {
		if tool.Name == "finance_ledger" {
			t.Error("the sales user is offered finance_ledger")
		}
	}
	checkCall(t, r, "metric", true, "does not see the finance area")
	checkCall(t, r, "alerts", false, "1 open alerts")
	if rd := r.Reads["aicoo://metrics/sales.pipeline.weighted_revenue"]; !strings.Contains(rd.Text, "310400") {
		t.Errorf("sales metric resource: %+v", rd)
	}
	if rd := r.Reads["aicoo://metrics/finance.cash.position"]; !strings.Contains(rd.Error, "does not see the finance area") {
		t.Errorf("finance metric resource read by sales: %+v", rd)
	}
	if slices.Contains(r.Resources, "aicoo://metrics/finance.cash.position") {
		t.Error("the sales user is offered a finance metric resource")
	}

	noToken := runTSClient(t, "MCP_MODE=http", "MCP_URL="+srv.URL)
	if noToken.ErrorCode != 401 || !strings.Contains(noToken.Error, "Authorization: Bearer <token>") {
		t.Errorf("without a token: %+v, want a 401 error", noToken)
	}
}

func checkCall(t *testing.T, r tsReport, tool string, isError bool, want string) {
	t.Helper()
	c, ok := r.Calls[tool]
	switch {
	case !ok:
		t.Errorf("%s was not called", tool)
	case c.IsError != isError || !strings.Contains(c.Text, want):
		t.Errorf("%s: isError %v, text %q; want isError %v and %q", tool, c.IsError, c.Text, isError, want)
	case !isError && len(c.Structured) < 3:
		t.Errorf("%s: structured content %s", tool, c.Structured)
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/web"
)

// runAsAicoo, set to 1 in this test binary's environment, makes it the
// aicoo command: the TypeScript MCP client starts it as "aicoo mcp ...".
// (Not AICOO_-prefixed: the configuration refuses unknown AICOO_ names.)
const runAsAicoo = "CLI_TEST_RUN_AS_AICOO"

func TestMain(m *testing.M) {
	if os.Getenv(runAsAicoo) == "1" {
		os.Exit(Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Environ()))
	}
	os.Exit(m.Run())
}

const tsclientDir = "../mcpserver/testdata/tsclient"

// tsClient runs the official TypeScript MCP SDK's client (client.mjs) with
// env and returns its report. It skips when node or the SDK is missing,
// unless AICOO_REQUIRE_TSCLIENT=1 (.ci/run installs both).
func tsClient(t *testing.T, env ...string) map[string]json.RawMessage {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(tsclientDir, "node_modules/@modelcontextprotocol/sdk/package.json"))
	}
	if err != nil {
		if os.Getenv("AICOO_REQUIRE_TSCLIENT") == "1" {
			t.Fatalf("node or the TypeScript MCP SDK is missing: %v", err)
		}
		t.Skipf("node or the TypeScript MCP SDK is missing (npm ci in internal/mcpserver/testdata/tsclient): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "client.mjs")
	cmd.Dir = tsclientDir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("client.mjs: %v\n%s", err, errb.String())
	}
	var r map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("client.mjs printed %q: %v\n%s", out.String(), err, errb.String())
	}
	if e, ok := r["error"]; ok {
		t.Fatalf("client.mjs could not connect: %s\n%s", e, errb.String())
	}
	return r
}

type tsCall struct {
	IsError bool
	Text    string
}

func tsCalls(t *testing.T, r map[string]json.RawMessage) map[string]tsCall {
	t.Helper()
	var calls map[string]tsCall
	if err := json.Unmarshal(r["calls"], &calls); err != nil {
		t.Fatal(err)
	}
	return calls
}

// TestMCPTypeScriptClientOnASyncedCompany: the official TypeScript SDK's
// client against the real tools over a small demo company synced from the
// simulator: over stdio it starts "aicoo mcp --user" (this test binary
// acting as aicoo) for a CFO, over HTTP it reaches the dashboard's /mcp
// with a sales user's API token. Each time it lists the tools and calls
// every read-only one; the record tools answer, and the sales user is
// refused a finance figure.
func TestMCPTypeScriptClientOnASyncedCompany(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 3, Today: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := odoosim.New(ds, odoosim.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	environ := []string{"AICOO_STORE_DATA_DIR=" + dir, "AICOO_ODOO_URL=" + srv.URL, "AICOO_ODOO_DATABASE=" + sim.Database(),
		"AICOO_ODOO_USERNAME=" + sim.Login(), "AICOO_ODOO_API_KEY=" + sim.APIKey(), "AICOO_LOG_LEVEL=warn"}
	if code, _, errOut := run(t, environ, "sync"); code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, errOut)
	}
	storeEnv := []string{"AICOO_STORE_DATA_DIR=" + dir}
	for _, u := range [][2]string{{"carla", store.RoleCFO}, {"sam", store.RoleSales}} {
		if code, _, errOut := run(t, storeEnv, "user", "add", u[0], "--role", u[1]); code != 0 {
			t.Fatalf("user add %s: exit %d\n%s", u[0], code, errOut)
		}
	}
	partner := ds.Records("res.partner")[0].ID()
	examples, _ := json.Marshal(map[string]any{
		"search_records": map[string]any{"model": "res.partner", "limit": 3},
		"aggregate": map[string]any{"model": "account.move", "domain": [][]any{{"move_type", "=", "out_invoice"}, {"state", "=", "posted"}},
			"group_by": []string{"invoice_date:month"}, "measures": []string{"amount_untaxed_signed:sum"}},
		"get_record":     map[string]any{"model": "res.partner", "id": partner},
		"draft_message":  map[string]any{"partner": fmt.Sprint(partner), "purpose": "check_in"},
		"metric":         map[string]any{"name": "finance.cash.position"},
		"metric_history": map[string]any{"name": "finance.cash.position"},
		"explain_metric": map[string]any{"name": "finance.cash.position"},
		"alert":          map[string]any{"id": 1},
	})
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args, _ := json.Marshal([]string{"mcp", "--data", dir, "--user", "carla"})
	serverEnv, _ := json.Marshal(map[string]string{runAsAicoo: "1", "AICOO_LOG_LEVEL": "warn"})
	stdio := tsClient(t, "MCP_MODE=stdio", "MCP_COMMAND="+self, "MCP_ARGS="+string(args), "MCP_SERVER_ENV="+string(serverEnv), "MCP_EXAMPLES="+string(examples))

	cfg, err := config.Load("", storeEnv)
	if err != nil {
		t.Fatal(err)
	}
	s, err := openStore(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cat := areas.Catalogue()
	reg, err := askTools(s, cat, actions.Builtin(), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := chooseConnection(ctx, s, cfg, "", storePlace{dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	sam, err := s.UserByUsername(ctx, conn.ID, "sam")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := web.CreateAPIToken(ctx, s, sam, "mcp", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	mcpCfg := mcpConfig(cfg, reg, cat, slog.New(slog.DiscardHandler))
	dash, err := web.New(web.Config{Store: s, MCP: &mcpCfg})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(dash.Handler())
	t.Cleanup(hs.Close)
	overHTTP := tsClient(t, "MCP_MODE=http", "MCP_URL="+hs.URL+"/mcp", "MCP_TOKEN="+token, "MCP_EXAMPLES="+string(examples))

	for name, r := range map[string]map[string]json.RawMessage{"stdio (cfo)": stdio, "http (sales)": overHTTP} {
		var tools []struct {
			Name     string
			ReadOnly bool
		}
		if err := json.Unmarshal(r["tools"], &tools); err != nil {
			t.Fatal(err)
		}
		calls := tsCalls(t, r)
		for _, tool := range tools {
			if _, called := calls[tool.Name]; called != tool.ReadOnly {
				t.Errorf("%s: %s (read-only %v) called: %v", name, tool.Name, tool.ReadOnly, called)
			}
		}
		if len(calls) < 10 {
			t.Errorf("%s: %d read tools called, want the ten or so of the registry", name, len(calls))
		}
		for _, tool := range []string{"search_records", "get_record", "draft_message", "alerts", "actions"} {
			if c := calls[tool]; c.IsError || c.Text == "" {
				t.Errorf("%s: %s: %+v, want an answer", name, tool, c)
			}
		}
		if c := calls["search_records"]; !strings.Contains(c.Text, "res.partner records match") {
			t.Errorf("%s: search_records said %q", name, c.Text)
		}
	}
	if c := tsCalls(t, stdio)["aggregate"]; c.IsError || !strings.Contains(c.Text, "account.move") {
		t.Errorf("the cfo's aggregate of invoices: %+v", c)
	}
	if c := tsCalls(t, overHTTP)["metric"]; !c.IsError || !strings.Contains(c.Text, "not allowed") {
		t.Errorf("the sales user's finance figure: %+v, want a refusal", c)
	}
}

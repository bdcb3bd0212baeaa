package cli

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/web"
)

// TestMCPCommandServesStdio: "aicoo mcp --user NAME" speaks MCP on its
// standard input and output (nothing else reaches stdout), offers the
// tools of that user's role, and ends when the client closes its side.
func TestMCPCommandServesStdio(t *testing.T) {
	t.Parallel()
	environ, s, _ := opsStore(t, []string{"root", "olga"}, nil)
	fs := flag.NewFlagSet("aicoo mcp", flag.ContinueOnError)
	runCmd := mcpCommand().setup(fs)
	if err := fs.Parse([]string{"--user", "olga"}); err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var stderr bytes.Buffer
	e := &env{stdout: io.Discard, stderr: &stderr, environ: environ, rawStdout: outW, stdin: inR}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		err := runCmd(ctx, e)
		outW.Close()
		done <- err
	}()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, stderr.String())
	}
	if info := cs.InitializeResult().ServerInfo; info.Name != "aicoo" || info.Version != version {
		t.Errorf("server %+v", info)
	}
	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := askTools(s, areas.Catalogue(), actions.Builtin(), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(reg.For(ask.Caller{Username: "olga", Role: store.RoleOps})); len(tools.Tools) != want {
		t.Errorf("%d tools, want the ops role's %d", len(tools.Tools), want)
	}
	cs.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("aicoo mcp ended with %v", err)
		}
	case <-ctx.Done():
		t.Fatal("aicoo mcp did not end when the client closed standard input")
	}
	if !strings.Contains(stderr.String(), "user=olga role=ops") {
		t.Errorf("stderr does not say who is served: %s", stderr.String())
	}
}

// TestMCPCommandCaller: the caller is the named user or the API token's
// user; a missing or doubled identity is a usage error, and an unknown,
// revoked or disabled one is refused before serving.
func TestMCPCommandCaller(t *testing.T) {
	t.Parallel()
	var live, revoked string
	env, s, conn := opsStore(t, []string{"root", "olga", "gone"}, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		olga, err := s.UserByUsername(ctx, conn.ID, "olga")
		if err != nil {
			t.Fatal(err)
		}
		if live, _, err = web.CreateAPIToken(ctx, s, olga, "claude", 0, time.Now()); err != nil {
			t.Fatal(err)
		}
		if revoked, _, err = web.CreateAPIToken(ctx, s, olga, "old", 0, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.APITokenRevoke(ctx, olga.ID, "old"); err != nil {
			t.Fatal(err)
		}
	})
	runSteps(t, env, []cliStep{
		{[]string{"mcp"}, 2, "say who is asking: --user NAME, or an API token in AICOO_TOKEN"},
		{[]string{"user", "disable", "gone"}, 0, "user gone disabled"},
		{[]string{"mcp", "--user", "gone"}, 1, `user "gone" is disabled`},
		{[]string{"mcp", "--user", "nobody"}, 1, `no user "nobody" in connection "default"`},
	})
	runSteps(t, append(env, "AICOO_TOKEN="+live), []cliStep{{[]string{"mcp", "--user", "olga"}, 2, "give --user or AICOO_TOKEN, not both"}})
	runSteps(t, append(env, "AICOO_TOKEN="+revoked), []cliStep{{[]string{"mcp"}, 1, "unknown, revoked or expired"}})

	c, err := mcpCaller(context.Background(), s, conn, "", live, time.Now())
	if err != nil || c.Username != "olga" || c.Role != store.RoleOps || c.ConnectionID != conn.ID || c.Via != "mcp" {
		t.Errorf("token caller %+v, %v", c, err)
	}
	other, err := s.ConnectionUpsert(context.Background(), store.ConnectionUpsertParams{Name: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mcpCaller(context.Background(), s, other, "", live, time.Now()); err == nil || !strings.Contains(err.Error(), "another connection") {
		t.Errorf("token of another connection: %v", err)
	}
}

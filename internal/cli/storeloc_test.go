package cli

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// newStoreWith makes a migrated SQLite store (aicoo's and the job queue's
// migrations) in dir holding the named
// connections.
func newStoreWith(t *testing.T, dir string, conns ...string) {
	t.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.Store.DataDir = dir
	s, err := openStore(ctx, &cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, n := range conns {
		if _, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: n}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConnectionChoice: the only connection is used; with several, the
// error lists them; --connection and a configured odoo.name choose.
func TestConnectionChoice(t *testing.T) {
	t.Parallel()
	one, two := t.TempDir(), t.TempDir()
	newStoreWith(t, one, "demo")
	newStoreWith(t, two, "acme", "globex")
	tests := []struct {
		name    string
		environ []string
		args    []string
		code    int
		want    string
	}{
		{"only connection", []string{"AICOO_STORE_DATA_DIR=" + one}, []string{"user", "list"}, 0, "USERNAME"},
		{"--data", nil, []string{"user", "list", "--data", one}, 0, "USERNAME"},
		{"several", []string{"AICOO_STORE_DATA_DIR=" + two}, []string{"user", "list"}, 1, "holds 2 connections: acme, globex; choose one with --connection NAME"},
		{"--connection", []string{"AICOO_STORE_DATA_DIR=" + two}, []string{"user", "list", "--connection", "globex"}, 0, "USERNAME"},
		{"odoo.name", []string{"AICOO_STORE_DATA_DIR=" + two, "AICOO_ODOO_NAME=acme"}, []string{"rules", "list"}, 0, "NAME"},
		{"unknown name", []string{"AICOO_STORE_DATA_DIR=" + two}, []string{"alerts", "list", "--connection", "initech"}, 1, `no connection named "initech"`},
		{"unknown name lists", []string{"AICOO_STORE_DATA_DIR=" + two}, []string{"token", "list", "--user", "x", "--connection", "demo"}, 1, "it holds: acme, globex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := run(t, tt.environ, tt.args...)
			if code != tt.code || !strings.Contains(out+errOut, tt.want) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s%s", code, tt.code, tt.want, out, errOut)
			}
		})
	}
}

// TestStoreLookup runs from a working directory: the demo's folder is
// found and said so; without one, the command names where it looked and
// creates nothing. Not parallel: it changes the working directory.
func TestStoreLookup(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, _, errOut := run(t, nil, "alerts", "list")
	if code != 1 || !strings.Contains(errOut, "no aicoo store in ./aicoo-demo and ./aicoo-data") || !strings.Contains(errOut, "--data DIR") {
		t.Fatalf("no store: exit %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "aicoo-data")); !os.IsNotExist(err) {
		t.Fatalf("aicoo-data created: %v", err)
	}
	newStoreWith(t, filepath.Join(dir, demoDataDir), "demo")
	code, out, errOut := run(t, nil, "alerts", "list")
	if code != 0 || !strings.Contains(out, "no alerts") || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "using the demo's store in ./aicoo-demo") {
		t.Fatalf("demo store: exit %d\n%s%s", code, out, errOut)
	}
	// The configuration wins over the demo's folder.
	other := t.TempDir()
	code, _, errOut = run(t, []string{"AICOO_STORE_DATA_DIR=" + other}, "alerts", "list")
	if code != 1 || !strings.Contains(errOut, "no aicoo store in "+other) {
		t.Fatalf("store.data_dir: exit %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "aicoo-data")); !os.IsNotExist(err) {
		t.Fatalf("aicoo-data created: %v", err)
	}
}

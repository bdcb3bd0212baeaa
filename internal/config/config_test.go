package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	// AICOO_TOKEN is a client's API token (aicoo mcp), not an option.
	cfg, err := Load("", []string{"AICOO_TOKEN=aicoo_x"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Addr != "127.0.0.1:8080" || cfg.UsesPostgres() || cfg.Jobs.Workers != 4 {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
	if got := cfg.PublicURL(); got != "http://127.0.0.1:8080" {
		t.Fatalf("PublicURL = %q", got)
	}
}

func TestLoadFileAndEnv(t *testing.T) {
	t.Parallel()
	keyFile := writeFile(t, "key", "s3cret-key\n")
	path := writeFile(t, "aicoo.toml", `
[server]
addr = "0.0.0.0:9000"
base_url = "https://coo.example.com/"

[jobs]
workers = 8
job_timeout = "2m"

[odoo]
url = "https://acme.odoo.com"
database = "acme"
username = "bot@acme.com"
api_key_file = "`+keyFile+`"
`)
	cfg, err := Load(path, []string{
		"AICOO_JOBS_WORKERS=6",
		"AICOO_LOG_FORMAT=json",
		"HOME=/root", // not ours: ignored
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Addr != "0.0.0.0:9000" {
		t.Errorf("addr = %q", cfg.Server.Addr)
	}
	if cfg.PublicURL() != "https://coo.example.com" {
		t.Errorf("PublicURL = %q", cfg.PublicURL())
	}
	if cfg.Jobs.Workers != 6 {
		t.Errorf("environment must override the file: workers = %d", cfg.Jobs.Workers)
	}
	if time.Duration(cfg.Jobs.JobTimeout) != 2*time.Minute {
		t.Errorf("job_timeout = %s", cfg.Jobs.JobTimeout)
	}
	if cfg.Odoo.APIKey != "s3cret-key" {
		t.Errorf("api key from file = %q", string(cfg.Odoo.APIKey))
	}
	if cfg.Log.Format != "json" {
		t.Errorf("log format = %q", cfg.Log.Format)
	}
}

func TestLoadErrorsNameTheKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		file    string
		env     []string
		wantErr string
	}{
		{"misspelled key", "[store]\npostgress_dsn = \"x\"\n", nil, `unknown key "store.postgress_dsn" (did you mean "store.postgres_dsn"?)`},
		{"unknown section", "[sever]\naddr = \"x\"\n", nil, `unknown key "sever.addr" (did you mean "server.addr"?)`},
		{"top-level scalar", "workers = 3\n", nil, `unknown key "workers"`},
		{"bad type", "[jobs]\nworkers = \"many\"\n", nil, `jobs.workers: want a whole number`},
		{"bad duration", "[jobs]\njob_timeout = \"soon\"\n", nil, `jobs.job_timeout: want a duration`},
		{"bad value", "[log]\nlevel = \"loud\"\n", nil, `log.level = "loud": want debug, info, warn or error`},
		{"toml syntax", "[server\naddr = 1\n", nil, `to end table name`},
		{"bad trusted proxy", "[server]\ntrusted_proxies = \"10.0.0.0/8, proxy.local\"\n", nil, `server.trusted_proxies = "10.0.0.0/8, proxy.local": "proxy.local" is neither an IP address nor a CIDR range`},
		{"unknown env", "", []string{"AICOO_SERVER_ADRR=x"}, `unknown environment variable AICOO_SERVER_ADRR (did you mean AICOO_SERVER_ADDR?)`},
		{"bad env int", "", []string{"AICOO_JOBS_WORKERS=lots"}, `AICOO_JOBS_WORKERS="lots": want a whole number`},
		{"odoo incomplete", "[odoo]\nurl = \"https://x.odoo.com\"\n", nil, `odoo.database: must be set when odoo.url is set`},
		{"rescue shorter than timeout", "[jobs]\njob_timeout = \"2h\"\n", nil, `jobs.rescue_after = "15m": must be longer than jobs.job_timeout (2h)`},
		{"missing secret file", "[odoo]\napi_key_file = \"/nonexistent/key\"\n", nil, `odoo.api_key_file: read secret file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := ""
			if tt.file != "" {
				path = writeFile(t, "aicoo.toml", tt.file)
			}
			_, err := Load(path, tt.env)
			if err == nil {
				t.Fatalf("want error containing %q, got nil", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %q does not contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error must be one line: %q", err)
			}
		})
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	cfg, err := Load("", []string{"AICOO_STORE_POSTGRES_DSN=postgres://u:hunter2@db/aicoo"})
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	logger := slog.New(slog.NewTextHandler(&sb, nil))
	logger.Info("config", "dsn", cfg.Store.PostgresDSN)
	out := sb.String() + fmt.Sprintf("%v %+v %s", cfg.Store.PostgresDSN, cfg.Store, cfg.Store.PostgresDSN)
	if strings.Contains(out, "hunter2") {
		t.Fatalf("secret leaked: %s", out)
	}
	// A bad secret must not be echoed in the error either.
	_, err = Load("", []string{"AICOO_STORE_POSTGRES_DSN=hunter2"})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("want an error that hides the secret, got %v", err)
	}
}

func TestOptionsDocumented(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, o := range Options() {
		if o.Doc == "" {
			t.Errorf("%s has no doc", o.Key)
		}
		if seen[o.Env] {
			t.Errorf("duplicate env %s", o.Env)
		}
		seen[o.Env] = true
	}
	if !seen["AICOO_ODOO_API_KEY"] || !seen["AICOO_STORE_POSTGRES_DSN"] {
		t.Fatal("expected secret options missing")
	}
}

func TestDurationString(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		time.Hour: "1h", 10 * time.Minute: "10m", 30 * time.Second: "30s", 90 * time.Minute: "1h30m",
		time.Hour + time.Second: "1h0m1s", 1500 * time.Millisecond: "1.5s",
	} {
		if got := Duration(d).String(); got != want {
			t.Errorf("Duration(%s).String() = %q, want %q", time.Duration(d), got, want)
		}
	}
}

// TestREADMEDocumentsEveryKey keeps the README's configuration reference true.
func TestREADMEDocumentsEveryKey(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range Options() {
		row := fmt.Sprintf("| `%s` | `%s` |", o.Key, o.Env)
		if !strings.Contains(string(readme), row) {
			t.Errorf("README lacks the row for %s (%s)", o.Key, o.Env)
		}
	}
}

// TestIsSet tells a value chosen in the file or the environment from a
// default, even when the chosen value equals the default.
func TestIsSet(t *testing.T) {
	t.Parallel()
	keyFile := writeFile(t, "key", "s3cret")
	path := writeFile(t, "aicoo.toml", "[store]\ndata_dir = \"./aicoo-data\"\n")
	cfg, err := Load(path, []string{"AICOO_ODOO_NAME=acme", "AICOO_ODOO_API_KEY_FILE=" + keyFile})
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]bool{"store.data_dir": true, "odoo.name": true, "odoo.api_key": true, "odoo.url": false, "log.level": false} {
		if got := cfg.IsSet(key); got != want {
			t.Errorf("IsSet(%q) = %v, want %v", key, got, want)
		}
	}
	if d := Default(); d.IsSet("store.data_dir") {
		t.Error("a default configuration has nothing set")
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	cfg, err := Load("", []string{"AICOO_STORE_POSTGRES_DSN=postgres://u:hunter2@db/x", "AICOO_JOBS_WORKERS=7"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteJSON(&b, cfg); err != nil {
		t.Fatal(err)
	}
	var got map[string]map[string]any
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if strings.Contains(b.String(), "hunter2") || got["store"]["postgres_dsn"] != "********" || got["jobs"]["workers"] != float64(7) ||
		got["server"]["shutdown_timeout"] != "30s" || got["odoo"]["api_key"] != "" {
		t.Fatalf("%s", b.String())
	}
}

func TestAskLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  string
		want string // "" for valid
	}{
		{"AICOO_ASK_MAX_TOOL_CALLS=12", ""},
		{"AICOO_ASK_MAX_TOOL_CALLS=0", "ask.max_tool_calls"},
		{"AICOO_ASK_MAX_TOOL_CALLS=51", "ask.max_tool_calls"},
		{"AICOO_ASK_MAX_TOKENS=999", "ask.max_tokens"},
		{"AICOO_ASK_TIMEOUT=2s", "ask.timeout"},
		{"AICOO_ASK_TIMEOUT=2m", ""},
	}
	for _, tt := range tests {
		cfg, err := Load("", []string{tt.env})
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.env, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want one naming %s (cfg %+v)", tt.env, err, tt.want, cfg)
		}
	}
	if d := Default(); d.Ask.MaxToolCalls != 8 {
		t.Errorf("default max tool calls = %d, want 8", d.Ask.MaxToolCalls)
	}
}

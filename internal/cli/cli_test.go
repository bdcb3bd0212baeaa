package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

func run(t *testing.T, environ []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &out, &errb, environ)
	return code, out.String(), errb.String()
}

func TestHelpAndUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		wantCode int
		want     string // in stdout+stderr
	}{
		{[]string{"--help"}, 0, "Run aicoo: the web dashboard"},
		{[]string{}, 2, "Usage: aicoo <command>"},
		{[]string{"help", "demo"}, 0, "-admin-password"},
		{[]string{"serve", "--help"}, 0, "-config file"},
		{[]string{"version"}, 0, "aicoo dev (go1"},
		{[]string{"--version"}, 0, "aicoo dev"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"serve", "--nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"migrate", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"user"}, 2, "aicoo user add NAME --role ceo"},
		{[]string{"config", "--keys"}, 0, "AICOO_STORE_POSTGRES_DSN"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			code, out, errOut := run(t, nil, tt.args...)
			if code != tt.wantCode || !strings.Contains(out+errOut, tt.want) {
				t.Fatalf("exit %d (want %d); output lacks %q:\n%s%s", code, tt.wantCode, tt.want, out, errOut)
			}
		})
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	t.Parallel()
	_, out, _ := run(t, nil, "--help")
	for _, c := range commands() {
		if !strings.Contains(out, "  "+c.name+" ") {
			t.Errorf("--help does not list %s", c.name)
		}
	}
}

func TestConfigErrorsAreOneLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "aicoo.toml")
	if err := os.WriteFile(path, []byte("[server]\nadr = \"0.0.0.0:80\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, nil, "config", "--config", path)
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, `unknown key "server.adr" (did you mean "server.addr"?)`) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = run(t, []string{"AICOO_CONFIG=" + path}, "migrate")
	if code != 1 || !strings.Contains(errOut, "server.adr") {
		t.Fatalf("AICOO_CONFIG must be read: exit %d, stderr %q", code, errOut)
	}
}

func TestConfigPrintsRedacted(t *testing.T) {
	t.Parallel()
	code, out, errOut := run(t, []string{"AICOO_STORE_POSTGRES_DSN=postgres://u:hunter2@db/x"}, "config")
	if code != 0 || strings.Contains(out, "hunter2") || !strings.Contains(out, `postgres_dsn = "********"`) {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if _, err := config.Load("", nil); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoServesAndStops runs "aicoo demo" on a free port, checks that it
// becomes ready and that the printed login works, then stops it as SIGTERM
// would (by cancelling its context).
func TestDemoServesAndStops(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	data := t.TempDir()
	pwFile := filepath.Join(t.TempDir(), "admin-password")
	if err := os.WriteFile(pwFile, []byte("demo-password-123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--data", data, "--admin-password-file", pwFile, "--size", "small", "--verbose"}, &out, &errOut, nil)
	}()
	var url string
	deadline := time.Now().Add(120 * time.Second)
	for url == "" {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("demo did not print its URL:\n%s\n%s", out.String(), errOut.String())
		}
		for _, line := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Dashboard: "); ok {
				url = v
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "Password:  demo-password-123") {
		t.Fatalf("demo must print the login:\n%s", out.String())
	}
	resp, err := http.Get(url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct{ Status string }
	json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	if resp.StatusCode != 200 || rep.Status != "ready" {
		t.Fatalf("readyz: %d %+v", resp.StatusCode, rep)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err = client.PostForm(url+"/login", map[string][]string{"username": {"admin"}, "password": {"demo-password-123"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/" {
		t.Fatalf("login with the printed password: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	// The pages and API the app wires answer: operations analytics, action
	// impact, channels and users.
	for _, p := range []string{"/analytics", "/settings", "/settings/users", "/api/v1/analytics/usage", "/api/v1/analytics/jobs",
		"/api/v1/analytics/alerts", "/api/v1/analytics/impact", "/api/v1/settings/channels"} {
		resp, err := client.Get(url + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
	// Once the first analyses are stored, every link of the dashboard
	// reachable in two clicks from the overview answers (no 404 or 500).
	waitAnalyses(t, client, url)
	crawl(t, client, url, 400)
	// Test sends through the app's channels: in-app to the admin, and a
	// post in the simulated Odoo's "general" Discuss channel the demo
	// configures.
	for channel, recipient := range map[string]string{"inapp": "admin", "odoo_discuss": "general"} {
		resp, err := client.Post(url+"/api/v1/settings/channels/"+channel+"/test", "application/json", strings.NewReader(`{"recipient": "`+recipient+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		var res struct {
			OK    bool   `json:"ok"`
			Error string `json:"error"`
		}
		json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if resp.StatusCode != 200 || !res.OK {
			t.Errorf("test send on %s: %d %+v", channel, resp.StatusCode, res)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("demo exited %d after SIGTERM:\n%s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop")
	}
	if !strings.Contains(errOut.String(), "shutting down") {
		t.Fatalf("graceful shutdown not logged:\n%s", errOut.String())
	}
}

// TestEvalPassesEveryDetector runs "aicoo eval" on a small company: every
// detector must find the injected problems without flagging the near misses.
func TestEvalPassesEveryDetector(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"eval", "--size", "small", "--seed", "1"},
		{"eval", "--size", "small", "--seed", "2", "--low-runway"},
	} {
		code, out, errOut := run(t, nil, args...)
		if code != 0 || !strings.Contains(out, "10 passed, 0 failed") {
			t.Errorf("%v: exit %d\n%s\n%s", args, code, out, errOut)
		}
	}
}

func TestAuditVerify(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	env := []string{"AICOO_STORE_DATA_DIR=" + data}
	// Before any start there is no store: the commands say where they
	// looked and create none.
	for _, args := range [][]string{{"audit", "verify"}, {"user", "list"}} {
		if code, _, errOut := run(t, env, args...); code != 1 || !strings.Contains(errOut, "no aicoo store in "+data) {
			t.Fatalf("%v before any start: exit %d %s", args, code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(data, store.SQLiteFileName)); !os.IsNotExist(err) {
		t.Fatalf("a read-only command created the database: %v", err)
	}
	code, _, errOut := run(t, env, "audit")
	if code != 2 || !strings.Contains(errOut, "aicoo audit verify") {
		t.Fatalf("usage: exit %d %s", code, errOut)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// The connection exists once aicoo has opened the store with it.
	if code, _, errOut := run(t, env, "user", "list"); code != 1 || !strings.Contains(errOut, "holds no connection yet") {
		t.Fatalf("user list: exit %d %s", code, errOut)
	}
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "default"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"action.proposed", "action.approved"} {
		if _, err := s.AuditAppend(ctx, store.AuditAppendParams{ConnectionID: conn.ID, Actor: "user:ceo", Action: a}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := run(t, env, "audit", "verify")
	if code != 0 || !strings.Contains(out, "audit log intact: 2 entries verified") {
		t.Fatalf("intact chain: exit %d\n%s%s", code, out, errOut)
	}
}

func TestUserAndTokenCommands(t *testing.T) {
	t.Parallel()
	env := []string{"AICOO_STORE_DATA_DIR=" + t.TempDir()}
	ctx := context.Background()
	cfg, err := config.Load("", env)
	if err != nil {
		t.Fatal(err)
	}
	s, err := openStore(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "default"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"user", "add", "carla", "--role", "cfo", "--email", "carla@example.com"}, 0, "user carla (cfo) created"},
		{[]string{"user", "add", "x", "--role", "boss"}, 1, `--role "boss"`},
		{[]string{"user", "list"}, 0, "carla     cfo"},
		{[]string{"token", "create", "--user", "carla", "--name", "ci"}, 0, "aicoo_"},
		{[]string{"token", "list", "--user", "carla"}, 0, "ci"},
		{[]string{"token", "revoke", "--user", "carla", "--name", "ci"}, 0, `token "ci" of carla revoked`},
		{[]string{"token", "create"}, 1, "--user is required"},
		{[]string{"user", "disable", "carla"}, 0, "user carla disabled"},
	}
	for _, st := range steps {
		code, out, errOut := run(t, env, st.args...)
		if code != st.code || !strings.Contains(out+errOut, st.want) {
			t.Fatalf("%v: exit %d (want %d), output lacks %q:\n%s%s", st.args, code, st.code, st.want, out, errOut)
		}
	}
}

// waitAnalyses waits until the demo's analyses of every area are stored.
func waitAnalyses(t *testing.T, client *http.Client, base string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		resp, err := client.Get(base + "/api/v1/analysis")
		if err != nil {
			t.Fatal(err)
		}
		var list struct {
			Data []struct {
				Area   string `json:"area"`
				Status string `json:"status"`
			} `json:"data"`
		}
		json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		done := len(list.Data) > 0
		for _, a := range list.Data {
			done = done && (a.Status == "success" || a.Status == "failed")
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo's analyses did not finish: %+v", list.Data)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

var hrefRE = regexp.MustCompile(`href="(/[^"#]*)`)

// crawl follows the dashboard's own links from the overview, two levels
// deep and up to max pages, and fails on any that does not answer.
func crawl(t *testing.T, client *http.Client, base string, max int) {
	t.Helper()
	seen := map[string]bool{"/": true}
	level := []string{"/"}
	for depth := 0; depth < 3 && len(level) > 0; depth++ {
		var next []string
		for _, p := range level {
			resp, err := client.Get(base + p)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 400 {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
				continue
			}
			if depth == 2 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				continue
			}
			for _, m := range hrefRE.FindAllStringSubmatch(string(body), -1) {
				link := html.UnescapeString(m[1])
				if seen[link] || len(seen) >= max || strings.HasPrefix(link, "/static/") || link == "/logout" {
					continue
				}
				seen[link] = true
				next = append(next, link)
			}
		}
		level = next
	}
	if len(seen) < 30 {
		t.Errorf("only %d links followed from the overview", len(seen))
	}
}

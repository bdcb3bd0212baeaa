package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

type testBundle struct {
	srv   *httptest.Server
	store *store.Store
	conn  *store.Connection
}

func setup(t *testing.T, checks ...Check) *testBundle {
	t.Helper()
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme", OdooURL: "https://acme.odoo.com", OdooDatabase: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "admin", Role: store.RoleAdmin, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "aicoo_test_total", Help: "test"})
	reg.MustRegister(c)
	c.Inc()
	srv, err := New(Config{Store: s, Gatherer: reg, Checks: checks, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testBundle{srv: ts, store: s, conn: conn}
}

func (b *testBundle) client(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	failing := errors.New("scheduler: not started")
	syncFailing := errors.New("odoo sync failing")
	var fail, failSync bool
	b := setup(t, Check{Name: "store", Func: func(context.Context) error { return nil }},
		Check{Name: "scheduler", Func: func(context.Context) error {
			if fail {
				return failing
			}
			return nil
		}},
		Check{Name: "odoo-sync", Degraded: true, Func: func(context.Context) error {
			if failSync {
				return syncFailing
			}
			return nil
		}})
	resp, err := http.Get(b.srv.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 || body(t, resp) != "ok\n" {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	for _, tt := range []struct {
		fail, failSync bool
		wantCode       int
		wantStatus     string
	}{{false, false, 200, "ready"}, {true, false, 503, "not ready"}, {false, true, 200, "degraded"}, {true, true, 503, "not ready"}} {
		fail, failSync = tt.fail, tt.failSync
		resp, err := http.Get(b.srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		var rep readyReport
		if err := json.Unmarshal([]byte(body(t, resp)), &rep); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tt.wantCode || rep.Status != tt.wantStatus || rep.Checks["store"] != "ok" {
			t.Fatalf("readyz (fail=%v): %d %+v", tt.fail, resp.StatusCode, rep)
		}
		if tt.fail && rep.Checks["scheduler"] != failing.Error() || tt.failSync && rep.Checks["odoo-sync"] != syncFailing.Error() {
			t.Fatalf("readyz must name the failed check: %+v", rep)
		}
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp, err := http.Get(b.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	if s := body(t, resp); !strings.Contains(s, "aicoo_test_total 1") {
		t.Fatalf("metrics output lacks the counter:\n%s", s)
	}
}

func TestLoginFlowAndEscaping(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	if _, _, err := b.store.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: b.conn.ID, Fingerprint: "x", Type: "customer",
		Priority: store.PriorityHigh, Title: `<script>alert(1)</script> Acme`, Description: "churn risk"}); err != nil {
		t.Fatal(err)
	}
	c := b.client(t)

	resp, err := c.Get(b.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	if page := body(t, resp); resp.Request.URL.Path != "/login" || !strings.Contains(page, "Sign in") {
		t.Fatalf("anonymous visit must land on the login page, got %s", resp.Request.URL)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP = %q", csp)
	}

	resp, err = c.PostForm(b.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {"wrong password"}})
	if err != nil {
		t.Fatal(err)
	}
	if page := body(t, resp); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "Wrong username or password") {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	resp, err = c.PostForm(b.srv.URL+"/login", url.Values{"username": {"nobody"}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	if body(t, resp); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown user: %d", resp.StatusCode)
	}

	resp, err = c.PostForm(b.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {"correct horse battery"}, "next": {"//evil.example.com/"}})
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	if resp.StatusCode != 200 || resp.Request.URL.Host != strings.TrimPrefix(b.srv.URL, "http://") || resp.Request.URL.Path != "/" {
		t.Fatalf("login must land on the overview of this site: %d %s", resp.StatusCode, resp.Request.URL)
	}
	if strings.Contains(page, "<script>alert(1)</script>") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; Acme") {
		t.Fatal("a partner name from Odoo must render as text")
	}

	// A cross-site form post (CSRF) is refused.
	req, _ := http.NewRequest("POST", b.srv.URL+"/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body(t, resp); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", resp.StatusCode)
	}

	resp, err = c.Post(b.srv.URL+"/logout", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp)
	resp, err = c.Get(b.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	if body(t, resp); resp.Request.URL.Path != "/login" {
		t.Fatal("after sign-out the overview must ask to sign in again")
	}
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/alerts?x=1": "/alerts?x=1", "": "/", "//evil.com": "/", "/\\evil.com": "/",
		"https://evil.com": "/", "alerts": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

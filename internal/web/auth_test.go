package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func decodeError(t *testing.T, resp *http.Response) apiErrorDetail {
	t.Helper()
	defer resp.Body.Close()
	var e apiErrorBody
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatalf("error body is not {\"error\": ...}: %v", err)
	}
	return e.Error
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	token, tok, err := CreateAPIToken(ctx, f.store, f.users[store.RoleViewer], "ci", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, APITokenPrefix) || !strings.HasPrefix(token, tok.Prefix) || tok.TokenHash == token {
		t.Fatalf("token %q, stored %+v", token, tok)
	}
	call := func(method, path, bearer string) *http.Response {
		req, _ := http.NewRequest(method, f.srv.URL+path, nil)
		if bearer != "" {
			req.Header.Set("Authorization", bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := call("GET", "/api/v1/me", "Bearer "+token)
	var me meJSON
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil || resp.StatusCode != 200 || me.Role != store.RoleViewer {
		t.Fatalf("me with token: %d %+v %v", resp.StatusCode, me, err)
	}
	resp.Body.Close()
	// The token carries its user's role: a viewer cannot acknowledge.
	if resp := call("POST", "/api/v1/alerts/1/acknowledge", "Bearer "+token); resp.StatusCode != 403 || decodeError(t, resp).Code != codeForbidden {
		t.Fatalf("viewer token acknowledging: %d", resp.StatusCode)
	}
	for _, bad := range []string{"Bearer nope", "Basic abc", "Bearer "} {
		resp := call("GET", "/api/v1/me", bad)
		if e := decodeError(t, resp); resp.StatusCode != 401 || e.Code != codeUnauthenticated || resp.Header.Get("WWW-Authenticate") == "" {
			t.Fatalf("%q: %d %+v", bad, resp.StatusCode, e)
		}
	}
	// Tokens do not open pages.
	resp = call("GET", "/", "Bearer "+token)
	resp.Body.Close()
	if resp.Request.URL.Path != "/login" {
		t.Fatalf("a page with a bearer token must still ask to sign in, got %s", resp.Request.URL)
	}
	if err := f.store.APITokenRevoke(ctx, f.users[store.RoleViewer].ID, "ci"); err != nil {
		t.Fatal(err)
	}
	if resp := call("GET", "/api/v1/me", "Bearer "+token); resp.StatusCode != 401 {
		t.Fatalf("revoked token: %d", resp.StatusCode)
	}
	if resp := call("GET", "/api/v1/nothing", "Bearer "+token); resp.StatusCode != 404 || decodeError(t, resp).Code != codeNotFound {
		t.Fatalf("unknown API path: %d", resp.StatusCode)
	}
}

// TestLoginRateLimit: failed sign-ins slow down their (username, address)
// pair and their address with a doubling wait, and never the right password
// from an address that has not failed, so nobody can lock another person
// out. Lock-outs are logged.
func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testLoginRateLimit)
}

func testLoginRateLimit(t *testing.T, st *store.Store) {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	var logs bytes.Buffer
	ctx := context.Background()
	conn, err := st.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	// A cheap hash keeps the test fast.
	quick, _ := quickHash("correct horse battery")
	if _, err := st.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "admin", Role: store.RoleAdmin, PasswordHash: quick}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: st, HashPasswordFunc: quickHash, LoginFreePerPair: 3, LoginFreePerClient: 6, LoginBackoffMax: 10 * time.Second, LoginWindow: time.Hour,
		NowFunc: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	post := func(addr, user, pw string) (int, string) {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"username": {user}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = net.JoinHostPort(addr, "40000")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Header().Get("Retry-After")
	}
	const right, wrong = "correct horse battery", "wrong password"
	for i := range 3 {
		if code, _ := post("192.0.2.1", "admin", wrong); code != 401 {
			t.Fatalf("free attempt %d: %d", i, code)
		}
	}
	// Each further failure doubles the wait of the pair, up to the cap.
	for i, want := range []string{"1", "2", "4", "8", "10", "10"} {
		if code, _ := post("192.0.2.1", "ADMIN", wrong); code != 401 {
			t.Fatalf("failure %d: %d", i+4, code)
		}
		code, retry := post("192.0.2.1", "admin", right)
		if code != http.StatusTooManyRequests || retry != want {
			t.Fatalf("right password while locked (failure %d): %d, Retry-After %q, want 429 and %s", i+4, code, retry, want)
		}
		// The right password from an address that has not failed works.
		if code, _ := post(fmt.Sprintf("2001:db8::%d", i+1), "admin", right); code != http.StatusSeeOther {
			t.Fatalf("right password from a fresh address while 192.0.2.1 is locked: %d", code)
		}
		d, _ := strconv.Atoi(want)
		now = now.Add(time.Duration(d) * time.Second)
	}
	if !strings.Contains(logs.String(), "sign-in locked out") || !strings.Contains(logs.String(), "client=192.0.2.1") {
		t.Fatalf("lock-outs are not logged:\n%s", logs.String())
	}
	// Once the wait is over the right password works and clears the pair.
	if code, _ := post("192.0.2.1", "admin", right); code != http.StatusSeeOther {
		t.Fatalf("after the wait: %d", code)
	}
	if code, _ := post("192.0.2.1", "admin", wrong); code != 401 {
		t.Fatalf("a success did not clear the pair: %d", code)
	}
	// An address spraying usernames is slowed down across them.
	for i := range 6 {
		if code, _ := post("203.0.113.9", fmt.Sprintf("ghost%d", i), wrong); code != 401 {
			t.Fatalf("spray %d: %d", i, code)
		}
	}
	if code, _ := post("203.0.113.9", "ghost6", wrong); code != 401 {
		t.Fatalf("first failure past the address's free ones: %d", code)
	}
	if code, retry := post("203.0.113.9", "admin", right); code != http.StatusTooManyRequests || retry != "1" {
		t.Fatalf("spraying address: %d %q", code, retry)
	}
	// Failures are forgotten after the window.
	now = now.Add(time.Hour + time.Second)
	if code, _ := post("203.0.113.9", "admin", right); code != http.StatusSeeOther {
		t.Fatalf("after the window: %d", code)
	}
}

// setupWith is setup with extra configuration.
func setupWith(t *testing.T, cfg Config) *testBundle {
	t.Helper()
	b := setup(t)
	cfg.Store = b.store
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(b.srv.Close)
	return b
}

func TestFirstRunSetup(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	const setupToken = "the-setup-token"
	srv, err := New(Config{Store: s, SetupToken: setupToken})
	if err != nil {
		t.Fatal(err)
	}
	ts := newServer(t, srv)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) (*http.Response, string) {
		resp, err := c.Get(ts + path)
		if err != nil {
			t.Fatal(err)
		}
		return resp, body(t, resp)
	}
	// No connection yet: setup explains what is missing.
	if resp, page := get("/setup"); resp.StatusCode != 503 || !strings.Contains(page, "No Odoo connection") {
		t.Fatalf("setup without a connection: %d", resp.StatusCode)
	}
	if _, err := s.ConnectionUpsert(context.Background(), store.ConnectionUpsertParams{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	// The overview sends a first visitor through login to setup.
	if resp, page := get("/"); resp.Request.URL.Path != "/setup" || !strings.Contains(page, "Create administrator") {
		t.Fatalf("first visit landed on %s", resp.Request.URL)
	}
	// The link the server logs fills the token in.
	if _, page := get("/setup?token=" + setupToken); !strings.Contains(page, `value="`+setupToken+`"`) {
		t.Fatal("the setup page does not fill in the token from its link")
	}
	for _, tt := range []struct {
		form url.Values
		code int
		want string
	}{
		// Whoever reaches the port first cannot claim the instance without the token.
		{url.Values{"username": {"evil"}, "password": {"long enough pw"}, "password2": {"long enough pw"}}, 403, "setup token is missing or wrong"},
		{url.Values{"token": {"guess"}, "username": {"evil"}, "password": {"long enough pw"}, "password2": {"long enough pw"}}, 403, "setup token is missing or wrong"},
		{url.Values{"token": {setupToken}, "username": {""}, "password": {"long enough pw"}, "password2": {"long enough pw"}}, 422, "Choose a username"},
		{url.Values{"token": {setupToken}, "username": {"boss"}, "password": {"long enough pw"}, "password2": {"other pw here"}}, 422, "passwords differ"},
		{url.Values{"token": {setupToken}, "username": {"boss"}, "password": {"short"}, "password2": {"short"}}, 422, "at least 10 characters"},
	} {
		resp, err := c.PostForm(ts+"/setup", tt.form)
		if err != nil {
			t.Fatal(err)
		}
		if page := body(t, resp); resp.StatusCode != tt.code || !strings.Contains(page, tt.want) {
			t.Fatalf("setup %v: %d, want %d %q", tt.form, resp.StatusCode, tt.code, tt.want)
		}
	}
	if n, err := s.UserList(context.Background(), 1); err != nil || len(n) != 0 {
		t.Fatalf("users after refused setups: %d, %v", len(n), err)
	}
	resp, err := c.PostForm(ts+"/setup", url.Values{"token": {setupToken}, "username": {"boss"}, "email": {"boss@acme.test"}, "password": {"long enough pw"}, "password2": {"long enough pw"}})
	if err != nil {
		t.Fatal(err)
	}
	if page := body(t, resp); resp.Request.URL.Path != "/" || !strings.Contains(page, ">boss</a> <span>(administrator)</span>") {
		t.Fatalf("after setup: %s", resp.Request.URL)
	}
	// Setup is over: a second visitor cannot create another admin.
	c2 := &http.Client{}
	resp, err = c2.PostForm(ts+"/setup", url.Values{"token": {setupToken}, "username": {"evil"}, "password": {"long enough pw"}, "password2": {"long enough pw"}})
	if err != nil {
		t.Fatal(err)
	}
	if body(t, resp); resp.Request.URL.Path != "/login" {
		t.Fatalf("second setup: %s", resp.Request.URL)
	}
	if _, err := s.UserByUsername(context.Background(), 1, "evil"); err == nil {
		t.Fatal("a second administrator was created")
	}
}

// TestAnnounceSetup: without a configured token the server makes one up and
// logs it with the setup link, only while nobody can sign in.
func TestAnnounceSetup(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	srv, err := New(Config{Store: s, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	token := srv.cfg.SetupToken
	if len(token) < 40 {
		t.Fatalf("generated setup token %q is too short", token)
	}
	if other, _ := New(Config{Store: s}); other.cfg.SetupToken == token {
		t.Fatal("two servers generated the same setup token")
	}
	if err := srv.AnnounceSetup(ctx, "https://coo.example.com/"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "https://coo.example.com/setup?token="+token) {
		t.Fatalf("the log lacks the setup link:\n%s", logs.String())
	}
	ts := newServer(t, srv)
	jar, _ := cookiejar.New(nil)
	resp, err := (&http.Client{Jar: jar}).PostForm(ts+"/setup", url.Values{"token": {token}, "username": {"boss"}, "password": {"long enough pw"}, "password2": {"long enough pw"}})
	if err != nil {
		t.Fatal(err)
	}
	if body(t, resp); resp.Request.URL.Path != "/" {
		t.Fatalf("setup with the logged token landed on %s", resp.Request.URL)
	}
	if _, err := s.UserByUsername(ctx, conn.ID, "boss"); err != nil {
		t.Fatal(err)
	}
	// A token from the configuration is not repeated in the log.
	var logs2 bytes.Buffer
	configured, err := New(Config{Store: storetest.Open(t, store.SQLite), SetupToken: "chosen-by-the-operator", Logger: slog.New(slog.NewTextHandler(&logs2, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := configured.AnnounceSetup(ctx, "https://coo.example.com"); err != nil || !strings.Contains(logs2.String(), "server.setup_token") ||
		strings.Contains(logs2.String(), "chosen-by-the-operator") {
		t.Fatalf("announcing a configured token: %v\n%s", err, logs2.String())
	}
	logs.Reset()
	if err := srv.AnnounceSetup(ctx, "https://coo.example.com"); err != nil || logs.Len() != 0 {
		t.Fatalf("announced setup with an administrator present: %v\n%s", err, logs.String())
	}
}

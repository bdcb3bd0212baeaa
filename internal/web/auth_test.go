package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
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

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := &now
	b := setupWith(t, Config{LoginMaxPerUser: 3, LoginMaxPerClient: 5, LoginWindow: 10 * time.Minute, NowFunc: func() time.Time { return *clock }})
	post := func(user, pw string) *http.Response {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.PostForm(b.srv.URL+"/login", url.Values{"username": {user}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for i := range 3 {
		if resp := post("admin", "wrong password"); resp.StatusCode != 401 {
			t.Fatalf("attempt %d: %d", i, resp.StatusCode)
		}
	}
	// The fourth attempt is refused even with the right password.
	resp := post("admin", "correct horse battery")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("over the limit: %d retry-after %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Per client: two more failures on other names exhaust the address.
	post("ghost1", "x")
	post("ghost2", "x")
	if resp := post("someone", "x"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("client limit: %d", resp.StatusCode)
	}
	// After the window the right password works and clears the count.
	later := now.Add(11 * time.Minute)
	clock = &later
	if resp := post("admin", "correct horse battery"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: %d", resp.StatusCode)
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
	if page := body(t, resp); resp.Request.URL.Path != "/" || !strings.Contains(page, "boss (admin)") {
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
	logs.Reset()
	if err := srv.AnnounceSetup(ctx, "https://coo.example.com"); err != nil || logs.Len() != 0 {
		t.Fatalf("announced setup with an administrator present: %v\n%s", err, logs.String())
	}
}

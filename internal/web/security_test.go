package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestOwnPasswordChangeKeepsThisSession: an administrator who sets their own
// password stays signed in where they did it; their other sessions end and
// their API tokens are revoked.
func TestOwnPasswordChangeKeepsThisSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	admin := f.users[store.RoleAdmin]
	now := time.Now()
	other := auth.NewToken()
	if err := f.store.SessionCreate(ctx, store.Session{TokenHash: auth.TokenHash(other), ConnectionID: f.conn.ID, UserID: admin.ID,
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	tok, _, err := CreateAPIToken(ctx, f.store, admin, "ci", 0, now)
	if err != nil {
		t.Fatal(err)
	}
	resp := f.do(t, store.RoleAdmin, "POST", fmt.Sprintf("/api/v1/users/%d/password", admin.ID), `{"password":"a brand new password"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("password change: %d %s", resp.StatusCode, body(t, resp))
	}
	resp.Body.Close()
	if !f.sessionWorks(t, store.RoleAdmin) {
		t.Fatal("the session the password was changed from ended")
	}
	if _, err := f.store.SessionUser(ctx, auth.TokenHash(other), time.Now()); err == nil {
		t.Fatal("the administrator's other session survived the password change")
	}
	if _, _, err := f.store.APITokenUser(ctx, auth.TokenHash(tok), time.Now()); err == nil {
		t.Fatal("the administrator's API token survived the password change")
	}
}

// TestMetricsToken: with server.metrics_token set, /metrics wants it as a
// bearer token, whatever the case of the scheme.
func TestMetricsToken(t *testing.T) {
	t.Parallel()
	b := setupWith(t, Config{Gatherer: prometheus.NewRegistry(), MetricsToken: "scrape-secret"})
	for _, tt := range []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Basic c2NyYXBlLXNlY3JldA==", http.StatusUnauthorized},
		{"Bearer scrape-secret", http.StatusOK},
		{"bearer scrape-secret", http.StatusOK},
	} {
		req, _ := http.NewRequest("GET", b.srv.URL+"/metrics", nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("/metrics with %q: %d, want %d", tt.auth, resp.StatusCode, tt.want)
		}
	}
}

// TestBearerSchemeIsCaseInsensitive: RFC 6750 clients may send "bearer".
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	tok, _, err := CreateAPIToken(context.Background(), f.store, f.users[store.RoleViewer], "ci", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, scheme := range []string{"Bearer", "bearer", "BEARER"} {
		req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", scheme+" "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s token: %d", scheme, resp.StatusCode)
		}
	}
}

// TestUnknownUserCostsAHashCheck: signing in as an unknown or disabled user
// checks a password hash exactly as signing in as a known one does, so the
// time taken does not tell which usernames exist; usernames match in any
// case.
func TestUnknownUserCostsAHashCheck(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	hash, err := quickHash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"olga", "gone"} {
		u, err := f.store.UserCreate(ctx, store.UserCreateParams{ConnectionID: f.conn.ID, Username: name, Role: store.RoleViewer, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		if name == "gone" {
			if err := f.store.UserSetDisabled(ctx, u.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	var checks int
	f.server.checkPassword = func(hash, pw string) error { checks++; return auth.CheckPassword(hash, pw) }
	for _, tt := range []struct {
		user, password string
		ok             bool
	}{
		{"olga", "correct horse battery", true},
		{"OLGA", "correct horse battery", true},
		{"olga", "wrong password", false},
		{"nobody", "correct horse battery", false},
		{"gone", "correct horse battery", false},
		{"viewer-user", "any", false}, // no password set
	} {
		checks = 0
		u, err := f.server.authenticate(ctx, tt.user, tt.password)
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, auth.ErrWrongPassword)) {
			t.Errorf("%s: %+v, %v", tt.user, u, err)
		}
		if checks != 1 {
			t.Errorf("%s: %d password hash checks, want 1", tt.user, checks)
		}
	}
	// The user management page refuses a name that differs only in case.
	resp := f.do(t, store.RoleAdmin, "POST", "/api/v1/users", `{"username":"Olga","role":"viewer"}`)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("creating Olga next to olga: %d %s", resp.StatusCode, body(t, resp))
	}
	resp.Body.Close()
}

// TestEventStreamEndsWithTheCredential: an open event stream ends once its
// user is disabled, signed out, or its token revoked, and follows a role
// change: events of an area the new role may not see are not sent.
func TestEventStreamEndsWithTheCredential(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{StreamRecheck: 20 * time.Millisecond})
	ctx := context.Background()
	// open starts a stream with a session cookie or a bearer token and
	// returns its lines as they come; the channel closes when it ends.
	open := func(cookie, bearer string) <-chan string {
		t.Helper()
		rctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(rctx, "GET", f.srv.URL+"/api/v1/events", nil)
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
		} else {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("open stream: %v %v", resp, err)
		}
		lines := make(chan string, 64)
		go func() {
			defer close(lines)
			defer resp.Body.Close()
			r := bufio.NewReader(resp.Body)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				lines <- line
			}
		}()
		return lines
	}
	ended := func(name string, lines <-chan string) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			select {
			case _, ok := <-lines:
				if !ok {
					return
				}
			case <-deadline:
				t.Fatalf("%s: the stream is still open", name)
			}
		}
	}
	newSession := func(u *store.User) string {
		tok := auth.NewToken()
		now := time.Now()
		if err := f.store.SessionCreate(ctx, store.Session{TokenHash: auth.TokenHash(tok), ConnectionID: f.conn.ID, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		return tok
	}

	disabled := open(f.tokens[store.RoleOps], "")
	if err := f.store.UserSetDisabled(ctx, f.users[store.RoleOps].ID, true); err != nil {
		t.Fatal(err)
	}
	ended("user disabled", disabled)

	viewer := f.users[store.RoleViewer]
	loggedOut := newSession(viewer)
	signedOut := open(loggedOut, "")
	if err := f.store.SessionDelete(ctx, auth.TokenHash(loggedOut)); err != nil {
		t.Fatal(err)
	}
	ended("signed out", signedOut)

	tok, _, err := CreateAPIToken(ctx, f.store, viewer, "stream", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	revoked := open("", tok)
	if err := f.store.APITokenRevoke(ctx, viewer.ID, "stream"); err != nil {
		t.Fatal(err)
	}
	ended("token revoked", revoked)

	// The CFO becomes a sales person: finance events stop, sales ones come.
	cfo := f.users[store.RoleCFO]
	demoted := open(f.tokens[store.RoleCFO], "")
	for f.broker.Subscribers() < 1 {
		time.Sleep(time.Millisecond)
	}
	if _, err := f.store.UserSetRole(ctx, f.conn.ID, cfo.ID, store.RoleSales); err != nil {
		t.Fatal(err)
	}
	f.broker.Publish(Event{Type: "alert", ConnectionID: f.conn.ID, AlertID: 1, Area: "finance", Title: "cash"})
	f.broker.Publish(Event{Type: "alert", ConnectionID: f.conn.ID, AlertID: 2, Area: "sales", Title: "deal"})
	deadline := time.After(5 * time.Second)
	for {
		select {
		case line := <-demoted:
			if strings.Contains(line, `"area":"finance"`) {
				t.Fatal("a finance event reached a user who is no longer allowed to see finance")
			}
			if strings.Contains(line, `"area":"sales"`) {
				return
			}
		case <-deadline:
			t.Fatal("the sales event did not arrive")
		}
	}
}

// TestClientAddrBehindProxy: behind a trusted proxy the client is the
// nearest X-Forwarded-For entry that is not a trusted proxy; from anyone
// else the header is ignored, so a client cannot pick its own address.
func TestClientAddrBehindProxy(t *testing.T) {
	t.Parallel()
	srv, err := New(Config{Store: storetest.Open(t, store.SQLite), TrustedProxies: []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		peer string
		xff  []string
		want string
	}{
		{"192.0.2.7:5000", nil, "192.0.2.7"},
		{"192.0.2.7:5000", []string{"203.0.113.1"}, "192.0.2.7"},                             // not a proxy: header ignored
		{"127.0.0.1:5000", []string{"203.0.113.1"}, "203.0.113.1"},                           // one proxy
		{"127.0.0.1:5000", []string{"198.51.100.9, 203.0.113.1, 10.1.2.3"}, "203.0.113.1"},   // spoofed left entry ignored
		{"127.0.0.1:5000", []string{"198.51.100.9", "203.0.113.1, 10.1.2.3"}, "203.0.113.1"}, // several headers
		{"127.0.0.1:5000", []string{"garbage"}, "127.0.0.1"},
		{"127.0.0.1:5000", nil, "127.0.0.1"},
		{"[::ffff:10.0.0.5]:5000", []string{"2001:db8::1"}, "2001:db8::1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.peer
		for _, v := range tt.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := srv.clientAddr(r); got != tt.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", tt.peer, tt.xff, got, tt.want)
		}
	}
}

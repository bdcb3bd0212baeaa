package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestBadTextIsRefusedBeforeTheStore: bytes that are not UTF-8, or NUL
// characters, in a form field, a JSON body or the query string answer 400
// on both databases, signed in or not (PostgreSQL would refuse them with
// SQLSTATE 22021 and the request would fail with 500).
func TestBadTextIsRefusedBeforeTheStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		admin, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "admin", Role: store.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		session := auth.NewToken()
		now := time.Now()
		if err := s.SessionCreate(ctx, store.Session{TokenHash: auth.TokenHash(session), ConnectionID: conn.ID, UserID: admin.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		srv, err := New(Config{Store: s, HashPasswordFunc: quickHash})
		if err != nil {
			t.Fatal(err)
		}
		h := srv.Handler()
		const form, js = "application/x-www-form-urlencoded", "application/json"
		for _, tt := range []struct {
			name, method, path, ctype, body string
			signedIn                        bool
		}{
			{"login form, not UTF-8", "POST", "/login", form, "username=%ff%fe&password=whatever", false},
			{"login form, NUL", "POST", "/login", form, "username=ad%00min&password=whatever", false},
			{"login form, raw bytes", "POST", "/login", form, "username=\xff&password=whatever", false},
			{"query string", "GET", "/api/v1/alerts?type=%ff", "", "", true},
			{"query string after a bad escape", "GET", "/api/v1/alerts?x=%zz&type=%c3%28", "", "", true},
			{"JSON body, not UTF-8", "POST", "/api/v1/users", js, "{\"username\":\"\xffboss\",\"role\":\"viewer\"}", true},
			{"JSON body, escaped NUL", "POST", "/api/v1/users", js, `{"username":"bo\u0000ss","role":"viewer"}`, true},
			{"page form", "POST", "/settings/users", form, "username=%ffboss&role=viewer", true},
			{"path", "GET", "/api/v1/analysis/finance/metrics/%ff", "", "", true},
		} {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			if tt.signedIn {
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400: %s", tt.name, rec.Code, rec.Body.String())
			}
		}
		if us, err := s.UserList(ctx, conn.ID); err != nil || len(us) != 1 {
			t.Fatalf("users after the refused requests: %d, %v", len(us), err)
		}
	})
}

// TestRequestHardening covers the small ones: no listing of the assets,
// HSTS over https, 413 for a body over the limit, nothing after a JSON
// body, and /api/v1/me naming every permission of the role.
func TestRequestHardening(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{Secure: true})
	for path, want := range map[string]int{"/static/": 404, "/static/app.css": 200} {
		resp := f.do(t, "", "GET", path, "")
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
		if resp.Header.Get("Strict-Transport-Security") == "" {
			t.Errorf("GET %s over https: no HSTS header", path)
		}
	}
	plain := setup(t)
	resp, err := http.Get(plain.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain http")
	}

	resolve := fmt.Sprintf("/api/v1/alerts/%d/resolve", f.alerts["finance"])
	big := `{"note":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	for _, tt := range []struct {
		name, body string
		want       int
		code       string
	}{
		{"body over the limit", big, http.StatusRequestEntityTooLarge, codeTooLarge},
		{"a second object after the body", `{"note":"a"} {"note":"b"}`, http.StatusBadRequest, codeBadRequest},
		{"garbage after the body", `{"note":"a"}xyz`, http.StatusBadRequest, codeBadRequest},
		{"a stray brace after the body", `{"note":"a"}}`, http.StatusBadRequest, codeBadRequest},
	} {
		resp := f.do(t, store.RoleAdmin, "POST", resolve, tt.body)
		if got := decodeError(t, resp); resp.StatusCode != tt.want || got.Code != tt.code {
			t.Errorf("%s: %d %+v, want %d %s", tt.name, resp.StatusCode, got, tt.want, tt.code)
		}
	}
	if a, err := f.server.alertByID(context.Background(), f.conn.ID, f.alerts["finance"]); err != nil || a.Status == store.AlertResolved {
		t.Fatalf("a refused body resolved the alert: %+v %v", a, err)
	}

	for _, role := range f.server.grants.Roles() {
		resp := f.do(t, role, "GET", "/api/v1/me", "")
		var me meJSON
		if err := json.NewDecoder(resp.Body).Decode(&me); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var want []string
		for _, p := range access.AllPerms() {
			if f.server.grants.Can(role, p) {
				want = append(want, string(p))
			}
		}
		if !slices.Equal(me.Permissions, want) || len(want) == 0 {
			t.Errorf("%s: /api/v1/me permissions %v, want %v", role, me.Permissions, want)
		}
	}
}

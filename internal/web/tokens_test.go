package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestTokensPage: a user creates a token on their own page (shown once),
// the token works on the API, a duplicate name and a bad lifetime are
// refused, they revoke it and it stops working; an administrator sees and
// revokes other users' tokens, which a non-admin may not.
func TestTokensPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	resp, body := f.postForm(t, "sales", "/account/tokens", url.Values{"name": {"grafana"}, "days": {"30"}})
	if resp.StatusCode != http.StatusCreated || !strings.Contains(body, "Copy it now") {
		t.Fatalf("create: %d\n%.2000s", resp.StatusCode, body)
	}
	m := regexp.MustCompile(`id="new-token">(aicoo_[A-Za-z0-9_-]+)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the new token is not shown:\n%.2000s", body)
	}
	secret := m[1]
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the page showing a secret may be cached: %q", resp.Header.Get("Cache-Control"))
	}
	api := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, b := api("GET", "/api/v1/me", ""); code != 200 || !strings.Contains(b, "sales-user") {
		t.Fatalf("the token does not work: %d %s", code, b)
	}
	if code, b := api("POST", "/api/v1/tokens", `{"name": "minted"}`); code != 403 || !strings.Contains(b, "not with another token") {
		t.Fatalf("a token minted another: %d %s", code, b)
	}
	for _, tc := range []struct {
		name, days string
		code       int
		want       string
	}{
		{"grafana", "30", 409, "You already have a token named &#34;grafana&#34;"},
		{"", "30", 400, "Give the token a name"},
		{"ci", "forever", 400, "The lifetime must be 0"},
	} {
		resp, body := f.postForm(t, "sales", "/account/tokens", url.Values{"name": {tc.name}, "days": {tc.days}})
		if resp.StatusCode != tc.code || !strings.Contains(body, tc.want) {
			t.Fatalf("%q %q: %d, want %d and %q", tc.name, tc.days, resp.StatusCode, tc.code, tc.want)
		}
	}
	var toks struct {
		Data []tokenView `json:"data"`
	}
	r := f.do(t, "sales", "GET", "/api/v1/tokens", "")
	if err := json.NewDecoder(r.Body).Decode(&toks); err != nil || len(toks.Data) != 1 || toks.Data[0].Name != "grafana" || toks.Data[0].ExpiresAt == nil {
		t.Fatalf("sales' tokens: %+v %v", toks, err)
	}
	r.Body.Close()
	id := toks.Data[0].ID
	// The ops user may not revoke it; the admin sees it among everyone's.
	if resp, _ := f.postForm(t, "ops", "/account/tokens/"+itoa64(id)+"/revoke", nil); resp.StatusCode != 403 {
		t.Fatalf("ops revoked sales' token: %d", resp.StatusCode)
	}
	r = f.do(t, "admin", "GET", "/account/tokens", "")
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !strings.Contains(string(b), "Other users' tokens") || !strings.Contains(string(b), `aria-label="Revoke grafana of sales-user"`) {
		t.Fatalf("the admin does not see sales' token:\n%.3000s", b)
	}
	if strings.Contains(string(b), secret) {
		t.Fatal("the secret is shown again")
	}
	if resp, _ := f.postForm(t, "sales", "/account/tokens/"+itoa64(id)+"/revoke", nil); resp.StatusCode != 303 {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if code, _ := api("GET", "/api/v1/me", ""); code != 401 {
		t.Fatalf("a revoked token still works: %d", code)
	}
	rows, err := f.store.DB().QueryContext(context.Background(), `SELECT actor, action, subject FROM audit_log WHERE action LIKE 'token.%' ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var a, b, c string
		if err := rows.Scan(&a, &b, &c); err != nil {
			t.Fatal(err)
		}
		got = append(got, a+" "+b+" "+c)
	}
	if strings.Join(got, "; ") != "user:sales-user token.created user:sales-user; user:sales-user token.revoked user:sales-user" {
		t.Fatalf("audit: %q", got)
	}
}

func TestTokensAPIAdminRevokesAnothers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	r := f.do(t, "cfo", "POST", "/api/v1/tokens", `{"name": "sheet", "expires_in_days": 0}`)
	var created tokenCreated
	if err := json.NewDecoder(r.Body).Decode(&created); err != nil || r.StatusCode != 201 || !strings.HasPrefix(created.Token, APITokenPrefix) || created.ExpiresAt != nil {
		t.Fatalf("create: %d %+v %v", r.StatusCode, created, err)
	}
	r.Body.Close()
	path := "/api/v1/tokens/" + itoa64(created.ID) + "/revoke"
	for _, tc := range []struct {
		role string
		code int
	}{{"ceo", 403}, {"admin", 200}, {"admin", 409}} {
		r := f.do(t, tc.role, "POST", path, "")
		r.Body.Close()
		if r.StatusCode != tc.code {
			t.Fatalf("%s revoke: %d, want %d", tc.role, r.StatusCode, tc.code)
		}
	}
	r = f.do(t, "admin", "POST", "/api/v1/tokens/99999/revoke", "")
	r.Body.Close()
	if r.StatusCode != 404 {
		t.Fatalf("unknown token: %d", r.StatusCode)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

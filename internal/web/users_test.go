package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// auditActions returns "action subject by actor" of the connection's audit
// log, in order.
func (f *fixture) auditActions(t *testing.T) []string {
	t.Helper()
	rows, err := f.store.DB().QueryContext(context.Background(), `SELECT action, subject, actor, details FROM audit_log WHERE connection_id = $1 ORDER BY seq`, f.conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var action, subject, actor, details string
		if err := rows.Scan(&action, &subject, &actor, &details); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(details, "hash") || strings.Contains(details, "password\":\"") || strings.Contains(details, "470123456") {
			t.Errorf("audit details leak a secret: %s", details)
		}
		out = append(out, action+" "+subject+" by "+actor)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if res, err := f.store.AuditVerify(context.Background(), f.conn.ID); err != nil || res.BrokenAt != 0 {
		t.Fatalf("audit chain: %+v %v", res, err)
	}
	return out
}

// sessionWorks reports whether role's session still signs in.
func (f *fixture) sessionWorks(t *testing.T, role string) bool {
	t.Helper()
	resp := f.do(t, role, "GET", "/api/v1/me", "")
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func TestUserManagementAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()

	// Add with a generated password: returned once, and it signs in.
	created := decodeStatus[userCredentials](t, f.do(t, "admin", "POST", "/api/v1/users", `{"username": "dora", "email": "dora@example.com", "role": "cfo", "timezone": "Europe/Brussels"}`), 201)
	if created.User.Role != "cfo" || created.User.Timezone != "Europe/Brussels" || len(created.Password) < auth.MinPasswordLength {
		t.Fatalf("created: %+v", created)
	}
	dora, err := f.store.UserByUsername(ctx, f.conn.ID, "dora")
	if err != nil || auth.CheckPassword(dora.PasswordHash, created.Password) != nil {
		t.Fatalf("the generated password must be dora's: %v", err)
	}
	given := decodeStatus[userCredentials](t, f.do(t, "admin", "POST", "/api/v1/users", `{"username": "eve", "password": "correct horse battery", "phone": "+15551230000"}`), 201)
	if given.User.Phone != "+15551230000" {
		t.Fatalf("added with a phone: %+v", given.User)
	}
	if given.Password != "" || given.User.Timezone != "UTC" || given.User.Role != store.RoleViewer {
		t.Fatalf("a chosen password is never echoed: %+v", given)
	}

	admin, viewer, ops := f.users["admin"], f.users["viewer"], f.users["ops"]
	tests := []struct {
		name, method, path, body string
		code                     int
		want                     []string
	}{
		{"duplicate", "POST", "/api/v1/users", `{"username": "dora", "role": "ops", "password": "correct horse battery"}`, 409, []string{`"conflict"`, `already a user \"dora\"`}},
		{"short password", "POST", "/api/v1/users", `{"username": "fay", "role": "ops", "password": "short"}`, 400, []string{"at least 10 characters"}},
		{"long password", "POST", "/api/v1/users", `{"username": "fay", "role": "ops", "password": "` + strings.Repeat("x", 73) + `"}`, 400, []string{"at most 72 bytes"}},
		{"bad role", "POST", "/api/v1/users", `{"username": "fay", "role": "boss"}`, 400, []string{"admin, ceo, cfo, sales, ops or viewer"}},
		{"no username", "POST", "/api/v1/users", `{"username": "  ", "role": "ops"}`, 400, []string{"Choose a username"}},
		{"space in username", "POST", "/api/v1/users", `{"username": "fay x", "role": "ops"}`, 400, []string{"spaces"}},
		{"bad email", "POST", "/api/v1/users", `{"username": "fay", "role": "ops", "email": "Fay <fay@x.com>"}`, 400, []string{"not an email address"}},
		{"bad zone", "POST", "/api/v1/users", `{"username": "fay", "role": "ops", "timezone": "Mars/Olympus"}`, 400, []string{"not a time zone"}},
		{"unknown field", "POST", "/api/v1/users", `{"username": "fay", "role": "ops", "admin": true}`, 400, []string{"unknown field"}},
		{"role", "POST", fmt.Sprintf("/api/v1/users/%d/role", ops.ID), `{"role": "sales"}`, 200, []string{`"role":"sales"`}},
		{"bad role change", "POST", fmt.Sprintf("/api/v1/users/%d/role", ops.ID), `{"role": ""}`, 400, []string{`not \"\"`}},
		{"unknown user", "POST", "/api/v1/users/99999/role", `{"role": "ops"}`, 404, []string{`"not_found"`}},
		{"bad id", "POST", "/api/v1/users/x/disable", ``, 400, []string{`"bad_request"`}},
		{"last admin keeps the role", "POST", fmt.Sprintf("/api/v1/users/%d/role", admin.ID), `{"role": "ceo"}`, 409, []string{"no enabled administrator"}},
		{"not yourself", "POST", fmt.Sprintf("/api/v1/users/%d/disable", admin.ID), ``, 409, []string{"cannot disable yourself"}},
		{"disable", "POST", fmt.Sprintf("/api/v1/users/%d/disable", viewer.ID), ``, 200, []string{`"disabled":true`}},
		{"reset", "POST", fmt.Sprintf("/api/v1/users/%d/password", dora.ID), `{"password": "a brand new password"}`, 200, []string{`"username":"dora"`}},
		{"reset too short", "POST", fmt.Sprintf("/api/v1/users/%d/password", dora.ID), `{"password": "tiny"}`, 400, []string{"at least 10"}},
		{"phone", "POST", fmt.Sprintf("/api/v1/users/%d/phone", dora.ID), `{"phone": " +32470123456 "}`, 200, []string{`"phone":"+32470123456"`}},
		{"bad phone", "POST", fmt.Sprintf("/api/v1/users/%d/phone", dora.ID), `{"phone": "0470 12 34 56"}`, 400, []string{"international form"}},
		{"phone of nobody", "POST", "/api/v1/users/99999/phone", `{"phone": "+32470123456"}`, 404, []string{`"not_found"`}},
		{"phone removed", "POST", fmt.Sprintf("/api/v1/users/%d/phone", dora.ID), `{"phone": ""}`, 200, []string{`"phone":""`}},
		{"add with a bad phone", "POST", "/api/v1/users", `{"username": "fay", "role": "ops", "phone": "12"}`, 400, []string{"international form"}},
	}
	for _, tt := range tests {
		check(t, tt.name, f.do(t, "admin", tt.method, tt.path, tt.body), tt.code, tt.want, []string{"password_hash", "$2a$"})
	}
	if f.sessionWorks(t, "viewer") {
		t.Fatal("a disabled user's session still works")
	}
	if d, _ := f.store.UserByUsername(ctx, f.conn.ID, "dora"); auth.CheckPassword(d.PasswordHash, "a brand new password") != nil {
		t.Fatal("the new password does not sign in")
	}
	enabled := decode[userJSON](t, f.do(t, "admin", "POST", fmt.Sprintf("/api/v1/users/%d/enable", viewer.ID), ""))
	if enabled.Disabled {
		t.Fatalf("enabled: %+v", enabled)
	}
	// A second admin may be demoted, then the first may not.
	if _, err := f.store.UserSetRole(ctx, f.conn.ID, f.users["ceo"].ID, store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	check(t, "demote the other admin", f.do(t, "admin", "POST", fmt.Sprintf("/api/v1/users/%d/role", f.users["ceo"].ID), `{"role": "ceo"}`), 200, nil, nil)
	generated := decode[userCredentials](t, f.do(t, "admin", "POST", fmt.Sprintf("/api/v1/users/%d/password", ops.ID), `{}`))
	if len(generated.Password) < auth.MinPasswordLength {
		t.Fatalf("an empty password is generated and returned: %+v", generated)
	}

	want := []string{
		"user.created user:dora by user:admin-user",
		"user.created user:eve by user:admin-user",
		"user.role_changed user:ops-user by user:admin-user",
		"user.disabled user:viewer-user by user:admin-user",
		"user.password_reset user:dora by user:admin-user",
		"user.phone_changed user:dora by user:admin-user",
		"user.phone_changed user:dora by user:admin-user",
		"user.enabled user:viewer-user by user:admin-user",
		"user.role_changed user:ceo-user by user:admin-user",
		"user.password_reset user:ops-user by user:admin-user",
	}
	if got := f.auditActions(t); !slices.Equal(got, want) {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUserManagementPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	admin, sales := f.users["admin"], f.users["sales"]
	check(t, "page", f.do(t, "admin", "GET", "/settings/users", ""), 200, []string{
		`<label for="new-username">Username</label>`, `<label for="role-` + fmt.Sprint(sales.ID) + `" class="sr-only">Role of sales-user</label>`,
		fmt.Sprintf(`action="/settings/users/%d/disable"`, sales.ID), "(you)",
	}, []string{fmt.Sprintf(`action="/settings/users/%d/disable"`, admin.ID)})

	// Added with a chosen password: back to the list with a notice.
	resp := f.form(t, "admin", "/settings/users", url.Values{"username": {"<b>gus</b>"}, "role": {"ops"}, "password": {"correct horse battery"}, "password2": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/settings/users?done=added") {
		t.Fatalf("add: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp.Body.Close()
	check(t, "notice, escaped", f.do(t, "admin", "GET", resp.Header.Get("Location"), ""), 200, []string{"User &lt;b&gt;gus&lt;/b&gt; is added."}, []string{"<b>gus</b>"})

	// Added with a generated password: shown in this answer only.
	b := check(t, "generated", f.form(t, "admin", "/settings/users", url.Values{"username": {"hal"}, "role": {"viewer"}}), 200,
		[]string{"User hal is added.", "shown only now", `<code class="secret">`}, nil)
	hal, err := f.store.UserByUsername(ctx, f.conn.ID, "hal")
	if err != nil {
		t.Fatal(err)
	}
	pw := b[strings.Index(b, `<code class="secret">`)+len(`<code class="secret">`):]
	pw = pw[:strings.Index(pw, "<")]
	if auth.CheckPassword(hal.PasswordHash, pw) != nil {
		t.Fatal("the password shown is not hal's")
	}

	tests := []struct {
		name, path string
		form       url.Values
		code       int
		want       []string
	}{
		{"passwords differ, form kept", "/settings/users", url.Values{"username": {"ida"}, "email": {"ida@example.com"}, "role": {"cfo"}, "password": {"correct horse battery"}, "password2": {"correct horse batter"}},
			422, []string{"The two passwords differ.", `value="ida"`, `value="ida@example.com"`, `<option value="cfo" selected>`}},
		{"duplicate", "/settings/users", url.Values{"username": {"hal"}, "role": {"viewer"}}, 422, []string{"There is already a user &#34;hal&#34;."}},
		{"last admin", fmt.Sprintf("/settings/users/%d/role", admin.ID), url.Values{"role": {"viewer"}}, 409, []string{"no enabled administrator"}},
		{"not yourself", fmt.Sprintf("/settings/users/%d/disable", admin.ID), nil, 409, []string{"cannot disable yourself"}},
		{"short password", fmt.Sprintf("/settings/users/%d/password", sales.ID), url.Values{"password": {"short"}}, 400, []string{"at least 10 characters"}},
		{"generated reset", fmt.Sprintf("/settings/users/%d/password", hal.ID), url.Values{"password": {""}}, 200, []string{"The password of hal is changed", `<code class="secret">`}},
		{"bad phone", fmt.Sprintf("/settings/users/%d/phone", sales.ID), url.Values{"phone": {"0470/12.34.56"}}, 422, []string{"not a phone number in international form"}},
	}
	for _, tt := range tests {
		check(t, tt.name, f.form(t, "admin", tt.path, tt.form), tt.code, tt.want, nil)
	}
	redirects := []struct {
		name, path string
		form       url.Values
		location   string
	}{
		{"role", fmt.Sprintf("/settings/users/%d/role", sales.ID), url.Values{"role": {"ops"}}, "/settings/users?done=role&role=ops&user=sales-user"},
		{"disable", fmt.Sprintf("/settings/users/%d/disable", sales.ID), nil, "/settings/users?done=disabled&user=sales-user"},
		{"enable", fmt.Sprintf("/settings/users/%d/enable", sales.ID), nil, "/settings/users?done=enabled&user=sales-user"},
		{"password", fmt.Sprintf("/settings/users/%d/password", sales.ID), url.Values{"password": {"yet another password"}}, "/settings/users?done=password&user=sales-user"},
		{"phone", fmt.Sprintf("/settings/users/%d/phone", sales.ID), url.Values{"phone": {"+32470123456"}}, "/settings/users?done=phone&user=sales-user"},
	}
	for _, tt := range redirects {
		resp := f.form(t, "admin", tt.path, tt.form)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tt.location {
			t.Errorf("%s: %d %s, want a redirect to %s", tt.name, resp.StatusCode, resp.Header.Get("Location"), tt.location)
		}
	}
	if f.sessionWorks(t, "sales") {
		t.Fatal("sales' session survived a disable and a password reset")
	}
	if u, _ := f.store.UserByID(ctx, sales.ID); u.Disabled || u.Role != store.RoleOps {
		t.Fatalf("sales-user: %+v", u)
	}

	// An admin who demotes themself (another admin exists) lands home.
	if _, err := f.store.UserSetRole(ctx, f.conn.ID, f.users["cfo"].ID, store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	resp = f.form(t, "admin", fmt.Sprintf("/settings/users/%d/role", admin.ID), url.Values{"role": {"ceo"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("self-demotion: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// decodeStatus decodes a JSON answer after checking its status.
func decodeStatus[T any](t *testing.T, resp *http.Response, code int) T {
	t.Helper()
	if resp.StatusCode != code {
		b := readAll(t, resp)
		t.Fatalf("%s: %d, want %d: %s", resp.Request.URL, resp.StatusCode, code, b)
	}
	resp.StatusCode = http.StatusOK
	return decode[T](t, resp)
}

// TestUserCreateHashesLikeTheCLI checks the default hash: the one "aicoo
// user add" uses (auth.HashPassword, bcrypt at its production cost).
func TestUserCreateHashesLikeTheCLI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	srv, err := New(Config{Store: f.store, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()
	decodeStatus[userCredentials](t, f.do(t, "admin", "POST", "/api/v1/users", `{"username": "jo", "role": "viewer", "password": "correct horse battery"}`), 201)
	jo, err := f.store.UserByUsername(context.Background(), f.conn.ID, "jo")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := auth.HashPassword("0123456789")
	if got, _ := bcrypt.Cost([]byte(jo.PasswordHash)); got != mustCost(t, want) {
		t.Fatalf("bcrypt cost %d, want auth.HashPassword's %d", got, mustCost(t, want))
	}
}

func mustCost(t *testing.T, hash string) int {
	t.Helper()
	c, err := bcrypt.Cost([]byte(hash))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOpenAPIDescribesRequestBodies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody *struct {
				Content map[string]struct {
					Schema struct {
						Properties map[string]any `json:"properties"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
			Parameters []struct {
				Name string `json:"name"`
			} `json:"parameters"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(readAll(t, f.do(t, "", "GET", "/api/openapi.json", ""))), &doc); err != nil {
		t.Fatal(err)
	}
	for path, field := range map[string]string{
		"/api/v1/users": "username", "/api/v1/users/{id}/role": "role", "/api/v1/users/{id}/password": "password",
		"/api/v1/settings/channels/{channel}/test": "recipient",
	} {
		op := doc.Paths[path]["post"]
		if op.RequestBody == nil || op.RequestBody.Content["application/json"].Schema.Properties[field] == nil {
			t.Errorf("POST %s: no request body with %q", path, field)
		}
	}
	if _, ok := doc.Paths["/api/v1/users"]["post"].Responses["201"]; !ok {
		t.Error("POST /api/v1/users must document 201")
	}
	for _, ep := range []string{"usage", "jobs", "alerts", "impact"} {
		var names []string
		for _, p := range doc.Paths["/api/v1/analytics/"+ep]["get"].Parameters {
			names = append(names, p.Name)
		}
		if !slices.Contains(names, "days") || !slices.Contains(names, "format") {
			t.Errorf("GET /api/v1/analytics/%s parameters %v, want days and format", ep, names)
		}
	}
}

package odoosim_test

import (
	"net/http"
	"reflect"
	"testing"
)

// TestWebAuthenticateRefusesAPIKey: the web login is interactive and checks
// passwords only, while the RPC services also take API keys.
func TestWebAuthenticateRefusesAPIKey(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"17.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			_, url := start(t, startOpts{version: version})
			login := func(secret string) map[string]any {
				return doJSON(t, http.DefaultClient, url+"/web/session/authenticate", map[string]any{"jsonrpc": "2.0", "method": "call", "id": 1,
					"params": kw("db", testDB, "login", "admin", "password", secret)})
			}
			if e, ok := login(adminKey)["error"].(map[string]any); !ok || e["data"].(map[string]any)["name"] != "odoo.exceptions.AccessDenied" {
				t.Errorf("web login with an API key = %v, want AccessDenied", e)
			}
			if r := login("admin"); r["result"] == nil {
				t.Errorf("web login with the password = %v", r)
			}
			if uid, f := xmlCall(t, url, "/xmlrpc/2/common", "authenticate", testDB, "admin", adminKey, map[string]any{}); f != nil || uid != adminUID {
				t.Errorf("RPC authenticate with an API key = %v, %v", uid, f)
			}
		})
	}
}

// TestIDsNeverReused: like a PostgreSQL sequence, ids of unlinked records
// and of failed creates are not handed out again.
func TestIDsNeverReused(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"17.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			_, url := start(t, startOpts{version: version})
			first := mustExec(t, url, "res.partner", "create", list(kw("name", "Temp")), nil).(int64)
			mustExec(t, url, "res.partner", "unlink", list(list(first)), nil)
			// A create that fails on a required field still takes an id.
			if _, f := execKw(t, url, adminUID, "admin", "account.journal", "create", list(kw("name", "No code")), nil); f == nil {
				t.Fatal("journal without code and type was created")
			}
			second := mustExec(t, url, "res.partner", "create", list(kw("name", "Temp again")), nil).(int64)
			if second <= first {
				t.Errorf("id after unlink = %d, want above %d", second, first)
			}
			journal := mustExec(t, url, "account.journal", "create", list(kw("name", "Misc", "code", "MISC", "type", "general")), nil).(int64)
			if journal != 4 {
				t.Errorf("journal id = %d, want 4 (3 taken by the failed create)", journal)
			}
		})
	}
}

// TestFalsyOffsetLimit: "", False and None as offset or limit mean no
// offset and no limit, as a widely used npm client sends them.
func TestFalsyOffsetLimit(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"17.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			_, url := start(t, startOpts{version: version})
			all := mustExec(t, url, "res.partner", "search", list(list()), kw("order", "id"))
			for _, tt := range []struct {
				name string
				args []any
				kw   map[string]any
			}{
				{"empty strings", list(list()), kw("offset", "", "limit", "", "order", "id")},
				{"false", list(list()), kw("offset", false, "limit", false, "order", "id")},
				{"positional", list(list(), "", "", "id"), nil},
			} {
				if got := mustExec(t, url, "res.partner", "search", tt.args, tt.kw); !reflect.DeepEqual(got, all) {
					t.Errorf("search %s = %v, want %v", tt.name, got, all)
				}
			}
			rows := mustExec(t, url, "res.partner", "search_read", list(list()), kw("fields", list("name"), "offset", "", "limit", "")).([]any)
			if len(rows) != len(all.([]any)) {
				t.Errorf("search_read with '' offset and limit: %d rows, want %d", len(rows), len(all.([]any)))
			}
			if n := mustExec(t, url, "res.partner", "search_count", list(list()), kw("limit", "")); n != int64(len(all.([]any))) {
				t.Errorf("search_count limit '' = %v", n)
			}
			if _, f := execKw(t, url, adminUID, "admin", "res.partner", "search", list(list()), kw("limit", "ten")); f == nil || f.Code != 1 {
				t.Errorf("limit 'ten' = %v, want a TypeError fault", f)
			}
		})
	}
}

package odoosim_test

import (
	"net/http"
	"net/http/cookiejar"
	"reflect"
	"strings"
	"testing"
)

func TestJSONRPCEnvelopes(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	res, e := jsonrpc(t, url, "common", "version")
	if e != nil || res.(map[string]any)["server_version"] != "17.0" {
		t.Fatalf("version: %v %v", res, e)
	}
	res, e = jsonrpc(t, url, "common", "authenticate", testDB, "admin", "admin", map[string]any{})
	if e != nil || res != float64(adminUID) {
		t.Fatalf("authenticate: %v %v", res, e)
	}
	res, e = jsonrpc(t, url, "common", "authenticate", testDB, "admin", "bad", map[string]any{})
	if e != nil || res != false {
		t.Fatalf("wrong authenticate: %v %v", res, e)
	}
	res, e = jsonrpc(t, url, "object", "execute_kw", testDB, adminUID, adminKey, "res.partner", "search_read",
		list(list(list("id", "=", 6))), kw("fields", list("name", "parent_id", "country_id")))
	want := list(map[string]any{"id": float64(6), "name": "Brandon Freeman", "parent_id": list(float64(5), "Azure Interior"), "country_id": list(float64(1), "Belgium")})
	if e != nil || !reflect.DeepEqual(res, want) {
		t.Fatalf("search_read = %#v %v", res, e)
	}
	res, e = jsonrpc(t, url, "object", "execute_kw", testDB, adminUID, adminKey, "purchase.order", "button_cancel", list(list(1)), kw())
	if e != nil || res != nil {
		t.Errorf("None over JSON-RPC is null: %v %v", res, e)
	}
	tests := []struct {
		name    string
		service string
		method  string
		args    []any
		exc     string
		message string
	}{
		{"access denied", "object", "execute_kw", list(testDB, adminUID, "bad", "res.partner", "search", list(list()), kw()), "odoo.exceptions.AccessDenied", "Access Denied"},
		{"access error", "object", "execute_kw", list(testDB, viewerUID, "viewer", "res.partner", "write", list(list(5), kw("name", "x")), kw()),
			"odoo.exceptions.AccessError", "You are not allowed to modify 'Contact' (res.partner) records."},
		{"unknown model", "object", "execute_kw", list(testDB, adminUID, "admin", "x.y", "search", list(list()), kw()), "odoo.exceptions.UserError", "Object x.y doesn't exist"},
		{"unknown method", "object", "execute_kw", list(testDB, adminUID, "admin", "res.partner", "zap", list(), kw()), "builtins.AttributeError", "The method 'zap' does not exist on the model 'res.partner'"},
		{"value error", "object", "execute_kw", list(testDB, adminUID, "admin", "res.partner", "search", list(list(list("zz", "=", 1))), kw()), "builtins.ValueError", "Invalid field 'zz' on model 'res.partner'"},
		{"missing", "object", "execute_kw", list(testDB, adminUID, "admin", "res.partner", "write", list(list(404), kw("name", "x")), kw()), "odoo.exceptions.MissingError", "Record does not exist"},
		{"unknown database", "object", "execute_kw", list("nodb", adminUID, "admin", "res.partner", "search", list(list()), kw()), "psycopg2.OperationalError", `database "nodb" does not exist`},
		{"unknown service", "nope", "x", list(), "builtins.KeyError", "'nope'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, e := jsonrpc(t, url, tt.service, tt.method, tt.args...)
			if e == nil {
				t.Fatal("no error")
			}
			data := e["data"].(map[string]any)
			if e["code"] != float64(200) || e["message"] != "Odoo Server Error" || data["name"] != tt.exc || !strings.Contains(data["message"].(string), tt.message) {
				t.Errorf("error = %#v", e)
			}
			if !strings.HasPrefix(data["debug"].(string), "Traceback (most recent call last):") || data["arguments"] == nil || data["context"] == nil {
				t.Errorf("data lacks debug/arguments/context: %#v", data)
			}
		})
	}
	_, body := postJSON(t, url+"/jsonrpc", nil, map[string]any{"jsonrpc": "2.0", "method": "call", "id": "abc", "params": map[string]any{"service": "db", "method": "list", "args": list()}})
	if env := body.(map[string]any); env["id"] != "abc" || env["jsonrpc"] != "2.0" || !reflect.DeepEqual(env["result"], list(testDB)) {
		t.Errorf("db.list envelope = %v", env)
	}
}

func TestWebSessionRoutes(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	post := func(path string, params map[string]any) map[string]any {
		t.Helper()
		return doJSON(t, client, url+path, map[string]any{"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
	}
	vi := post("/web/webclient/version_info", map[string]any{})
	if vi["result"].(map[string]any)["server_serie"] != "17.0" {
		t.Errorf("version_info = %v", vi)
	}
	bad := post("/web/session/authenticate", kw("db", testDB, "login", "admin", "password", "wrong"))
	if bad["error"].(map[string]any)["data"].(map[string]any)["name"] != "odoo.exceptions.AccessDenied" {
		t.Errorf("wrong password = %v", bad)
	}
	expired := post("/web/dataset/call_kw", kw("model", "res.partner", "method", "search_count", "args", list(list()), "kwargs", kw()))
	if e := expired["error"].(map[string]any); e["code"] != float64(100) || e["message"] != "Odoo Session Expired" {
		t.Errorf("call_kw without session = %v", expired)
	}
	ok := post("/web/session/authenticate", kw("db", testDB, "login", "admin", "password", "admin"))
	info := ok["result"].(map[string]any)
	if info["uid"] != float64(adminUID) || info["db"] != testDB || info["user_context"].(map[string]any)["uid"] != float64(adminUID) || info["partner_id"] != float64(3) {
		t.Errorf("session info = %v", info)
	}
	n := post("/web/dataset/call_kw/res.partner/search_count", kw("model", "res.partner", "method", "search_count", "args", list(list()), "kwargs", kw()))
	if n["result"] != float64(8) {
		t.Errorf("call_kw search_count = %v", n)
	}
	post("/web/session/destroy", kw())
	if e := post("/web/session/get_session_info", kw()); e["error"] == nil {
		t.Errorf("session still alive after destroy: %v", e)
	}
}

func TestJSON2(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "19.0"})
	status, body := json2(t, url, adminKey, "res.partner", "search_read", kw("domain", list(list("is_company", "=", true)), "fields", list("name"), "order", "name", "limit", 2))
	if status != 200 || !reflect.DeepEqual(body, list(kw("id", float64(5), "name", "Azure Interior"), kw("id", float64(7), "name", "Deco Addict"))) {
		t.Fatalf("search_read: %d %v", status, body)
	}
	status, body = json2(t, url, adminKey, "res.users", "context_get", nil)
	if status != 200 || body.(map[string]any)["uid"] != float64(adminUID) {
		t.Fatalf("context_get: %d %v", status, body)
	}
	status, body = json2(t, url, adminKey, "res.partner", "create", kw("vals_list", list(kw("name", "JSON Two"))))
	if status != 200 || len(body.([]any)) != 1 {
		t.Fatalf("create returns a list of ids: %d %v", status, body)
	}
	id := body.([]any)[0]
	status, body = json2(t, url, adminKey, "res.partner", "write", kw("ids", list(id), "vals", kw("phone", "+32 2 000")))
	if status != 200 || body != true {
		t.Fatalf("write: %d %v", status, body)
	}
	status, body = json2(t, url, adminKey, "res.partner", "message_post", kw("ids", list(id), "body", "hello"))
	if status != 200 || len(body.([]any)) != 1 {
		t.Fatalf("message_post in 19 returns [id]: %d %v", status, body)
	}
	status, body = json2(t, url, adminKey, "purchase.order", "button_cancel", kw("ids", list(1)))
	if status != 200 || body != nil {
		t.Errorf("None over JSON-2 is null: %d %v", status, body)
	}
	tests := []struct {
		name    string
		key     string
		model   string
		method  string
		body    map[string]any
		status  int
		exc     string
		message string
	}{
		{"no key", "", "res.partner", "search", nil, 401, "werkzeug.exceptions.Unauthorized", "Invalid apikey"},
		{"bad key", "nope", "res.partner", "search", nil, 401, "werkzeug.exceptions.Unauthorized", "Invalid apikey"},
		{"password is not a key", "admin", "res.partner", "search", nil, 401, "werkzeug.exceptions.Unauthorized", "Invalid apikey"},
		{"access error", viewerKey, "res.partner", "unlink", kw("ids", list(5)), 403, "odoo.exceptions.AccessError", "You are not allowed to delete"},
		{"unknown model", adminKey, "x.y", "search", nil, 404, "werkzeug.exceptions.NotFound", "the model 'x.y' does not exist"},
		{"unknown method", adminKey, "res.partner", "zap", nil, 404, "builtins.AttributeError", "The method 'zap' does not exist"},
		{"private method", adminKey, "res.partner", "_read", nil, 404, "werkzeug.exceptions.NotFound", "_read"},
		{"missing record", adminKey, "res.partner", "write", kw("ids", list(999), "vals", kw("name", "x")), 404, "odoo.exceptions.MissingError", "Record does not exist"},
		{"ids on a model method", adminKey, "res.partner", "search", kw("ids", list(1), "domain", list()), 422, "builtins.TypeError", "cannot call res.partner.search with ids"},
		{"unknown argument", adminKey, "res.partner", "search", kw("bogus", 1), 422, "builtins.TypeError", "unexpected keyword argument 'bogus'"},
		{"user error", adminKey, "account.move", "unlink", kw("ids", list(1)), 422, "odoo.exceptions.UserError", "posted once"},
		{"validation error", adminKey, "project.task", "create", kw("vals_list", list(kw("priority", "1"))), 422, "odoo.exceptions.ValidationError", "mandatory field"},
		{"value error", adminKey, "res.partner", "search", kw("domain", list(list("zz", "=", 1))), 500, "builtins.ValueError", "Invalid field 'zz' on model 'res.partner'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := json2(t, url, tt.key, tt.model, tt.method, tt.body)
			e, _ := body.(map[string]any)
			if status != tt.status || e["name"] != tt.exc || !strings.Contains(e["message"].(string), tt.message) {
				t.Errorf("got %d %v, want %d %s %q", status, body, tt.status, tt.exc, tt.message)
			}
		})
	}
	// Not a POST, wrong path, wrong database, not a JSON object.
	resp, err := http.Get(url + "/json/2/res.partner/search")
	if err != nil || resp.StatusCode != 405 {
		t.Errorf("GET: %v %v", resp.StatusCode, err)
	}
	status, _ = postJSON(t, url+"/json/2/res.partner", http.Header{"Authorization": {"bearer " + adminKey}}, map[string]any{})
	if status != 404 {
		t.Errorf("bad path status %d", status)
	}
	status, body = postJSON(t, url+"/json/2/res.partner/search", http.Header{"Authorization": {"Bearer " + adminKey}, "X-Odoo-Database": {"other"}}, map[string]any{})
	if status != 500 || !strings.Contains(body.(map[string]any)["message"].(string), `database "other" does not exist`) {
		t.Errorf("wrong database: %d %v", status, body)
	}
	status, _ = postJSON(t, url+"/json/2/res.partner/search", http.Header{"Authorization": {"Bearer " + adminKey}}, list(1, 2))
	if status != 400 {
		t.Errorf("non-object body status %d", status)
	}
	status, body = postJSON(t, url+"/json/2/res.partner/search_count", http.Header{"Authorization": {"Bearer " + adminKey}}, kw("domain", list()))
	if status != 200 || body == nil {
		t.Errorf("without X-Odoo-Database: %d %v", status, body)
	}
	resp, err = http.Get(url + "/web/version")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("/web/version on 19: %v %v", resp, err)
	}
}

func TestVersionGatedEndpoints(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		version string
		json2   bool
	}{{"16.0", false}, {"17.0", false}, {"18.0", false}, {"saas~18.4", true}, {"19.0", true}} {
		t.Run(tt.version, func(t *testing.T) {
			_, url := start(t, startOpts{version: tt.version})
			status, _ := postRaw(t, url+"/json/2/res.partner/search_count", "bearer "+adminKey, `{"domain": []}`)
			if (status == 200) != tt.json2 {
				t.Errorf("JSON-2 status %d, want available=%v", status, tt.json2)
			}
			resp, err := http.Get(url + "/web/version")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if (resp.StatusCode == 200) != tt.json2 {
				t.Errorf("/web/version status %d", resp.StatusCode)
			}
			res, e := jsonrpc(t, url, "common", "version")
			if e != nil || res.(map[string]any)["server_version"] != tt.version {
				t.Errorf("version = %v %v", res, e)
			}
		})
	}
}

package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoo/xmlrpc"
)

// fakeOdoo is a small Odoo stand-in speaking JSON-2, JSON-RPC and XML-RPC
// with the envelopes of odoo-notes.md. Records live in data; search_read
// pages by the "id > n" term and refuses fields a record does not have, as
// Odoo does ("Invalid field"), which checks version-dependent field lists.
type fakeOdoo struct {
	t       *testing.T
	version string // server_version, e.g. "17.0" or "saas~18.4"
	info    []any  // server_version_info
	db      string
	login   string
	secret  string
	uid     int64
	modules []string

	mu    sync.Mutex
	data  map[string][]map[string]any
	calls []fakeCall
	// handlers override methods: key "model.method".
	handlers map[string]func(fc fakeCall) (any, *fakeErr)
	// intercept, when set, may answer a raw HTTP request itself.
	intercept func(w http.ResponseWriter, r *http.Request) bool
	srv       *httptest.Server
}

// fakeCall is one model method call as the server saw it, with positional
// arguments mapped to names.
type fakeCall struct {
	Protocol Protocol
	Model    string
	Method   string
	Args     []any
	Kwargs   map[string]any
	Named    map[string]any
}

// fakeErr is an exception the fake raises.
type fakeErr struct {
	Name    string // e.g. "odoo.exceptions.AccessError" or "builtins.ValueError"
	Message string
}

func newFakeOdoo(t *testing.T, version string) *fakeOdoo {
	t.Helper()
	f := &fakeOdoo{
		t: t, version: version, db: "db", login: "bot", secret: "key", uid: 7,
		modules:  []string{"account", "base", "calendar", "crm", "hr_expense", "mail", "project", "purchase", "purchase_stock", "sale", "sale_stock", "stock"},
		data:     map[string][]map[string]any{},
		handlers: map[string]func(fakeCall) (any, *fakeErr){},
	}
	v, err := ParseVersion(version)
	if err != nil {
		t.Fatal(err)
	}
	if v.SaaS {
		f.info = []any{fmt.Sprintf("saas~%d", v.Major), v.Minor, 0, "final", 0, ""}
	} else {
		f.info = []any{v.Major, v.Minor, 0, "final", 0, ""}
	}
	f.data["res.company"] = []map[string]any{{"id": 1, "name": "YourCompany", "currency_id": []any{1, "EUR"}, "partner_id": []any{1, "YourCompany"}, "country_id": false, "parent_id": false}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOdoo) ver() Version { v, _ := ParseVersion(f.version); return v }

// client returns a client for the fake with a fake clock and seeded jitter.
func (f *fakeOdoo) client(t *testing.T, mod func(*Config)) (*Client, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	cfg := Config{
		URL: f.srv.URL, Database: f.db, Username: f.login, APIKey: f.secret,
		Clock: clk, Rand: rand.New(rand.NewPCG(1, 2)),
		Logger: discardLogger(),
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, clk
}

func (f *fakeOdoo) connect(t *testing.T, mod func(*Config)) *Client {
	t.Helper()
	c, _ := f.client(t, mod)
	if _, err := c.Connect(context.Background()); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	return c
}

func (f *fakeOdoo) on(key string, h func(fakeCall) (any, *fakeErr)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handlers[key] = h
}

func (f *fakeOdoo) callsTo(model, method string) []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeCall
	for _, c := range f.calls {
		if c.Model == model && c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeOdoo) serve(w http.ResponseWriter, r *http.Request) {
	if f.intercept != nil && f.intercept(w, r) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	switch {
	case r.URL.Path == "/web/version" && r.Method == http.MethodGet:
		if !f.ver().HasJSON2() {
			notFoundHTML(w)
			return
		}
		writeJSON(w, 200, map[string]any{"version_info": f.info, "version": f.version})
	case r.URL.Path == "/web/webclient/version_info":
		writeJSON(w, 200, map[string]any{"jsonrpc": "2.0", "id": 1, "result": f.versionResult()})
	case r.URL.Path == "/jsonrpc":
		f.serveJSONRPC(w, body)
	case strings.HasPrefix(r.URL.Path, "/xmlrpc/2/"):
		f.serveXMLRPC(w, r.URL.Path, body)
	case strings.HasPrefix(r.URL.Path, "/json/2/") && f.ver().HasJSON2():
		f.serveJSON2(w, r, body)
	default:
		notFoundHTML(w)
	}
}

func notFoundHTML(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(404)
	io.WriteString(w, "<!DOCTYPE html><html><body>404: Not Found</body></html>")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeOdoo) versionResult() map[string]any {
	return map[string]any{"server_version": f.version, "server_version_info": f.info, "server_serie": f.version, "protocol_version": 1}
}

func (f *fakeOdoo) serveJSONRPC(w http.ResponseWriter, body []byte) {
	var req struct {
		ID     any `json:"id"`
		Params struct {
			Service string `json:"service"`
			Method  string `json:"method"`
			Args    []any  `json:"args"`
		} `json:"params"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		f.t.Errorf("fake: bad JSON-RPC body: %v", err)
	}
	p := req.Params
	var res any
	var ferr *fakeErr
	switch {
	case p.Service == "common" && p.Method == "version":
		res = f.versionResult()
	case p.Service == "common" && p.Method == "authenticate":
		res = f.authenticate(p.Args)
	case p.Service == "object" && p.Method == "execute_kw":
		res, ferr = f.executeKW(ProtocolJSONRPC, p.Args)
	default:
		ferr = &fakeErr{Name: "builtins.Exception", Message: "unknown service"}
	}
	if ferr != nil {
		writeJSON(w, 200, map[string]any{"jsonrpc": "2.0", "id": req.ID, "error": map[string]any{
			"code": 200, "message": "Odoo Server Error",
			"data": map[string]any{"name": ferr.Name, "message": ferr.Message, "arguments": []any{ferr.Message}, "context": map[string]any{}, "debug": ferr.traceback()},
		}})
		return
	}
	writeJSON(w, 200, map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": res})
}

func (e *fakeErr) traceback() string {
	cls := e.Name
	if after, ok := strings.CutPrefix(cls, "builtins."); ok {
		cls = after
	}
	return "Traceback (most recent call last):\n  File \"/odoo/odoo/http.py\", line 1, in _serve_db\n    return service_model.retrying(...)\n" + cls + ": " + e.Message + "\n"
}

func (f *fakeOdoo) authenticate(args []any) any {
	if len(args) >= 3 && args[0] == f.db && args[1] == f.login && args[2] == f.secret {
		return f.uid
	}
	return false
}

func (f *fakeOdoo) serveXMLRPC(w http.ResponseWriter, path string, body []byte) {
	method, params, err := xmlrpc.DecodeCall(bytes.NewReader(body))
	if err != nil {
		f.t.Errorf("fake: bad XML-RPC body: %v", err)
		return
	}
	var res any
	var ferr *fakeErr
	switch {
	case path == "/xmlrpc/2/common" && method == "version":
		res = f.versionResult()
	case path == "/xmlrpc/2/common" && method == "authenticate":
		res = f.authenticate(params)
	case path == "/xmlrpc/2/object" && method == "execute_kw":
		res, ferr = f.executeKW(ProtocolXMLRPC, params)
	default:
		ferr = &fakeErr{Name: "builtins.Exception", Message: "unknown method"}
	}
	w.Header().Set("Content-Type", "text/xml")
	if ferr != nil {
		xmlrpc.EncodeFault(w, &xmlrpc.Fault{Code: ferr.faultCode(), String: ferr.faultString()})
		return
	}
	if res == nil {
		xmlrpc.EncodeFault(w, &xmlrpc.Fault{Code: 1, String: (&fakeErr{Name: "builtins.TypeError", Message: "cannot marshal None unless allow_none is enabled"}).traceback()})
		return
	}
	enc := xmlrpc.Encoder{NilPolicy: xmlrpc.NilAsFalse}
	if err := enc.EncodeResponse(w, res); err != nil {
		f.t.Errorf("fake: encode: %v", err)
	}
}

func (e *fakeErr) faultCode() int {
	switch shortName(e.Name) {
	case "AccessError":
		return 4
	case "AccessDenied":
		return 3
	case "UserError", "ValidationError", "MissingError", "LockError", "RedirectWarning":
		return 2
	}
	return 1
}

func (e *fakeErr) faultString() string {
	if e.faultCode() == 1 {
		return e.traceback()
	}
	return e.Message
}

func (e *fakeErr) status() int {
	switch shortName(e.Name) {
	case "Unauthorized":
		return 401
	case "AccessError", "AccessDenied":
		return 403
	case "MissingError", "NotFound":
		return 404
	case "LockError":
		return 409
	case "UserError", "ValidationError":
		return 422
	}
	return 500
}

func (f *fakeOdoo) serveJSON2(w http.ResponseWriter, r *http.Request, body []byte) {
	fail := func(e *fakeErr) {
		writeJSON(w, e.status(), map[string]any{"name": e.Name, "message": e.Message, "arguments": []any{e.Message}, "context": map[string]any{}, "debug": e.traceback()})
	}
	if r.Method != http.MethodPost {
		w.WriteHeader(405)
		return
	}
	if got := r.Header.Get("Authorization"); got != "bearer "+f.secret {
		fail(&fakeErr{Name: "werkzeug.exceptions.Unauthorized", Message: "Invalid apikey"})
		return
	}
	if got := r.Header.Get("X-Odoo-Database"); got != f.db {
		f.t.Errorf("fake: X-Odoo-Database = %q", got)
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/json/2/"), "/")
	if len(parts) != 2 {
		fail(&fakeErr{Name: "werkzeug.exceptions.NotFound", Message: "Did you mean POST /json/2/<model>/<method>?"})
		return
	}
	var named map[string]any
	if err := json.Unmarshal(body, &named); err != nil {
		w.WriteHeader(400)
		return
	}
	fc := fakeCall{Protocol: ProtocolJSON2, Model: parts[0], Method: parts[1], Named: named}
	res, ferr := f.dispatch(fc)
	if ferr != nil {
		fail(ferr)
		return
	}
	writeJSON(w, 200, res)
}

// legacyNames names the positional arguments the client sends over legacy
// protocols.
var legacyNames = map[string][]string{
	"search_read":          {"domain"},
	"search":               {"domain"},
	"search_count":         {"domain"},
	"read":                 {"ids"},
	"write":                {"ids", "vals"},
	"unlink":               {"ids"},
	"create":               {"vals"},
	"message_post":         {"ids"},
	"name_search":          {"name", "domain", "operator", "limit"},
	"read_group":           {"domain", "fields", "groupby"},
	"formatted_read_group": {"domain", "groupby", "aggregates"},
}

func (f *fakeOdoo) executeKW(p Protocol, args []any) (any, *fakeErr) {
	if len(args) < 5 {
		return nil, &fakeErr{Name: "builtins.TypeError", Message: "execute_kw() missing arguments"}
	}
	uid, _ := decodeInt(args[1])
	if args[0] != f.db || uid != f.uid || args[2] != f.secret {
		return nil, &fakeErr{Name: "odoo.exceptions.AccessDenied", Message: "Access Denied"}
	}
	fc := fakeCall{Protocol: p, Model: args[3].(string), Method: args[4].(string), Named: map[string]any{}}
	if len(args) > 5 {
		fc.Args, _ = args[5].([]any)
	}
	if len(args) > 6 {
		fc.Kwargs, _ = args[6].(map[string]any)
	}
	for i, name := range legacyNames[fc.Method] {
		if i < len(fc.Args) {
			fc.Named[name] = fc.Args[i]
		}
	}
	for k, v := range fc.Kwargs {
		fc.Named[k] = v
	}
	return f.dispatch(fc)
}

func (f *fakeOdoo) dispatch(fc fakeCall) (any, *fakeErr) {
	f.mu.Lock()
	f.calls = append(f.calls, fc)
	h := f.handlers[fc.Model+"."+fc.Method]
	f.mu.Unlock()
	if h != nil {
		return h(fc)
	}
	switch {
	case fc.Model == "res.users" && fc.Method == "context_get":
		return map[string]any{"uid": f.uid, "lang": "en_US", "tz": "Europe/Brussels"}, nil
	case fc.Model == "ir.module.module" && fc.Method == "search_read":
		out := []any{}
		for i, m := range f.modules {
			out = append(out, map[string]any{"id": i + 1, "name": m})
		}
		return out, nil
	case fc.Method == "search_read":
		return f.searchRead(fc)
	}
	return nil, &fakeErr{Name: "builtins.AttributeError", Message: fmt.Sprintf("The method '%s' does not exist on the model '%s'", fc.Method, fc.Model)}
}

// searchRead pages f.data[model] with the "id > n" term and the limit, and
// returns only the requested fields.
func (f *fakeOdoo) searchRead(fc fakeCall) (any, *fakeErr) {
	f.mu.Lock()
	recs, ok := f.data[fc.Model]
	f.mu.Unlock()
	if !ok {
		return nil, &fakeErr{Name: "odoo.exceptions.UserError", Message: fmt.Sprintf("Object %s doesn't exist", fc.Model)}
	}
	var after int64
	dom, _ := fc.Named["domain"].([]any)
	for _, term := range dom {
		if t, ok := term.([]any); ok && len(t) == 3 && t[0] == "id" && t[1] == ">" {
			after, _ = decodeInt(t[2])
		}
	}
	limit, _ := decodeInt(fc.Named["limit"])
	fields, _ := fc.Named["fields"].([]any)
	out := []any{}
	for _, rec := range recs {
		id, _ := decodeInt(rec["id"])
		if id <= after {
			continue
		}
		row := map[string]any{"id": rec["id"]}
		for _, fl := range fields {
			name := fl.(string)
			v, ok := rec[name]
			if !ok {
				return nil, &fakeErr{Name: "builtins.ValueError", Message: fmt.Sprintf("Invalid field '%s' on model '%s'", name, fc.Model)}
			}
			row[name] = v
		}
		out = append(out, row)
		if limit > 0 && int64(len(out)) >= limit {
			break
		}
	}
	return out, nil
}

// fakeClock is a Clock that never sleeps: Sleep advances the time and
// records the delay.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	c.sleeps = append(c.sleeps, d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

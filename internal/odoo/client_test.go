package odoo

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestConnectPicksProtocol(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		version  string
		mod      func(*Config)
		want     Protocol
		wantMaj  int
		wantJSON bool
	}{
		{name: "16 auto uses JSON-RPC", version: "16.0", want: ProtocolJSONRPC, wantMaj: 16},
		{name: "17 forced XML-RPC", version: "17.0", mod: func(c *Config) { c.Protocol = ProtocolXMLRPC }, want: ProtocolXMLRPC, wantMaj: 17},
		{name: "18 auto uses JSON-RPC", version: "18.0", want: ProtocolJSONRPC, wantMaj: 18},
		{name: "saas 18.4 auto uses JSON-2", version: "saas~18.4", want: ProtocolJSON2, wantMaj: 18},
		{name: "19 auto uses JSON-2", version: "19.0", want: ProtocolJSON2, wantMaj: 19},
		{name: "19 without API key falls back to JSON-RPC", version: "19.0", mod: func(c *Config) { c.APIKey, c.Password = "", "key" }, want: ProtocolJSONRPC, wantMaj: 19},
		{name: "19 forced XML-RPC", version: "19.0", mod: func(c *Config) { c.Protocol = ProtocolXMLRPC }, want: ProtocolXMLRPC, wantMaj: 19},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, tt.version)
			c, _ := f.client(t, tt.mod)
			info, err := c.Connect(context.Background())
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			if info.Protocol != tt.want {
				t.Errorf("Protocol = %s, want %s", info.Protocol, tt.want)
			}
			if info.Version.Major != tt.wantMaj {
				t.Errorf("Version = %+v", info.Version)
			}
			if info.UID != 7 {
				t.Errorf("UID = %d, want 7", info.UID)
			}
			if !info.ModulesKnown || !info.HasModule("account") || info.HasModule("helpdesk") {
				t.Errorf("modules = %v", info.Modules)
			}
			if len(info.Companies) != 1 || info.Companies[0].Currency.Name != "EUR" {
				t.Errorf("Companies = %+v", info.Companies)
			}
			if got, ok := c.Info(); !ok || got.UID != 7 {
				t.Errorf("Info() = %+v, %v", got, ok)
			}
		})
	}
}

func TestConnectErrors(t *testing.T) {
	t.Parallel()
	htmlServer := func(status int) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			w.Write([]byte("<!DOCTYPE html><html><body>Welcome to nginx</body></html>"))
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	tests := []struct {
		name    string
		version string
		setup   func(f *fakeOdoo, cfg *Config)
		want    error
	}{
		{name: "wrong password over JSON-RPC", version: "17.0", setup: func(_ *fakeOdoo, c *Config) { c.APIKey = "nope" }, want: ErrWrongCredentials},
		{name: "wrong password over XML-RPC", version: "16.0", setup: func(_ *fakeOdoo, c *Config) { c.APIKey, c.Protocol = "nope", ProtocolXMLRPC }, want: ErrWrongCredentials},
		{name: "revoked key over JSON-2", version: "19.0", setup: func(_ *fakeOdoo, c *Config) { c.APIKey = "revoked" }, want: ErrAPIKeyRejected},
		{name: "HTML page", version: "17.0", setup: func(_ *fakeOdoo, c *Config) { c.URL = htmlServer(200) }, want: ErrNotOdoo},
		{name: "404 everywhere", version: "17.0", setup: func(_ *fakeOdoo, c *Config) { c.URL = htmlServer(404) }, want: ErrNotOdoo},
		{name: "unreachable", version: "17.0", setup: func(_ *fakeOdoo, c *Config) { c.URL = closedURL }, want: ErrUnreachable},
		{name: "JSON-2 forced on 17", version: "17.0", setup: func(_ *fakeOdoo, c *Config) { c.Protocol = ProtocolJSON2 }, want: ErrInvalidArgument},
		{name: "unknown database over JSON-RPC", version: "17.0", setup: func(f *fakeOdoo, c *Config) {
			c.Database = "nodb"
			f.intercept = unknownDBInterceptor(f)
		}, want: ErrUnknownDatabase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, tt.version)
			c, _ := f.client(t, func(cfg *Config) { tt.setup(f, cfg) })
			_, err := c.Connect(context.Background())
			if !errors.Is(err, tt.want) {
				t.Fatalf("Connect error = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "odoo: ") {
				t.Errorf("error %q lacks the odoo: prefix", err)
			}
			if _, ok := c.Info(); ok && tt.want != nil {
				t.Errorf("Info() set after a failed Connect")
			}
		})
	}
}

// unknownDBInterceptor answers authenticate as Odoo does for a database that
// does not exist: a psycopg2.OperationalError.
func unknownDBInterceptor(f *fakeOdoo) func(w http.ResponseWriter, r *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/jsonrpc" {
			return false
		}
		writeJSON(w, 200, map[string]any{"jsonrpc": "2.0", "id": 1, "error": map[string]any{
			"code": 200, "message": "Odoo Server Error",
			"data": map[string]any{
				"name":    "psycopg2.OperationalError",
				"message": "connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"nodb\" does not exist\n",
				"debug":   "Traceback (most recent call last):\n...\npsycopg2.OperationalError: connection failed: FATAL:  database \"nodb\" does not exist\n",
			},
		}})
		return true
	}
}

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no URL", Config{Database: "d", Username: "u", APIKey: "k"}, "URL is required"},
		{"bad scheme", Config{URL: "ftp://x", Database: "d", Username: "u", APIKey: "k"}, "http or https"},
		{"no database", Config{URL: "http://x", Username: "u", APIKey: "k"}, "Database is required"},
		{"no secret", Config{URL: "http://x", Database: "d", Username: "u"}, "APIKey or Password"},
		{"json2 with password", Config{URL: "http://x", Database: "d", Password: "p", Protocol: ProtocolJSON2}, "needs an APIKey"},
		{"bad protocol", Config{URL: "http://x", Database: "d", Username: "u", APIKey: "k", Protocol: "soap"}, "must be one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "odoo: ") {
				t.Fatalf("New error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCallBeforeConnect(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	c, _ := f.client(t, nil)
	_, err := c.SearchRead(context.Background(), "res.partner", domain.True(), SearchReadOpts{})
	if !errors.Is(err, ErrNotConnected) {
		t.Fatalf("err = %v, want ErrNotConnected", err)
	}
	_, err = Collect(c.Partners(context.Background(), ListOpts{}))
	if !errors.Is(err, ErrNotConnected) {
		t.Fatalf("reader err = %v, want ErrNotConnected", err)
	}
}

// protocols are the three transports with a version each supports.
var protocols = []struct {
	name    string
	version string
	mod     func(*Config)
}{
	{"xmlrpc", "17.0", func(c *Config) { c.Protocol = ProtocolXMLRPC }},
	{"jsonrpc", "17.0", nil},
	{"json2", "19.0", nil},
}

func TestOperationsOnEveryProtocol(t *testing.T) {
	t.Parallel()
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, p.version)
			f.data["res.partner"] = []map[string]any{
				{"id": 1, "name": "Azure", "parent_id": false},
				{"id": 2, "name": "Deco", "parent_id": []any{1, "Azure"}},
			}
			f.on("res.partner.search_count", func(fakeCall) (any, *fakeErr) { return 2, nil })
			f.on("res.partner.search", func(fakeCall) (any, *fakeErr) { return []any{1, 2}, nil })
			f.on("res.partner.read", func(fc fakeCall) (any, *fakeErr) {
				return []any{map[string]any{"id": 2, "name": "Deco"}}, nil
			})
			f.on("res.partner.create", func(fc fakeCall) (any, *fakeErr) {
				if fc.Protocol == ProtocolJSON2 {
					return []any{42}, nil
				}
				return 42, nil
			})
			f.on("res.partner.write", func(fakeCall) (any, *fakeErr) { return true, nil })
			f.on("res.partner.unlink", func(fakeCall) (any, *fakeErr) { return true, nil })
			f.on("res.partner.message_post", func(fakeCall) (any, *fakeErr) { return 99, nil })
			f.on("res.partner.name_search", func(fakeCall) (any, *fakeErr) { return []any{[]any{1, "Azure"}}, nil })
			f.on("res.partner.fields_get", func(fakeCall) (any, *fakeErr) {
				return map[string]any{"name": map[string]any{"type": "char", "string": "Name"}}, nil
			})
			f.on("res.partner.action_archive", func(fakeCall) (any, *fakeErr) { return true, nil })
			c := f.connect(t, p.mod)
			ctx := context.Background()

			recs, err := c.SearchRead(ctx, "res.partner", domain.Cond("is_company", domain.OpEq, true), SearchReadOpts{Fields: []string{"name", "parent_id"}, Limit: 10, Order: "id asc"})
			if err != nil || len(recs) != 2 {
				t.Fatalf("SearchRead = %v, %v", recs, err)
			}
			if m, err := recs[1].Many2One("parent_id"); err != nil || m != (Many2One{1, "Azure"}) {
				t.Errorf("parent_id = %v, %v", m, err)
			}
			if m, err := recs[0].Many2One("parent_id"); err != nil || !m.IsZero() {
				t.Errorf("False parent_id = %v, %v", m, err)
			}
			sr := f.callsTo("res.partner", "search_read")[0]
			if sr.Named["limit"] == nil || sr.Named["order"] != "id asc" || sr.Named["domain"] == nil {
				t.Errorf("search_read args = %+v", sr.Named)
			}
			if n, err := c.SearchCount(ctx, "res.partner", domain.True(), nil); err != nil || n != 2 {
				t.Errorf("SearchCount = %d, %v", n, err)
			}
			if ids, err := c.Search(ctx, "res.partner", domain.True(), SearchReadOpts{Limit: 5}); err != nil || !slices.Equal(ids, []int64{1, 2}) {
				t.Errorf("Search = %v, %v", ids, err)
			}
			if recs, err := c.Read(ctx, "res.partner", []int64{2}, []string{"name"}, nil); err != nil || len(recs) != 1 || recs[0].ID() != 2 {
				t.Errorf("Read = %v, %v", recs, err)
			}
			if ids := f.callsTo("res.partner", "read")[0].Named["ids"]; ids == nil {
				t.Errorf("read sent no ids")
			}
			if id, err := c.Create(ctx, "res.partner", map[string]any{"name": "New"}, nil); err != nil || id != 42 {
				t.Errorf("Create = %d, %v", id, err)
			}
			cr := f.callsTo("res.partner", "create")[0]
			if p.name == "json2" && cr.Named["vals_list"] == nil || p.name != "json2" && cr.Named["vals"] == nil {
				t.Errorf("create args = %+v", cr.Named)
			}
			if err := c.Write(ctx, "res.partner", []int64{2}, map[string]any{"name": "X"}, nil); err != nil {
				t.Errorf("Write: %v", err)
			}
			if w := f.callsTo("res.partner", "write")[0]; w.Named["ids"] == nil || w.Named["vals"] == nil {
				t.Errorf("write args = %+v", w.Named)
			}
			if err := c.Unlink(ctx, "res.partner", []int64{2}, nil); err != nil {
				t.Errorf("Unlink: %v", err)
			}
			if id, err := c.MessagePost(ctx, "res.partner", 1, MessagePostOpts{Body: "hi"}); err != nil || id != 99 {
				t.Errorf("MessagePost = %d, %v", id, err)
			}
			mp := f.callsTo("res.partner", "message_post")[0]
			if mp.Named["subtype_xmlid"] != "mail.mt_note" || mp.Named["body"] != "hi" || mp.Named["ids"] == nil {
				t.Errorf("message_post args = %+v", mp.Named)
			}
			if got, err := c.NameSearch(ctx, "res.partner", "Az", domain.True(), "", 0); err != nil || len(got) != 1 || got[0].Name != "Azure" {
				t.Errorf("NameSearch = %v, %v", got, err)
			}
			if fg, err := c.FieldsGet(ctx, "res.partner", []string{"type", "string"}); err != nil || fg["name"]["type"] != "char" {
				t.Errorf("FieldsGet = %v, %v", fg, err)
			}
			if v, err := c.Call(ctx, "res.partner", "action_archive", []any{[]int64{1}}, map[string]any{"context": map[string]any{"lang": "fr_FR"}}); err != nil || v != true {
				t.Errorf("Call = %v, %v", v, err)
			}
			call := f.callsTo("res.partner", "action_archive")[0]
			if p.name == "json2" {
				if call.Named["ids"] == nil || call.Named["context"] == nil {
					t.Errorf("JSON-2 call body = %+v", call.Named)
				}
			} else if len(call.Args) != 1 || call.Kwargs["context"] == nil {
				t.Errorf("legacy call = %+v", call)
			}
		})
	}
}

func TestCallPositionalOverJSON2(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "19.0")
	c := f.connect(t, nil)
	_, err := c.Call(context.Background(), "res.partner", "search", []any{[]any{[]any{"name", "=", "x"}}}, nil)
	if !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("err = %v, want ErrInvalidArgument", err)
	}
	_, err = c.Call(context.Background(), "res.partner", "f", []any{[]any{1}, "x"}, nil)
	if !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("err = %v, want ErrInvalidArgument", err)
	}
}

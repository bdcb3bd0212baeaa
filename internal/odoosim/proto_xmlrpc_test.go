package odoosim_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/odoo/xmlrpc"
)

func TestXMLRPCCommon(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	v, f := xmlCall(t, url, "/xmlrpc/2/common", "version")
	if f != nil {
		t.Fatal(f)
	}
	want := map[string]any{"server_version": "17.0", "server_version_info": list(int64(17), int64(0), int64(0), "final", int64(0), ""),
		"server_serie": "17.0", "protocol_version": int64(1)}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("version = %#v, want %#v", v, want)
	}
	tests := []struct {
		name   string
		method string
		params []any
		want   any
	}{
		{"authenticate password", "authenticate", list(testDB, "admin", "admin", map[string]any{}), adminUID},
		{"authenticate api key", "authenticate", list(testDB, "admin", adminKey, map[string]any{}), adminUID},
		{"authenticate viewer", "authenticate", list(testDB, "viewer", "viewer", map[string]any{}), viewerUID},
		{"wrong password is False", "authenticate", list(testDB, "admin", "nope", map[string]any{}), false},
		{"unknown login is False", "authenticate", list(testDB, "ghost", "admin", map[string]any{}), false},
		{"login", "login", list(testDB, "admin", "admin"), adminUID},
		{"login wrong", "login", list(testDB, "admin", "x"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, f := xmlCall(t, url, "/xmlrpc/2/common", tt.method, tt.params...)
			if f != nil {
				t.Fatal(f)
			}
			if got != tt.want {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	_, f = xmlCall(t, url, "/xmlrpc/2/common", "authenticate", "nodb", "admin", "admin", map[string]any{})
	if f == nil || f.Code != 1 || !strings.Contains(f.String, `OperationalError`) || !strings.Contains(f.String, `database "nodb" does not exist`) {
		t.Errorf("unknown database: %v", f)
	}
	_, f = xmlCall(t, url, "/xmlrpc/2/common", "frobnicate")
	if f == nil || f.Code != 1 || !strings.Contains(f.String, "KeyError: 'exp_frobnicate'") {
		t.Errorf("unknown common method: %v", f)
	}
}

func TestXMLRPCObjectFaults(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	tests := []struct {
		name     string
		uid      int64
		secret   string
		model    string
		method   string
		args     []any
		kwargs   map[string]any
		code     int
		contains string
	}{
		{"wrong password", adminUID, "nope", "res.partner", "search", list(list()), nil, 3, "Access Denied"},
		{"wrong uid", 99, "admin", "res.partner", "search", list(list()), nil, 3, "Access Denied"},
		{"uid False", 0, "admin", "res.partner", "search", list(list()), nil, 3, "Access Denied"},
		{"unknown model", adminUID, "admin", "res.nothing", "search", list(list()), nil, 2, "Object res.nothing doesn't exist"},
		{"model of a module not installed", adminUID, "admin", "crm.lead", "search", list(list()), nil, 2, "Object crm.lead doesn't exist"},
		{"unknown method", adminUID, "admin", "res.partner", "frobnicate", list(), nil, 1, "AttributeError: The method 'frobnicate' does not exist on the model 'res.partner'"},
		{"private method", adminUID, "admin", "res.partner", "_read", list(list(int64(1))), nil, 4, "Private methods (such as _read) cannot be called remotely."},
		{"name_get gone in 17", adminUID, "admin", "res.partner", "name_get", list(list(int64(1))), nil, 1, "AttributeError"},
		{"formatted_read_group needs 19", adminUID, "admin", "account.move", "formatted_read_group", list(list()), nil, 1, "AttributeError"},
		{"unknown field in domain", adminUID, "admin", "res.partner", "search", list(list(list("nope", "=", 1))), nil, 1, "ValueError: Invalid field 'nope' on model 'res.partner'"},
		{"bad domain operator", adminUID, "admin", "res.partner", "search", list(list(list("name", "=~", 1))), nil, 1, "ValueError"},
		{"unknown field in read", adminUID, "admin", "res.partner", "read", list(list(int64(1)), list("nope")), nil, 1, "Invalid field 'nope' on model 'res.partner'"},
		{"write unknown field", adminUID, "admin", "res.partner", "write", list(list(int64(5)), map[string]any{"x_nope": 1}), nil, 1, "ValueError: Invalid field 'x_nope' on model 'res.partner'"},
		{"write missing record", adminUID, "admin", "res.partner", "write", list(list(int64(999)), map[string]any{"name": "X"}), nil, 2, "Record does not exist or has been deleted.\n(Record: res.partner(999,), User: 2)"},
		{"unexpected kwarg", adminUID, "admin", "res.partner", "search", list(list()), map[string]any{"bogus": 1}, 1, "TypeError: search() got an unexpected keyword argument 'bogus'"},
		{"missing argument", adminUID, "admin", "res.partner", "write", list(list(int64(5))), nil, 1, "TypeError: write() missing 1 required positional argument: 'vals'"},
		{"read-only create", viewerUID, "viewer", "res.partner", "create", list(map[string]any{"name": "X"}), nil, 4, "You are not allowed to create 'Contact' (res.partner) records."},
		{"read-only write", viewerUID, "viewer", "res.partner", "write", list(list(int64(5)), map[string]any{"name": "X"}), nil, 4, "You are not allowed to modify 'Contact' (res.partner) records."},
		{"read-only unlink", viewerUID, "viewer", "res.partner", "unlink", list(list(int64(5))), nil, 4, "You are not allowed to delete 'Contact' (res.partner) records."},
		{"read-only action", viewerUID, "viewer", "purchase.order", "button_confirm", list(list(int64(1))), nil, 4, "You are not allowed to modify 'Purchase Order' (purchase.order) records."},
		{"read-only message_post", viewerUID, "viewer", "res.partner", "message_post", list(list(int64(5))), map[string]any{"body": "x"}, 4, "(mail.message)"},
		{"required field missing", adminUID, "admin", "project.task", "create", list(map[string]any{"project_id": int64(1)}), nil, 2,
			"The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Task (project.task)\nField: Title (name)"},
		{"bad selection", adminUID, "admin", "res.partner", "write", list(list(int64(5)), map[string]any{"type": "bogus"}), nil, 1, "ValueError: Wrong value for res.partner.type: 'bogus'"},
		{"posted invoice cannot be deleted", adminUID, "admin", "account.move", "unlink", list(list(int64(1))), nil, 2, "You cannot delete an entry which has been posted once."},
		{"confirmed purchase cannot be deleted", adminUID, "admin", "purchase.order", "unlink", list(list(int64(2))), nil, 2, "you must cancel it first"},
		{"bad order", adminUID, "admin", "res.partner", "search", list(list()), map[string]any{"order": "nope desc"}, 1, `Invalid "order" specified (nope desc)`},
		{"unauthorized company", viewerUID, "viewer", "res.partner", "search", list(list()), map[string]any{"context": map[string]any{"allowed_company_ids": list(int64(2))}}, 4, "Access to unauthorized or invalid companies."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var uid any = tt.uid
			if tt.uid == 0 {
				uid = false
			}
			kwargs := tt.kwargs
			if kwargs == nil {
				kwargs = map[string]any{}
			}
			_, f := xmlCall(t, url, "/xmlrpc/2/object", "execute_kw", testDB, uid, tt.secret, tt.model, tt.method, tt.args, kwargs)
			if f == nil {
				t.Fatal("no fault")
			}
			if f.Code != tt.code || !strings.Contains(f.String, tt.contains) {
				t.Errorf("fault %d %q, want code %d containing %q", f.Code, f.String, tt.code, tt.contains)
			}
			if f.Code == 1 && !strings.HasPrefix(f.String, "Traceback (most recent call last):\n") {
				t.Errorf("code 1 fault string is not a traceback: %q", f.String)
			}
		})
	}
	_, f := xmlCall(t, url, "/xmlrpc/2/object", "execute_kw", "nodb", adminUID, "admin", "res.partner", "search", list(list()), map[string]any{})
	if f == nil || !strings.Contains(f.String, `database "nodb" does not exist`) {
		t.Errorf("unknown database: %v", f)
	}
	_, f = xmlCall(t, url, "/xmlrpc/2/object", "frob", testDB)
	if f == nil || !strings.Contains(f.String, "NameError: Method not available frob") {
		t.Errorf("unknown object method: %v", f)
	}
}

func TestXMLRPCHistoricalFaults(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "16.0"})
	tests := []struct {
		name    string
		uid     int64
		secret  string
		model   string
		method  string
		args    []any
		code    string
		str     string
		codeInt int
	}{
		{"access denied", adminUID, "nope", "res.partner", "search", list(list()), "AccessDenied", "Access Denied", 3},
		{"missing", adminUID, "admin", "res.partner", "write", list(list(int64(999)), map[string]any{"name": "x"}),
			"warning -- MissingError\n\nRecord does not exist or has been deleted.\n(Record: res.partner(999,), User: 2)", "", 2},
		{"access error", viewerUID, "viewer", "res.partner", "unlink", list(list(int64(5))),
			"warning -- AccessError\n\nYou are not allowed to delete 'Contact' (res.partner) records.", "", 4},
		{"user error", adminUID, "admin", "res.nope", "search", list(list()), "warning -- UserError\n\nObject res.nope doesn't exist", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, f := xmlCall(t, url, "/xmlrpc/object", "execute_kw", testDB, tt.uid, tt.secret, tt.model, tt.method, tt.args, map[string]any{})
			if f == nil {
				t.Fatal("no fault")
			}
			if !strings.HasPrefix(f.CodeString, tt.code) || f.String != tt.str || f.Code != tt.codeInt {
				t.Errorf("fault %q / %q (%d), want %q / %q (%d)", f.CodeString, f.String, f.Code, tt.code, tt.str, tt.codeInt)
			}
		})
	}
	_, f := xmlCall(t, url, "/xmlrpc/object", "execute_kw", testDB, adminUID, "admin", "res.partner", "search", list(list(list("zz", "=", 1))), map[string]any{})
	if f == nil || f.CodeString != "Invalid field 'zz' on model 'res.partner'" || !strings.Contains(f.String, "Traceback") {
		t.Errorf("generic exception: %#v", f)
	}
	v, f := xmlCall(t, url, "/xmlrpc/common", "version")
	if f != nil || v.(map[string]any)["server_version"] != "16.0" {
		t.Errorf("historical common.version: %v %v", v, f)
	}
	// name_get exists in 16.
	v, f = execKw(t, url, adminUID, "admin", "res.partner", "name_get", list(list(int64(6))), nil)
	if f != nil || !reflect.DeepEqual(v, list(list(int64(6), "Azure Interior, Brandon Freeman"))) {
		t.Errorf("name_get = %v, %v", v, f)
	}
}

func TestXMLRPCDB(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	v, f := xmlCall(t, url, "/xmlrpc/2/db", "list")
	if f != nil || !reflect.DeepEqual(v, list(testDB)) {
		t.Errorf("db.list = %v, %v", v, f)
	}
	v, f = xmlCall(t, url, "/xmlrpc/2/db", "server_version")
	if f != nil || v != "17.0" {
		t.Errorf("db.server_version = %v, %v", v, f)
	}
	_, url2 := start(t, startOpts{version: "17.0", opts: odoosimOptions(true)})
	_, f = xmlCall(t, url2, "/xmlrpc/2/db", "list")
	if f == nil || f.Code != 3 {
		t.Errorf("disabled db.list: %v", f)
	}
}

func TestXMLRPCNoneIsAFaultAfterCommit(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	_, f := execKw(t, url, adminUID, "admin", "purchase.order", "button_cancel", list(list(int64(1))), nil)
	if f == nil || f.Code != xmlrpc.FaultCodeApplicationError || !strings.HasSuffix(f.String, "TypeError: cannot marshal None unless allow_none is enabled\n") {
		t.Fatalf("fault = %v", f)
	}
	v := mustExec(t, url, "purchase.order", "read", list(list(int64(1)), list("state")), nil)
	if got := v.([]any)[0].(map[string]any)["state"]; got != "cancel" {
		t.Errorf("state after the None fault = %v, want cancel (the work is committed)", got)
	}
	// execute (positional only) reaches the same methods.
	v, f = xmlCall(t, url, "/xmlrpc/2/object", "execute", testDB, adminUID, "admin", "res.partner", "search_count", list(list("is_company", "=", true)))
	if f != nil || v != int64(4) {
		t.Errorf("execute search_count = %v, %v", v, f)
	}
}

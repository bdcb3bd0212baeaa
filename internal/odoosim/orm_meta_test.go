package odoosim_test

import (
	"reflect"
	"strings"
	"testing"
)

// TestPublicMethodsAndSystemModels: exists, get_metadata, name_create,
// res.users.has_group, ir.config_parameter, ir.model.fields,
// ir.module.module versions and partner tags.
func TestPublicMethodsAndSystemModels(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"17.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			_, url := start(t, startOpts{version: version})
			if got := mustExec(t, url, "res.partner", "exists", list(list(5, 999, 1)), nil); !reflect.DeepEqual(got, list(int64(5), int64(1))) {
				t.Errorf("exists = %v", got)
			}

			tag := mustExec(t, url, "res.partner.category", "name_create", list("VIP"), nil).([]any)
			if tag[1] != "VIP" {
				t.Errorf("name_create = %v", tag)
			}
			pid := mustExec(t, url, "res.partner", "create", list(kw("name", "Tagged", "category_id", list(list(6, 0, list(tag[0]))))), nil)
			if got := mustExec(t, url, "res.partner", "search", list(list(list("category_id", "in", list(tag[0])))), nil); !reflect.DeepEqual(got, list(pid)) {
				t.Errorf("partners tagged VIP = %v, want [%v]", got, pid)
			}

			meta := mustExec(t, url, "res.partner", "get_metadata", list(list(pid)), nil).([]any)[0].(map[string]any)
			if !reflect.DeepEqual(meta["create_uid"], list(adminUID, "Mitchell Admin")) || meta["xmlid"] != false || meta["id"] != pid {
				t.Errorf("get_metadata = %v", meta)
			}
			company := mustExec(t, url, "res.company", "get_metadata", list(list(1)), nil).([]any)[0].(map[string]any)
			if company["xmlid"] != "base.main_company" {
				t.Errorf("company metadata = %v", company)
			}

			for _, tt := range []struct {
				uid    int64
				secret string
				ids    []any
				group  string
				want   bool
			}{
				{adminUID, "admin", list(adminUID), "base.group_system", true},
				{adminUID, "admin", list(viewerUID), "base.group_system", false},
				{adminUID, "admin", list(viewerUID), "base.group_user", true},
				{viewerUID, "viewer", list(), "account.group_account_manager", false},
				{adminUID, "admin", list(), "account.group_account_manager", true},
				{adminUID, "admin", list(), "sale.group_sale_manager", false}, // sale is not installed
				{adminUID, "admin", list(), "base.group_portal", false},
			} {
				got, f := execKw(t, url, tt.uid, tt.secret, "res.users", "has_group", list(tt.ids, tt.group), nil)
				if f != nil || got != tt.want {
					t.Errorf("uid %d has_group(%v, %s) = %v, %v; want %v", tt.uid, tt.ids, tt.group, got, f, tt.want)
				}
			}
			if _, f := execKw(t, url, adminUID, "admin", "res.users", "has_group", list(list(), "group_user"), nil); f == nil || !strings.Contains(f.String, "AssertionError: External ID 'group_user' must be fully qualified") {
				t.Errorf("has_group without module = %v", f)
			}

			if got := mustExec(t, url, "ir.config_parameter", "get_param", list("web.base.url"), nil); got != "http://localhost:8069" {
				t.Errorf("get_param web.base.url = %v", got)
			}
			if got := mustExec(t, url, "ir.config_parameter", "get_param", list("no.such.key", "fallback"), nil); got != "fallback" {
				t.Errorf("get_param default = %v", got)
			}
			if _, f := execKw(t, url, viewerUID, "viewer", "ir.config_parameter", "search_read", list(list()), kw("fields", list("key"))); f == nil || f.Code != 4 {
				t.Errorf("viewer reads system parameters: %v", f)
			}

			acl := mustExec(t, url, "ir.model.access", "search_read", list(list(list("model_id.model", "=", "res.partner"))),
				kw("fields", list("perm_read", "perm_write", "perm_create", "perm_unlink"))).([]any)
			if len(acl) != 1 || acl[0].(map[string]any)["perm_write"] != true || mustExec(t, url, "res.partner", "check_access_rights", list("write"), nil) != true {
				t.Errorf("ir.model.access of res.partner = %v", acl)
			}
			if _, f := execKw(t, url, viewerUID, "viewer", "ir.model.access", "search_read", list(list()), kw("fields", list("name"))); f == nil || f.Code != 4 {
				t.Errorf("viewer reads the access list: %v", f)
			}

			rows := mustExec(t, url, "ir.model.fields", "search_read", list(list(list("model", "=", "res.partner"), list("name", "in", list("company_type", "name")))),
				kw("fields", list("name", "ttype", "store", "model_id"), "order", "name")).([]any)
			if len(rows) != 2 || rows[0].(map[string]any)["ttype"] != "selection" || rows[0].(map[string]any)["store"] != false ||
				rows[1].(map[string]any)["store"] != true || rows[1].(map[string]any)["model_id"].([]any)[1] != "Contact" {
				t.Errorf("ir.model.fields = %v", rows)
			}

			mods := mustExec(t, url, "ir.module.module", "search_read", list(list(list("name", "=", "base"))), kw("fields", list("latest_version", "installed_version"))).([]any)
			if m := mods[0].(map[string]any); m["latest_version"] != version+".1.0" || m["installed_version"] != version+".1.0" {
				t.Errorf("base module versions = %v", m)
			}
		})
	}
}

// TestJSON2NewMethods: the methods added for fidelity take named
// arguments over JSON-2 (19) like the others.
func TestJSON2NewMethods(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "19.0"})
	for _, tt := range []struct {
		model, method string
		body          map[string]any
		want          any
	}{
		{"ir.model.data", "check_object_reference", kw("module", "base", "xml_id", "main_company"), list("res.company", float64(1))},
		{"res.users", "has_group", kw("ids", list(adminUID), "group_ext_id", "base.group_user"), true},
		{"res.partner", "exists", kw("ids", list(5, 999)), list(float64(5))},
		{"ir.config_parameter", "get_param", kw("key", "web.base.url"), "http://localhost:8069"},
		{"res.partner.category", "name_create", kw("name", "Gold"), list(float64(1), "Gold")},
		{"account.move", "action_post", kw("ids", list(4)), nil},
	} {
		status, body := json2(t, url, adminKey, tt.model, tt.method, tt.body)
		switch {
		case tt.want == nil: // action_post on a move without lines: Odoo's UserError, 422
			if status != 422 || body.(map[string]any)["message"] != "You need to add a line before posting." {
				t.Errorf("%s.%s: %d %v", tt.model, tt.method, status, body)
			}
		case status != 200 || !reflect.DeepEqual(body, tt.want):
			t.Errorf("%s.%s = %d %v, want %v", tt.model, tt.method, status, body, tt.want)
		}
	}
}

package odoosim_test

import (
	"reflect"
	"strings"
	"testing"
)

// TestXMLIDs: ir.model.data lists the external ids of the records a fresh
// database gets, and check_object_reference (what OdooRPC's env.ref calls)
// resolves them as Odoo's _xmlid_lookup does.
func TestXMLIDs(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"17.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			_, url := start(t, startOpts{version: version})
			ref := func(module, name string, raise bool) (any, int, string) {
				v, f := execKw(t, url, adminUID, "admin", "ir.model.data", "check_object_reference", list(module, name, raise), nil)
				if f != nil {
					return nil, f.Code, f.String
				}
				return v, 0, ""
			}
			for _, tt := range []struct {
				module, name string
				want         []any
			}{
				{"base", "main_company", list("res.company", int64(1))},
				{"base", "main_partner", list("res.partner", int64(1))},
				{"base", "user_admin", list("res.users", adminUID)},
				{"base", "partner_admin", list("res.partner", int64(3))},
				{"base", "EUR", list("res.currency", int64(1))},
				{"base", "be", list("res.country", int64(1))},
				{"mail", "mt_note", list("mail.message.subtype", int64(2))},
				{"mail", "mt_comment", list("mail.message.subtype", int64(1))},
				{"mail", "mail_activity_data_todo", list("mail.activity.type", int64(1))},
				{"base", "model_res_partner", nil},
			} {
				got, code, msg := ref(tt.module, tt.name, false)
				if tt.want == nil {
					if code != 0 || got.([]any)[0] != "ir.model" {
						t.Errorf("%s.%s = %v (%d %s)", tt.module, tt.name, got, code, msg)
					}
					continue
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("%s.%s = %v (%d %s), want %v", tt.module, tt.name, got, code, msg, tt.want)
				}
			}
			// The simulator's own models are listed in ir.model.
			for _, model := range []string{"ir.model.data", "ir.model.fields", "ir.config_parameter", "mail.message.subtype", "ir.module.module"} {
				if n := mustExec(t, url, "ir.model", "search_count", list(list(list("model", "=", model))), nil); n != int64(1) {
					t.Errorf("ir.model lists %s %v times", model, n)
				}
			}
			if _, code, msg := ref("base", "nope", false); code != 1 || !strings.Contains(msg, "\nValueError: External ID not found in the system: base.nope") {
				t.Errorf("unknown xml id: %d %q", code, msg)
			}
			if _, f := execKw(t, url, adminUID, "admin", "ir.model.data", "_xmlid_lookup", list("base.main_company"), nil); f == nil || f.Code != 4 {
				t.Errorf("_xmlid_lookup called remotely: %v", f)
			}
			rows := mustExec(t, url, "ir.model.data", "search_read", list(list(list("module", "=", "mail"), list("model", "=", "mail.message.subtype"))),
				kw("fields", list("name", "complete_name", "res_id"), "order", "name")).([]any)
			var names []any
			for _, r := range rows {
				names = append(names, r.(map[string]any)["complete_name"])
			}
			if !reflect.DeepEqual(names, list("mail.mt_activities", "mail.mt_comment", "mail.mt_note")) {
				t.Errorf("subtype xml ids = %v", names)
			}
			note := mustExec(t, url, "mail.message.subtype", "read", list(list(2), list("name", "internal")), nil).([]any)[0].(map[string]any)
			if note["name"] != "Note" || note["internal"] != true {
				t.Errorf("mt_note = %v", note)
			}
			// An archived record is not found by the access search.
			mustExec(t, url, "mail.activity.type", "write", list(list(1), kw("active", false)), nil)
			if got, _, _ := ref("mail", "mail_activity_data_todo", false); !reflect.DeepEqual(got, list("mail.activity.type", false)) {
				t.Errorf("archived to-do = %v, want [model, False]", got)
			}
			if _, code, msg := ref("mail", "mail_activity_data_todo", true); code != 4 || !strings.Contains(msg, `Not enough access rights on the external ID "mail.mail_activity_data_todo"`) {
				t.Errorf("archived to-do, raise: %d %q", code, msg)
			}
			// Unlinking a record removes its external id.
			mustExec(t, url, "mail.activity.type", "unlink", list(list(2)), nil)
			if _, code, _ := ref("mail", "mail_activity_data_call", false); code != 1 {
				t.Errorf("xml id of an unlinked record still resolves (code %d)", code)
			}
			if n := mustExec(t, url, "ir.model.data", "search_count", list(list(list("name", "=", "mail_activity_data_call"))), nil); n != int64(0) {
				t.Errorf("ir.model.data still lists the unlinked record: %v", n)
			}
		})
	}
}

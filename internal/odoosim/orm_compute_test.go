package odoosim_test

import (
	"reflect"
	"strings"
	"testing"
)

// TestInvoiceCreateDefaults: account.move create derives the journal,
// currency, draft name and line accounts, and computes the amounts from
// the lines; display_name is Odoo's "Draft Invoice (* id)".
func TestInvoiceCreateDefaults(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"17.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ds := fixture(t)
			if _, err := ds.Add("account.account", rec("code", "400000", "name", "Product Sales", "account_type", "income",
				"company_ids", []int64{1}, "active", true)); err != nil {
				t.Fatal(err)
			}
			if _, err := ds.Add("account.tax", rec("name", "21%", "type_tax_use", "sale", "amount_type", "percent", "amount", 21.0,
				"company_id", int64(1), "active", true)); err != nil {
				t.Fatal(err)
			}
			ds.Get("account.journal", 1)["default_account_id"] = int64(1)
			_, url := start(t, startOpts{version: version, ds: ds})

			id := mustExec(t, url, "account.move", "create", list(kw("move_type", "out_invoice", "partner_id", 5,
				"invoice_line_ids", list(list(0, 0, kw("name", "Consulting", "quantity", 2.0, "price_unit", 50.0, "tax_ids", list(list(6, 0, list(1)))))))), nil).(int64)
			fields := list("journal_id", "currency_id", "name", "display_name", "state", "amount_untaxed", "amount_tax", "amount_total",
				"amount_residual", "amount_total_signed", "line_ids")
			m := mustExec(t, url, "account.move", "read", list(list(id), fields), nil).([]any)[0].(map[string]any)
			want := map[string]any{"journal_id": list(int64(1), "Customer Invoices"), "currency_id": list(int64(1), "EUR"), "name": "/",
				"display_name": "Draft Invoice (* 6)", "state": "draft", "amount_untaxed": 100.0, "amount_tax": 21.0, "amount_total": 121.0,
				"amount_residual": 121.0, "amount_total_signed": 121.0}
			for k, v := range want {
				if !reflect.DeepEqual(m[k], v) {
					t.Errorf("%s = %#v, want %#v", k, m[k], v)
				}
			}
			lineID := m["line_ids"].([]any)[0]
			line := mustExec(t, url, "account.move.line", "read", list(list(lineID), list("account_id", "currency_id", "partner_id", "price_subtotal")), nil).([]any)[0].(map[string]any)
			if line["account_id"].([]any)[0] != int64(1) || line["currency_id"].([]any)[0] != int64(1) || line["partner_id"].([]any)[0] != int64(5) || line["price_subtotal"] != 100.0 {
				t.Errorf("line = %v", line)
			}
			mustExec(t, url, "account.move.line", "write", list(list(lineID), kw("quantity", 3.0)), nil)
			m = mustExec(t, url, "account.move", "read", list(list(id), list("amount_total", "amount_tax")), nil).([]any)[0].(map[string]any)
			if m["amount_total"] != 181.5 || m["amount_tax"] != 31.5 {
				t.Errorf("after changing the quantity: %v", m)
			}
			mustExec(t, url, "account.move", "action_post", list(list(id)), nil)
			m = mustExec(t, url, "account.move", "read", list(list(id), list("name", "display_name")), nil).([]any)[0].(map[string]any)
			if m["name"] != "INV/2025/00005" || m["display_name"] != "INV/2025/00005" {
				t.Errorf("posted = %v", m)
			}
			if _, f := execKw(t, url, adminUID, "admin", "account.move", "create", list(kw("move_type", "in_invoice", "partner_id", 5)), nil); f == nil ||
				!strings.Contains(f.String, "No journal could be found in company Nordwind GmbH for any of those types: purchase") {
				t.Errorf("bill without a purchase journal: %v", f)
			}
		})
	}
}

// TestPartnerRequiresName: contacts need a name (res.partner check_name);
// other address types do not.
func TestPartnerRequiresName(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"17.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			_, url := start(t, startOpts{version: version})
			const msg = "The operation cannot be completed: Contacts require a name"
			if _, f := execKw(t, url, adminUID, "admin", "res.partner", "create", list(kw("email", "x@example.com")), nil); f == nil || f.Code != 2 || f.String != msg {
				t.Errorf("contact without name: %v", f)
			}
			if _, f := execKw(t, url, adminUID, "admin", "res.partner", "write", list(list(5), kw("name", false)), nil); f == nil || f.String != msg {
				t.Errorf("name cleared: %v", f)
			}
			mustExec(t, url, "res.partner", "create", list(kw("type", "invoice", "parent_id", 5)), nil)
		})
	}
}

package odoosim_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoosim"
)

// TestInvoiceWorkflow: action_post numbers the invoice in its journal's
// sequence and posts it, posting twice fails as in Odoo, button_draft and
// button_cancel return None (an XML-RPC fault after the change).
func TestInvoiceWorkflow(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"17.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ds := fixture(t)
			if _, err := ds.Add("account.account", rec("code", "400000", "name", "Product Sales", "account_type", "income",
				"company_ids", []int64{1}, "active", true)); err != nil {
				t.Fatal(err)
			}
			_, url := start(t, startOpts{version: version, ds: ds})
			line := func(price float64) []any {
				return list(0, 0, kw("account_id", 1, "name", "Consulting", "quantity", 1.0, "price_unit", price, "currency_id", 1, "display_type", "product"))
			}
			newMove := func(vals map[string]any) int64 {
				t.Helper()
				base := kw("move_type", "out_invoice", "partner_id", 5, "journal_id", 1, "currency_id", 1, "company_id", 1,
					"date", "2025-03-31", "amount_total", 100.0, "line_ids", list(line(100)))
				for k, v := range vals {
					base[k] = v
				}
				return mustExec(t, url, "account.move", "create", list(base), nil).(int64)
			}
			read := func(id int64) map[string]any {
				return mustExec(t, url, "account.move", "read", list(list(id), list("name", "state", "payment_state", "amount_residual", "invoice_date")), nil).([]any)[0].(map[string]any)
			}
			call := func(id int64, method string) (any, string) {
				v, f := execKw(t, url, adminUID, "admin", "account.move", method, list(list(id)), nil)
				if f != nil {
					return nil, f.String
				}
				return v, ""
			}

			inv := newMove(nil)
			if got, msg := call(inv, "action_post"); got != false || msg != "" {
				t.Fatalf("action_post = %v, %q; want False", got, msg)
			}
			if r := read(inv); r["name"] != "INV/2025/00005" || r["state"] != "posted" || r["payment_state"] != "not_paid" ||
				r["amount_residual"] != 100.0 || r["invoice_date"] != fixtureToday {
				t.Errorf("posted invoice = %v", r)
			}
			if _, msg := call(inv, "action_post"); !strings.Contains(msg, "The entry INV/2025/00005 (id 6) is already posted.") {
				t.Errorf("second action_post: %q", msg)
			}
			if _, msg := call(inv, "button_draft"); !strings.Contains(msg, "cannot marshal None") {
				t.Errorf("button_draft over XML-RPC: %q, want the None fault", msg)
			}
			if r := read(inv); r["state"] != "draft" || r["name"] != "INV/2025/00005" {
				t.Errorf("after button_draft = %v", r)
			}
			if _, msg := call(inv, "button_draft"); !strings.Contains(msg, "Only posted/cancelled journal entries can be reset to draft.") {
				t.Errorf("button_draft on a draft: %q", msg)
			}
			call(inv, "action_post")
			if _, msg := call(inv, "button_cancel"); !strings.Contains(msg, "cannot marshal None") {
				t.Errorf("button_cancel: %q", msg)
			}
			if r := read(inv); r["state"] != "cancel" {
				t.Errorf("after button_cancel = %v", r)
			}
			if _, msg := call(inv, "button_cancel"); !strings.Contains(msg, "Only draft journal entries can be cancelled.") {
				t.Errorf("button_cancel on a cancelled move: %q", msg)
			}

			refund := newMove(map[string]any{"move_type": "out_refund"})
			call(refund, "action_post")
			if r := read(refund); r["name"] != "RINV/2025/00001" {
				t.Errorf("credit note name = %v", r["name"])
			}
			for _, tt := range []struct {
				vals map[string]any
				want string
			}{
				{map[string]any{"line_ids": list()}, "You need to add a line before posting."},
				{map[string]any{"partner_id": false}, "The field 'Customer' is required, please complete it to validate the Customer Invoice."},
				{map[string]any{"move_type": "in_invoice"}, "The Bill/Refund date is required to validate this document."},
			} {
				id := newMove(tt.vals)
				if _, msg := call(id, "action_post"); !strings.Contains(msg, tt.want) {
					t.Errorf("action_post with %v: %q, want %q", tt.vals, msg, tt.want)
				}
				if r := read(id); r["state"] != "draft" {
					t.Errorf("refused post changed the move: %v", r)
				}
			}
		})
	}
}

// TestSaleAndLeadWorkflow: sale.order action_confirm / action_cancel and
// crm.lead action_set_won / action_set_lost on a generated company.
func TestSaleAndLeadWorkflow(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"17.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s, err := odoosim.Open(context.Background(), odoosim.Source{Size: "small", Seed: 5, Today: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)},
				odoosim.Options{Version: version, Logger: slog.New(slog.DiscardHandler), Users: testUsers()})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(s)
			defer ts.Close()
			uid, _ := jsonrpc(t, ts.URL, "common", "authenticate", s.Database(), "admin", "admin", map[string]any{})
			call := func(model, method string, args []any, kwargs map[string]any) (any, string) {
				t.Helper()
				v, e := jsonrpc(t, ts.URL, "object", "execute_kw", s.Database(), uid, "admin", model, method, args, kwargs)
				if e != nil {
					return nil, e["data"].(map[string]any)["message"].(string)
				}
				return v, ""
			}
			partners, _ := call("res.partner", "search", list(list(list("is_company", "=", true))), kw("limit", 1))
			so, msg := call("sale.order", "create", list(kw("partner_id", partners.([]any)[0])), nil)
			if msg != "" {
				t.Fatalf("create quotation: %s", msg)
			}
			if got, msg := call("sale.order", "action_confirm", list(list(so)), nil); got != true {
				t.Fatalf("action_confirm = %v %q", got, msg)
			}
			rows, _ := call("sale.order", "read", list(list(so), list("state", "order_line")), nil)
			if st := rows.([]any)[0].(map[string]any)["state"]; st != "sale" {
				t.Errorf("confirmed order state = %v", st)
			}
			if _, msg := call("sale.order", "action_confirm", list(list(so)), nil); !strings.Contains(msg, "The following orders are not in a state requiring confirmation") {
				t.Errorf("confirming twice: %q", msg)
			}
			if got, _ := call("sale.order", "action_cancel", list(list(so)), nil); got != true {
				t.Errorf("action_cancel = %v", got)
			}

			leads, _ := call("crm.lead", "search", list(list(list("probability", ">", 0), list("probability", "<", 100))), kw("limit", 2))
			won, lost := leads.([]any)[0], leads.([]any)[1]
			reasons, _ := call("crm.lost.reason", "search", list(list()), kw("limit", 1))
			if got, _ := call("crm.lead", "action_set_won", list(list(won)), nil); got != true {
				t.Errorf("action_set_won = %v", got)
			}
			if got, msg := call("crm.lead", "action_set_lost", list(list(lost)), kw("lost_reason_id", reasons.([]any)[0])); got != true {
				t.Errorf("action_set_lost = %v %q", got, msg)
			}
			rows, _ = call("crm.lead", "read", list(list(won, lost), list("probability", "active", "stage_id", "lost_reason_id")), kw("context", kw("active_test", false)))
			w, l := rows.([]any)[0].(map[string]any), rows.([]any)[1].(map[string]any)
			if w["probability"] != 100.0 || w["active"] != true || !strings.Contains(w["stage_id"].([]any)[1].(string), "Won") {
				t.Errorf("won lead = %v", w)
			}
			if l["probability"] != 0.0 || l["active"] != false || l["lost_reason_id"] == false {
				t.Errorf("lost lead = %v", l)
			}
		})
	}
}

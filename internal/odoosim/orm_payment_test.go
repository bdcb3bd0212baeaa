package odoosim_test

import (
	"strings"
	"testing"
)

// TestRegisterPayment: the register-payment wizard created on posted
// invoices pays them: residual down, payment_state partial then
// in_payment, and a posted payment (18+: in process).
func TestRegisterPayment(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ version, paymentState, name string }{
		{"17.0", "posted", "BNK1/2025/00001"},
		{"19.0", "in_process", "PBNK1/2025/00001"},
	} {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			ds := fixture(t)
			if _, err := ds.Add("account.journal", rec("name", "Bank", "code", "BNK1", "type", "bank", "company_id", int64(1), "active", true)); err != nil {
				t.Fatal(err)
			}
			_, url := start(t, startOpts{version: tt.version, ds: ds})
			ctx := kw("active_model", "account.move", "active_ids", list(1))
			wiz := mustExec(t, url, "account.payment.register", "create", list(kw("amount", 500.0)), kw("context", ctx))
			defaults := mustExec(t, url, "account.payment.register", "read", list(list(wiz), list("journal_id", "payment_date", "communication")), nil).([]any)[0].(map[string]any)
			if defaults["journal_id"].([]any)[1] != "Bank" || defaults["payment_date"] != fixtureToday || defaults["communication"] != "INV/2025/00001" {
				t.Errorf("wizard defaults = %v", defaults)
			}
			action := mustExec(t, url, "account.payment.register", "action_create_payments", list(list(wiz)), nil).(map[string]any)
			if action["res_model"] != "account.payment" || action["type"] != "ir.actions.act_window" {
				t.Fatalf("action = %v", action)
			}
			pay := mustExec(t, url, "account.payment", "read", list(list(action["res_id"]), list("state", "amount", "partner_id", "name")), nil).([]any)[0].(map[string]any)
			if pay["state"] != tt.paymentState || pay["amount"] != 500.0 || pay["partner_id"].([]any)[0] != int64(5) || pay["name"] != tt.name {
				t.Errorf("payment = %v", pay)
			}
			inv := func() map[string]any {
				return mustExec(t, url, "account.move", "read", list(list(1), list("amount_residual", "payment_state")), nil).([]any)[0].(map[string]any)
			}
			if got := inv(); got["amount_residual"] != 700.0 || got["payment_state"] != "partial" {
				t.Errorf("after paying 500: %v", got)
			}
			wiz = mustExec(t, url, "account.payment.register", "create", list(kw()), kw("context", ctx))
			mustExec(t, url, "account.payment.register", "action_create_payments", list(list(wiz)), nil)
			if got := inv(); got["amount_residual"] != 0.0 || got["payment_state"] != "in_payment" {
				t.Errorf("after paying the rest: %v", got)
			}
			if _, f := execKw(t, url, adminUID, "admin", "account.payment.register", "create", list(kw()), kw("context", ctx)); f == nil ||
				!strings.Contains(f.String, "nothing left to pay") {
				t.Errorf("paying a paid invoice: %v", f)
			}
			draftCtx := kw("active_model", "account.move", "active_ids", list(4))
			if _, f := execKw(t, url, adminUID, "admin", "account.payment.register", "create", list(kw()), kw("context", draftCtx)); f == nil ||
				!strings.Contains(f.String, "You can only register payment for posted journal entries.") {
				t.Errorf("paying a draft: %v", f)
			}
		})
	}
}

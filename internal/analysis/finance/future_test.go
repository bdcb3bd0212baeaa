package finance_test

import (
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
)

// booksSource joins the aging and cash ledgers: receivables, payables and
// bank lines of company 1 as of 2025-03-31.
func booksSource() analysis.MapSource {
	src := agingSource()
	cash := cashSource()
	src["account.journal"] = cash["account.journal"]
	src["account.move.line"] = append(src["account.move.line"], cash["account.move.line"]...)
	return src
}

// withFuture adds what is dated after Today (2025-03-31): an invoice
// prepared ahead (2025-04-03), a vendor bill dated 2025-04-01 and due
// within the payables-due-soon horizon, a bank fee dated 2025-04-02, and a
// customer payment dated 2025-04-02 reconciled with invoice 102, so Odoo
// already shows 102 paid (residual 0) though its payment is not booked
// today.
func withFuture() analysis.MapSource {
	src := booksSource()
	lines := src["account.move.line"]
	for i, l := range lines {
		if l["move_id"] == int64(102) {
			l = R{"id": 2, "move_id": 102, "partner_id": 1, "company_id": 1, "account_id": 2, "account_type": "asset_receivable",
				"parent_state": "posted", "date": "2024-01-01", "date_maturity": "2025-03-01", "amount_residual": 0.0,
				"balance": 200.0, "matching_number": "A9"}
			lines[i] = l
		}
	}
	future := func(id, move int64, account int64, typ, date string, balance, residual float64) R {
		return R{"id": id, "move_id": move, "partner_id": 1, "company_id": 1, "account_id": account, "account_type": typ,
			"parent_state": "posted", "date": date, "balance": balance, "amount_residual": residual}
	}
	inv := future(200, 130, 2, "asset_receivable", "2025-04-03", 999, 999)
	inv["date_maturity"] = "2025-05-03"
	bill := future(201, 131, 3, "liability_payable", "2025-04-01", -777, -777)
	bill["partner_id"], bill["date_maturity"] = 9, "2025-04-10"
	pay := future(202, 132, 2, "asset_receivable", "2025-04-02", -200, 0)
	pay["matching_number"] = "A9"
	src["account.move.line"] = append(lines, inv, bill, pay,
		future(203, 132, 100, "asset_cash", "2025-04-02", 200, 0),
		future(204, 133, 100, "asset_cash", "2025-04-02", -45, 0))
	billMove := invoice(131, "in_invoice", "posted", "2025-04-01", "2025-04-10", 777, -777, -777)
	billMove["partner_id"] = 9
	src["account.move"] = append(src["account.move"],
		invoice(130, "out_invoice", "posted", "2025-04-03", "2025-05-03", 999, 999, 999), billMove)
	for i, m := range src["account.move"] {
		if m["id"] == int64(102) {
			m["amount_residual"], m["amount_residual_signed"] = 0.0, 0.0
			src["account.move"][i] = m
		}
	}
	return src
}

// TestFutureDatedItems checks that entries dated after Today change none
// of today's figures (receivables, payables, their aging, overdue, DSO,
// payables due soon, cash, flows, burn and runway) and none of the
// insights, and that the ledger's as-of figures for Today agree.
func TestFutureDatedItems(t *testing.T) {
	t.Parallel()
	before, after := run(t, booksSource(), nil), run(t, withFuture(), nil)
	figures := func(res *analysis.Result) map[string]float64 {
		out := map[string]float64{}
		for _, m := range res.Metrics {
			if strings.HasPrefix(m.Name, "finance.ar.") || strings.HasPrefix(m.Name, "finance.ap.") ||
				strings.HasPrefix(m.Name, "finance.cash.") || m.Name == "finance.dso_days" {
				out[m.Name+"@"+string(rune('0'+m.CompanyID))] = m.Value
			}
		}
		return out
	}
	want, got := figures(before), figures(after)
	if len(want) < 30 {
		t.Fatalf("only %d figures: %v", len(want), want)
	}
	for name, v := range want {
		if w, ok := got[name]; !ok || !near(v, w) {
			t.Errorf("%s = %v with future-dated items, %v without", name, got[name], v)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s appears only with future-dated items", name)
		}
	}
	if b, a := len(before.Insights), len(after.Insights); b != a {
		t.Errorf("%d insights with future-dated items, %d without", a, b)
	}
	for _, in := range after.Insights {
		for _, r := range in.Refs {
			for _, id := range r.IDs {
				if r.Model == "account.move" && id >= 130 {
					t.Errorf("%s cites the future-dated entry %d", in.Kind, id)
				}
			}
		}
	}
	// Checks that the fixture bites: the payment settles 102 in Odoo, and
	// the future items are there.
	if m := metricOf(t, before, "finance.ar.partner.1.overdue", 1); !near(m.Value, 1050) {
		t.Fatalf("Acme overdue = %v, want 1050", m.Value)
	}

	src := withFuture()
	led := finance.NewLedger(nil, src["account.move"], src["account.move.line"], src["account.journal"], nil)
	if c := led.CashAsOf(today)[1]; !near(c, want["finance.cash.position@1"]) {
		t.Errorf("ledger cash today = %v, live %v", c, want["finance.cash.position@1"])
	}
	for _, side := range []struct{ typ, prefix string }{{"asset_receivable", "finance.ar."}, {"liability_payable", "finance.ap."}} {
		ag := led.AgingAsOf(side.typ, today)[1]
		for b, n := range finance.BucketNames {
			if !near(ag.Buckets[b], want[side.prefix+n+"@1"]) {
				t.Errorf("ledger %s%s today = %v, live %v", side.prefix, n, ag.Buckets[b], want[side.prefix+n+"@1"])
			}
		}
	}
	// Once their day has come they count: the bill is payable on 2025-04-01.
	env := &analysis.Env{Source: withFuture(), Today: date("2025-04-01")}
	res, err := finance.New().Analyze(t.Context(), env)
	if err != nil {
		t.Fatal(err)
	}
	if m := metricOf(t, res, "finance.ap.total", 1); !near(m.Value, 600+777) {
		t.Errorf("payables on 2025-04-01 = %v, want 1377 with the bill", m.Value)
	}
}

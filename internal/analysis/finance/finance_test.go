package finance_test

import (
	"context"
	"math"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/odoo"
)

type R = odoo.Record

func date(s string) odoo.Date {
	d, err := odoo.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// today is a 31st: 2025-03-01 is exactly 30 days before it, 2025-02-28
// exactly 31.
var today = date("2025-03-31")

func run(t *testing.T, src analysis.MapSource, th map[string]float64) *analysis.Result {
	t.Helper()
	env := &analysis.Env{Source: src, Today: today, Thresholds: th, OdooURL: "https://odoo.example"}
	res, err := finance.New().Analyze(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func metricOf(t *testing.T, res *analysis.Result, name string, company int64) analysis.Metric {
	t.Helper()
	for _, m := range res.Metrics {
		if m.Name == name && m.CompanyID == company {
			return m
		}
	}
	t.Fatalf("metric %s of company %d missing", name, company)
	return analysis.Metric{}
}

func insightsOf(res *analysis.Result, kind string) map[string]analysis.Insight {
	out := map[string]analysis.Insight{}
	for _, in := range res.Insights {
		if in.Kind == kind {
			out[in.Subject] = in
		}
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

// base holds two companies, EUR and USD, and their currencies.
func base() analysis.MapSource {
	return analysis.MapSource{
		"res.company":  {{"id": 1, "name": "Nord GmbH", "currency_id": 1}, {"id": 2, "name": "Nord Inc.", "currency_id": []any{2, "USD"}}},
		"res.currency": {{"id": 1, "name": "EUR"}, {"id": 2, "name": "USD"}},
		"res.partner": {
			{"id": 1, "name": "Acme", "active": true}, {"id": 2, "name": "Bolt", "active": true},
			{"id": 3, "name": "Crane (archived)", "active": false}, {"id": 9, "name": "Vendor", "active": true},
		},
		"account.move":      {},
		"account.move.line": {},
		"account.journal":   {},
		"account.payment":   {},
		"account.account":   {},
	}
}

func recvLine(id, move, partner int64, maturity string, residual float64) R {
	return R{"id": id, "move_id": move, "partner_id": partner, "company_id": 1, "account_id": 2, "account_type": "asset_receivable",
		"parent_state": "posted", "date": "2024-01-01", "date_maturity": maturity, "amount_residual": residual}
}

func payLine(id, move int64, maturity string, residual float64) R {
	return R{"id": id, "move_id": move, "partner_id": 9, "company_id": 1, "account_id": 3, "account_type": "liability_payable",
		"parent_state": "posted", "date": "2024-01-01", "date_maturity": maturity, "amount_residual": residual}
}

func invoice(id int64, typ, state, invDate, due string, residual, residualSigned, totalSigned float64) R {
	return R{"id": id, "name": "INV/" + typ, "move_type": typ, "state": state, "company_id": 1, "partner_id": 1, "currency_id": 1,
		"invoice_date": invDate, "invoice_date_due": due, "date": invDate,
		"amount_residual": residual, "amount_residual_signed": residualSigned, "amount_total_signed": totalSigned}
}

func TestBucketOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		days, want int
	}{
		{-5, finance.BucketNotDue}, {0, finance.BucketNotDue}, {1, finance.Bucket1To30}, {30, finance.Bucket1To30},
		{31, finance.Bucket31To60}, {60, finance.Bucket31To60}, {61, finance.Bucket61To90}, {90, finance.Bucket61To90},
		{91, finance.BucketOver90}, {400, finance.BucketOver90},
	} {
		if got := finance.BucketOf(tc.days); got != tc.want {
			t.Errorf("BucketOf(%d) = %d, want %d", tc.days, got, tc.want)
		}
	}
}

// agingSource is a small ledger. Receivables of company 1, days past due at
// 2025-03-31 in brackets:
//
//	A  100    due 2025-03-31 [0]   not due
//	B  200    due 2025-03-01 [30]  1-30
//	P -150    payment, no due date, dated 2025-03-20 [11]  1-30
//	C  300    due 2025-02-28 [31]  31-60 (500 invoiced, 200 paid)
//	D  -50    credit note due 2025-01-30 [60]  31-60
//	H   80    due 2025-01-30 [60]  31-60
//	I   60    due 2025-01-31 [59]  31-60
//	E  400    due 2025-01-29 [61]  61-90 (440 USD, archived partner)
//	F   10    due 2024-12-31 [90]  61-90
//	G 1000    due 2024-12-30 [91]  over 90
//
// plus a draft line and a reconciled line that do not count, and a line of
// company 2. Totals: not due 100; 1-30 200-150 = 50; 31-60 300-50+80+60 =
// 390; 61-90 410; over 90 1000; total 1950, overdue 1850.
func agingSource() analysis.MapSource {
	src := base()
	src["account.move.line"] = []R{
		recvLine(1, 101, 1, "2025-03-31", 100),
		recvLine(2, 102, 1, "2025-03-01", 200),
		{"id": 3, "move_id": 103, "partner_id": []any{1, "Acme"}, "company_id": 1, "account_id": 2, "account_type": "asset_receivable",
			"parent_state": "posted", "date": "2025-03-20", "date_maturity": false, "amount_residual": -150.0},
		recvLine(4, 104, 2, "2025-02-28", 300),
		recvLine(5, 105, 2, "2025-01-30", -50),
		recvLine(6, 108, 2, "2025-01-30", 80),
		recvLine(7, 109, 2, "2025-01-31", 60),
		recvLine(8, 106, 3, "2025-01-29", 400),
		recvLine(9, 107, 3, "2024-12-31", 10),
		recvLine(10, 110, 1, "2024-12-30", 1000),
		{"id": 11, "move_id": 111, "partner_id": 1, "company_id": 1, "account_type": "asset_receivable", "parent_state": "draft",
			"date_maturity": "2024-01-01", "amount_residual": 999.0},
		recvLine(12, 112, 1, "2024-01-01", 0),
		{"id": 13, "move_id": 113, "partner_id": 1, "company_id": 2, "account_type": "asset_receivable", "parent_state": "posted",
			"date_maturity": "2025-05-01", "amount_residual": 70.0},
		// Payables: a bill due in 10 days, one 30 days overdue and a vendor
		// credit note 16 days overdue.
		payLine(20, 120, "2025-04-10", -500),
		payLine(21, 121, "2025-03-01", -120),
		payLine(22, 122, "2025-03-15", 20),
	}
	src["account.move"] = []R{
		invoice(101, "out_invoice", "posted", "2025-03-01", "2025-03-31", 100, 100, 100),
		invoice(102, "out_invoice", "posted", "2025-01-30", "2025-03-01", 200, 200, 200),
		invoice(104, "out_invoice", "posted", "2025-01-29", "2025-02-28", 300, 300, 500),
		invoice(105, "out_refund", "posted", "2024-12-31", "2025-01-30", 50, -50, -50),
		invoice(108, "out_invoice", "posted", "2024-12-31", "2025-01-30", 80, 80, 80),
		invoice(109, "out_invoice", "posted", "2025-01-01", "2025-01-31", 60, 60, 60),
		func() R {
			r := invoice(106, "out_invoice", "posted", "2024-12-30", "2025-01-29", 440, 400, 400)
			r["partner_id"], r["currency_id"] = 3, []any{2, "USD"}
			return r
		}(),
		invoice(107, "out_invoice", "posted", "2024-12-01", "2024-12-31", 10, 10, 10),
		invoice(110, "out_invoice", "posted", "2024-11-30", "2024-12-30", 1000, 1000, 1000),
		invoice(111, "out_invoice", "draft", "2023-12-01", "2024-01-01", 999, 999, 999),
		invoice(112, "out_invoice", "posted", "2023-12-01", "2024-01-01", 0, 0, 900),
	}
	return src
}

func TestAging(t *testing.T) {
	t.Parallel()
	res := run(t, agingSource(), nil)
	for _, tc := range []struct {
		name    string
		company int64
		want    float64
	}{
		{"finance.ar.not_due", 1, 100}, {"finance.ar.1_30", 1, 50}, {"finance.ar.31_60", 1, 390}, {"finance.ar.61_90", 1, 410},
		{"finance.ar.over_90", 1, 1000}, {"finance.ar.total", 1, 1950}, {"finance.ar.overdue", 1, 1850},
		{"finance.ar.not_due", 2, 70}, {"finance.ar.total", 2, 70}, {"finance.ar.overdue", 2, 0},
		{"finance.ap.not_due", 1, 500}, {"finance.ap.1_30", 1, 100}, {"finance.ap.total", 1, 600}, {"finance.ap.overdue", 1, 100},
		// Per partner: Acme 50+1000 overdue, Bolt 390, the archived Crane 410.
		{"finance.ar.partner.1.overdue", 1, 1050}, {"finance.ar.partner.2.overdue", 1, 390}, {"finance.ar.partner.3.overdue", 1, 410},
		// DSO: 1950 open over sales of 2025-01-01..03-31 (100+200+500+60 =
		// 860), times 90 days.
		{"finance.dso_days", 1, 204.07},
		// Payables due in the next 14 days: the 500 bill.
		{"finance.ap.due_next_14d", 1, 500},
	} {
		m := metricOf(t, res, tc.name, tc.company)
		if !near(m.Value, tc.want) || !m.Available {
			t.Errorf("%s (company %d) = %v (available %v), want %v", tc.name, tc.company, m.Value, m.Available, tc.want)
		}
	}
	if m := metricOf(t, res, "finance.ar.total", 2); m.Unit != "USD" {
		t.Errorf("company 2 unit = %q, want USD", m.Unit)
	}
}

func TestOverdueInvoices(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		th   map[string]float64
		// want maps the subject to the priority.
		want map[string]string
	}{
		{"defaults", nil, map[string]string{
			"account.move:108": "medium", // 60 days: included
			"account.move:106": "medium", // 61 days, foreign currency
			"account.move:107": "high",   // 90 days
			"account.move:110": "high",   // 91 days
		}},
		{"30 days, high from 61", map[string]float64{finance.ThresholdOverdueDays: 30, finance.ThresholdOverdueHighDays: 61}, map[string]string{
			"account.move:102": "medium", "account.move:104": "medium", "account.move:108": "medium", "account.move:109": "medium",
			"account.move:106": "high", "account.move:107": "high", "account.move:110": "high",
		}},
		// The money decides between high and critical: 1,000 unpaid 91 days
		// is critical from 500, 10 unpaid 90 days stays high.
		{"critical from 500 unpaid", map[string]float64{finance.ThresholdOverdueCriticalAmount: 500}, map[string]string{
			"account.move:108": "medium", "account.move:106": "medium", "account.move:107": "high", "account.move:110": "critical",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := insightsOf(run(t, agingSource(), tc.th), finance.KindOverdueInvoice)
			if len(got) != len(tc.want) {
				t.Errorf("got %d overdue insights, want %d: %v", len(got), len(tc.want), got)
			}
			for subj, prio := range tc.want {
				in, ok := got[subj]
				if !ok {
					t.Errorf("%s not flagged", subj)
					continue
				}
				if in.Priority != prio {
					t.Errorf("%s priority %s, want %s", subj, in.Priority, prio)
				}
				if in.Refs[0].Model != "account.move" || in.Refs[0].URL == "" {
					t.Errorf("%s refs = %+v", subj, in.Refs)
				}
			}
		})
	}
	in := insightsOf(run(t, agingSource(), nil), finance.KindOverdueInvoice)["account.move:106"]
	if in.Facts["amount_residual_signed"] != 400 || in.Facts["amount_residual"] != 440 || in.Facts["days_overdue"] != 61 {
		t.Errorf("foreign-currency invoice facts = %v, want 400 EUR (440 USD), 61 days", in.Facts)
	}
}

// cashSource has a bank journal (account 100) and a cash journal (101) in
// company 1 and a USD-journal bank in company 2. Window 2025-01-01..03-31.
//
//	cash: 10000 - 900 - 300 - 1000 - 30 - 500 + 500 + 2000 + 1200 = 10970
//	  (the draft -5000 does not count; the unmatched payment 7 sits on the
//	  outstanding account 102; the -2500 of line 13 is dated after Today)
//	outflows: bank lines 900 + 300 + fee 30 = 1230; line 4 is before the
//	  window, 9 a draft, the transfer bank -> cash (entry 61) nets to 0
//	inflows: the customer receipt of line 11, 1200
//	runway: 10970 / (1230 / 90) = 802.68 days
func cashSource() analysis.MapSource {
	src := base()
	liq := func(id, move, payment, account int64, date string, balance float64) R {
		return R{"id": id, "move_id": move, "payment_id": payment, "company_id": 1, "account_id": account, "account_type": "asset_cash",
			"parent_state": "posted", "date": date, "balance": balance}
	}
	src["account.journal"] = []R{
		{"id": 10, "type": "bank", "company_id": 1, "default_account_id": 100, "active": true},
		{"id": 11, "type": "cash", "company_id": 1, "default_account_id": 101, "active": true},
		{"id": 12, "type": "sale", "company_id": 1, "default_account_id": 400, "active": true},
		{"id": 20, "type": "bank", "company_id": 2, "default_account_id": 200, "currency_id": 1, "active": true},
	}
	src["account.move.line"] = []R{
		liq(1, 40, 0, 100, "2024-01-01", 10000),
		liq(2, 50, 1, 100, "2025-03-10", -900),
		liq(3, 51, 2, 100, "2025-01-01", -300),
		liq(4, 52, 3, 100, "2024-12-31", -1000),
		liq(5, 60, 0, 100, "2025-02-15", -30),
		liq(6, 61, 0, 100, "2025-03-01", -500),
		liq(7, 61, 0, 101, "2025-03-01", 500),
		liq(8, 41, 0, 101, "2024-01-01", 2000),
		{"id": 9, "move_id": 62, "company_id": 1, "account_id": 100, "parent_state": "draft", "date": "2025-03-30", "balance": -5000.0},
		{"id": 10, "move_id": 70, "company_id": 2, "account_id": 200, "parent_state": "posted", "date": "2025-03-01", "balance": 700.0, "amount_currency": 800.0},
		liq(11, 53, 0, 100, "2025-02-01", 1200),
		liq(12, 56, 7, 102, "2025-03-29", -100),
		liq(13, 63, 0, 100, "2025-04-02", -2500),
	}
	return src
}

func TestCash(t *testing.T) {
	t.Parallel()
	res := run(t, cashSource(), nil)
	for _, tc := range []struct {
		name    string
		company int64
		want    float64
	}{
		{"finance.cash.position", 1, 10970}, {"finance.cash.outflows_window", 1, 1230}, {"finance.cash.inflows_window", 1, 1200},
		{"finance.cash.runway_days", 1, 802.68},
		// Monthly burn over 90 days = 2.957 average months (30.4375 days).
		{"finance.cash.gross_burn_monthly", 1, 415.98}, {"finance.cash.burn_monthly", 1, 10.15},
		// Net runway: 10970 / ((1230 - 1200) / 90).
		{"finance.cash.net_runway_days", 1, 32910},
		{"finance.cash.inflows_window", 2, 700}, {"finance.cash.outflows_window", 2, 0},
		{"finance.cash.position", 2, 700}, {"finance.cash.runway_days", 2, 9999},
	} {
		if m := metricOf(t, res, tc.name, tc.company); !near(m.Value, tc.want) {
			t.Errorf("%s (company %d) = %v, want %v", tc.name, tc.company, m.Value, tc.want)
		}
	}
	if n := len(insightsOf(res, finance.KindLowCashRunway)); n != 0 {
		t.Errorf("802 days of runway raised %d insights", n)
	}
	for _, tc := range []struct {
		name string
		th   map[string]float64
		want string
	}{
		{"just above", map[string]float64{finance.ThresholdRunwayDays: 802}, ""},
		{"below", map[string]float64{finance.ThresholdRunwayDays: 803}, "high"},
		{"critical", map[string]float64{finance.ThresholdRunwayDays: 900, finance.ThresholdRunwayCriticalDays: 803}, "critical"},
	} {
		got := insightsOf(run(t, cashSource(), tc.th), finance.KindLowCashRunway)
		in, ok := got["res.company:1:cash_runway"]
		if tc.want == "" {
			if len(got) != 0 {
				t.Errorf("%s: unexpected %v", tc.name, got)
			}
			continue
		}
		if !ok || in.Priority != tc.want || len(got) != 1 {
			t.Errorf("%s: got %v, want one %s insight", tc.name, got, tc.want)
			continue
		}
		if r := in.Refs[0]; r.Model != "account.journal" || len(r.IDs) != 2 || r.IDs[0] != 10 || r.IDs[1] != 11 {
			t.Errorf("%s: refs %+v, want the bank and cash journals 10 and 11", tc.name, in.Refs)
		}
	}
}

func TestRunway(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cash, out float64
		window    int
		want      float64
		ok        bool
	}{
		{9000, 9000, 90, 90, true}, {38000, 90000, 90, 38, true}, {-500, 900, 90, -50, true}, {100, 0, 90, 0, false},
	} {
		got, ok := finance.Runway(tc.cash, tc.out, tc.window)
		if ok != tc.ok || !near(got, tc.want) {
			t.Errorf("Runway(%v, %v, %d) = %v, %v; want %v, %v", tc.cash, tc.out, tc.window, got, ok, tc.want, tc.ok)
		}
	}
}

// budgetSource: Q1 2025 budgets of 1000 each.
//
//	501: 600 (Jan 1) + 400 (Mar 31) - 50 (refund) + 300 = 1250 -> 125%, high
//	     (Apr 1, Dec 31, a draft line and company 2's line do not count)
//	502: 1100 -> 110%, medium
//	503: exactly 1000 -> within budget
//	504: archived, ignored
func budgetSource() analysis.MapSource {
	src := base()
	l := func(id, account, company int64, state, date string, balance float64) R {
		return R{"id": id, "move_id": id, "account_id": account, "company_id": company, "parent_state": state, "date": date, "balance": balance}
	}
	src["account.move.line"] = []R{
		l(1, 501, 1, "posted", "2025-01-01", 600), l(2, 501, 1, "posted", "2025-03-31", 400), l(3, 501, 1, "posted", "2025-02-10", -50),
		l(4, 501, 1, "posted", "2025-02-20", 300), l(5, 501, 1, "posted", "2025-04-01", 999), l(6, 501, 1, "posted", "2024-12-31", 999),
		l(7, 501, 1, "draft", "2025-02-01", 999), l(8, 501, 2, "posted", "2025-02-01", 999),
		l(9, 502, 1, "posted", "2025-02-01", 1100), l(10, 503, 1, "posted", "2025-02-01", 1000), l(11, 504, 1, "posted", "2025-02-01", 5000),
	}
	b := func(id, account int64, active bool) R {
		return R{"id": id, "name": "Budget", "account_id": account, "company_id": 1, "date_from": "2025-01-01", "date_to": "2025-03-31",
			"planned_amount": 1000.0, "active": active}
	}
	src["aicoo.budget"] = []R{b(1, 501, true), b(2, 502, true), b(3, 503, true), b(4, 504, false)}
	return src
}

func TestBudget(t *testing.T) {
	t.Parallel()
	res := run(t, budgetSource(), nil)
	got := insightsOf(res, finance.KindBudgetOverrun)
	want := map[string]struct {
		prio   string
		actual float64
	}{"aicoo.budget:1": {"high", 1250}, "aicoo.budget:2": {"medium", 1100}}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for s, w := range want {
		if in := got[s]; in.Priority != w.prio || in.Facts["actual"] != w.actual || in.Refs[0].Model != "aicoo.budget" {
			t.Errorf("%s = %+v, want %s with actual %v", s, in, w.prio, w.actual)
		}
	}
	for _, tc := range []struct {
		name string
		want float64
	}{{"finance.budget.lines", 3}, {"finance.budget.overruns", 2}, {"finance.budget.overspend", 350},
		{"finance.budget.current_planned", 3000}, {"finance.budget.current_actual", 3350}} {
		if m := metricOf(t, res, tc.name, 1); !near(m.Value, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, m.Value, tc.want)
		}
	}
	// Without the aicoo budget model (and no Odoo budgets) the figure is
	// unavailable, not zero.
	if m := metricOf(t, run(t, base(), nil), "finance.budget.overruns", 0); m.Available {
		t.Errorf("budget figure without budgets = %+v, want unavailable", m)
	}
}

// billSource: vendor 9 bills about 100 a month; a 1000 bill in March is
// unusual (10 times the median of 100, 9.3 times the 90th percentile of
// 107.5). A 1000 bill of vendor 8 (two bills before) has no history and
// its account 601 too few bills; vendor 7's PO-backed 1000 bill is not
// judged by default; vendor 6's 2000 bill (ten times its usual 200) is
// dated before the 90-day window.
func billSource() analysis.MapSource {
	src := base()
	var moves, lines []R
	bill := func(id, vendor int64, date string, amount float64, account int64, po bool) {
		moves = append(moves, R{"id": id, "name": "BILL", "move_type": "in_invoice", "state": "posted", "company_id": 1, "partner_id": vendor,
			"commercial_partner_id": vendor, "invoice_date": date, "date": date, "amount_total_signed": -amount, "currency_id": 1})
		l := R{"id": id, "move_id": id, "display_type": "product", "account_id": account, "balance": amount, "company_id": 1, "parent_state": "posted", "date": date}
		if po {
			l["purchase_line_id"] = id
		}
		lines = append(lines, l)
	}
	for i, amt := range []float64{100, 110, 90, 105, 95, 100} {
		bill(int64(10+i), 9, "2024-0"+string(rune('3'+i))+"-05", amt, 600, false)
	}
	bill(20, 9, "2025-03-05", 1000, 600, false)
	for i := range 6 {
		bill(int64(50+i), 6, "2024-0"+string(rune('3'+i))+"-07", 200, 603, false)
	}
	bill(56, 6, "2024-12-02", 2000, 603, false) // unusual, but before the window
	bill(30, 8, "2024-05-01", 100, 601, false)
	bill(31, 8, "2024-06-01", 100, 601, false)
	bill(32, 8, "2025-03-01", 1000, 601, false)
	for i := range 7 {
		bill(int64(40+i), 7, "2024-0"+string(rune('3'+i))+"-10", 100, 602, true)
	}
	bill(47, 7, "2025-03-10", 1000, 602, true)
	src["account.move"], src["account.move.line"] = moves, lines
	return src
}

func TestUnusualBills(t *testing.T) {
	t.Parallel()
	got := insightsOf(run(t, billSource(), nil), finance.KindUnusualTransaction)
	in, ok := got["account.move:20"]
	if !ok || len(got) != 1 {
		t.Fatalf("got %v, want only account.move:20", got)
	}
	// Others of vendor 9: 100 110 90 105 95 100: median 100, ratio 10,
	// 90th percentile 105 + 0.5 * (110 - 105) = 107.5.
	if in.Facts["median"] != 100 || in.Facts["ratio"] != 10 || in.Facts["p90"] != 107.5 || in.Priority != "high" {
		t.Errorf("facts %v priority %s", in.Facts, in.Priority)
	}
	got = insightsOf(run(t, billSource(), map[string]float64{finance.ThresholdBillJudgePO: 1}), finance.KindUnusualTransaction)
	if _, ok := got["account.move:47"]; !ok || len(got) != 2 {
		t.Errorf("judging PO-backed bills: got %v, want account.move:20 and 47", got)
	}
}

func TestExpensesAwaitingApproval(t *testing.T) {
	t.Parallel()
	src := base()
	src["hr.expense.sheet"] = []R{
		{"id": 1, "state": "submit", "company_id": 1, "total_amount": 100.0, "create_date": "2025-03-01 09:00:00"},
		{"id": 2, "state": "submit", "company_id": 1, "total_amount": 50.5, "create_date": "2025-03-25 09:00:00"},
		{"id": 3, "state": "approve", "company_id": 1, "total_amount": 999.0, "create_date": "2025-01-01 09:00:00"},
	}
	src["hr.expense"] = []R{}
	res := run(t, src, nil)
	for _, tc := range []struct {
		name string
		want float64
	}{{"finance.expenses.awaiting_approval", 2}, {"finance.expenses.awaiting_approval_amount", 150.5}, {"finance.expenses.awaiting_approval_oldest_days", 30}} {
		if m := metricOf(t, res, tc.name, 1); !near(m.Value, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, m.Value, tc.want)
		}
	}
	if got := insightsOf(res, finance.KindApprovalBacklog); len(got) != 1 {
		t.Errorf("backlog insights = %v", got)
	}
	// Odoo 19: no expense reports; expenses are submitted one by one.
	src19 := base()
	src19["hr.expense"] = []R{{"id": 1, "state": "submitted", "company_id": 1, "total_amount": 20.0}, {"id": 2, "state": "approved", "company_id": 1, "total_amount": 5.0}}
	if m := metricOf(t, run(t, src19, nil), "finance.expenses.awaiting_approval_amount", 1); m.Value != 20 {
		t.Errorf("19: awaiting = %v, want 20", m.Value)
	}
}

func TestUnavailable(t *testing.T) {
	t.Parallel()
	res := run(t, analysis.MapSource{"res.company": {{"id": 1, "currency_id": 1}}}, nil)
	if len(res.Metrics) == 0 || len(res.Insights) != 0 {
		t.Fatalf("without accounting: %+v", res)
	}
	for _, m := range res.Metrics {
		if m.Available {
			t.Errorf("%s is available without the accounting module", m.Name)
		}
	}
}

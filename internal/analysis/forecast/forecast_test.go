package forecast_test

import (
	"context"
	"math"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Partners of the hand-made company.
const (
	custA    = 100 // pays 5, 7 and 9 days late
	custB    = 200 // new: no history
	custC    = 300 // pays 0-2 days late; one invoice is far beyond that
	vendV    = 400 // an open bill
	vendHist = 500 // three bills, paid two days early
)

// handMade is the company of TestHandMadeCompany, as of 2025-03-05. Its
// forecast weeks run Thursday to Wednesday: week 1 is 6-12 March, week 2
// 13-19 March, week 3 20-26 March, ..., week 13 29 May to 4 June.
func handMade(t *testing.T) (*books, float64) {
	b := newBooks(t, 100000)
	cash := 100000.0
	// Customer A: three paid invoices, 5, 7 and 9 days late.
	b.paidInvoice("out_invoice", custA, "2024-10-01", "2024-10-31", "2024-11-05", 1000)
	b.paidInvoice("out_invoice", custA, "2024-11-01", "2024-12-01", "2024-12-08", 1000)
	b.paidInvoice("out_invoice", custA, "2024-12-01", "2024-12-31", "2025-01-09", 1000)
	// Customer C: three paid invoices, 0, 1 and 2 days late.
	b.paidInvoice("out_invoice", custC, "2024-10-10", "2024-11-09", "2024-11-09", 500)
	b.paidInvoice("out_invoice", custC, "2024-11-10", "2024-12-10", "2024-12-11", 500)
	b.paidInvoice("out_invoice", custC, "2024-12-10", "2025-01-09", "2025-01-11", 500)
	// The company pays its bills two days early; these three are
	// irregular, so not a recurring flow.
	b.paidInvoice("in_invoice", vendHist, "2024-06-03", "2024-07-03", "2024-07-01", 400)
	b.paidInvoice("in_invoice", vendHist, "2024-09-15", "2024-10-15", "2024-10-13", 900)
	b.paidInvoice("in_invoice", vendHist, "2024-10-02", "2024-11-01", "2024-10-30", 150)
	cash += 3000 + 1500 - 400 - 900 - 150
	// Salaries paid by transfer on the 25th: a monthly recurring flow.
	for _, d := range []string{"2024-09-25", "2024-10-25", "2024-11-25", "2024-12-25", "2025-01-25", "2025-02-25"} {
		b.entry(d, d, -5000, accSalaries, "Salaries")
		cash -= 5000
	}
	// Open items.
	b.invoice("out_invoice", custA, "2025-02-20", "2025-03-07", 1190) // A's habit: 7 days late, 14 March
	b.invoice("out_invoice", custB, "2025-02-18", "2025-03-20", 2000) // the company's habit: 3.5 days, 24 March
	b.invoice("out_invoice", custC, "2025-01-24", "2025-02-23", 800)  // 10 days late, C never was: doubtful
	b.invoice("in_invoice", vendV, "2025-02-15", "2025-03-17", 3000)  // paid two days early, 15 March
	// A bank line dated after today, entered yesterday.
	b.entry("2025-03-10", "2025-03-04", -700, accExpense, "Transfer to savings")
	// A confirmed sale order to be delivered on 10 March: invoiced then,
	// due 30 days later (9 April), A pays 7 days late: 16 April.
	b.add("sale.order", odoo.Record{"name": "S00001", "partner_id": int64(custA), "date_order": "2025-03-03 09:00:00", "state": "sale",
		"commitment_date": "2025-03-10 12:00:00", "amount_total": 500.0, "currency_id": int64(1), "company_id": int64(1), "payment_term_id": int64(1),
		"invoice_ids": []int64{}, "opportunity_id": int64(1), "create_date": "2025-03-03 09:00:00"})
	// A confirmed purchase order arriving on 8 March: billed then, due 7
	// April, paid two days early: 5 April.
	b.add("purchase.order", odoo.Record{"name": "P00001", "partner_id": int64(vendV), "date_order": "2025-03-01 09:00:00", "date_approve": "2025-03-01 09:00:00",
		"date_planned": "2025-03-08 10:00:00", "state": "purchase", "amount_total": 800.0, "currency_id": int64(1), "company_id": int64(1),
		"payment_term_id": int64(1), "invoice_ids": []int64{}, "create_date": "2025-03-01 09:00:00"})
	// An open opportunity: 10,000 at 40%, closing on 1 April.
	b.add("crm.lead", odoo.Record{"name": "Big deal", "type": "opportunity", "partner_id": int64(custB), "company_id": int64(1), "active": true,
		"expected_revenue": 10000.0, "probability": 40.0, "date_deadline": "2025-04-01", "date_closed": false, "create_date": "2025-01-10 09:00:00"})
	return b, cash
}

var handToday = date("2025-03-05")

// TestHandMadeCompany checks every week of the hand-made company's
// forecast against figures worked out by hand (see handMade).
func TestHandMadeCompany(t *testing.T) {
	t.Parallel()
	b, cash := handMade(t)
	f, err := forecast.Compute(context.Background(), b.recs, handToday, forecast.Options{CommittedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Companies) != 1 {
		t.Fatalf("got %d companies, want 1", len(f.Companies))
	}
	c := f.Companies[0]
	if c.OpeningCash != cash {
		t.Errorf("opening cash %.2f, want %.2f (the future bank line must not count)", c.OpeningCash, cash)
	}
	want := map[int][2]float64{ // week: receipts, payments
		1:  {0, -700},     // the bank line of 10 March
		2:  {1190, -3000}, // A's invoice on 14 March, V's bill on 15 March
		3:  {2000, -5000}, // B's invoice on 24 March (company habit), salaries on 25 March
		5:  {0, -800},     // the purchase order, paid 5 April
		6:  {500, 0},      // the sale order, paid 16 April
		8:  {0, -5000},    // salaries, 25 April
		12: {0, -5000},    // salaries, 25 May
	}
	closing := cash
	for _, w := range c.Weeks {
		e := want[w.Week]
		closing += e[0] + e[1]
		if !near(w.Receipts, e[0]) || !near(w.Payments, e[1]) || !near(w.Closing, closing) {
			t.Errorf("week %d (%s-%s): receipts %.2f payments %.2f closing %.2f, want %.2f %.2f %.2f", w.Week, w.Start, w.End,
				w.Receipts, w.Payments, w.Closing, e[0], e[1], closing)
		}
		if w.Low > w.Closing || w.High < w.Closing {
			t.Errorf("week %d: band %.2f-%.2f does not hold closing %.2f", w.Week, w.Low, w.High, w.Closing)
		}
	}
	if len(c.Doubtful) != 1 || c.Doubtful[0].PartnerID != custC || c.Doubtful[0].Amount != 800 {
		t.Errorf("doubtful: %+v, want C's 800 invoice", c.Doubtful)
	}
	// The pipeline is reported (40% of 10,000 after the closing date) but
	// not counted.
	pipe := 0.0
	for _, w := range c.Weeks {
		pipe += w.Pipeline
	}
	if !near(pipe, 4000) {
		t.Errorf("pipeline %.2f, want 4000", pipe)
	}
	if len(c.Recurring) != 1 || c.Recurring[0].ID != "account:620" || c.Recurring[0].Interval != "monthly" || c.Recurring[0].Amount != -5000 {
		t.Errorf("recurring: %+v, want the monthly salaries on account 620", c.Recurring)
	}
	if c.Lowest.Week != 12 {
		t.Errorf("lowest week %d, want 12", c.Lowest.Week)
	}

	// Counting the pipeline adds it.
	f2, err := forecast.Compute(context.Background(), b.recs, handToday, forecast.Options{CommittedOnly: true, Pipeline: true})
	if err != nil {
		t.Fatal(err)
	}
	last := f2.Companies[0].Weeks[12]
	if !near(last.Closing, c.Weeks[12].Closing+4000) {
		t.Errorf("with the pipeline, closing %.2f, want %.2f", last.Closing, c.Weeks[12].Closing+4000)
	}

	// Switching the salaries off removes their three payments.
	f3, err := forecast.Compute(context.Background(), b.recs, handToday, forecast.Options{CommittedOnly: true, Disabled: []string{"account:620"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := f3.Companies[0]; got.Recurring[0].Enabled || !near(got.Weeks[12].Closing, c.Weeks[12].Closing+15000) {
		t.Errorf("salaries off: closing %.2f (enabled %v), want %.2f", got.Weeks[12].Closing, got.Recurring[0].Enabled, c.Weeks[12].Closing+15000)
	}
}

// TestForecastAsOfPast checks that a forecast as of an earlier day sees
// only what was known then: invoices created later are absent, and an
// invoice paid later is still open.
func TestForecastAsOfPast(t *testing.T) {
	t.Parallel()
	b, _ := handMade(t)
	m, err := forecast.Load(context.Background(), b.recs)
	if err != nil {
		t.Fatal(err)
	}
	f := m.At(date("2024-12-05"), forecast.Options{CommittedOnly: true})
	c := f.Companies[0]
	// Known on 5 December: 100,000 opening, A's and C's first invoices
	// paid (+1,500), vendHist's three bills paid (-1,450), three salaries.
	if want := 100000 + 1500 - 1450 - 15000.0; c.OpeningCash != want {
		t.Errorf("opening on 5 December %.2f, want %.2f", c.OpeningCash, want)
	}
	open := map[int64]float64{}
	for _, it := range c.Items {
		if it.Layer == forecast.LayerInvoice {
			open[it.PartnerID] += it.Amount
		}
	}
	// A's November invoice (paid 8 December) and C's (paid 11 December)
	// were open; December's (created 1 and 10 December) too for A only.
	if open[custA] != 2000 || open[custC] != 500 || open[custB] != 0 {
		t.Errorf("open invoices by customer on 5 December: %v, want A 2000, C 500", open)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

// TestModelConcurrentUse: forecasts as of several days from one Model may
// run at once (run with -race).
func TestModelConcurrentUse(t *testing.T) {
	t.Parallel()
	b, _ := handMade(t)
	m, err := forecast.Load(context.Background(), b.recs)
	if err != nil {
		t.Fatal(err)
	}
	want := m.At(handToday, forecast.Options{}).Companies[0].Weeks[12]
	done := make(chan forecast.Week)
	for i := range 4 {
		go func() {
			_ = m.At(handToday.AddDays(-7*i), forecast.Options{})
			done <- m.At(handToday, forecast.Options{}).Companies[0].Weeks[12]
		}()
	}
	for range 4 {
		if got := <-done; got != want {
			t.Errorf("concurrent forecast %+v, want %+v", got, want)
		}
	}
}

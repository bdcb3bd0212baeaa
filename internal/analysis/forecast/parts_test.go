package forecast_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/odoo"
)

func compute(t *testing.T, b *books, today odoo.Date, opt forecast.Options) *forecast.Company {
	t.Helper()
	f, err := forecast.Compute(context.Background(), b.recs, today, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Companies) != 1 {
		t.Fatalf("got %d companies, want 1", len(f.Companies))
	}
	return f.Companies[0]
}

// TestRecurringDetection: a monthly salary and a quarterly tax are
// recurring; bills at irregular intervals, or monthly with amounts all
// over the place, are not.
func TestRecurringDetection(t *testing.T) {
	t.Parallel()
	const (
		payroll   = 600
		taxOffice = 700
		irregular = 800
		jumpy     = 900
	)
	b := newBooks(t, 500000)
	// Salaries billed on the last working day, paid two days later.
	for i, d := range []string{"2024-08-30", "2024-09-30", "2024-10-31", "2024-11-29", "2024-12-31", "2025-01-31", "2025-02-28"} {
		paid := date(d).AddDays(2).String()
		b.paidInvoice("in_invoice", payroll, d, d, paid, 20000+float64(i)*10)
	}
	// Tax paid quarterly on the 10th, similar amounts.
	for i, d := range []string{"2024-04-10", "2024-07-10", "2024-10-10", "2025-01-10"} {
		b.paidInvoice("in_invoice", taxOffice, d, d, d, []float64{7000, 7400, 6900, 7200}[i])
	}
	// Near miss: similar amounts and a monthly median gap (30 days), but
	// the gaps (18 to 47 days) are not regular.
	for _, d := range []string{"2024-09-02", "2024-09-20", "2024-10-20", "2024-12-03", "2025-01-01", "2025-02-17"} {
		b.paidInvoice("in_invoice", irregular, d, d, d, 1000)
	}
	// Near miss: monthly, but amounts from 60 to 1,500.
	for i, d := range []string{"2024-09-12", "2024-10-12", "2024-11-12", "2024-12-12", "2025-01-12", "2025-02-12"} {
		b.paidInvoice("in_invoice", jumpy, d, d, d, []float64{100, 900, 250, 1500, 400, 60}[i])
	}
	c := compute(t, b, date("2025-03-05"), forecast.Options{CommittedOnly: true})
	got := map[string]*forecast.Recurring{}
	for _, r := range c.Recurring {
		got[r.ID] = r
	}
	if len(got) != 2 {
		t.Errorf("recurring flows %v, want the salaries and the tax only", keys(got))
	}
	if r := got["partner:600"]; r == nil || r.Interval != "monthly" || r.Amount != -20050 || r.LagDays != 2 || r.Occurrences != 7 {
		t.Errorf("salaries: %+v, want monthly, -20050 (the median of the last three), paid 2 days after the bill", r)
	}
	if r := got["partner:700"]; r == nil || r.Interval != "quarterly" || r.Amount != -7200 {
		t.Errorf("tax: %+v, want quarterly, -7200", r)
	}
	// Projections: salaries from 28 March (the 28th, as February's bill)
	// plus 2 days, then April and May; tax on 10 April.
	var pays []string
	for _, it := range c.Items {
		if it.Layer == forecast.LayerRecurring {
			pays = append(pays, it.RecurringID+"@"+it.Date.String())
		}
	}
	want := []string{"partner:600@2025-03-30", "partner:700@2025-04-10", "partner:600@2025-04-30", "partner:600@2025-05-30"}
	if len(pays) != len(want) {
		t.Fatalf("recurring payments %v, want %v", pays, want)
	}
	for i := range want {
		if pays[i] != want[i] {
			t.Errorf("recurring payments %v, want %v", pays, want)
			break
		}
	}
}

func keys(m map[string]*forecast.Recurring) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestFutureDatedItems: a bank line dated after today is not cash today
// but comes on its day; a line entered after today was not known today;
// an invoice dated after today is forecast, not in today's cash.
func TestFutureDatedItems(t *testing.T) {
	t.Parallel()
	b := newBooks(t, 10000)
	b.entry("2025-03-01", "2025-03-01", -1000, accExpense, "fees")
	b.entry("2025-03-07", "2025-03-04", -2500, accExpense, "dated Friday, entered Tuesday")
	b.entry("2025-03-03", "2025-03-06", -400, accExpense, "backdated: entered after today")
	inv := b.invoice("out_invoice", custB, "2025-03-20", "2025-03-20", 3000)
	b.setCreated(inv, "2025-03-04") // posted ahead of its date
	// A customer payment registered yesterday, not on the bank yet (its
	// line sits on the outstanding receipts account): week 1.
	b.add("account.payment", odoo.Record{"state": "in_process", "is_matched": false, "date": "2025-03-04", "amount": 600.0,
		"amount_company_currency_signed": 600.0, "company_id": int64(1), "journal_id": int64(1), "move_id": false,
		"create_date": created("2025-03-04")})
	c := compute(t, b, date("2025-03-05"), forecast.Options{CommittedOnly: true})
	if c.OpeningCash != 9000 {
		t.Errorf("opening cash %.2f, want 9000: lines dated or entered after today do not count", c.OpeningCash)
	}
	if w := c.Weeks[0]; w.Payments != -2500 || w.Receipts != 600 {
		t.Errorf("week 1 receipts %.2f payments %.2f, want 600 (the payment in process) and -2500 (the line dated Friday)", w.Receipts, w.Payments)
	}
	if w := c.Weeks[2]; w.Receipts != 3000 {
		t.Errorf("week 3 receipts %.2f, want 3000 (the invoice of 20 March, due that day; no history: paid on its due date)", w.Receipts)
	}
	for _, w := range c.Weeks {
		if w.Payments == -400 {
			t.Errorf("week %d counts the line entered after today", w.Week)
		}
	}
}

// TestScenarios applies each kind of change to the hand-made company
// (see handMade for where each item falls).
func TestScenarios(t *testing.T) {
	t.Parallel()
	b, cash := handMade(t)
	base := compute(t, b, handToday, forecast.Options{CommittedOnly: true})
	var billV int64
	for _, it := range base.Items {
		if it.Layer == forecast.LayerBill && it.PartnerID == vendV {
			billV = it.ID
		}
	}
	// delta returns the change of each week's closing cash when amount
	// moves from week from to week to (0: removed, or added when from is 0).
	delta := func(moves ...[3]float64) []float64 {
		out := make([]float64, 13)
		for _, m := range moves {
			from, to, amt := int(m[0]), int(m[1]), m[2]
			for w := 1; w <= 13; w++ {
				if from > 0 && w >= from {
					out[w-1] -= amt
				}
				if to > 0 && w >= to {
					out[w-1] += amt
				}
			}
		}
		return out
	}
	cases := []struct {
		name    string
		changes []forecast.Change
		want    []float64
		matched []int
	}{
		{"A pays 14 days later", []forecast.Change{{Kind: forecast.ChangeCustomerDelay, PartnerID: custA, Days: 14}},
			delta([3]float64{2, 4, 1190}, [3]float64{6, 8, 500}), []int{2}},
		{"B never pays", []forecast.Change{{Kind: forecast.ChangeCustomerNever, PartnerID: custB}},
			delta([3]float64{3, 0, 2000}), []int{2}}, // the invoice and the (uncounted) pipeline
		{"the deal slips 30 days", []forecast.Change{{Kind: forecast.ChangeDealSlip, LeadID: 1, Days: 30}},
			delta([3]float64{6, 11, 500}), []int{2}}, // its sale order, and its pipeline entry
		{"the deal is lost", []forecast.Change{{Kind: forecast.ChangeDealLost, LeadID: 1}},
			delta([3]float64{6, 0, 500}), []int{2}},
		{"V's bill paid on 6 March", []forecast.Change{{Kind: forecast.ChangeBillEarly, MoveID: billV, Date: date("2025-03-06")}},
			delta([3]float64{2, 1, -3000}), []int{1}},
		{"a hire from 1 April at 4,000", []forecast.Change{{Kind: forecast.ChangeHire, Date: date("2025-04-01"), Amount: 4000}},
			delta([3]float64{0, 4, -4000}, [3]float64{0, 9, -4000}, [3]float64{0, 13, -4000}), []int{3}},
		{"a one-off payment", []forecast.Change{{Kind: forecast.ChangeOneOff, Date: date("2025-03-20"), Amount: -50000}},
			delta([3]float64{0, 3, -50000}), []int{1}},
		{"an unknown customer", []forecast.Change{{Kind: forecast.ChangeCustomerNever, PartnerID: 999}}, delta(), []int{0}},
	}
	for _, tc := range cases {
		res, err := base.Apply(forecast.Scenario{Name: tc.name, Changes: tc.changes, MinCash: 20000})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for w := range res.Delta {
			if !near(res.Delta[w], tc.want[w]) {
				t.Errorf("%s: week %d closing changes by %.2f, want %.2f", tc.name, w+1, res.Delta[w], tc.want[w])
			}
		}
		if len(res.Matched) != len(tc.matched) || res.Matched[0] != tc.matched[0] {
			t.Errorf("%s: matched %v, want %v", tc.name, res.Matched, tc.matched)
		}
	}
	// Cash is 73,050 today (see handMade); the one-off of 50,000 on 20
	// March takes week 3's closing to 17,540, under 20,000.
	if cash != 73050 {
		t.Fatalf("hand-made cash %.2f, want 73050", cash)
	}
	res, err := base.Apply(forecast.Scenario{Name: "one-off", MinCash: 20000,
		Changes: []forecast.Change{{Kind: forecast.ChangeOneOff, Date: date("2025-03-20"), Amount: -50000}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Breach == nil || res.Breach.Week != 3 || !near(res.Breach.Closing, 17540) {
		t.Errorf("breach %+v, want week 3 at 17540", res.Breach)
	}
	if base.FirstBelow(20000) != nil {
		t.Errorf("the base case does not go under 20,000")
	}
	if base.Weeks[12].Closing != 73050-700+1190-3000+2000-5000-800+500-5000-5000 {
		t.Errorf("the base case was changed by the scenarios: week 13 closing %.2f", base.Weeks[12].Closing)
	}
	if _, err := base.Apply(forecast.Scenario{Changes: []forecast.Change{{Kind: "rain"}}}); !errors.Is(err, forecast.ErrBadChange) {
		t.Errorf("unknown change kind: err %v, want ErrBadChange", err)
	}
	if _, err := base.Apply(forecast.Scenario{Changes: []forecast.Change{{Kind: forecast.ChangeHire, Amount: -5}}}); !errors.Is(err, forecast.ErrBadChange) {
		t.Errorf("hire without a date: err %v, want ErrBadChange", err)
	}
}

// TestNewBusinessLayer works the new-business layer out by hand: one
// invoice placed 100 days ago and paid 20 days later tells the lag; one
// placed 10 days ago sets the rate (910 over 91 days: 10 a day). Business
// placed on day s after today is paid on day s+20, so receipts start on
// day 21 (week 3 gets one day) and run at 70 a week after.
func TestNewBusinessLayer(t *testing.T) {
	t.Parallel()
	b := newBooks(t, 10000)
	today := date("2025-03-05")
	b.paidInvoice("out_invoice", custB, today.AddDays(-100).String(), today.AddDays(-70).String(), today.AddDays(-80).String(), 910)
	b.invoice("out_invoice", custB, today.AddDays(-10).String(), today.AddDays(20).String(), 910)
	c := compute(t, b, today, forecast.Options{})
	for _, w := range c.Weeks {
		got := 0.0
		for _, it := range c.Items {
			if it.Week == w.Week && it.Layer == forecast.LayerNewSales {
				got += it.Amount
			}
		}
		want := 0.0
		switch {
		case w.Week == 3:
			want = 10
		case w.Week > 3:
			want = 70
		}
		if !near(got, want) {
			t.Errorf("week %d: new sales %.2f, want %.2f", w.Week, got, want)
		}
	}
	// The open invoice follows the company's habit (10 days early): day 10.
	if w := c.Weeks[1]; !near(w.Receipts, 910) {
		t.Errorf("week 2 receipts %.2f, want 910", w.Receipts)
	}
}

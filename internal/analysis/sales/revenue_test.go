package sales

import (
	"testing"

	"github.com/aicoo/aicoo/internal/odoo"
)

// TestRevenueSeriesKnown: a forecast as of a day reads only the invoices
// dated and entered by then, per company; the books read them all.
func TestRevenueSeriesKnown(t *testing.T) {
	d := func(s string) odoo.Date {
		x, err := odoo.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	invoices := []invoice{
		{company: 1, day: d("2026-01-05"), entered: d("2026-01-05"), untaxed: 100},
		{company: 1, day: d("2026-01-20"), entered: d("2026-02-03"), untaxed: 50},  // backdated: entered in February
		{company: 1, day: d("2026-02-02"), untaxed: 30},                            // no create_date: known on its day
		{company: 1, day: d("2026-01-10"), entered: d("2026-01-10"), untaxed: -20}, // credit note
		{company: 2, day: d("2026-01-03"), entered: d("2026-01-03"), untaxed: 999},
	}
	today := d("2026-02-28")
	tests := []struct {
		name  string
		known odoo.Date
		jan   float64
		feb   float64
	}{
		{"the books", odoo.Date{}, 130, 30},
		{"as of January 31", d("2026-01-31"), 80, 0},
		{"as of February 2", d("2026-02-02"), 80, 30},
		{"as of February 3", d("2026-02-03"), 130, 30},
	}
	for _, tc := range tests {
		s := revenueSeries(invoices, 1, today, tc.known)
		if s.Start != d("2026-01-05") {
			t.Errorf("%s: starts %s, want the first invoice's day", tc.name, s.Start)
		}
		jan, feb := s.Sum(d("2026-01-01"), d("2026-01-31")), s.Sum(d("2026-02-01"), today)
		if jan != tc.jan || feb != tc.feb {
			t.Errorf("%s: January %.0f February %.0f, want %.0f %.0f", tc.name, jan, feb, tc.jan, tc.feb)
		}
	}
}

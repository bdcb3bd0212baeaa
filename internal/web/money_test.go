package web

import (
	"fmt"
	"testing"
)

func TestFactLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		facts        map[string]float64
		company, doc string
		want         string
	}{
		// One currency per figure: the company's, the document's in brackets.
		{map[string]float64{"amount_residual_signed": 213.4, "amount_residual": 239.6, "days_overdue": 72, "partner_id": 77}, "EUR", "USD",
			"[{Amount unpaid 213.40 EUR (239.60 USD)} {Days overdue 72}]"},
		{map[string]float64{"amount_residual_signed": 213.4, "amount_residual": 213.4}, "EUR", "EUR", "[{Amount unpaid 213.40 EUR}]"},
		{map[string]float64{"amount_residual": 320.84999999999997}, "EUR", "USD", "[{Amount residual 320.85 USD}]"},
		{map[string]float64{"revenue_at_risk": 12000, "late_rate": 0.36, "lead_days": 16}, "EUR", "", "[{Late rate 36.0%} {Lead days 16} {Revenue at risk 12,000.00 EUR}]"},
	} {
		if got := fmt.Sprint(factLines(tc.facts, tc.company, tc.doc)); got != tc.want {
			t.Errorf("factLines(%v, %s, %s) = %s, want %s", tc.facts, tc.company, tc.doc, got, tc.want)
		}
	}
}

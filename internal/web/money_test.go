package web

import (
	"context"
	"fmt"
	"testing"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis/areas"
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

// TestCurrentLinks: a stored briefing's Odoo links follow the connection to
// its current address; other links are left alone.
func TestCurrentLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	in := "See [INV/1](http://127.0.0.1:38337/web#id=42&model=account.move&view_type=form) and [docs](https://example.com/web#id=1) " +
		"and <http://old.example:8069/web#id=7&model=res.partner&view_type=form>."
	want := "See [INV/1](https://acme.odoo.com/web#id=42&model=account.move&view_type=form) and [docs](https://example.com/web#id=1) " +
		"and <https://acme.odoo.com/web#id=7&model=res.partner&view_type=form>."
	if got := f.server.currentLinks(context.Background(), f.conn.ID, in); got != want {
		t.Errorf("currentLinks:\n got %s\nwant %s", got, want)
	}
}

func TestProse(t *testing.T) {
	t.Parallel()
	v := newVocab(areas.Catalogue(), actions.Builtin())
	for in, want := range map[string]string{
		"INV/2026/00355: 2941.97 EUR overdue 72 days":                      "INV/2026/00355: 2,941.97 EUR overdue 72 days",
		"1234567.50 USD and 999.00 EUR and 12345 pieces":                   "1,234,567.50 USD and 999.00 EUR and 12345 pieces",
		"Revenue in week 2026-W49 152560 EUR, expected 0 EUR to 77390 EUR": "Revenue in week 2026-W49 152,560 EUR, expected 0 EUR to 77,390 EUR",
		"the policy for payment_reminder requires approval":                `the policy for "Payment reminder to the customer" requires approval`,
		"2 followup_activity actions for this customer in the last 7":      `2 "Follow-up activity on an overdue invoice" actions for this customer in the last 7`,
	} {
		if got := v.prose(in); got != want {
			t.Errorf("prose(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestActionPreview(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		`{"model":"account.move","res_id":7,"body":"Dear Ann,\n\nInvoice INV/1 is open."}`: "Dear Ann,\n\nInvoice INV/1 is open.",
		`{"summary":"[BRG-0001] Bearing","quantity":1200,"price_unit":12.5}`:               "[BRG-0001] Bearing\n\nQuantity 1,200 at 12.50 each",
		`{"summary":"Follow up INV/1","deadline":"2026-12-10","body":"Overdue."}`:          "Follow up INV/1\n\nDue 2026-12-10\n\nOverdue.",
		``: "",
	} {
		if got := actionPreview([]byte(raw)); got != want {
			t.Errorf("actionPreview(%s) = %q, want %q", raw, got, want)
		}
	}
}

package briefing_test

import (
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/briefing"
)

// TestGroundClaims checks sweeping claims about invoices, actions and
// alerts against two bundles: a troubled company (overdue receivables,
// actions waiting for approval, open alerts, one critical) and a calm one
// (none of them). A claim is accepted only where the facts support it
// (issue 20 item 13).
func TestGroundClaims(t *testing.T) {
	t.Parallel()
	troubled := &briefing.Facts{Date: "2026-03-09", AlertsOpen: 3, AlertsByPrio: map[string]int{"critical": 1, "medium": 2},
		DecisionsWaiting: 2,
		Figures: []briefing.Figure{
			{Name: "finance.ar.overdue", Label: "Overdue receivables", Value: 18240, Unit: "EUR", Display: "18,240 EUR", Available: true},
			{Name: "operations.stock.stockout_risk", Label: "Products at stock-out risk", Value: 7, Display: "7", Available: true},
			{Name: "operations.stock.out_of_stock", Label: "Products out of stock", Value: 0, Display: "0", Available: true},
			{Name: "sales.deals.stalled", Label: "Stalled deals", Value: 4, Display: "4", Available: true},
			{Name: "customers.churn_risk.count", Label: "Customers at churn risk", Available: false},
		},
		Alerts:          []briefing.Item{{Priority: "critical", Kind: "low_cash_runway", Text: "Cash runway under 30 days"}},
		Recommendations: []briefing.Item{{Priority: "high", Kind: "overdue_invoice", Text: "Chase payment: INV/2026/0042"}},
	}
	calm := &briefing.Facts{Date: "2026-03-09", AlertsByPrio: map[string]int{},
		Figures: []briefing.Figure{
			{Name: "finance.ar.overdue", Label: "Overdue receivables", Value: 0, Unit: "EUR", Display: "0 EUR", Available: true},
			{Name: "operations.stock.stockout_risk", Label: "Products at stock-out risk", Value: 0, Display: "0", Available: true},
			{Name: "operations.stock.out_of_stock", Label: "Products out of stock", Value: 0, Display: "0", Available: true},
			{Name: "sales.deals.stalled", Label: "Stalled deals", Value: 0, Display: "0", Available: true},
			{Name: "customers.churn_risk.count", Label: "Customers at churn risk", Value: 0, Display: "0", Available: true},
		},
	}
	// noFigure is calm but its role has no overdue receivables figure:
	// it cannot say whether invoices are paid.
	noFigure := &briefing.Facts{Date: "2026-03-09", AlertsByPrio: map[string]int{}}
	for _, tt := range []struct {
		text                string
		troubled, calm, nof bool // accepted against each bundle
	}{
		// The narrative of the issue.
		{"All overdue invoices have been paid and every pending action has been approved.", false, true, false},
		// Invoices.
		{"There are no overdue invoices.", false, true, false},
		{"No invoice is overdue.", false, true, false},
		{"None of the invoices are overdue.", false, true, false},
		{"Not a single invoice is past due.", false, true, false},
		{"Nothing is overdue.", false, true, false},
		{"Receivables have all been collected.", false, true, false},
		{"Every invoice is paid.", false, true, false},
		{"Not all overdue invoices have been paid.", true, true, true},
		{"Overdue receivables are 18,240 EUR; chase the oldest invoices first.", true, false, false}, // the number fails elsewhere
		{"Chase the overdue invoices first.", true, true, true},
		{"No reply, but invoices are overdue.", true, true, true},
		{"No decision on the overdue invoices has been taken.", true, true, true},
		{"No customer has paid the overdue invoices yet.", true, true, true},
		{"No overdue customer invoices remain.", false, true, false},
		// Actions waiting for approval.
		{"No actions are pending.", false, true, true},
		{"Every pending action has been approved.", false, true, true},
		{"All decisions have been made and nothing awaits your approval.", false, true, true},
		{"Nothing is waiting for your approval.", false, true, true},
		{"2 actions wait for your approval.", true, false, false},
		{"Review the actions waiting for approval.", true, true, true},
		// Alerts.
		{"There are no alerts.", false, true, true},
		{"No open alerts today.", false, true, true},
		{"All alerts have been resolved.", false, true, true},
		{"There are no critical alerts.", false, true, true},
		{"No low-priority alerts remain.", true, true, true},
		{"No new alerts fired overnight.", true, true, true},
		{"No major issues.", false, true, true},
		{"3 alerts are open, 1 critical.", true, false, false},
		// All clear.
		{"All clear today.", false, true, true},
		{"Nothing needs your attention.", false, true, true},
		{"No action is needed.", false, true, true},
		{"Everything is on track.", false, true, true},
		// Figures: products, deals, customers.
		{"No products are out of stock.", true, true, false},
		{"No products are at risk of running out.", false, true, false},
		{"There are no stock-outs ahead.", false, true, false},
		{"All products are in stock.", true, true, false},
		{"No deals are stalled.", false, true, false},
		{"No stalled deals.", false, true, false},
		{"No customers are at risk of churning.", false, true, false}, // unknown in the troubled bundle
		{"All customers are healthy.", false, true, false},
		{"Call the customers at risk and revive the stalled deals.", true, true, true},
		// The template's own sentence when nothing is open.
		{"No open alert needs your attention.", false, true, true},
	} {
		for _, b := range []struct {
			name string
			f    *briefing.Facts
			ok   bool
		}{{"troubled", troubled, tt.troubled}, {"calm", calm, tt.calm}, {"no figure", noFigure, tt.nof}} {
			err := briefing.Ground(tt.text, b.f)
			if (err == nil) != b.ok {
				t.Errorf("%s: Ground(%q) = %v, want ok=%v", b.name, tt.text, err, b.ok)
			}
			if err != nil && strings.Contains(err.Error(), "claims") && !strings.Contains(err.Error(), "but") {
				t.Errorf("%s: the rejection does not say what the facts say: %v", b.name, err)
			}
		}
	}
}

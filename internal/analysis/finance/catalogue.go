package finance

import "github.com/aicoo/aicoo/internal/analysis"

// Catalogue declares the finance area: every role that sees all areas
// sees it (no limited role does).
func (Analyzer) Catalogue() analysis.AreaInfo {
	return analysis.AreaInfo{
		Area: "finance", Label: "Finance",
		Metrics: []analysis.MetricInfo{
			{Name: "finance.cash.position", Unit: "currency", Label: "Cash", Good: "up", Description: "Balance of the bank and cash journals"},
			{Name: "finance.cash.runway_days", Unit: "days", Label: "Cash runway", Good: "up", Description: "Days the cash lasts at the average outflow"},
			{Name: "finance.cash.net_runway_days", Unit: "days", Label: "Runway at current net burn", Good: "up", Description: "Days the cash lasts at the net burn (outflow less inflow)"},
			{Name: "finance.cash.burn_monthly", Unit: "currency", Label: "Monthly net burn", Good: "down", Description: "Average monthly outflow less inflow"},
			{Name: "finance.ar.overdue", Unit: "currency", Label: "Overdue receivables", Good: "down", Description: "Customer invoices past their due date, unpaid"},
			{Name: "finance.dso_days", Unit: "days", Label: "DSO", Good: "down", Description: "Days sales outstanding"},
			{Name: "finance.ap.due_next_14d", Unit: "currency", Label: "Payables due in 14 days", Description: "Vendor bills falling due in the next 14 days"},
			{Name: "finance.budget.overspend", Unit: "currency", Label: "Budget overspend", Good: "down", Description: "Spending above budget, summed over the budget lines"},
			// Per budget line (lineMetrics): finance.budget.<model>.<id>.planned
			// and .actual are labelled by these, with the line.
			{Name: "finance.budget.planned", Unit: "currency", Label: "Budget planned", Description: "Planned amount of one cost budget line, as finance.budget.<model>.<id>.planned (model with _ for .)"},
			{Name: "finance.budget.actual", Unit: "currency", Label: "Budget actual", Good: "down", Description: "Actual spending of one cost budget line in its period, as finance.budget.<model>.<id>.actual"},
			{Name: "finance.expenses.awaiting_approval_amount", Unit: "currency", Label: "Expenses awaiting approval", Good: "down", Description: "Expense reports submitted and not approved"},
			{Name: "finance.expenses.awaiting_approval_oldest_days", Unit: "days", Label: "Oldest expense awaiting approval", Good: "down", Description: "Age of the oldest expense report awaiting approval"},
		},
		InsightKinds: []analysis.InsightKindInfo{
			{Kind: "overdue_invoice", Label: "Overdue invoice"},
			{Kind: "low_cash_runway", Label: "Low cash runway"},
			{Kind: "budget_overrun", Label: "Budget overrun"},
			{Kind: "unusual_transaction", Label: "Unusual transaction"},
			{Kind: "top_overdue_invoices", Label: "Largest overdue invoices"},
			{Kind: "payables_due_soon", Label: "Payables due soon"},
			{Kind: "vendor_spend_growth", Label: "Vendor spend growth"},
			{Kind: "expense_approval_backlog", Label: "Expense approval backlog"},
		},
	}
}

package expenses

import (
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// Catalogue declares the expenses area, seen by the ops role too.
func (Analyzer) Catalogue() analysis.AreaInfo {
	return analysis.AreaInfo{
		Area: "expenses", Label: "Expenses", Roles: []string{store.RoleOps},
		Metrics: []analysis.MetricInfo{
			{Name: "expenses.amount_30d", Unit: "currency", Label: "Expenses, last 30 days", Description: "Employee expenses dated in the last 30 days"},
			{Name: "expenses.duplicates", Unit: "count", Label: "Possible duplicate expenses", Good: "down", Description: "Expenses that look like another one"},
			{Name: "expenses.approved_to_reimburse", Unit: "currency", Label: "Approved, to reimburse", Description: "Approved expenses not yet paid back"},
		},
		InsightKinds: []analysis.InsightKindInfo{
			{Kind: "unusual_transaction", Label: "Unusual expense"},
			{Kind: "duplicate_expense", Label: "Duplicate expense"},
			{Kind: "expense_policy", Label: "Expense policy"},
			{Kind: "expense_budget_risk", Label: "Expense budget risk"},
		},
	}
}

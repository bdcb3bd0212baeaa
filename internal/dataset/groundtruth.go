package dataset

// Kind names a kind of business problem that aicoo's analyzers should find.
type Kind string

// The problem kinds the demo data generator injects.
const (
	// KindOverdueInvoice is a posted customer invoice that is not (fully)
	// paid and whose due date is 60 or more days before Today.
	KindOverdueInvoice Kind = "overdue_invoice"
	// KindLowCashRunway is cash on bank and cash journals covering fewer than
	// 60 days of outflows.
	KindLowCashRunway Kind = "low_cash_runway"
	// KindStalledDeal is an open opportunity with no stage change and no
	// activity for far longer than is normal for its stage.
	KindStalledDeal Kind = "stalled_deal"
	// KindStockoutRisk is a storable product whose stock on hand plus open
	// incoming receipts will not cover average consumption over its vendor
	// lead time.
	KindStockoutRisk Kind = "stockout_risk"
	// KindSupplierLate is a vendor whose on-time receipt rate fell sharply in
	// recent months.
	KindSupplierLate Kind = "supplier_late"
	// KindChurnRisk is a customer whose time since the last order is far
	// beyond their own ordering rhythm.
	KindChurnRisk Kind = "churn_risk"
	// KindDuplicateExpense is two or more expenses of the same employee with
	// close amounts and dates and similar descriptions.
	KindDuplicateExpense Kind = "duplicate_expense"
	// KindUnusualTransaction is an expense or vendor bill far outside the
	// distribution of its category.
	KindUnusualTransaction Kind = "unusual_transaction"
	// KindBudgetOverrun is an aicoo.budget line whose actual spending exceeds
	// the planned amount.
	KindBudgetOverrun Kind = "budget_overrun"
	// KindSeriesAnomaly is a recent week in which a business series
	// (revenue, orders, receipts, cash, expenses by category) left its
	// expected range; its records are the ones that made it unusual.
	KindSeriesAnomaly Kind = "series_anomaly"
)

// Priority is the expected priority of a problem.
type Priority string

// The priorities, most urgent first.
const (
	PriorityCritical Priority = "critical"
	PriorityHigh     Priority = "high"
	PriorityMedium   Priority = "medium"
	PriorityLow      Priority = "low"
)

// Item is one known problem (or a decoy) in a dataset.
type Item struct {
	// Kind is the problem kind.
	Kind Kind `json:"kind"`
	// CompanyID is the res.company the problem belongs to.
	CompanyID int64 `json:"company_id"`
	// Model is the model of the records that show the problem.
	Model string `json:"model"`
	// RecordIDs are the records that show the problem, in id order.
	RecordIDs []int64 `json:"record_ids"`
	// Priority is the priority an analyzer should give it.
	Priority Priority `json:"priority"`
	// Description says in one sentence what is wrong (or, for a near miss,
	// why it looks wrong but is not).
	Description string `json:"description"`
	// NearMiss marks a decoy that looks like the problem but must NOT be
	// flagged.
	NearMiss bool `json:"near_miss"`
	// Facts holds the key figures behind the item (for example
	// days_overdue, amount_residual, runway_days), for scorers and humans.
	Facts map[string]float64 `json:"facts,omitempty"`
}

// GroundTruth lists the known problems of a dataset. It is stored as
// ground_truth.json.
type GroundTruth struct {
	// Today is the reference date the items are true for.
	Today string `json:"today"`
	// Items lists the problems and decoys, grouped by kind.
	Items []Item `json:"items"`
}

// ByKind returns the items of kind k, with near misses when nearMiss is true
// and without them otherwise.
func (g *GroundTruth) ByKind(k Kind, nearMiss bool) []Item {
	if g == nil {
		return nil
	}
	var out []Item
	for _, it := range g.Items {
		if it.Kind == k && it.NearMiss == nearMiss {
			out = append(out, it)
		}
	}
	return out
}

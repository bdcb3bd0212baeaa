package finance

import (
	"context"
	"fmt"
	"sort"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/budgets"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Threshold names (Env.Threshold) and their defaults.
const (
	// ThresholdOverdueDays is how many days past due a customer invoice
	// must be for an overdue_invoice insight.
	ThresholdOverdueDays = "finance.overdue_days"
	// OverdueDaysDefault is the default of ThresholdOverdueDays.
	OverdueDaysDefault = 60
	// ThresholdOverdueHighDays is the days past due from which an overdue
	// invoice is high priority (medium before).
	ThresholdOverdueHighDays = "finance.overdue_high_days"
	// OverdueHighDaysDefault is the default of ThresholdOverdueHighDays.
	OverdueHighDaysDefault = 90
	// ThresholdOverdueCriticalAmount is the unpaid amount (company
	// currency) from which an invoice past the high-priority days is
	// critical: the money at stake decides, not the age alone.
	ThresholdOverdueCriticalAmount = "finance.overdue_critical_amount"
	// OverdueCriticalAmountDefault is the default of
	// ThresholdOverdueCriticalAmount.
	OverdueCriticalAmountDefault = 10000
	// ThresholdTopOverdue is how many invoices the top-overdue list holds.
	ThresholdTopOverdue = "finance.top_overdue"
	// TopOverdueDefault is the default of ThresholdTopOverdue.
	TopOverdueDefault = 10

	// ThresholdRunwayDays is the cash runway (days of average outflows)
	// below which a low_cash_runway insight is raised.
	ThresholdRunwayDays = "finance.runway_days"
	// RunwayDaysDefault is the default of ThresholdRunwayDays.
	RunwayDaysDefault = 60
	// ThresholdRunwayCriticalDays is the runway below which the insight is
	// critical (high above it).
	ThresholdRunwayCriticalDays = "finance.runway_critical_days"
	// RunwayCriticalDaysDefault is the default of ThresholdRunwayCriticalDays.
	RunwayCriticalDaysDefault = 30
	// ThresholdCashWindowDays is the trailing window, in days including
	// Today, over which outflows, inflows and burn are averaged; it is
	// also DSO's window of credit sales.
	ThresholdCashWindowDays = "finance.cash_window_days"
	// CashWindowDaysDefault is the default of ThresholdCashWindowDays
	// (three months).
	CashWindowDaysDefault = 90

	// ThresholdBudgetHighRatio is the actual/planned ratio from which a
	// budget overrun is high priority (medium before).
	ThresholdBudgetHighRatio = "finance.budget_high_ratio"
	// BudgetHighRatioDefault is the default of ThresholdBudgetHighRatio.
	BudgetHighRatioDefault = 1.25

	// ThresholdBillFactor is how many times the median of its comparison
	// group a vendor bill must reach to be unusual.
	ThresholdBillFactor = "finance.bill_anomaly_factor"
	// BillFactorDefault is the default of ThresholdBillFactor.
	BillFactorDefault = 5
	// ThresholdBillZ is the robust z-score (log amounts, median and MAD)
	// a vendor bill must also reach to be unusual.
	ThresholdBillZ = "finance.bill_anomaly_z"
	// BillZDefault is the default of ThresholdBillZ.
	BillZDefault = 3.5
	// ThresholdBillTailFactor is how many times the 90th percentile of its
	// comparison group a vendor bill must also reach: vendors whose bills
	// are usually small but sometimes large (goods bought per order) have
	// a heavy upper tail that the median alone does not describe.
	ThresholdBillTailFactor = "finance.bill_tail_factor"
	// BillTailFactorDefault is the default of ThresholdBillTailFactor.
	BillTailFactorDefault = 3
	// ThresholdBillJudgePO, when not 0, also judges bills whose every
	// product line bills a purchase order line; by default they are not
	// judged because their amount was approved with the order.
	ThresholdBillJudgePO = "finance.bill_judge_po"
	// BillJudgePODefault is the default of ThresholdBillJudgePO (off).
	BillJudgePODefault = 0
	// ThresholdBillMinHistory is how many other bills a vendor (or, failing
	// that, an expense account) needs before its distribution is trusted.
	ThresholdBillMinHistory = "finance.bill_min_history"
	// BillMinHistoryDefault is the default of ThresholdBillMinHistory.
	BillMinHistoryDefault = 6
	// ThresholdBillLookbackDays limits unusual-bill insights to bills dated
	// in this many days up to Today; older bills only shape distributions.
	ThresholdBillLookbackDays = "finance.bill_lookback_days"
	// BillLookbackDaysDefault is the default of ThresholdBillLookbackDays.
	BillLookbackDaysDefault = 90

	// ThresholdAPDueSoonDays is the horizon of the payables-due-soon figure.
	ThresholdAPDueSoonDays = "finance.ap_due_soon_days"
	// APDueSoonDaysDefault is the default of ThresholdAPDueSoonDays.
	APDueSoonDaysDefault = 14

	// ThresholdSpendGrowthMargin is by how much (as a fraction, 0.25 = 25
	// points) a vendor's spend growth must exceed revenue growth to make it
	// a cost-optimization candidate.
	ThresholdSpendGrowthMargin = "finance.spend_growth_margin"
	// SpendGrowthMarginDefault is the default of ThresholdSpendGrowthMargin.
	SpendGrowthMarginDefault = 0.25
	// ThresholdSpendMinShare is the share of all vendor spend in the
	// recent window a vendor needs to be considered for cost growth.
	ThresholdSpendMinShare = "finance.spend_min_share"
	// SpendMinShareDefault is the default of ThresholdSpendMinShare.
	SpendMinShareDefault = 0.02

	// ThresholdApprovalStaleDays is how long expense reports may wait for
	// approval before an expense_approval_backlog insight.
	ThresholdApprovalStaleDays = "finance.approval_stale_days"
	// ApprovalStaleDaysDefault is the default of ThresholdApprovalStaleDays.
	ApprovalStaleDaysDefault = 14
)

// Insight kinds of the finance analyzer. OverdueInvoice, LowCashRunway,
// BudgetOverrun and UnusualTransaction (vendor bills only: expenses belong
// to the expenses analyzer) are scored against ground truth; the others are
// informational.
const (
	KindOverdueInvoice     = "overdue_invoice"
	KindLowCashRunway      = "low_cash_runway"
	KindBudgetOverrun      = "budget_overrun"
	KindUnusualTransaction = "unusual_transaction"
	KindTopOverdue         = "top_overdue_invoices"
	KindAPDueSoon          = "payables_due_soon"
	KindVendorSpendGrowth  = "vendor_spend_growth"
	KindApprovalBacklog    = "expense_approval_backlog"
)

// Analyzer is the finance analyzer.
type Analyzer struct{}

// New returns the finance analyzer.
func New() analysis.Analyzer { return Analyzer{} }

// Area implements analysis.Analyzer.
func (Analyzer) Area() string { return "finance" }

// data holds the records one run reads.
type data struct {
	companies map[int64]*fields.Company
	partners  fields.Names
	moves     []move
	lines     []line
	groups    map[string][][]int // reconcileGroups by account type, built once
	journals  []odoo.Record
	accounts  map[int64]odoo.Record
	budgets   *budgets.Set
	sheets    []odoo.Record
	sheetsOK  bool
	expenses  []odoo.Record
	expOK     bool
}

// Analyze implements analysis.Analyzer.
func (a Analyzer) Analyze(ctx context.Context, env *analysis.Env) (*analysis.Result, error) {
	res := &analysis.Result{Area: a.Area()}
	d, ok, err := load(ctx, env.Source)
	if err != nil {
		return nil, fmt.Errorf("finance: %w", err)
	}
	if !ok {
		// Without the accounting module there are no books: every figure
		// is unavailable.
		for _, n := range []string{"finance.ar.total", "finance.ap.total", "finance.cash.position", "finance.cash.runway_days", "finance.dso_days"} {
			res.Metrics = append(res.Metrics, analysis.Metric{Name: n, Available: false, Note: "the accounting module is not installed"})
		}
		res.Sort()
		return res, nil
	}
	agingFigures(env, d, res)
	overdueInvoices(env, d, res)
	cashFigures(env, d, res)
	budgetFigures(env, d, res)
	unusualBills(env, d, res)
	vendorSpend(env, d, res)
	approvalFigures(env, d, res)
	res.Sort()
	return res, nil
}

// load reads the models the analyzer needs; ok is false without the
// accounting module.
func load(ctx context.Context, src analysis.Source) (*data, bool, error) {
	d := &data{}
	var err error
	if d.companies, err = fields.Companies(ctx, src); err != nil {
		return nil, false, err
	}
	moves, ok, err := analysis.Optional(ctx, src, "account.move")
	if err != nil || !ok {
		return nil, false, err
	}
	d.moves = decodeMoves(moves)
	if d.journals, _, err = analysis.Optional(ctx, src, "account.journal"); err != nil {
		return nil, false, err
	}
	lines, _, err := analysis.Optional(ctx, src, "account.move.line")
	if err != nil {
		return nil, false, err
	}
	bills := map[int64]bool{}
	for i := range d.moves {
		if d.moves[i].typ == "in_invoice" {
			bills[d.moves[i].id] = true
		}
	}
	d.lines = decodeLines(lines, bills)
	accs, _, err := analysis.Optional(ctx, src, "account.account")
	if err != nil {
		return nil, false, err
	}
	d.accounts = make(map[int64]odoo.Record, len(accs))
	for _, r := range accs {
		d.accounts[r.ID()] = r
	}
	partners, _, err := analysis.Optional(ctx, src, "res.partner")
	if err != nil {
		return nil, false, err
	}
	d.partners = fields.NameIndex(partners, "name")
	if d.budgets, err = budgets.Load(ctx, src, lines); err != nil {
		return nil, false, err
	}
	if d.sheets, d.sheetsOK, err = analysis.Optional(ctx, src, "hr.expense.sheet"); err != nil {
		return nil, false, err
	}
	if d.expenses, d.expOK, err = analysis.Optional(ctx, src, "hr.expense"); err != nil {
		return nil, false, err
	}
	return d, true, nil
}

// companyIDs returns the companies to report on: every known company plus
// any company id seen on records but missing from res.company, sorted.
func (d *data) companyIDs(seen map[int64]bool) []int64 {
	set := map[int64]bool{}
	for id := range d.companies {
		set[id] = true
	}
	for id := range seen {
		set[id] = true
	}
	out := make([]int64, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// reconcileGroups returns the receivable or payable items by
// reconciliation group, built once per run.
func (d *data) reconcileGroups(accountType string) [][]int {
	if g, ok := d.groups[accountType]; ok {
		return g
	}
	if d.groups == nil {
		d.groups = map[string][][]int{}
	}
	g := reconcileGroups(d.lines, accountType)
	d.groups[accountType] = g
	return g
}

// currency returns the company's currency code ("" when unknown).
func (d *data) currency(companyID int64) string {
	if c := d.companies[companyID]; c != nil {
		return c.Currency
	}
	return ""
}

func metric(name string, v float64, unit string, companyID int64) analysis.Metric {
	return analysis.Metric{Name: name, Value: fields.Round2(v), Unit: unit, CompanyID: companyID, Available: true}
}

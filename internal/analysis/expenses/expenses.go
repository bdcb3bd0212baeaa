package expenses

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Threshold names (Env.Threshold) and their defaults.
const (
	// ThresholdDuplicateDays is how many working days (Monday to Friday)
	// apart two expenses of one employee may be dated and still be
	// duplicates.
	ThresholdDuplicateDays = "expenses.duplicate_days"
	// DuplicateDaysDefault is the default of ThresholdDuplicateDays.
	DuplicateDaysDefault = 3
	// ThresholdDuplicateAmountTolerance is how far apart, as a fraction of
	// the larger, two duplicate amounts may be.
	ThresholdDuplicateAmountTolerance = "expenses.duplicate_amount_tolerance"
	// DuplicateAmountToleranceDefault is the default of
	// ThresholdDuplicateAmountTolerance (1%).
	DuplicateAmountToleranceDefault = 0.01
	// ThresholdDuplicateSimilarity is the least word similarity (Jaccard
	// index of the descriptions' words) of two duplicates.
	ThresholdDuplicateSimilarity = "expenses.duplicate_similarity"
	// DuplicateSimilarityDefault is the default of ThresholdDuplicateSimilarity.
	DuplicateSimilarityDefault = 0.5
	// ThresholdDuplicateHighAmount is the amount (company currency) from
	// which a duplicate is high priority (medium below).
	ThresholdDuplicateHighAmount = "expenses.duplicate_high_amount"
	// DuplicateHighAmountDefault is the default of ThresholdDuplicateHighAmount.
	DuplicateHighAmountDefault = 1000
	// ThresholdLookbackDays limits duplicate and anomaly insights to
	// expenses dated in this many days up to Today (older ones only shape
	// the distributions).
	ThresholdLookbackDays = "expenses.lookback_days"
	// LookbackDaysDefault is the default of ThresholdLookbackDays.
	LookbackDaysDefault = 90

	// ThresholdAnomalyFactor is how many times its category's median an
	// expense must reach to be unusual.
	ThresholdAnomalyFactor = "expenses.anomaly_factor"
	// AnomalyFactorDefault is the default of ThresholdAnomalyFactor.
	AnomalyFactorDefault = 5
	// ThresholdAnomalyZ is the robust z-score (log amounts, median and
	// MAD) an unusual expense must also reach.
	ThresholdAnomalyZ = "expenses.anomaly_z"
	// AnomalyZDefault is the default of ThresholdAnomalyZ.
	AnomalyZDefault = 3.5
	// ThresholdAnomalyTailFactor is how many times its category's 90th
	// percentile an unusual expense must also reach.
	ThresholdAnomalyTailFactor = "expenses.anomaly_tail_factor"
	// AnomalyTailFactorDefault is the default of ThresholdAnomalyTailFactor.
	AnomalyTailFactorDefault = 3
	// ThresholdAnomalyMinHistory is how many other expenses a category
	// needs before its distribution is trusted.
	ThresholdAnomalyMinHistory = "expenses.anomaly_min_history"
	// AnomalyMinHistoryDefault is the default of ThresholdAnomalyMinHistory.
	AnomalyMinHistoryDefault = 10

	// ThresholdLateFilingDays is how many days after the expense date a
	// claim may be created before it breaks the filing policy.
	ThresholdLateFilingDays = "expenses.late_filing_days"
	// LateFilingDaysDefault is the default of ThresholdLateFilingDays.
	LateFilingDaysDefault = 90
	// ThresholdMaxAmount is the per-expense limit (company currency) of
	// the expense policy; 0 disables it. A category limit is set with
	// ThresholdMaxAmount + "." + the product id, e.g.
	// "expenses.max_amount.42".
	ThresholdMaxAmount = "expenses.max_amount"
	// MaxAmountDefault is the default of ThresholdMaxAmount (no limit).
	MaxAmountDefault = 0
)

// Insight kinds of the expenses analyzer. DuplicateExpense and
// UnusualTransaction (expenses only: vendor bills belong to the finance
// analyzer) are scored against ground truth; the others are informational.
const (
	KindDuplicateExpense   = "duplicate_expense"
	KindUnusualTransaction = "unusual_transaction"
	KindPolicy             = "expense_policy"
	KindBudgetRisk         = "expense_budget_risk"
)

// Analyzer is the expenses analyzer.
type Analyzer struct{}

// New returns the expenses analyzer.
func New() analysis.Analyzer { return Analyzer{} }

// Area implements analysis.Analyzer.
func (Analyzer) Area() string { return "expenses" }

// expense is an hr.expense with its decoded fields.
type expense struct {
	rec      odoo.Record
	id       int64
	company  int64
	employee int64
	category int64
	account  int64
	date     odoo.Date
	created  odoo.Date
	amount   float64 // company currency
	state    string
	mode     string
	words    []string
}

// amountOf returns an expense's total in company currency: total_amount
// in 17+, total_amount_company in 16 (where total_amount is in the expense
// currency).
func amountOf(r odoo.Record) float64 {
	if _, ok := r["total_amount_company"]; ok {
		return fields.Float(r, "total_amount_company")
	}
	return fields.Float(r, "total_amount")
}

func decode(r odoo.Record) *expense {
	e := &expense{rec: r, id: r.ID(), company: fields.M2OID(r, "company_id"), employee: fields.M2OID(r, "employee_id"), category: fields.M2OID(r, "product_id"),
		account: fields.M2OID(r, "account_id"), date: fields.Date(r, "date"), amount: amountOf(r), state: fields.String(r, "state"), mode: fields.String(r, "payment_mode")}
	if c, err := r.Datetime("create_date"); err == nil && !c.IsZero() {
		e.created = odoo.DateOf(c)
	}
	if e.date.IsZero() {
		e.date = e.created
	}
	e.words = words(fields.String(r, "name"))
	return e
}

// refused reports whether the claim was refused: it will not be paid, so
// it is neither a duplicate nor part of a category's distribution.
func (e *expense) refused() bool { return e.state == "refused" }

// posted reports whether the expense has reached the books (16-18: done,
// the report was posted; 19: posted, in payment or paid).
func (e *expense) posted() bool {
	switch e.state {
	case "done", "posted", "in_payment", "paid":
		return true
	}
	return false
}

// Analyze implements analysis.Analyzer.
func (a Analyzer) Analyze(ctx context.Context, env *analysis.Env) (*analysis.Result, error) {
	res := &analysis.Result{Area: a.Area()}
	recs, ok, err := analysis.Optional(ctx, env.Source, "hr.expense")
	if err != nil {
		return nil, fmt.Errorf("expenses: %w", err)
	}
	if !ok {
		for _, n := range []string{"expenses.amount_30d", "expenses.amount_90d", "expenses.duplicates", "expenses.unusual"} {
			res.Metrics = append(res.Metrics, analysis.Metric{Name: n, Available: false, Note: "the expenses module is not installed"})
		}
		res.Sort()
		return res, nil
	}
	comps, err := fields.Companies(ctx, env.Source)
	if err != nil {
		return nil, fmt.Errorf("expenses: %w", err)
	}
	emps, _, err := analysis.Optional(ctx, env.Source, "hr.employee")
	if err != nil {
		return nil, fmt.Errorf("expenses: %w", err)
	}
	prods, _, err := analysis.Optional(ctx, env.Source, "product.product")
	if err != nil {
		return nil, fmt.Errorf("expenses: %w", err)
	}
	x := &run{env: env, res: res, companies: comps, employees: fields.NameIndex(emps, "name"), products: fields.NameIndex(prods, "name")}
	x.expenses = make([]*expense, 0, len(recs))
	for _, r := range recs {
		x.expenses = append(x.expenses, decode(r))
	}
	sort.Slice(x.expenses, func(i, j int) bool { return x.expenses[i].id < x.expenses[j].id })
	dups := x.duplicates()
	unusual := x.anomalies()
	x.policy()
	if err := x.budgets(ctx); err != nil {
		return nil, fmt.Errorf("expenses: %w", err)
	}
	x.figures(dups, unusual)
	res.Sort()
	return res, nil
}

// run is one analysis run.
type run struct {
	env       *analysis.Env
	res       *analysis.Result
	companies map[int64]*fields.Company
	employees fields.Names
	products  fields.Names
	expenses  []*expense
}

func (x *run) currency(cid int64) string {
	if c := x.companies[cid]; c != nil {
		return c.Currency
	}
	return ""
}

// recent reports whether d lies in the lookback window ending Today.
func (x *run) recent(d odoo.Date) bool {
	from := x.env.Today.AddDays(-int(x.env.Threshold(ThresholdLookbackDays, LookbackDaysDefault)) + 1)
	return !d.Before(from) && !x.env.Today.Before(d)
}

func (x *run) employee(e *expense) string {
	if s := x.employees[e.employee]; s != "" {
		return s
	}
	if s := fields.M2OName(e.rec, "employee_id"); s != "" {
		return s
	}
	return "employee #" + strconv.FormatInt(e.employee, 10)
}

func (x *run) category(e *expense) string {
	if s := x.products[e.category]; s != "" {
		return s
	}
	if s := fields.M2OName(e.rec, "product_id"); s != "" {
		return s
	}
	if e.category == 0 {
		return "no category"
	}
	return "category #" + strconv.FormatInt(e.category, 10)
}

// figures adds the spending metrics per company: claims and amounts of the
// last 30 and 90 days (refused claims excluded), the refusal rate of the
// last 90 days, what is approved and still owed to employees, the
// duplicate and unusual counts, and the 90-day amount per category.
func (x *run) figures(dups, unusual map[int64]int) {
	type tally struct {
		n30, n90, refused90 int
		amt30, amt90, owed  float64
		byCategory          map[int64]float64
	}
	per := map[int64]*tally{}
	get := func(cid int64) *tally {
		t := per[cid]
		if t == nil {
			t = &tally{byCategory: map[int64]float64{}}
			per[cid] = t
		}
		return t
	}
	for cid := range x.companies {
		get(cid)
	}
	today := x.env.Today
	for _, e := range x.expenses {
		t := get(e.company)
		age := analysis.DaysBetween(e.date, today)
		if age >= 0 && age < 90 {
			if e.refused() {
				t.refused90++
			} else {
				t.n90++
				t.amt90 += e.amount
				t.byCategory[e.category] += e.amount
				if age < 30 {
					t.n30++
					t.amt30 += e.amount
				}
			}
		}
		if e.state == "approved" && e.mode == "own_account" {
			t.owed += e.amount
		}
	}
	for cid, t := range per {
		cur := x.currency(cid)
		rate := 0.0
		if n := t.n90 + t.refused90; n > 0 {
			rate = float64(t.refused90) / float64(n)
		}
		x.res.Metrics = append(x.res.Metrics,
			metric("expenses.claims_30d", float64(t.n30), "count", cid),
			metric("expenses.amount_30d", t.amt30, cur, cid),
			metric("expenses.claims_90d", float64(t.n90), "count", cid),
			metric("expenses.amount_90d", t.amt90, cur, cid),
			metric("expenses.refused_rate_90d", rate, "ratio", cid),
			metric("expenses.approved_to_reimburse", t.owed, cur, cid),
			metric("expenses.duplicates", float64(dups[cid]), "count", cid),
			metric("expenses.unusual", float64(unusual[cid]), "count", cid),
		)
		cats := make([]int64, 0, len(t.byCategory))
		for c := range t.byCategory {
			cats = append(cats, c)
		}
		sort.Slice(cats, func(i, j int) bool { return cats[i] < cats[j] })
		for _, c := range cats {
			m := metric("expenses.category."+strconv.FormatInt(c, 10)+".amount_90d", t.byCategory[c], cur, cid)
			if c != 0 {
				m.Refs = []analysis.Ref{x.env.Ref("product.product", c)}
				m.Note = x.products[c]
			}
			x.res.Metrics = append(x.res.Metrics, m)
		}
	}
}

func metric(name string, v float64, unit string, companyID int64) analysis.Metric {
	return analysis.Metric{Name: name, Value: fields.Round2(v), Unit: unit, CompanyID: companyID, Available: true}
}

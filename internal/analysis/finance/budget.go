package finance

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// BudgetLine is a cost budget line with its actual spending, from whichever
// budget model the source has (Model).
type BudgetLine struct {
	// ID is the record id in Model: aicoo.budget, crossovered.budget.lines
	// (Odoo 16/17) or budget.line (Odoo 18+).
	ID    int64
	Model string
	// CompanyID is the line's company; AccountID the general account when
	// the line counts exactly one, else 0.
	CompanyID, AccountID int64
	// Accounts are the general accounts whose journal items count (empty:
	// any account); Analytic the analytic account whose analytic lines count
	// (0: journal items are counted directly).
	Accounts []int64
	Analytic int64
	// ExpenseOnly counts only analytic lines on expense accounts (an Odoo 18
	// budget of type expense).
	ExpenseOnly bool
	// Name is the line as Odoo names it ("Budget 2026 Q1 - Marketing");
	// Target says in words what the spending is booked on.
	Name, Target    string
	From, To        odoo.Date
	Planned, Actual float64
}

// budgetActuals computes the actual spending of each cost budget line, in
// company currency, from posted journal items only (never Odoo's
// non-stored practical_amount/achieved_amount, which a sync may not read):
// without an analytic account, the balance (debit - credit) of posted
// journal items of the line's company on its accounts dated from date_from
// to date_to inclusive, as the General Ledger shows it; with one, minus the
// amount of the analytic lines of that analytic account in the period that
// come from posted journal items (restricted to the line's accounts when it
// has some, and to expense accounts for an Odoo 18 expense budget).
func budgetActuals(d *data) []BudgetLine {
	out := []BudgetLine{}
	for _, b := range d.budgets.budgetLines(d.accounts) {
		if b.From.IsZero() || b.To.IsZero() || (len(b.Accounts) == 0 && b.Analytic == 0) {
			continue
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil
	}
	type key struct{ company, account int64 }
	byKey := map[key][]int{}
	byAnalytic := map[int64][]int{}
	for i, b := range out {
		if b.Analytic != 0 {
			byAnalytic[b.Analytic] = append(byAnalytic[b.Analytic], i)
			continue
		}
		for _, acc := range b.Accounts {
			k := key{b.CompanyID, acc}
			byKey[k] = append(byKey[k], i)
		}
	}
	in := func(b *BudgetLine, day odoo.Date) bool { return !day.Before(b.From) && !b.To.Before(day) }
	if len(byKey) > 0 {
		for j := range d.lines {
			l := &d.lines[j]
			if !l.posted {
				continue
			}
			for _, i := range byKey[key{l.company, l.account}] {
				if in(&out[i], l.date) {
					out[i].Actual += l.balance
				}
			}
		}
	}
	for _, a := range d.budgets.aal {
		idx := byAnalytic[fields.M2OID(a, "account_id")]
		if len(idx) == 0 || !d.budgets.posted[fields.M2OID(a, "move_line_id")] {
			continue
		}
		day, company, acc := fields.Date(a, "date"), fields.M2OID(a, "company_id"), fields.M2OID(a, "general_account_id")
		for _, i := range idx {
			b := &out[i]
			if !in(b, day) || (company != 0 && b.CompanyID != 0 && company != b.CompanyID) ||
				(len(b.Accounts) > 0 && !slices.Contains(b.Accounts, acc)) ||
				(b.ExpenseOnly && !strings.HasPrefix(fields.String(d.accounts[acc], "account_type"), "expense")) {
				continue
			}
			b.Actual -= fields.Float(a, "amount")
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Model != out[j].Model {
			return out[i].Model < out[j].Model
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// budgetFigures adds budget compliance metrics and one budget_overrun
// insight per budget line whose actual exceeds its planned amount.
func budgetFigures(env *analysis.Env, d *data, res *analysis.Result) {
	if !d.budgets.ok {
		res.Metrics = append(res.Metrics, analysis.Metric{Name: "finance.budget.overruns", Unit: "count", Available: false,
			Note: "no budgets: neither aicoo budgets nor an Odoo budget module"})
		return
	}
	high := env.Threshold(ThresholdBudgetHighRatio, BudgetHighRatioDefault)
	lines := budgetActuals(d)
	type tally struct {
		lines, overruns, current   int
		planned, actual, overspend float64
	}
	per := map[int64]*tally{}
	for _, b := range lines {
		t := per[b.CompanyID]
		if t == nil {
			t = &tally{}
			per[b.CompanyID] = t
		}
		t.lines++
		if !env.Today.Before(b.From) && !b.To.Before(env.Today) {
			t.current++
			t.planned += b.Planned
			t.actual += b.Actual
		}
		if b.Planned <= 0 || b.Actual <= b.Planned+0.005 {
			continue
		}
		t.overruns++
		t.overspend += b.Actual - b.Planned
		ratio := b.Actual / b.Planned
		prio := "medium"
		if ratio >= high {
			prio = "high"
		}
		cur := d.currency(b.CompanyID)
		state := "ended"
		if b.To.Compare(env.Today) >= 0 {
			state = "is running"
		}
		res.Insights = append(res.Insights, analysis.Insight{
			Kind: KindBudgetOverrun, Priority: prio, CompanyID: b.CompanyID,
			Title: fmt.Sprintf("%s: %.0f%% of budget spent", b.Name, ratio*100),
			Detail: fmt.Sprintf("%.2f %s was booked on %s from %s to %s against %.2f planned, %.2f over; the period %s.",
				b.Actual, cur, b.Target, b.From, b.To, b.Planned, b.Actual-b.Planned, state),
			Subject: b.Model + ":" + strconv.FormatInt(b.ID, 10),
			Refs:    budgetRefs(env, &b),
			Facts:   map[string]float64{"actual": fields.Round2(b.Actual), "planned": fields.Round2(b.Planned), "ratio": fields.Round2(ratio)},
			Score:   fields.Clamp01((ratio - 1) / 1.0),
		})
	}
	for cid, t := range per {
		cur := d.currency(cid)
		res.Metrics = append(res.Metrics,
			metric("finance.budget.lines", float64(t.lines), "count", cid),
			metric("finance.budget.overruns", float64(t.overruns), "count", cid),
			metric("finance.budget.overspend", t.overspend, cur, cid),
			metric("finance.budget.current_planned", t.planned, cur, cid),
			metric("finance.budget.current_actual", t.actual, cur, cid),
		)
	}
}

// budgetRefs links an overrun to its budget line and the accounts it counts.
func budgetRefs(env *analysis.Env, b *BudgetLine) []analysis.Ref {
	refs := []analysis.Ref{env.Ref(b.Model, b.ID)}
	if len(b.Accounts) > 0 {
		refs = append(refs, env.Ref("account.account", b.Accounts...))
	}
	if b.Analytic != 0 {
		refs = append(refs, env.Ref("account.analytic.account", b.Analytic))
	}
	return refs
}

package finance

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/budgets"
	"github.com/aicoo/aicoo/internal/analysis/fields"
)

// budgetActuals computes the actual spending of each cost budget line (the
// rule is budgets.Set's, see doc.go): journal items directly for lines
// without an analytic account, analytic lines of posted items otherwise.
func budgetActuals(d *data) []budgets.Line {
	out := d.budgets.Lines(d.accounts)
	if len(out) == 0 {
		return nil
	}
	type key struct{ company, account int64 }
	byKey := map[key][]int{}
	for i, b := range out {
		if b.Analytic != 0 {
			continue
		}
		for _, acc := range b.Accounts {
			k := key{b.CompanyID, acc}
			byKey[k] = append(byKey[k], i)
		}
	}
	if len(byKey) > 0 {
		for j := range d.lines {
			l := &d.lines[j]
			if !l.posted {
				continue
			}
			for _, i := range byKey[key{l.company, l.account}] {
				if out[i].In(l.date) {
					out[i].Actual += l.balance
				}
			}
		}
	}
	d.budgets.AddAnalytic(out, d.accounts)
	return out
}

// budgetFigures adds budget compliance metrics and one budget_overrun
// insight per budget line whose actual exceeds its planned amount.
func budgetFigures(env *analysis.Env, d *data, res *analysis.Result) {
	if !d.budgets.Installed() {
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
		res.Metrics = append(res.Metrics, lineMetrics(env, d, &b)...)
		if !env.Today.Before(b.From) && !b.To.Before(env.Today) {
			t.current++
			t.planned += b.Planned
			t.actual += b.Actual
		}
		if !overrun(b.Planned, b.Actual) {
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
func budgetRefs(env *analysis.Env, b *budgets.Line) []analysis.Ref {
	refs := []analysis.Ref{env.Ref(b.Model, b.ID)}
	if len(b.Accounts) > 0 {
		refs = append(refs, env.Ref("account.account", b.Accounts...))
	}
	if b.Analytic != 0 {
		refs = append(refs, env.Ref("account.analytic.account", b.Analytic))
	}
	return refs
}

// overrun is the rule of a budget_overrun: actual above a positive plan,
// by more than rounding.
func overrun(planned, actual float64) bool { return planned > 0 && actual > planned+0.005 }

// lineMetrics publishes one budget line for readers of the stored result
// (the dashboard's budget table, through BudgetLines): its plan and its
// actual, named finance.budget.<model>.<id>.planned and .actual (the model
// with "_" for "."), each with the line's period and records; the plan's
// note is the line's name, the actual's what it is booked on.
func lineMetrics(env *analysis.Env, d *data, b *budgets.Line) []analysis.Metric {
	prefix := budgetLinePrefix + strings.ReplaceAll(b.Model, ".", "_") + "." + strconv.FormatInt(b.ID, 10) + "."
	cur := d.currency(b.CompanyID)
	period := &analysis.Period{From: b.From, To: b.To}
	refs := budgetRefs(env, b)
	planned, actual := metric(prefix+"planned", b.Planned, cur, b.CompanyID), metric(prefix+"actual", b.Actual, cur, b.CompanyID)
	planned.Note, planned.Period, planned.Refs = b.Name, period, refs
	actual.Note, actual.Period, actual.Refs = b.Target, period, refs
	return []analysis.Metric{planned, actual}
}

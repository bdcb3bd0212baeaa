package finance

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// BudgetLine is a budget line with its actual spending.
type BudgetLine struct {
	ID, CompanyID, AccountID int64
	Name                     string
	From, To                 odoo.Date
	Planned, Actual          float64
}

// budgetActuals computes the actual of each active aicoo.budget line: the
// balance (company currency) of posted journal items of the line's company
// on its account dated from date_from to date_to inclusive. This is the
// account's balance in Odoo's General Ledger filtered on the period.
func budgetActuals(d *data) []BudgetLine {
	type key struct{ company, account int64 }
	byKey := map[key][]int{}
	var out []BudgetLine
	for _, b := range d.budgets {
		if !fields.Active(b) {
			continue
		}
		bl := BudgetLine{ID: b.ID(), CompanyID: fields.M2OID(b, "company_id"), AccountID: fields.M2OID(b, "account_id"), Name: fields.String(b, "name"),
			From: fields.Date(b, "date_from"), To: fields.Date(b, "date_to"), Planned: fields.Float(b, "planned_amount")}
		if bl.AccountID == 0 || bl.From.IsZero() || bl.To.IsZero() {
			continue
		}
		k := key{bl.CompanyID, bl.AccountID}
		byKey[k] = append(byKey[k], len(out))
		out = append(out, bl)
	}
	if len(out) == 0 {
		return nil
	}
	for j := range d.lines {
		l := &d.lines[j]
		if !l.posted {
			continue
		}
		idx := byKey[key{l.company, l.account}]
		for _, i := range idx {
			if !l.date.Before(out[i].From) && !out[i].To.Before(l.date) {
				out[i].Actual += l.balance
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// budgetFigures adds budget compliance metrics and one budget_overrun
// insight per budget line whose actual exceeds its planned amount.
func budgetFigures(env *analysis.Env, d *data, res *analysis.Result) {
	if !d.budgetsOK {
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
		acc := fields.String(d.accounts[b.AccountID], "name")
		res.Insights = append(res.Insights, analysis.Insight{
			Kind: KindBudgetOverrun, Priority: prio, CompanyID: b.CompanyID,
			Title: fmt.Sprintf("%s: %.0f%% of budget spent", b.Name, ratio*100),
			Detail: fmt.Sprintf("%.2f %s was booked on %s from %s to %s against %.2f planned, %.2f over; the period %s.",
				b.Actual, cur, acc, b.From, b.To, b.Planned, b.Actual-b.Planned, state),
			Subject: "aicoo.budget:" + strconv.FormatInt(b.ID, 10),
			Refs:    []analysis.Ref{env.Ref("aicoo.budget", b.ID), env.Ref("account.account", b.AccountID)},
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

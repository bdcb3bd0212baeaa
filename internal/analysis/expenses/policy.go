package expenses

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/budgets"
	"github.com/aicoo/aicoo/internal/analysis/fields"
)

// policy raises expense_policy insights, one per expense and broken rule,
// for non-refused expenses in the lookback window that are dated after
// Today, were filed more than the late-filing days after their date, or
// exceed the configured per-expense limit (global or per category).
func (x *run) policy() {
	late := int(x.env.Threshold(ThresholdLateFilingDays, LateFilingDaysDefault))
	global := x.env.Threshold(ThresholdMaxAmount, MaxAmountDefault)
	for _, e := range x.expenses {
		if e.refused() {
			continue
		}
		cur := x.currency(e.company)
		var rules []string
		facts := map[string]float64{"amount": fields.Round2(e.amount)}
		if x.env.Today.Before(e.date) {
			rules = append(rules, fmt.Sprintf("it is dated %s, after today", e.date))
			facts["days_ahead"] = float64(analysis.DaysBetween(x.env.Today, e.date))
		}
		if !e.created.IsZero() && x.recent(e.created) {
			if lag := analysis.DaysBetween(e.date, e.created); lag > late {
				rules = append(rules, fmt.Sprintf("it was filed %d days after the expense (the policy allows %d)", lag, late))
				facts["filing_lag_days"] = float64(lag)
			}
		}
		if x.recent(e.date) {
			limit := x.env.Threshold(ThresholdMaxAmount+"."+strconv.FormatInt(e.category, 10), global)
			if limit > 0 && e.amount > limit {
				rules = append(rules, fmt.Sprintf("%.2f %s exceeds the limit of %.2f for %s", e.amount, cur, limit, x.category(e)))
				facts["limit"] = limit
			}
		}
		if len(rules) == 0 {
			continue
		}
		x.res.Insights = append(x.res.Insights, analysis.Insight{
			Kind: KindPolicy, Priority: "low", CompanyID: e.company,
			Title:   fmt.Sprintf("%s's expense %q breaks the expense policy", x.employee(e), fields.String(e.rec, "name")),
			Detail:  strings.ToUpper(rules[0][:1]) + rules[0][1:] + joinRest(rules[1:]) + ".",
			Subject: "hr.expense:" + strconv.FormatInt(e.id, 10) + ":policy",
			Refs:    []analysis.Ref{x.env.Ref("hr.expense", e.id), x.env.Ref("hr.employee", e.employee)},
			Facts:   facts,
			Score:   fields.Clamp01(float64(len(rules)) / 3),
		})
	}
}

func joinRest(rest []string) string {
	if len(rest) == 0 {
		return ""
	}
	return "; " + strings.Join(rest, "; ")
}

// budgets raises expense_budget_risk insights for running cost budget lines
// (budgets.Set: Odoo 16/17 crossovered.budget.lines, Odoo 18+ budget.line,
// aicoo.budget) on general accounts that expenses are booked to, when the
// books are still within the plan but adding the claims not yet posted (to
// report, submitted or approved, dated in the period) would exceed it.
// Lines on an analytic account are left out: claims are known here by
// general account only. Overruns already in the books are the finance
// analyzer's budget_overrun.
func (x *run) budgets(ctx context.Context) error {
	mls, _, err := analysis.Optional(ctx, x.env.Source, "account.move.line")
	if err != nil {
		return err
	}
	set, err := budgets.Load(ctx, x.env.Source, mls)
	if err != nil || !set.Installed() {
		return err
	}
	type key struct{ company, account int64 }
	type line struct {
		budgets.Line
		pending    float64
		pendingIDs []int64
	}
	used := map[key]bool{}
	for _, e := range x.expenses {
		if e.account != 0 {
			used[key{e.company, e.account}] = true
		}
	}
	byKey := map[key][]*line{}
	var lines []*line
	for _, b := range set.Lines(nil) {
		if b.Analytic != 0 || x.env.Today.Before(b.From) || b.To.Before(x.env.Today) {
			continue
		}
		l := &line{Line: b}
		if !slices.ContainsFunc(b.Accounts, func(acc int64) bool { return used[key{b.CompanyID, acc}] }) {
			continue
		}
		for _, acc := range b.Accounts {
			k := key{b.CompanyID, acc}
			byKey[k] = append(byKey[k], l)
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return nil
	}
	for _, ml := range mls {
		ls := byKey[key{fields.M2OID(ml, "company_id"), fields.M2OID(ml, "account_id")}]
		if len(ls) == 0 || fields.String(ml, "parent_state") != "posted" {
			continue
		}
		d := fields.Date(ml, "date")
		for _, l := range ls {
			if l.In(d) {
				l.Actual += fields.Float(ml, "balance")
			}
		}
	}
	for _, e := range x.expenses {
		if e.refused() || e.posted() {
			continue
		}
		for _, l := range byKey[key{e.company, e.account}] {
			if l.In(e.date) {
				l.pending += e.amount
				l.pendingIDs = append(l.pendingIDs, e.id)
			}
		}
	}
	for _, l := range lines {
		if l.Planned <= 0 || l.Actual > l.Planned || l.Actual+l.pending <= l.Planned {
			continue
		}
		cid := l.CompanyID
		cur := x.currency(cid)
		sort.Slice(l.pendingIDs, func(i, j int) bool { return l.pendingIDs[i] < l.pendingIDs[j] })
		x.res.Insights = append(x.res.Insights, analysis.Insight{
			Kind: KindBudgetRisk, Priority: "medium", CompanyID: cid,
			Title: fmt.Sprintf("%s: pending expense claims would exceed the budget", l.Name),
			Detail: fmt.Sprintf("%.2f %s is booked against %.2f planned; %d claims not yet posted add %.2f, %.2f over.",
				l.Actual, cur, l.Planned, len(l.pendingIDs), l.pending, l.Actual+l.pending-l.Planned),
			Subject: l.Model + ":" + strconv.FormatInt(l.ID, 10) + ":expenses",
			Refs:    []analysis.Ref{x.env.Ref(l.Model, l.ID), x.env.Ref("hr.expense", l.pendingIDs...)},
			Facts:   map[string]float64{"actual": fields.Round2(l.Actual), "pending": fields.Round2(l.pending), "planned": fields.Round2(l.Planned)},
			Score:   fields.Clamp01((l.Actual + l.pending - l.Planned) / l.Planned),
		})
	}
	return nil
}

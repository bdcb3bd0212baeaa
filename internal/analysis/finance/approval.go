package finance

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// approvalFigures counts the expenses waiting for a manager's approval:
// expense reports in state "submit" where hr.expense.sheet exists (16-18),
// else expenses in state "submitted" (19, where expenses are approved one
// by one). Amounts are total_amount in company currency. The wait is
// counted from the record's creation (the submission date is not stored).
func approvalFigures(env *analysis.Env, d *data, res *analysis.Result) {
	if !d.expOK && !d.sheetsOK {
		res.Metrics = append(res.Metrics, analysis.Metric{Name: "finance.expenses.awaiting_approval", Unit: "count", Available: false,
			Note: "the expenses module is not installed"})
		return
	}
	model, state, recs := "hr.expense", "submitted", d.expenses
	if d.sheetsOK {
		model, state, recs = "hr.expense.sheet", "submit", d.sheets
	}
	type tally struct {
		n      int
		amount float64
		oldest int
		ids    []int64
	}
	per := map[int64]*tally{}
	for cid := range d.companies {
		per[cid] = &tally{}
	}
	for _, r := range recs {
		if fields.String(r, "state") != state {
			continue
		}
		cid := fields.M2OID(r, "company_id")
		t := per[cid]
		if t == nil {
			t = &tally{}
			per[cid] = t
		}
		t.n++
		amt := fields.Float(r, "total_amount")
		if _, ok := r["total_amount_company"]; ok { // 16: total_amount is in the expense currency
			amt = fields.Float(r, "total_amount_company")
		}
		t.amount += amt
		t.ids = append(t.ids, r.ID())
		if c, err := r.Datetime("create_date"); err == nil && !c.IsZero() {
			t.oldest = max(t.oldest, analysis.DaysBetween(odoo.DateOf(c), env.Today))
		}
	}
	stale := int(env.Threshold(ThresholdApprovalStaleDays, ApprovalStaleDaysDefault))
	for cid, t := range per {
		cur := d.currency(cid)
		sort.Slice(t.ids, func(i, j int) bool { return t.ids[i] < t.ids[j] })
		m := metric("finance.expenses.awaiting_approval", float64(t.n), "count", cid)
		if len(t.ids) > 0 {
			m.Refs = []analysis.Ref{env.Ref(model, t.ids...)}
		}
		res.Metrics = append(res.Metrics, m,
			metric("finance.expenses.awaiting_approval_amount", t.amount, cur, cid),
			metric("finance.expenses.awaiting_approval_oldest_days", float64(t.oldest), "days", cid))
		if t.n == 0 || t.oldest < stale {
			continue
		}
		res.Insights = append(res.Insights, analysis.Insight{
			Kind: KindApprovalBacklog, Priority: "low", CompanyID: cid,
			Title:   fmt.Sprintf("%d expense submissions wait for approval (%.2f %s)", t.n, t.amount, cur),
			Detail:  fmt.Sprintf("The oldest has waited %d days; employees are reimbursed only after approval.", t.oldest),
			Subject: "res.company:" + strconv.FormatInt(cid, 10) + ":expense_approval",
			Refs:    []analysis.Ref{env.Ref(model, t.ids...)},
			Facts:   map[string]float64{"count": float64(t.n), "amount": fields.Round2(t.amount), "oldest_days": float64(t.oldest)},
			Score:   fields.Clamp01(float64(t.oldest) / 60),
		})
	}
}

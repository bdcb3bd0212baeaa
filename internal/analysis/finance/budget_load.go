package finance

import (
	"context"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// budgetSet holds the budget records of every budget model the source has:
// Odoo's account_budget models of 16/17 (crossovered.*) or 18+ (budget.*),
// and aicoo.budget, the fallback for datasets that carry it. A source has
// the models of one Odoo version only, so at most one Odoo family is set.
type budgetSet struct {
	ok bool // at least one budget model is installed

	aicoo []odoo.Record

	crossLines []odoo.Record         // crossovered.budget.lines (16/17)
	crossHeads map[int64]odoo.Record // crossovered.budget
	posts      map[int64]odoo.Record // account.budget.post
	lines18    []odoo.Record         // budget.line (18+)
	heads18    map[int64]odoo.Record // budget.analytic
	analytic   map[int64]odoo.Record // account.analytic.account
	aal        []odoo.Record         // account.analytic.line
	posted     map[int64]bool        // posted journal items, set with aal
}

// loadBudgets reads the budget models the source has. Presence of a model,
// not the Odoo version, decides: a 17 database has crossovered.budget.lines,
// an 18 one budget.line, and either may also hold aicoo.budget.
func loadBudgets(ctx context.Context, src analysis.Source, lines []odoo.Record) (*budgetSet, error) {
	b := &budgetSet{}
	var ok bool
	var err error
	if b.aicoo, ok, err = analysis.Optional(ctx, src, "aicoo.budget"); err != nil {
		return nil, err
	}
	b.ok = b.ok || ok
	byID := func(model string) (map[int64]odoo.Record, error) {
		recs, _, err := analysis.Optional(ctx, src, model)
		if err != nil {
			return nil, err
		}
		m := make(map[int64]odoo.Record, len(recs))
		for _, r := range recs {
			m[r.ID()] = r
		}
		return m, nil
	}
	if b.crossLines, ok, err = analysis.Optional(ctx, src, "crossovered.budget.lines"); err != nil {
		return nil, err
	}
	needAnalytic := false
	if ok {
		b.ok = true
		if b.crossHeads, err = byID("crossovered.budget"); err != nil {
			return nil, err
		}
		if b.posts, err = byID("account.budget.post"); err != nil {
			return nil, err
		}
		for _, l := range b.crossLines {
			if fields.M2OID(l, "analytic_account_id") != 0 {
				needAnalytic = true
				break
			}
		}
	}
	if b.lines18, ok, err = analysis.Optional(ctx, src, "budget.line"); err != nil {
		return nil, err
	}
	if ok {
		b.ok = true
		needAnalytic = needAnalytic || len(b.lines18) > 0
		if b.heads18, err = byID("budget.analytic"); err != nil {
			return nil, err
		}
	}
	if needAnalytic {
		if b.analytic, err = byID("account.analytic.account"); err != nil {
			return nil, err
		}
		if b.aal, _, err = analysis.Optional(ctx, src, "account.analytic.line"); err != nil {
			return nil, err
		}
		b.posted = make(map[int64]bool, len(lines))
		for _, l := range lines {
			if fields.String(l, "parent_state") == "posted" {
				b.posted[l.ID()] = true
			}
		}
	}
	return b, nil
}

// ids decodes a many2many field, nil when it is missing or malformed.
func ids(r odoo.Record, f string) []int64 {
	v, err := r.IDs(f)
	if err != nil {
		return nil
	}
	return v
}

// budgetLines turns the budget records into cost budget lines aicoo checks:
// planned amount positive, the general accounts and/or analytic account whose
// spending counts. Cancelled budgets and revenue lines are left out.
func (b *budgetSet) budgetLines(accounts map[int64]odoo.Record) []BudgetLine {
	var out []BudgetLine
	for _, r := range b.aicoo {
		if !fields.Active(r) {
			continue
		}
		acc := fields.M2OID(r, "account_id")
		out = append(out, BudgetLine{ID: r.ID(), Model: "aicoo.budget", CompanyID: fields.M2OID(r, "company_id"), AccountID: acc,
			Accounts: []int64{acc}, Name: fields.String(r, "name"), Target: fields.String(accounts[acc], "name"),
			From: fields.Date(r, "date_from"), To: fields.Date(r, "date_to"), Planned: fields.Float(r, "planned_amount")})
	}
	for _, r := range b.crossLines {
		head := b.crossHeads[fields.M2OID(r, "crossovered_budget_id")]
		state := fields.String(r, "crossovered_budget_state")
		if state == "" {
			state = fields.String(head, "state")
		}
		planned := fields.Float(r, "planned_amount")
		if state == "cancel" || planned >= 0 {
			continue // cancelled, or a revenue line (Odoo plans costs negative)
		}
		bl := BudgetLine{ID: r.ID(), Model: "crossovered.budget.lines", CompanyID: fields.M2OID(r, "company_id"),
			From: fields.Date(r, "date_from"), To: fields.Date(r, "date_to"), Planned: -planned,
			Analytic: fields.M2OID(r, "analytic_account_id")}
		if bl.CompanyID == 0 {
			bl.CompanyID = fields.M2OID(head, "company_id")
		}
		name := []string{fields.String(head, "name")}
		var target []string
		if post, ok := b.posts[fields.M2OID(r, "general_budget_id")]; ok {
			bl.Accounts = ids(post, "account_ids")
			name = append(name, fields.String(post, "name"))
			for _, a := range bl.Accounts {
				target = append(target, fields.String(accounts[a], "name"))
			}
		}
		if bl.Analytic != 0 {
			an := b.analyticName(r, "analytic_account_id")
			name = append(name, an)
			target = append(target, "analytic account "+an)
		}
		if len(bl.Accounts) == 1 {
			bl.AccountID = bl.Accounts[0]
		}
		bl.Name, bl.Target = strings.Join(name, " - "), strings.Join(target, ", ")
		out = append(out, bl)
	}
	for _, r := range b.lines18 {
		head := b.heads18[fields.M2OID(r, "budget_analytic_id")]
		typ := fields.String(head, "budget_type")
		if fields.String(head, "state") == "canceled" || typ == "revenue" {
			continue
		}
		bl := BudgetLine{ID: r.ID(), Model: "budget.line", CompanyID: fields.M2OID(r, "company_id"),
			From: fields.Date(r, "date_from"), To: fields.Date(r, "date_to"), Planned: fields.Float(r, "budget_amount"),
			Analytic: fields.M2OID(r, "account_id"), ExpenseOnly: typ != "both"}
		if bl.CompanyID == 0 {
			bl.CompanyID = fields.M2OID(head, "company_id")
		}
		if bl.From.IsZero() {
			bl.From, bl.To = fields.Date(head, "date_from"), fields.Date(head, "date_to")
		}
		an := b.analyticName(r, "account_id")
		bl.Name, bl.Target = fields.String(head, "name")+" - "+an, "analytic account "+an
		out = append(out, bl)
	}
	return out
}

// analyticName returns the name of the analytic account r's field points to.
func (b *budgetSet) analyticName(r odoo.Record, f string) string {
	if a, ok := b.analytic[fields.M2OID(r, f)]; ok {
		return fields.String(a, "name")
	}
	return fields.M2OName(r, f)
}

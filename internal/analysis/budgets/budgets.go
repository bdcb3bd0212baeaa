// Package budgets reads the budgets of an Odoo database for the analyzers,
// whichever budget models it has: Odoo 16/17 account_budget
// (crossovered.budget.lines with crossovered.budget and the budgetary
// positions account.budget.post), Odoo 18+ account_budget (budget.line with
// budget.analytic), and aicoo.budget, a fallback for datasets carrying
// aicoo's own flat budgets. It yields cost budget lines with a positive plan
// and says what their actual spending is made of; the analyzers add the
// journal items (the rule is documented in analysis/finance).
package budgets

import (
	"context"
	"slices"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Set holds the budget records of every budget model the source has:
// Odoo's account_budget models of 16/17 (crossovered.*) or 18+ (budget.*),
// and aicoo.budget, the fallback for datasets that carry it. A source has
// the models of one Odoo version only, so at most one Odoo family is set.
type Set struct {
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

// Load reads the budget models the source has; journalItems are the
// account.move.line records (their posted state qualifies analytic lines). Presence of a model,
// not the Odoo version, decides: a 17 database has crossovered.budget.lines,
// an 18 one budget.line, and either may also hold aicoo.budget.
func Load(ctx context.Context, src analysis.Source, journalItems []odoo.Record) (*Set, error) {
	b := &Set{}
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
		b.posted = make(map[int64]bool, len(journalItems))
		for _, l := range journalItems {
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

// Installed reports whether the source has any budget model.
func (b *Set) Installed() bool { return b != nil && b.ok }

// Lines returns the cost budget lines aicoo checks, Actual zero: planned
// amount positive, with the general accounts and/or analytic account whose
// spending counts and dates set. Cancelled budgets and revenue lines are
// left out. accounts (account.account by id) names the targets. Lines are
// sorted by model and id.
func (b *Set) Lines(accounts map[int64]odoo.Record) []Line {
	all := b.lines(accounts)
	out := all[:0]
	for _, l := range all {
		if l.From.IsZero() || l.To.IsZero() || (len(l.Accounts) == 0 && l.Analytic == 0) {
			continue
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(x, y Line) int {
		if c := strings.Compare(x.Model, y.Model); c != 0 {
			return c
		}
		return int(x.ID - y.ID)
	})
	return out
}

// AddAnalytic adds to each line with an analytic account minus the amount of
// the analytic lines (costs are negative there) of that account in the
// line's period whose journal item is posted, restricted to the line's
// general accounts when it has some and to expense accounts for an
// ExpenseOnly line. accounts (account.account by id) gives account types.
func (b *Set) AddAnalytic(lines []Line, accounts map[int64]odoo.Record) {
	byAnalytic := map[int64][]int{}
	for i, l := range lines {
		if l.Analytic != 0 {
			byAnalytic[l.Analytic] = append(byAnalytic[l.Analytic], i)
		}
	}
	if len(byAnalytic) == 0 {
		return
	}
	for _, a := range b.aal {
		idx := byAnalytic[fields.M2OID(a, "account_id")]
		if len(idx) == 0 || !b.posted[fields.M2OID(a, "move_line_id")] {
			continue
		}
		day, company, acc := fields.Date(a, "date"), fields.M2OID(a, "company_id"), fields.M2OID(a, "general_account_id")
		for _, i := range idx {
			l := &lines[i]
			if !l.In(day) || (company != 0 && l.CompanyID != 0 && company != l.CompanyID) ||
				(len(l.Accounts) > 0 && !slices.Contains(l.Accounts, acc)) ||
				(l.ExpenseOnly && !strings.HasPrefix(fields.String(accounts[acc], "account_type"), "expense")) {
				continue
			}
			l.Actual -= fields.Float(a, "amount")
		}
	}
}

// lines decodes every budget record into a Line.
func (b *Set) lines(accounts map[int64]odoo.Record) []Line {
	var out []Line
	for _, r := range b.aicoo {
		if !fields.Active(r) {
			continue
		}
		acc := fields.M2OID(r, "account_id")
		out = append(out, Line{ID: r.ID(), Model: "aicoo.budget", CompanyID: fields.M2OID(r, "company_id"), AccountID: acc,
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
		bl := Line{ID: r.ID(), Model: "crossovered.budget.lines", CompanyID: fields.M2OID(r, "company_id"),
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
		bl := Line{ID: r.ID(), Model: "budget.line", CompanyID: fields.M2OID(r, "company_id"),
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
func (b *Set) analyticName(r odoo.Record, f string) string {
	if a, ok := b.analytic[fields.M2OID(r, f)]; ok {
		return fields.String(a, "name")
	}
	return fields.M2OName(r, f)
}

// Line is a cost budget line with its actual spending, from whichever
// budget model the source has (Model).
type Line struct {
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

// In reports whether day falls in the line's period (both ends included).
func (l *Line) In(day odoo.Date) bool { return !day.Before(l.From) && !l.To.Before(day) }

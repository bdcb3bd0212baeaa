package demodata

import (
	"math"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
)

// quarter is a calendar quarter [from, to].
type quarter struct {
	from, to day
	label    string
}

// quarters returns the four complete quarters before Today's quarter and
// Today's quarter, oldest first.
func (g *gen) quarters() []quarter {
	t := timeOf(g.today)
	qStart := time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	var out []quarter
	for i := -4; i <= 0; i++ {
		from := qStart.AddDate(0, 3*i, 0)
		to := from.AddDate(0, 3, -1)
		out = append(out, quarter{from: dayOf(from), to: dayOf(to), label: from.Format("2006") + " Q" + itoa((int(from.Month())-1)/3+1)})
	}
	return out
}

// budgetLine is an Odoo budget line (crossovered.budget.lines up to 17,
// budget.line from 18) and its actual spending.
type budgetLine struct {
	rec     Record
	model   string
	name    string // the line's display name, "Budget 2026 Q1 - Marketing"
	planned int64  // cents, positive: the cost planned
	account int64
	q       int // index in quarters
	actual  int64
	clean   int64 // actual without injected anomalies
}

// budgets creates quarterly budgets per expense account: the average
// quarterly spending plus 15%, raised where a quarter would exceed it
// naturally. The last complete marketing quarter is then made to overrun by
// about 30% and the last complete IT quarter to land just under budget.
// They are written in the budget models of the dataset's Odoo version (see
// writeBudgets).
func (g *gen) budgets() []*budgetLine {
	qs := g.quarters()
	a := &g.ref.acc
	accounts := []int64{a.salaries, a.rent, a.utilities, a.marketing, a.it, a.freight, a.fees, a.office}
	index := map[int64]int{}
	for i, acc := range accounts {
		index[acc] = i
	}
	actual := make([][]int64, len(accounts))
	clean := make([][]int64, len(accounts))
	for i := range accounts {
		actual[i] = make([]int64, len(qs))
		clean[i] = make([]int64, len(qs))
	}
	for _, l := range g.ds.Records("account.move.line") {
		i, ok := index[l.M2O("account_id")]
		if !ok {
			continue
		}
		d := dayOfRec(g, l, "date")
		for q := range qs {
			if d >= qs[q].from && d <= qs[q].to {
				b := cents(l.Float("balance"))
				actual[i][q] += b
				if l.M2O("move_id") != g.inj.anomalousBill {
					clean[i][q] += b
				}
			}
		}
	}
	var lines []*budgetLine
	last := len(qs) - 2
	for q := range qs {
		for i, acc := range accounts {
			var sum int64
			for j := 0; j < len(qs)-1; j++ {
				sum += clean[i][j]
			}
			planned := roundUp(int64(float64(sum)/float64(len(qs)-1)*1.15), 10000)
			if clean[i][q] > planned {
				planned = roundUp(int64(float64(clean[i][q])*1.08), 10000)
			}
			switch {
			case q == last && acc == a.marketing:
				planned = int64(math.Round(float64(actual[i][q])/1.3/10000)) * 10000
			case q == last && acc == a.it:
				planned = roundUp(int64(float64(actual[i][q])/0.96), 10000)
				if actual[i][q] > planned {
					planned += 10000
				}
			}
			lines = append(lines, &budgetLine{planned: planned, account: acc, q: q, actual: actual[i][q], clean: clean[i][q]})
		}
	}
	g.writeBudgets(accounts, lines)
	return lines
}

// writeBudgets records lines as Odoo keeps budgets in the dataset's version:
// up to 17 a crossovered.budget per quarter whose lines each have a
// budgetary position (account.budget.post) holding one expense account and
// a negative planned amount (Odoo's sign for a cost); from 18 a
// budget.analytic per quarter of type expense whose budget.line each point
// to an analytic account named after the expense account, with the posted
// journal items of that account carried as analytic lines.
func (g *gen) writeBudgets(accounts []int64, lines []*budgetLine) {
	qs := g.quarters()
	v18 := dataset.MajorVersion(g.opt.OdooVersion) >= 18
	created := g.dt(qs[0].from-day(20), 9*3600)
	per := map[int64]int64{} // expense account -> budgetary position or analytic account
	for _, acc := range accounts {
		name := g.ds.Get("account.account", acc).Str("name")
		if v18 {
			per[acc] = g.add("account.analytic.account", stamp(Record{"name": name, "code": false, "company_id": g.ref.company, "active": true}, created, g.ref.accountant))
		} else {
			per[acc] = g.add("account.budget.post", stamp(Record{"name": name, "account_ids": []int64{acc}, "company_id": g.ref.company}, created, g.ref.accountant))
		}
	}
	if v18 {
		g.analyticLines(per)
	}
	heads := make([]int64, len(qs))
	for q := range qs {
		rec := Record{"name": "Budget " + qs[q].label, "user_id": g.ref.accountant, "date_from": g.date(qs[q].from), "date_to": g.date(qs[q].to),
			"company_id": g.ref.company}
		if v18 {
			rec["state"], rec["budget_type"] = "confirmed", "expense"
			heads[q] = g.add("budget.analytic", stamp(rec, g.dt(qs[q].from-day(10), 9*3600), g.ref.accountant))
		} else {
			rec["state"] = "validate"
			heads[q] = g.add("crossovered.budget", stamp(rec, g.dt(qs[q].from-day(10), 9*3600), g.ref.accountant))
		}
	}
	for _, b := range lines {
		q := qs[b.q]
		b.name = "Budget " + q.label + " - " + g.ds.Get("account.account", b.account).Str("name")
		created := g.dt(q.from-day(10), 9*3600)
		if v18 {
			b.model = "budget.line"
			b.rec = Record{"budget_analytic_id": heads[b.q], "account_id": per[b.account], "date_from": g.date(q.from), "date_to": g.date(q.to),
				"budget_amount": money(b.planned), "currency_id": g.ref.eur, "company_id": g.ref.company}
		} else {
			b.model = "crossovered.budget.lines"
			b.rec = Record{"crossovered_budget_id": heads[b.q], "general_budget_id": per[b.account], "analytic_account_id": false,
				"date_from": g.date(q.from), "date_to": g.date(q.to), "planned_amount": -money(b.planned), "currency_id": g.ref.eur,
				"crossovered_budget_state": "validate", "company_id": g.ref.company}
		}
		g.add(b.model, stamp(b.rec, created, g.ref.accountant))
	}
}

// analyticLines writes the analytic line Odoo 18 creates for each posted
// journal item of an expense account whose analytic distribution is 100% the
// account's analytic account (amount = -balance, costs negative).
func (g *gen) analyticLines(analytic map[int64]int64) {
	moves := map[int64]Record{}
	for _, m := range g.ds.Records("account.move") {
		moves[m.ID()] = m
	}
	for _, l := range g.ds.Records("account.move.line") {
		aa, ok := analytic[l.M2O("account_id")]
		if !ok || l.Str("parent_state") != "posted" {
			continue
		}
		name := l.Str("name")
		if name == "" {
			name = moves[l.M2O("move_id")].Str("name")
		}
		g.add("account.analytic.line", Record{"name": name, "date": l.Str("date"), "amount": -l.Float("balance"), "currency_id": g.ref.eur,
			"account_id": aa, "general_account_id": l.M2O("account_id"), "move_line_id": l.ID(), "company_id": g.ref.company,
			"create_date": l.Str("create_date"), "write_date": l.Str("create_date"), "create_uid": l.M2O("create_uid"), "write_uid": l.M2O("create_uid")})
	}
}

package demodata

import (
	"math"
	"time"
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

// budgetLine is an aicoo.budget record and its actual spending.
type budgetLine struct {
	rec     Record
	account int64
	q       int // index in quarters
	actual  int64
	clean   int64 // actual without injected anomalies
}

// budgets creates quarterly budgets per expense account: the average
// quarterly spending plus 15%, raised where a quarter would exceed it
// naturally. The last complete marketing quarter is then made to overrun by
// about 30% and the last complete IT quarter to land just under budget.
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
			name := g.ds.Get("account.account", acc).Str("name")
			created := g.dt(qs[q].from-day(10), 9*3600)
			rec := Record{"name": "Budget " + qs[q].label + " - " + name, "account_id": acc, "date_from": g.date(qs[q].from),
				"date_to": g.date(qs[q].to), "planned_amount": money(planned), "currency_id": g.ref.eur, "company_id": g.ref.company, "active": true}
			g.add("aicoo.budget", stamp(rec, created, g.ref.accountant))
			lines = append(lines, &budgetLine{rec: rec, account: acc, q: q, actual: actual[i][q], clean: clean[i][q]})
		}
	}
	return lines
}

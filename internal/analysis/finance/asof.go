package finance

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Ledger is the company's books decoded once, to compute the analyzer's
// figures as of past dates (package history). Every figure uses the same
// definitions as the live analyzer: an as-of figure for Today equals the
// live one.
type Ledger struct {
	companies map[int64]*fields.Company
	moves     []move
	lines     []line
	liquidity map[int64]*Liquidity
	accounts  map[int64]odoo.Record
	// groups are the receivable and payable items by reconciliation
	// group, per account type.
	groups map[string][][]int
}

// LoadLedger reads the accounting models; ok is false without the
// accounting module.
func LoadLedger(ctx context.Context, src analysis.Source) (*Ledger, bool, error) {
	companies, err := fields.Companies(ctx, src)
	if err != nil {
		return nil, false, err
	}
	moves, ok, err := analysis.Optional(ctx, src, "account.move")
	if err != nil || !ok {
		return nil, false, err
	}
	journals, _, err := analysis.Optional(ctx, src, "account.journal")
	if err != nil {
		return nil, false, err
	}
	lines, _, err := analysis.Optional(ctx, src, "account.move.line")
	if err != nil {
		return nil, false, err
	}
	accs, _, err := analysis.Optional(ctx, src, "account.account")
	if err != nil {
		return nil, false, err
	}
	return NewLedger(companies, moves, lines, journals, accs), true, nil
}

// NewLedger decodes the records of a ledger.
func NewLedger(companies map[int64]*fields.Company, moves, lines, journals, accounts []odoo.Record) *Ledger {
	l := &Ledger{companies: companies, moves: decodeMoves(moves), lines: decodeLines(lines, map[int64]bool{}),
		liquidity: LiquidityAccounts(journals), accounts: make(map[int64]odoo.Record, len(accounts))}
	for _, a := range accounts {
		l.accounts[a.ID()] = a
	}
	l.groups = map[string][][]int{}
	for _, typ := range []string{"asset_receivable", "liability_payable"} {
		l.groups[typ] = reconcileGroups(l.lines, typ)
	}
	return l
}

// Companies returns the company ids with books, ascending: those in
// res.company and those seen on journal items.
func (l *Ledger) Companies() []int64 {
	seen := map[int64]bool{}
	for id := range l.companies {
		seen[id] = true
	}
	for i := range l.lines {
		seen[l.lines[i].company] = true
	}
	out := make([]int64, 0, len(seen))
	for id := range seen {
		if id != 0 || len(seen) == 1 {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Currency returns the company's currency code ("" when unknown).
func (l *Ledger) Currency(companyID int64) string {
	if c := l.companies[companyID]; c != nil {
		return c.Currency
	}
	return ""
}

// FirstDate returns the date of the earliest posted journal item.
func (l *Ledger) FirstDate() odoo.Date {
	var first odoo.Date
	for i := range l.lines {
		if d := l.lines[i].date; l.lines[i].posted && !d.IsZero() && (first.IsZero() || d.Before(first)) {
			first = d
		}
	}
	return first
}

// CashAsOf returns the cash position per company at the end of day d: the
// balance of the posted items on the liquidity accounts dated d or before
// (as cashByCompany, which is the same for d = Today).
func (l *Ledger) CashAsOf(d odoo.Date) map[int64]float64 {
	out := map[int64]float64{}
	for cid := range l.liquidity {
		out[cid] = 0
	}
	for i := range l.lines {
		ln := &l.lines[i]
		q := l.liquidity[ln.company]
		if q == nil || !q.Accounts[ln.account] || !ln.bookedBy(d) {
			continue
		}
		out[ln.company] += ln.balance
	}
	return out
}

// AgingAsOf ages the receivable ("asset_receivable") or payable
// ("liability_payable") items open at the end of day d, per company, with
// the buckets of ComputeAging counted from d.
//
// What was open on d is rebuilt from the reconciliation groups (Odoo's
// matching_number: the items reconciled together, which the sync copies):
// an item dated after d did not exist yet, and a payment, credit note or
// exchange difference dated d or before had settled what it is reconciled
// with (Odoo's account.partial.reconcile.max_date is the later of the two
// items' dates, so the later one decides). When every item of a group is
// dated d or before, the items' residuals are exactly what Odoo holds
// today; otherwise the group's items dated d or before are netted, the
// settling side absorbing the open side's items oldest due date first, as
// Odoo's reconciliation does.
func (l *Ledger) AgingAsOf(accountType string, d odoo.Date) map[int64]*Aging {
	return agingAt(l.lines, l.groups[accountType], accountType, d)
}

// reconcileGroups returns the indexes of the posted items on accounts of
// accountType by reconciliation group (matching_number per company), an
// unreconciled item alone in its group: the unreconciled items in line
// order, then the groups by company and matching number. The groups share
// two backing arrays: a ledger has hundreds of thousands of items.
func reconcileGroups(lines []line, accountType string) [][]int {
	var single, matched []int
	for i := range lines {
		ln := &lines[i]
		if ln.accountType != accountType || !ln.posted {
			continue
		}
		if ln.matching == "" {
			single = append(single, i)
		} else {
			matched = append(matched, i)
		}
	}
	sort.SliceStable(matched, func(a, b int) bool {
		la, lb := &lines[matched[a]], &lines[matched[b]]
		if la.company != lb.company {
			return la.company < lb.company
		}
		return la.matching < lb.matching
	})
	groups := make([][]int, 0, len(single)+len(matched)/2+1)
	for k := range single {
		groups = append(groups, single[k:k+1:k+1])
	}
	for a := 0; a < len(matched); {
		first := &lines[matched[a]]
		b := a + 1
		for b < len(matched) && lines[matched[b]].company == first.company && lines[matched[b]].matching == first.matching {
			b++
		}
		groups = append(groups, matched[a:b:b])
		a = b
	}
	return groups
}

// agingAt ages the items of groups open at the end of day d (see
// Ledger.AgingAsOf): the live aging is agingAt Today, so an item or a
// settlement dated after Today is not in it.
func agingAt(lines []line, groups [][]int, accountType string, d odoo.Date) map[int64]*Aging {
	sign := 1.0
	if accountType == "liability_payable" {
		sign = -1
	}
	out := map[int64]*Aging{}
	add := func(ln *line, v float64) {
		if v == 0 {
			return
		}
		ag := out[ln.company]
		if ag == nil {
			ag = &Aging{CompanyID: ln.company, Partners: map[int64]*AgingRow{}}
			out[ln.company] = ag
		}
		row := ag.Partners[ln.partner]
		if row == nil {
			row = &AgingRow{CompanyID: ln.company, PartnerID: ln.partner}
			ag.Partners[ln.partner] = row
		}
		b := BucketOf(analysis.DaysBetween(ln.due(), d))
		v *= sign
		row.Buckets[b] += v
		row.Total += v
		ag.Buckets[b] += v
		ag.Total += v
		if mid := ln.move; mid != 0 && (len(row.MoveIDs) == 0 || row.MoveIDs[len(row.MoveIDs)-1] != mid) {
			row.MoveIDs = append(row.MoveIDs, mid)
		}
	}
	openAt(lines, groups, d, add)
	for _, ag := range out {
		for _, row := range ag.Partners {
			slices.Sort(row.MoveIDs)
			row.MoveIDs = slices.Compact(row.MoveIDs)
		}
	}
	return out
}

// openAt calls add with what is open at the end of day d of each item of
// the reconciliation groups (company currency, the item's sign): an item
// dated after d did not exist yet, and a payment, credit note or exchange
// difference dated d or before had settled what it is reconciled with.
// When every item of a group is in the books by d, the items' residuals
// are exactly what Odoo holds today; otherwise the group's items dated d or
// before are netted (settle).
func openAt(lines []line, groups [][]int, d odoo.Date, add func(*line, float64)) {
	var open []*line
	for _, g := range groups {
		open = open[:0]
		for _, i := range g {
			if ln := &lines[i]; ln.bookedBy(d) {
				open = append(open, ln)
			}
		}
		if len(open) == 0 {
			continue
		}
		if len(open) == len(g) {
			for _, ln := range open {
				add(ln, ln.residual)
			}
			continue
		}
		settle(open, add)
	}
}

// settle nets a reconciliation group's items dated up to the as-of date:
// the side with the larger total stays open, reduced by the other side's
// total, its items settled oldest due date first.
func settle(items []*line, add func(*line, float64)) {
	var pos, neg float64
	for _, ln := range items {
		if ln.balance > 0 {
			pos += ln.balance
		} else {
			neg -= ln.balance
		}
	}
	openSign, absorb := 1.0, neg
	if neg > pos {
		openSign, absorb = -1, pos
	}
	var side []*line
	for _, ln := range items {
		if ln.balance*openSign > 0 {
			side = append(side, ln)
		}
	}
	sort.SliceStable(side, func(i, j int) bool {
		if c := side[i].due().Compare(side[j].due()); c != 0 {
			return c < 0
		}
		return side[i].move < side[j].move
	})
	for _, ln := range side {
		amt := ln.balance * openSign
		take := min(amt, absorb)
		absorb -= take
		if rest := fields.Round2(amt - take); rest != 0 {
			add(ln, rest*openSign)
		}
	}
}

// CreditSales returns, per company, the invoiced revenue (amount_total_signed
// of posted customer invoices minus credit notes) dated from..to inclusive:
// the denominator of DSO.
func (l *Ledger) CreditSales(from, to odoo.Date) map[int64]float64 {
	out := map[int64]float64{}
	for i := range l.moves {
		m := &l.moves[i]
		if (m.typ != "out_invoice" && m.typ != "out_refund") || !m.bookedBy(to) {
			continue
		}
		if dt := m.docDate(); dt.Before(from) || to.Before(dt) {
			continue
		}
		out[m.company] += m.totalSigned
	}
	return out
}

// DSO is days sales outstanding as the analyzer computes it: open
// receivables over the credit sales of the window days ending d, times
// the window. ok is false without sales in the window.
func DSO(receivables, creditSales float64, windowDays int) (days float64, ok bool) {
	if creditSales <= 0 {
		return 0, false
	}
	return fields.Round2(receivables / creditSales * float64(windowDays)), true
}

// Month is one calendar month's flows of a company, in company currency.
type Month struct {
	// Revenue is the untaxed amount of posted customer invoices minus
	// credit notes by invoice date (amount_untaxed_signed), as the sales
	// analyzer counts revenue.
	Revenue float64
	// DirectCost is the balance of the posted items on cost of revenue
	// accounts (account type expense_direct_cost) dated in the month.
	DirectCost float64
	// Expenses is the balance of the posted items on expense accounts
	// (account type expense) dated in the month, leaving out salary and
	// wage accounts (by name): the spending a manager controls.
	Expenses float64
}

// MonthKey is the first day of t's month.
func MonthKey(t odoo.Date) odoo.Date { return odoo.Date{Year: t.Year, Month: t.Month, Day: 1} }

// Months returns the flows per company and month (keyed by the month's
// first day).
func (l *Ledger) Months() map[int64]map[odoo.Date]*Month {
	out := map[int64]map[odoo.Date]*Month{}
	get := func(cid int64, d odoo.Date) *Month {
		byMonth := out[cid]
		if byMonth == nil {
			byMonth = map[odoo.Date]*Month{}
			out[cid] = byMonth
		}
		k := MonthKey(d)
		m := byMonth[k]
		if m == nil {
			m = &Month{}
			byMonth[k] = m
		}
		return m
	}
	for i := range l.moves {
		m := &l.moves[i]
		if (m.typ != "out_invoice" && m.typ != "out_refund") || !m.posted || m.docDate().IsZero() {
			continue
		}
		get(m.company, m.docDate()).Revenue += fields.Float(m.rec, "amount_untaxed_signed")
	}
	payroll := map[int64]bool{}
	for id, a := range l.accounts {
		if isPayroll(fields.String(a, "name")) {
			payroll[id] = true
		}
	}
	for i := range l.lines {
		ln := &l.lines[i]
		if !ln.posted || ln.date.IsZero() {
			continue
		}
		switch ln.accountType {
		case "expense_direct_cost":
			get(ln.company, ln.date).DirectCost += ln.balance
		case "expense":
			if !payroll[ln.account] {
				get(ln.company, ln.date).Expenses += ln.balance
			}
		}
	}
	return out
}

// isPayroll reports whether an expense account's name says it holds
// salaries, wages or payroll (English, German, French).
func isPayroll(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"salar", "wage", "payroll", "gehalt", "gehälter", "lohn", "löhne", "personal", "salaire"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

package forecast

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/odoo"
)

// day is a calendar day counted from 1970-01-01 (UTC). The forecast works
// on days: a ledger has few distinct dates and comparing ints is cheap.
type day int32

// noDay marks a missing date; it sorts after every real day.
const noDay day = 1 << 30

func dayOfDate(d odoo.Date) day {
	if d.IsZero() {
		return noDay
	}
	return day(d.In(time.UTC).Unix() / 86400)
}

func (d day) date() odoo.Date {
	if d == noDay {
		return odoo.Date{}
	}
	return odoo.DateOf(time.Unix(int64(d)*86400, 0).UTC())
}

// dayCache parses date and datetime strings once: the day of a datetime
// is its UTC date, the first ten characters of Odoo's format.
type dayCache map[string]day

func (c dayCache) of(r odoo.Record, f string) day {
	s, ok := r[f].(string)
	if !ok {
		if t := fields.Datetime(r, f); !t.IsZero() {
			return dayOfDate(odoo.DateOf(t.UTC()))
		}
		return dayOfDate(fields.Date(r, f))
	}
	if len(s) > 10 {
		s = s[:10]
	}
	if d, ok := c[s]; ok {
		return d
	}
	d := dayOfDate(fields.Date(odoo.Record{"d": s}, "d"))
	c[s] = d
	return d
}

// flow is an amount on a day, company currency, signed (+ into the bank).
type flow struct {
	d       day
	created day
	amt     float64
	// credit marks a settlement by another document (a credit note), which
	// moves no money.
	credit bool
}

// docKind tells invoices from bills.
type docKind uint8

const (
	customerDoc docKind = iota // out_invoice, out_refund: money comes in
	vendorDoc                  // in_invoice, in_refund: money goes out
)

// doc is a posted invoice, credit note or bill with its settlements.
type doc struct {
	id, company, partner int64
	kind                 docKind
	name                 string
	date, due, created   day
	// amount is the receivable (+) or payable (-) total in company
	// currency: what the document brings into (out of) the bank.
	amount float64
	// settle are the reconciled counterparts (payments, credit notes,
	// exchange differences), opposite in sign to amount, by date.
	settle []flow
	// known is false when the document has no matching information: its
	// residual is known only today (amount_residual).
	known    bool
	residual float64 // amount_residual today, signed like amount
	// absorbed marks a credit note fully used against an invoice: it
	// never moves money itself.
	absorbed bool
	fromPO   bool
	origin   string // invoice_origin: the order names
	order    int64  // the sale or purchase order it bills, 0 if none
}

// residualAt returns what is still open on the document at the end of t,
// from the settlements dated and created by then.
func (d *doc) residualAt(t day) float64 {
	if !d.known {
		return d.residual
	}
	r := d.amount
	for _, s := range d.settle {
		if s.d <= t && s.created <= t {
			r += s.amt
		}
	}
	if d.amount > 0 && r < 0 || d.amount < 0 && r > 0 || abs(r) < 0.005 {
		return 0
	}
	return r
}

// paidDay returns the day the document was fully settled, as of t
// (noDay when it was still open at t).
func (d *doc) paidDay(t day) day {
	if !d.known {
		return noDay
	}
	r := d.amount
	for _, s := range d.settle {
		if s.d > t || s.created > t {
			continue
		}
		r += s.amt
		if abs(r) <= 0.01*abs(d.amount)+0.005 {
			return s.d
		}
	}
	return noDay
}

// order is a confirmed sale or purchase order.
type order struct {
	id, company, partner, lead int64
	name                       string
	date, created, planned     day
	amount                     float64 // amount_total in company currency, unsigned
	termDays                   int
	hasTerm                    bool
	docs                       []*doc // the invoices or bills of the order
}

// lead is an open opportunity.
type lead struct {
	id, company, partner int64
	name                 string
	created, closing     day
	closed               day // date_closed (won or lost), noDay while open
	revenue, prob        float64
	won                  bool
}

// bankLine is a posted journal item on a liquidity account.
type bankLine struct {
	company    int64
	d, created day
	amt        float64
	move       int64
	counter    int64 // the other account of a direct entry (no payment, no document)
	partner    int64
	direct     bool // not a payment: a statement line booked directly (fees, loan, payroll by transfer)
	name       string
}

// book is what the forecast reads, decoded once so that a backtest can
// make forecasts as of many past days without reading the records again.
type book struct {
	companies map[int64]*fields.Company
	partners  fields.Names
	liquidity map[int64]*finance.Liquidity
	cash      map[int64][]bankLine // by company, by date
	// inProcess are registered payments whose money is not on the bank
	// yet (Odoo 17+ state in_process, or is_matched false): they reach it
	// within days.
	inProcess []flow
	inProcCo  []int64
	docs      []*doc
	sales     []*order
	purchases []*order
	leads     []*lead
	terms     map[int64]int // account.payment.term id to days
}

// load reads and decodes the records the forecast needs. ok is false
// without the accounting module.
func load(ctx context.Context, src analysis.Source) (*book, bool, error) {
	b := &book{terms: map[int64]int{}, cash: map[int64][]bankLine{}}
	var err error
	if b.companies, err = fields.Companies(ctx, src); err != nil {
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
	b.liquidity = finance.LiquidityAccounts(journals)
	liq := map[int64]bool{}
	for _, q := range b.liquidity {
		for a := range q.Accounts {
			liq[a] = true
		}
	}
	lines, _, err := analysis.Optional(ctx, src, "account.move.line")
	if err != nil {
		return nil, false, err
	}
	payments, _, err := analysis.Optional(ctx, src, "account.payment")
	if err != nil {
		return nil, false, err
	}
	partners, _, err := analysis.Optional(ctx, src, "res.partner")
	if err != nil {
		return nil, false, err
	}
	b.partners = fields.NameIndex(partners, "name")
	terms, _, err := analysis.Optional(ctx, src, "account.payment.term")
	if err != nil {
		return nil, false, err
	}
	for _, t := range terms {
		b.terms[t.ID()] = int(fields.Float(t, "days"))
	}
	rates, err := loadRates(ctx, src)
	if err != nil {
		return nil, false, err
	}
	dc := dayCache{}
	b.decodeLedger(moves, lines, payments, liq, dc)
	if err := b.loadOrders(ctx, src, rates, dc); err != nil {
		return nil, false, err
	}
	leads, okLeads, err := analysis.Optional(ctx, src, "crm.lead")
	if err != nil {
		return nil, false, err
	}
	if okLeads {
		for _, r := range leads {
			if fields.String(r, "type") == "lead" {
				continue
			}
			l := &lead{id: r.ID(), company: fields.M2OID(r, "company_id"), partner: fields.M2OID(r, "partner_id"), name: fields.String(r, "name"),
				created: dc.of(r, "create_date"), closing: dc.of(r, "date_deadline"), closed: dc.of(r, "date_closed"),
				revenue: fields.Float(r, "expected_revenue"), prob: fields.Float(r, "probability")}
			l.won = l.prob >= 100
			if !fields.Active(r) && !l.won && l.closed == noDay {
				l.closed = dc.of(r, "write_date")
			}
			b.leads = append(b.leads, l)
		}
	}
	return b, true, nil
}

// decodeLedger builds the documents with their settlements and the bank
// lines from the journal entries, their items and the payments.
func (b *book) decodeLedger(moves, lines, payments []odoo.Record, liq map[int64]bool, dc dayCache) {
	docByID := map[int64]*doc{}
	moveCreated := map[int64]day{}
	for _, m := range moves {
		if fields.String(m, "state") != "posted" {
			continue
		}
		moveCreated[m.ID()] = dc.of(m, "create_date")
		var kind docKind
		switch fields.String(m, "move_type") {
		case "out_invoice", "out_refund":
			kind = customerDoc
		case "in_invoice", "in_refund":
			kind = vendorDoc
		default:
			continue
		}
		partner := fields.M2OID(m, "commercial_partner_id")
		if partner == 0 {
			partner = fields.M2OID(m, "partner_id")
		}
		d := &doc{id: m.ID(), company: fields.M2OID(m, "company_id"), partner: partner, kind: kind, name: fields.String(m, "name"),
			date: dc.of(m, "invoice_date"), due: dc.of(m, "invoice_date_due"), created: moveCreated[m.ID()],
			origin: fields.String(m, "invoice_origin")}
		if d.date == noDay {
			d.date = dc.of(m, "date")
		}
		if d.created == noDay {
			d.created = d.date
		}
		docByID[d.id] = d
		b.docs = append(b.docs, d)
	}
	paymentMove := map[int64]bool{}
	for _, p := range payments {
		if mid := fields.M2OID(p, "move_id"); mid != 0 {
			paymentMove[mid] = true
		}
	}
	// Items on receivable and payable accounts, grouped by matching
	// number, tell when each document was settled.
	type termLine struct {
		move     int64
		d, c     day
		bal, res float64
		due      day
	}
	groups := map[string][]termLine{}
	var order []string
	moveLiq := map[int64]float64{}  // net of a direct entry on liquidity accounts
	moveOther := map[int64]int64{}  // its largest other account
	otherBal := map[int64]float64{} // and that account's balance
	var liqLines []bankLine
	for _, l := range lines {
		if fields.String(l, "parent_state") != "posted" {
			continue
		}
		mid := fields.M2OID(l, "move_id")
		acc := fields.M2OID(l, "account_id")
		if liq[acc] {
			bl := bankLine{company: fields.M2OID(l, "company_id"), d: dc.of(l, "date"), amt: fields.Float(l, "balance"), move: mid,
				partner: fields.M2OID(l, "partner_id"), name: fields.String(l, "name")}
			bl.created = dc.of(l, "create_date")
			if bl.created == noDay {
				bl.created = bl.d
			}
			bl.direct = fields.M2OID(l, "payment_id") == 0 && !paymentMove[mid] && docByID[mid] == nil
			liqLines = append(liqLines, bl)
			if bl.direct {
				moveLiq[mid] += bl.amt
			}
			continue
		}
		switch fields.String(l, "account_type") {
		case "asset_receivable", "liability_payable":
			bal := fields.Float(l, "balance")
			if d := docByID[mid]; d != nil {
				d.amount += bal
				d.residual += fields.Float(l, "amount_residual")
				if mat := dc.of(l, "date_maturity"); mat != noDay && (d.due == noDay || mat > d.due) {
					d.due = mat
				}
			}
			mn := fields.String(l, "matching_number")
			if mn == "" {
				continue
			}
			if _, ok := groups[mn]; !ok {
				order = append(order, mn)
			}
			c := dc.of(l, "create_date")
			if c == noDay {
				c = moveCreated[mid]
			}
			groups[mn] = append(groups[mn], termLine{move: mid, d: dc.of(l, "date"), c: c, bal: bal})
		default:
			if d := docByID[mid]; d != nil && d.kind == vendorDoc && fields.M2OID(l, "purchase_line_id") != 0 {
				d.fromPO = true
			}
			if docByID[mid] == nil && !paymentMove[mid] {
				bal := fields.Float(l, "balance")
				if abs(bal) > abs(otherBal[mid]) {
					otherBal[mid] = bal
					moveOther[mid] = acc
				}
			}
		}
	}
	for _, mn := range order {
		g := groups[mn]
		// The documents of the group's dominant sign are settled by every
		// other line of the group; several such documents share each
		// settlement in proportion to their amounts.
		var pos, neg float64
		for _, t := range g {
			if d := docByID[t.move]; d != nil {
				if t.bal > 0 {
					pos += t.bal
				} else {
					neg -= t.bal
				}
			}
		}
		primarySign := 1.0
		if neg > pos {
			primarySign = -1
		}
		var primaries []*doc
		total := 0.0
		seen := map[int64]bool{}
		for _, t := range g {
			d := docByID[t.move]
			if d == nil || t.bal*primarySign <= 0 || seen[d.id] {
				continue
			}
			seen[d.id] = true
			primaries = append(primaries, d)
			total += abs(d.amount)
		}
		for _, t := range g {
			if seen[t.move] {
				continue
			}
			if d := docByID[t.move]; d != nil {
				d.absorbed = abs(d.residual) < 0.005
			}
			for _, p := range primaries {
				share := 1.0
				if total > 0 {
					share = abs(p.amount) / total
				}
				p.settle = append(p.settle, flow{d: t.d, created: max(t.c, t.d), amt: t.bal * share, credit: docByID[t.move] != nil})
			}
		}
		for _, p := range primaries {
			p.known = true
		}
	}
	for _, d := range b.docs {
		// A document settled without a matching number has no known
		// history: it counts with today's residual and is left out of habits.
		if len(d.settle) == 0 && abs(d.residual-d.amount) < 0.005 {
			d.known = true // never settled: open since its date
		}
		sort.Slice(d.settle, func(i, j int) bool { return d.settle[i].d < d.settle[j].d })
	}
	for i := range liqLines {
		l := &liqLines[i]
		if l.direct {
			l.counter = moveOther[l.move]
		}
		b.cash[l.company] = append(b.cash[l.company], *l)
	}
	for _, ls := range b.cash {
		sort.SliceStable(ls, func(i, j int) bool { return ls[i].d < ls[j].d })
	}
	for _, p := range payments {
		switch fields.String(p, "state") {
		case "draft", "cancel", "canceled", "rejected":
			continue
		}
		st := fields.String(p, "state")
		if _, ok := p["is_matched"]; !(st == "in_process" || ok && !fields.Bool(p, "is_matched") && st == "posted") {
			continue
		}
		amt := fields.Float(p, "amount_company_currency_signed")
		if _, ok := p["amount_company_currency_signed"]; !ok {
			amt = fields.Float(p, "amount")
			if fields.String(p, "payment_type") == "outbound" {
				amt = -amt
			}
		}
		d := dc.of(p, "date")
		b.inProcess = append(b.inProcess, flow{d: d, created: max(d, dc.of(p, "create_date")), amt: amt})
		b.inProcCo = append(b.inProcCo, fields.M2OID(p, "company_id"))
	}
}

// rateTable holds each currency's rates (units per company-currency
// unit) by date.
type rateTable map[int64][]struct {
	d    day
	rate float64
}

func loadRates(ctx context.Context, src analysis.Source) (rateTable, error) {
	recs, ok, err := analysis.Optional(ctx, src, "res.currency.rate")
	if err != nil || !ok {
		return rateTable{}, err
	}
	out := rateTable{}
	dc := dayCache{}
	for _, r := range recs {
		c := fields.M2OID(r, "currency_id")
		out[c] = append(out[c], struct {
			d    day
			rate float64
		}{dc.of(r, "name"), fields.Float(r, "rate")})
	}
	for _, rs := range out {
		sort.Slice(rs, func(i, j int) bool { return rs[i].d < rs[j].d })
	}
	return out, nil
}

// toCompany converts amount in currency cur on d to company currency;
// the company currency (no rates) converts at 1.
func (rt rateTable) toCompany(amount float64, cur int64, d day) float64 {
	rs := rt[cur]
	if len(rs) == 0 {
		return amount
	}
	i := sort.Search(len(rs), func(i int) bool { return rs[i].d > d })
	if i > 0 {
		i--
	}
	if rs[i].rate <= 0 {
		return amount
	}
	return amount / rs[i].rate
}

// loadOrders reads the confirmed sale and purchase orders and links them
// to their invoices and bills (invoice_ids, else the invoice_origin
// names).
func (b *book) loadOrders(ctx context.Context, src analysis.Source, rates rateTable, dc dayCache) error {
	byName := map[string][]*doc{}
	byID := map[int64]*doc{}
	for _, d := range b.docs {
		byID[d.id] = d
		if d.origin == "" {
			continue
		}
		for _, n := range strings.Split(d.origin, ",") {
			n = strings.TrimSpace(n)
			byName[n] = append(byName[n], d)
		}
	}
	for _, spec := range []struct {
		model string
		kind  docKind
		out   *[]*order
	}{{"sale.order", customerDoc, &b.sales}, {"purchase.order", vendorDoc, &b.purchases}} {
		recs, ok, err := analysis.Optional(ctx, src, spec.model)
		if err != nil {
			return fmt.Errorf("forecast: %w", err)
		}
		if !ok {
			continue
		}
		for _, r := range recs {
			switch fields.String(r, "state") {
			case "sale", "purchase", "done":
			default:
				continue
			}
			o := &order{id: r.ID(), company: fields.M2OID(r, "company_id"), partner: fields.M2OID(r, "partner_id"), name: fields.String(r, "name"),
				date: dc.of(r, "date_order"), created: dc.of(r, "create_date"), lead: fields.M2OID(r, "opportunity_id")}
			if a := dc.of(r, "date_approve"); a != noDay {
				o.date = a
			}
			if o.created == noDay || o.created > o.date {
				o.created = o.date
			}
			o.planned = dc.of(r, "commitment_date")
			if spec.kind == vendorDoc {
				o.planned = dc.of(r, "date_planned")
			}
			amt := fields.Float(r, "amount_total")
			if cc, ok := r["amount_total_cc"]; ok && cc != nil && cc != false {
				amt = fields.Float(r, "amount_total_cc")
			} else {
				amt = rates.toCompany(amt, fields.M2OID(r, "currency_id"), o.date)
			}
			o.amount = amt
			if t := fields.M2OID(r, "payment_term_id"); t != 0 {
				o.termDays, o.hasTerm = b.terms[t]
			}
			ids, _ := r.IDs("invoice_ids")
			for _, id := range ids {
				if d := byID[id]; d != nil && d.kind == spec.kind {
					o.docs = append(o.docs, d)
				}
			}
			if len(ids) == 0 {
				for _, d := range byName[o.name] {
					if d.kind == spec.kind && d.company == o.company {
						o.docs = append(o.docs, d)
					}
				}
			}
			for _, d := range o.docs {
				d.order = o.id
			}
			*spec.out = append(*spec.out, o)
		}
	}
	return nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

package demodata

import (
	"math"
	"sort"
)

// invLine is one product line of an invoice or bill to post.
type invLine struct {
	account      int64
	name         string
	productID    int64
	uom          int64
	qty, price   float64 // price in document currency
	disc         float64
	subtotal     int64 // cents, document currency
	taxID        int64
	saleLine     int64
	purchaseLine int64
}

// invoiceSpec describes an invoice, credit note or bill to post.
type invoiceSpec struct {
	moveType   string // out_invoice, out_refund, in_invoice, in_refund
	partner    int64
	usd        bool
	day        day
	dueDays    int
	termID     int64
	journal    int64
	user       int64
	origin     string
	ref        string
	reversedID int64
	lines      []invLine
	// created is the create_date of the entry and its lines; "" is a time
	// of the entry's day.
	created string
}

// openItem is a posted invoice or bill and its receivable/payable line,
// with the reconciliation state Odoo would compute.
type openItem struct {
	move, line   Record
	productLines []Record
	sign         int64 // +1 when the receivable/payable line is a debit
	usd          bool
	rate         float64
	due          day
	totalCur     int64 // unsigned cents, document currency
	resCur       int64
	totalComp    int64 // unsigned cents, company currency
	resComp      int64
	group        []Record // lines reconciled with line
	unmatched    bool     // a reconciled payment is not matched with the bank yet
	byCredit     bool     // reconciled (at least partly) with a credit note
	absorbed     bool     // a credit note fully used against an invoice
	partner      int64
	customer     bool
	vendor       *vendor
}

// payEvent is a planned payment (or credit note) of an open item.
type payEvent struct {
	item   *openItem
	frac   float64 // share of the residual to pay; 1 pays it all
	credit float64 // > 0: issue a credit note for this share of the untaxed amount instead
}

// payment is a registered payment.
type payment struct {
	rec     Record
	day     day
	journal int64
	matched bool
	comp    int64 // signed company cents (+ inbound)
	item    *openItem
}

var moveSign = map[string]int64{"out_invoice": 1, "in_refund": 1, "out_refund": -1, "in_invoice": -1}
var movePrefix = map[string]string{"out_invoice": "INV", "out_refund": "RINV", "in_invoice": "BILL", "in_refund": "RBILL"}

// accountType returns the account_type of an account id.
func (g *gen) accountType(id int64) string {
	return g.ds.Get("account.account", id).Str("account_type")
}

// lineRec returns a journal item with the fields every line has.
func (g *gen) lineRec(move Record, account int64, partner int64, name string, balance, amountCur int64, currency int64) Record {
	b := money(balance)
	debit, credit := 0.0, 0.0
	if balance > 0 {
		debit = b
	} else {
		credit = -b
	}
	return Record{"move_id": move.ID(), "move_name": move["name"], "date": move["date"], "date_maturity": false,
		"journal_id": move["journal_id"], "company_id": g.ref.company, "company_currency_id": g.ref.eur, "account_id": account,
		"account_type": g.accountType(account), "partner_id": m2o(partner), "name": str(name), "product_id": false, "product_uom_id": false,
		"quantity": 0.0, "price_unit": 0.0, "discount": 0.0, "tax_ids": []int64{}, "tax_line_id": false, "price_subtotal": 0.0,
		"price_total": 0.0, "debit": debit, "credit": credit, "balance": b, "amount_currency": money(amountCur), "currency_id": currency,
		"amount_residual": 0.0, "amount_residual_currency": 0.0, "reconciled": false, "matching_number": false, "parent_state": "posted",
		"display_type": "product", "sale_line_ids": []int64{}, "purchase_line_id": false, "payment_id": false, "sequence": int64(10)}
}

// moveRec returns a posted journal entry header.
func (g *gen) moveRec(name, moveType string, journal int64, d day, partner int64, usd bool) Record {
	return Record{"name": name, "ref": false, "date": g.date(d), "invoice_date": false, "invoice_date_due": false, "move_type": moveType,
		"state": "posted", "payment_state": "not_paid", "partner_id": m2o(partner), "commercial_partner_id": m2o(partner),
		"currency_id": g.currencyID(usd), "company_id": g.ref.company, "company_currency_id": g.ref.eur, "journal_id": journal,
		"invoice_payment_term_id": false, "invoice_user_id": false, "invoice_origin": false, "payment_reference": false,
		"reversed_entry_id": false, "amount_untaxed": 0.0, "amount_tax": 0.0, "amount_total": 0.0, "amount_residual": 0.0,
		"amount_untaxed_signed": 0.0, "amount_tax_signed": 0.0, "amount_total_signed": 0.0, "amount_residual_signed": 0.0,
		"amount_total_in_currency_signed": 0.0, "checked": true, "origin_payment_id": false, "matched_payment_ids": []int64{}}
}

// postInvoice posts an invoice, credit note or bill with its product, tax and
// receivable/payable lines, balanced in company currency.
func (g *gen) postInvoice(s invoiceSpec) *openItem {
	sign := moveSign[s.moveType]
	rate := g.rateOf(s.usd, s.day)
	cur := g.currencyID(s.usd)
	created := s.created
	if created == "" {
		created = g.dt(s.day, 9*3600+int(g.rAcc.IntN(8*3600)))
	}
	uid := g.ref.accountant
	if s.moveType == "out_invoice" || s.moveType == "out_refund" {
		uid = s.user
	}
	name := g.seqName(movePrefix[s.moveType], s.day)
	move := g.moveRec(name, s.moveType, s.journal, s.day, s.partner, s.usd)
	move["invoice_date"] = g.date(s.day)
	due := s.day + day(s.dueDays)
	move["invoice_date_due"] = g.date(due)
	move["invoice_payment_term_id"] = m2o(s.termID)
	move["invoice_user_id"] = m2o(s.user)
	move["invoice_origin"] = str(s.origin)
	move["ref"] = str(s.ref)
	move["reversed_entry_id"] = m2o(s.reversedID)
	if sign > 0 && s.moveType == "out_invoice" {
		move["payment_reference"] = name
	}
	g.add("account.move", stamp(move, created, uid))

	item := &openItem{move: move, sign: sign, usd: s.usd, rate: rate, due: due, partner: s.partner,
		customer: s.moveType == "out_invoice" || s.moveType == "out_refund"}
	var untaxed, untaxedComp, sumComp int64
	type taxSum struct {
		id, cur int64
	}
	var taxes []taxSum
	for i, l := range s.lines {
		tr := g.taxRate(l.taxID)
		lt := int64(math.Round(float64(l.subtotal) * tr))
		comp := toCompany(l.subtotal, rate)
		rec := g.lineRec(move, l.account, s.partner, l.name, -sign*comp, -sign*l.subtotal, cur)
		rec["product_id"] = m2o(l.productID)
		rec["product_uom_id"] = m2o(l.uom)
		rec["quantity"] = l.qty
		rec["price_unit"] = l.price
		rec["discount"] = l.disc
		if l.taxID != 0 {
			rec["tax_ids"] = []int64{l.taxID}
		}
		rec["price_subtotal"] = money(l.subtotal)
		rec["price_total"] = money(l.subtotal + lt)
		if l.saleLine != 0 {
			rec["sale_line_ids"] = []int64{l.saleLine}
		}
		rec["purchase_line_id"] = m2o(l.purchaseLine)
		rec["sequence"] = int64(10 + i)
		g.add("account.move.line", stamp(rec, created, uid))
		item.productLines = append(item.productLines, rec)
		untaxed += l.subtotal
		untaxedComp += comp
		sumComp += -sign * comp
		if lt != 0 {
			found := false
			for j := range taxes {
				if taxes[j].id == l.taxID {
					taxes[j].cur += lt
					found = true
				}
			}
			if !found {
				taxes = append(taxes, taxSum{l.taxID, lt})
			}
		}
	}
	var taxCur, taxComp int64
	for _, t := range taxes {
		tx := g.ds.Get("account.tax", t.id)
		comp := toCompany(t.cur, rate)
		rec := g.lineRec(move, tx.M2O("account_id"), s.partner, tx.Str("name"), -sign*comp, -sign*t.cur, cur)
		rec["tax_line_id"] = t.id
		rec["display_type"] = "tax"
		rec["sequence"] = int64(100)
		g.add("account.move.line", stamp(rec, created, uid))
		if m := g.monthIndex(s.day); m >= 0 && m < len(g.vatOut) {
			switch tx.M2O("account_id") {
			case g.ref.acc.vatOut:
				g.vatOut[m] += sign * comp
			case g.ref.acc.vatIn:
				g.vatIn[m] -= sign * comp
			}
		}
		taxCur += t.cur
		taxComp += comp
		sumComp += -sign * comp
	}
	total := untaxed + taxCur
	termAcc := g.ref.acc.recv
	if !item.customer {
		termAcc = g.ref.acc.pay
	}
	term := g.lineRec(move, termAcc, s.partner, name, -sumComp, sign*total, cur)
	term["display_type"] = "payment_term"
	term["date_maturity"] = g.date(due)
	term["sequence"] = int64(1000)
	g.add("account.move.line", stamp(term, created, uid))
	item.line = term
	item.totalCur, item.resCur = total, total
	item.totalComp, item.resComp = abs64(sumComp), abs64(sumComp)

	move["amount_untaxed"] = money(untaxed)
	move["amount_tax"] = money(taxCur)
	move["amount_total"] = money(total)
	move["amount_untaxed_signed"] = money(sign * untaxedComp)
	move["amount_tax_signed"] = money(sign * taxComp)
	move["amount_total_signed"] = money(sign * item.totalComp)
	move["amount_total_in_currency_signed"] = money(sign * total)
	g.openItems = append(g.openItems, item)
	return item
}

// planCustomerPayment schedules the payment of a customer invoice according
// to the customer's habit.
func (g *gen) planCustomerPayment(item *openItem, c *customer) {
	r := g.rAcc
	inv := dayOfRec(g, item.move, "invoice_date")
	due := item.due
	var pay day
	never := false
	switch c.habit {
	case habitEarly:
		pay = due - day(between(r, 5, 12))
	case habitOnTime:
		pay = due + day(between(r, -3, 4))
	case habitLate:
		pay = due + day(math.Min(38, math.Round(c.lateMean*uniform(r, 0.5, 1.5))))
	case habitSlider:
		delay := math.Max(0, math.Min(140, float64(inv-c.lateSince)*0.45))
		pay = due + day(delay) + day(between(r, -3, 3))
	case habitDefaulter:
		if inv >= c.lateSince {
			never = true
		}
		pay = due + day(between(r, 8, 30))
	}
	if g.inj.wantNearOverdue(g, item, c) {
		never = true
	}
	if pay < inv+2 {
		pay = inv + 2
	}
	pay = pay.nextWorkday()
	if c.habit != habitDefaulter && c.habit != habitSlider && chance(r, 0.03) {
		g.schedule(inv+day(between(r, 3, 12)), payEvent{item: item, credit: uniform(r, 0.05, 0.25)})
	}
	if never {
		return
	}
	if c.habit != habitSlider && chance(r, c.partialP) {
		g.schedule(pay, payEvent{item: item, frac: uniform(r, 0.4, 0.6)})
		g.schedule((pay + day(between(r, 7, 14))).nextWorkday(), payEvent{item: item, frac: 1})
		return
	}
	g.schedule(pay, payEvent{item: item, frac: 1})
}

func dayOfRec(g *gen, r Record, field string) day {
	t, ok := r.Date(field)
	if !ok {
		return g.today
	}
	return dayOf(t)
}

// schedule queues ev on d when d is simulated; later events never happen.
func (g *gen) schedule(d day, ev payEvent) {
	if d < g.start {
		d = g.start
	}
	if d > g.today {
		return
	}
	i := g.off(d)
	g.payQueue[i] = append(g.payQueue[i], ev)
}

// paymentsDay registers the payments and credit notes planned for d.
func (g *gen) paymentsDay(d day) {
	for _, ev := range g.payQueue[g.off(d)] {
		it := ev.item
		if it.resCur == 0 {
			continue
		}
		if ev.credit > 0 {
			g.creditNote(it, d, ev.credit)
			continue
		}
		amt := it.resCur
		if ev.frac < 1 {
			amt = int64(math.Round(float64(it.resCur) * ev.frac))
		}
		journal := g.ref.jr.bank
		if it.vendor != nil && it.vendor.cash {
			journal = g.ref.jr.cash
		}
		g.registerPayment(it, d, amt, journal)
	}
	g.payQueue[g.off(d)] = nil
}

// registerPayment posts a payment of amt (document cents) for it on d and
// reconciles it. Payments of the last few days are not matched with the bank
// yet: their liquidity line sits on the outstanding account.
func (g *gen) registerPayment(it *openItem, d day, amt int64, journal int64) *payment {
	dir := it.sign // +1 inbound (customer pays), -1 outbound
	rate := g.rateOf(it.usd, d)
	comp := toCompany(amt, rate)
	cur := g.currencyID(it.usd)
	matched := d < g.today-3
	prefix := "PBNK1"
	liquidity := g.ref.acc.bank
	if journal == g.ref.jr.cash {
		prefix, liquidity, matched = "PCSH1", g.ref.acc.cash, true
	}
	outstanding := liquidity
	if !matched {
		outstanding = g.ref.acc.outRec
		if dir < 0 {
			outstanding = g.ref.acc.outPay
		}
	}
	uid := g.ref.accountant
	created := g.dt(d, 10*3600+int(g.rAcc.IntN(6*3600)))
	name := g.seqName(prefix, d)
	move := g.moveRec(name, "entry", journal, d, it.partner, it.usd)
	move["amount_total"] = money(amt)
	move["amount_total_signed"] = money(comp)
	move["amount_total_in_currency_signed"] = money(amt)
	move["ref"] = it.move["name"]
	g.add("account.move", stamp(move, created, uid))
	counterAcc := it.line.M2O("account_id")
	pay := &payment{day: d, journal: journal, matched: matched, comp: dir * comp, item: it}
	pay.rec = Record{"name": name, "payment_type": "inbound", "partner_type": "customer", "partner_id": it.partner, "amount": money(amt),
		"currency_id": cur, "amount_company_currency_signed": money(dir * comp), "company_currency_id": g.ref.eur, "date": g.date(d),
		"journal_id": journal, "company_id": g.ref.company, "state": "paid", "memo": it.move["name"], "move_id": move.ID(),
		"destination_account_id": counterAcc, "outstanding_account_id": outstanding, "is_reconciled": true, "is_matched": matched,
		"reconciled_invoice_ids": []int64{}, "reconciled_bill_ids": []int64{}}
	if dir < 0 {
		pay.rec["payment_type"] = "outbound"
	}
	if it.customer {
		pay.rec["reconciled_invoice_ids"] = []int64{it.move.ID()}
	} else {
		pay.rec["partner_type"] = "supplier"
		pay.rec["reconciled_bill_ids"] = []int64{it.move.ID()}
	}
	if !matched {
		pay.rec["state"] = "in_process"
		it.unmatched = true
	}
	pid := g.add("account.payment", stamp(pay.rec, created, uid))
	move["origin_payment_id"] = pid
	liq := g.lineRec(move, outstanding, it.partner, "Payment "+it.move.Str("name"), dir*comp, dir*amt, cur)
	liq["payment_id"] = pid
	g.add("account.move.line", stamp(liq, created, uid))
	counter := g.lineRec(move, counterAcc, it.partner, "Payment "+it.move.Str("name"), -dir*comp, -dir*amt, cur)
	counter["payment_id"] = pid
	counter["reconciled"] = true
	g.add("account.move.line", stamp(counter, created, uid))
	g.reconcile(it, d, amt, comp, counter)
	appendID(it.move, "matched_payment_ids", pid)
	touch(it.move, created, uid)
	g.payments = append(g.payments, pay)
	return pay
}

func appendID(r Record, field string, id int64) {
	ids, _ := r[field].([]int64)
	r[field] = append(ids, id)
}

// reconcile matches amt (document cents) of it with a counterpart line worth
// counterComp company cents and books the exchange difference, as Odoo does
// for partial reconciliations in a foreign currency.
func (g *gen) reconcile(it *openItem, d day, amt, counterComp int64, counter Record) {
	part := toCompany(amt, it.rate)
	if amt >= it.resCur {
		amt, part = it.resCur, it.resComp
	}
	it.resCur -= amt
	it.resComp -= part
	it.group = append(it.group, counter)
	x := it.sign * (counterComp - part)
	if x == 0 {
		return
	}
	uid := g.ref.accountant
	created := g.dt(d, 23*3600)
	move := g.moveRec(g.seqName("EXCH", d), "entry", g.ref.jr.exch, d, it.partner, it.usd)
	move["amount_total"] = money(abs64(x))
	move["amount_total_signed"] = money(abs64(x))
	move["ref"] = it.move["name"]
	g.add("account.move", stamp(move, created, uid))
	cur := g.currencyID(it.usd)
	l1 := g.lineRec(move, it.line.M2O("account_id"), it.partner, "Currency exchange rate difference", x, 0, cur)
	l1["reconciled"] = true
	g.add("account.move.line", stamp(l1, created, uid))
	fx := g.ref.acc.fxGain
	if -x > 0 {
		fx = g.ref.acc.fxLoss
	}
	g.add("account.move.line", stamp(g.lineRec(move, fx, it.partner, "Currency exchange rate difference", -x, 0, cur), created, uid))
	it.group = append(it.group, l1)
}

// creditNote posts a customer credit note for share of the invoice's
// untaxed amount and reconciles it with the invoice.
func (g *gen) creditNote(it *openItem, d day, share float64) {
	inv := it.move
	sub := cents(inv.Float("amount_untaxed") * share)
	if sub <= 0 {
		return
	}
	taxID := int64(0)
	if ids := it.productLines[0].IDs("tax_ids"); len(ids) > 0 {
		taxID = ids[0]
	}
	tax := int64(math.Round(float64(sub) * g.taxRate(taxID)))
	if sub+tax >= it.resCur {
		return
	}
	cn := g.postInvoice(invoiceSpec{moveType: "out_refund", partner: it.partner, usd: it.usd, day: d, termID: inv.M2O("invoice_payment_term_id"),
		journal: g.ref.jr.sale, user: inv.M2O("invoice_user_id"), origin: inv.Str("name"), ref: "Price adjustment on " + inv.Str("name"),
		reversedID: inv.ID(), lines: []invLine{{account: g.ref.acc.sales, name: "Price adjustment (quality claim) on " + inv.Str("name"),
			qty: 1, price: money(sub), subtotal: sub, taxID: taxID}}})
	g.reconcile(it, d, cn.totalCur, cn.totalComp, cn.line)
	cn.resCur, cn.resComp = 0, 0
	cn.absorbed = true
	cn.line["reconciled"] = true
	it.byCredit = true
}

// finishAccounting writes residuals, payment states and matching numbers.
func (g *gen) finishAccounting() {
	for _, it := range g.openItems {
		if it.absorbed {
			g.setResidual(it)
			it.move["payment_state"] = "paid"
			continue
		}
		g.setResidual(it)
		switch {
		case it.resCur == 0 && it.unmatched:
			it.move["payment_state"] = "in_payment"
		case it.resCur == 0:
			it.move["payment_state"] = "paid"
		case it.resCur < it.totalCur:
			it.move["payment_state"] = "partial"
		default:
			it.move["payment_state"] = "not_paid"
		}
		if len(it.group) == 0 {
			continue
		}
		g.matchSeq++
		num := "A" + itoa(g.matchSeq)
		if it.resCur != 0 {
			num = "P" + itoa(g.matchSeq)
		}
		it.line["matching_number"] = num
		for _, l := range it.group {
			l["matching_number"] = num
		}
	}
	sort.SliceStable(g.payments, func(i, j int) bool { return g.payments[i].rec.ID() < g.payments[j].rec.ID() })
}

// collections records the follow-up of late customer invoices: a reminder
// note in the chatter and, for many, a call planned for the accountant.
func (g *gen) collections() {
	r := g.rAcc
	author := g.ds.Get("res.users", g.ref.accountant).M2O("partner_id")
	for _, it := range g.openItems {
		late := g.today - it.due
		if !it.customer || it.resCur == 0 || it.move.Str("move_type") != "out_invoice" || late < 15 {
			continue
		}
		id, name := it.move.ID(), it.move.Str("name")
		if chance(r, 0.7) {
			d := min(it.due+day(between(r, 7, 14)), g.today)
			when := g.dt(d, workTime(r))
			g.add("mail.message", stamp(Record{"model": "account.move", "res_id": id, "record_name": name, "subject": "Payment reminder: " + name,
				"body": "<p>Dear customer, our records show that " + name + " is overdue. Please arrange payment.</p>", "author_id": author,
				"date": when, "message_type": "comment", "subtype_xmlid": "mail.mt_comment", "partner_ids": []int64{it.partner},
				"tracking": false}, when, g.ref.accountant))
		}
		if chance(r, 0.5) {
			created := g.today - day(between(r, 1, 10))
			deadline := max(created, g.today+day(between(r, -5, 7)))
			g.activity("account.move", id, name, g.ref.actCall, "Call about overdue payment", deadline, g.ref.accountant, g.dt(created, workTime(r)))
		}
	}
}

func (g *gen) setResidual(it *openItem) {
	it.line["amount_residual"] = money(it.sign * it.resComp)
	it.line["amount_residual_currency"] = money(it.sign * it.resCur)
	it.line["reconciled"] = it.resCur == 0
	it.move["amount_residual"] = money(it.resCur)
	it.move["amount_residual_signed"] = money(it.sign * it.resComp)
}

package demodata

import (
	"math"
	"math/rand/v2"
)

// saleOrder is a confirmed sale order.
type saleOrder struct {
	rec     Record
	cust    *customer
	lines   []*soLine
	picking *picking
	day     day
	usd     bool
	invoice int64
}

// soLine is a sale order line.
type soLine struct {
	rec      Record
	p        *product
	qty      float64
	price    float64 // unit price in the order currency
	disc     float64 // percent
	subtotal int64   // cents, order currency
}

// seasonality returns the demand factor of the month of d.
func (g *gen) seasonality(d day) float64 {
	switch g.month(d) {
	case 8:
		return 0.8
	case 12:
		return 0.85
	case 1:
		return 0.95
	case 3, 10:
		return 1.1
	}
	return 1
}

// demandFactor returns the order size factor on d: slow growth, seasons and,
// with LowRunway, a slump over the last five months.
func (g *gen) demandFactor(d day) float64 {
	f := (1 + 0.08*float64(d-g.start)/365) * g.seasonality(d)
	if g.opt.LowRunway {
		since := float64(d - (g.today - 150))
		if since > 0 {
			f *= 1 - 0.45*math.Min(1, since/30)
		}
	}
	return f
}

// salesDay places the orders of customers whose next order is due on d.
func (g *gen) salesDay(d day) {
	if d.weekend() {
		return
	}
	r := g.rSales
	for _, c := range g.customers {
		if c.nextOrder > d || d >= c.stopDay || d < c.firstOrder {
			continue
		}
		if g.dropOrder(c, d) {
			continue
		}
		g.placeOrder(r, c, d, 0, 0)
		c.nextOrder = (d + day(math.Max(3, math.Round(c.gap*uniform(r, 0.6, 1.4))))).nextWorkday()
		if chance(r, 0.06) {
			g.lostQuotation(r, c, d)
		}
	}
}

// placeOrder creates a confirmed sale order for c on d with its delivery.
// When target > 0 the quantities are scaled so the total is near target
// (EUR), as for an order won through CRM (lead is then the crm.lead id).
func (g *gen) placeOrder(r *rand.Rand, c *customer, d day, target float64, lead int64) *saleOrder {
	var goods, services []*product
	for _, p := range c.prefs {
		if p.service {
			services = append(services, p)
		} else {
			goods = append(goods, p)
		}
	}
	k := between(r, 1, min(g.p.maxLines, len(goods)))
	perm := r.Perm(len(goods))
	chosen := make([]*product, 0, k+1)
	for i := range k {
		chosen = append(chosen, goods[perm[i]])
	}
	if len(services) > 0 && chance(r, 0.4) {
		chosen = append(chosen, services[0])
	}
	rate := g.rateOf(c.usd, d)
	factor := g.demandFactor(d) * c.valueScale
	qtys := make([]float64, len(chosen))
	value := 0.0
	for i, p := range chosen {
		q := p.typQty
		if !p.service {
			q = math.Max(1, math.Round(p.typQty*factor*lognormal(r, 1, 0.35, 3)))
		}
		qtys[i] = q
		value += q * p.list
	}
	if target > 0 && value > 0 {
		s := target / value
		for i, p := range chosen {
			if !p.service {
				qtys[i] = math.Max(1, math.Round(qtys[i]*s))
			}
		}
	}
	disc := 0.0
	if c.valueScale > 1.8 {
		disc = 5
	}
	uid := c.userID
	created := g.dt(d, workTime(r))
	so := &saleOrder{cust: c, day: d, usd: c.usd}
	so.rec = Record{"name": "S" + pad5(g.next("so")), "partner_id": c.id, "partner_invoice_id": c.invoiceTo, "partner_shipping_id": c.id,
		"date_order": created, "validity_date": g.date(d + 30), "commitment_date": false, "state": "sale", "locked": false,
		"invoice_status": "no", "delivery_status": false, "currency_id": g.currencyID(c.usd), "user_id": uid, "team_id": g.ref.team,
		"company_id": g.ref.company, "payment_term_id": g.ref.terms[c.termDays], "warehouse_id": g.ref.wh, "origin": false,
		"client_order_ref": false, "opportunity_id": m2o(lead), "invoice_ids": []int64{}}
	if chance(r, 0.4) {
		so.rec["client_order_ref"] = "PO-" + itoa(between(r, 10000, 99999))
	}
	if chance(r, 0.3) {
		so.rec["commitment_date"] = g.dt(d+day(between(r, 3, 7)), 15*3600)
	}
	soID := g.add("sale.order", stamp(so.rec, created, uid))
	var untaxed, tax int64
	taxRate := g.taxRate(c.taxID)
	for i, p := range chosen {
		price := f2(p.list * rate)
		l := &soLine{p: p, qty: qtys[i], price: price, disc: disc}
		if p.service {
			l.disc = 0
		}
		l.subtotal = cents(l.qty * l.price * (1 - l.disc/100))
		lt := int64(math.Round(float64(l.subtotal) * taxRate))
		untaxed += l.subtotal
		tax += lt
		l.rec = Record{"order_id": soID, "sequence": int64(10 + i), "product_id": p.id, "name": "[" + p.code + "] " + p.name,
			"product_uom_qty": l.qty, "product_uom": p.uom, "price_unit": price, "discount": l.disc, "tax_id": []int64{c.taxID},
			"price_subtotal": money(l.subtotal), "price_tax": money(lt), "price_total": money(l.subtotal + lt), "qty_delivered": 0.0,
			"qty_invoiced": 0.0, "qty_to_invoice": 0.0, "invoice_status": "no", "state": "sale", "customer_lead": 2.0, "display_type": false,
			"currency_id": g.currencyID(c.usd), "company_id": g.ref.company, "order_partner_id": c.id, "salesman_id": uid, "invoice_lines": []int64{}}
		if p.service {
			l.rec["qty_to_invoice"] = l.qty
			l.rec["invoice_status"] = "to invoice"
			so.rec["invoice_status"] = "to invoice"
		}
		g.add("sale.order.line", stamp(l.rec, created, uid))
		so.lines = append(so.lines, l)
	}
	so.rec["amount_untaxed"] = money(untaxed)
	so.rec["amount_tax"] = money(tax)
	so.rec["amount_total"] = money(untaxed + tax)
	g.orders = append(g.orders, so)
	c.orderDays = append(c.orderDays, d)
	hasGoods := false
	for _, l := range so.lines {
		if !l.p.service {
			hasGoods = true
		}
	}
	if hasGoods {
		so.rec["delivery_status"] = "pending"
		g.newDelivery(r, so, d, created)
	} else {
		g.invoiceOrder(so, d)
	}
	return so
}

// lostQuotation creates a quotation c never confirmed: still sent when
// recent, cancelled otherwise.
func (g *gen) lostQuotation(r *rand.Rand, c *customer, d day) {
	p := pick(r, c.prefs)
	qty := math.Max(1, math.Round(p.typQty*c.valueScale))
	price := f2(p.list * g.rateOf(c.usd, d))
	sub := cents(qty * price)
	tax := int64(math.Round(float64(sub) * g.taxRate(c.taxID)))
	state := "cancel"
	if g.today-d < 30 {
		state = "sent"
	}
	created := g.dt(d, workTime(r))
	rec := Record{"name": "S" + pad5(g.next("so")), "partner_id": c.id, "partner_invoice_id": c.invoiceTo, "partner_shipping_id": c.id,
		"date_order": created, "validity_date": g.date(d + 30), "commitment_date": false, "state": state, "locked": false,
		"invoice_status": "no", "delivery_status": false, "currency_id": g.currencyID(c.usd), "amount_untaxed": money(sub),
		"amount_tax": money(tax), "amount_total": money(sub + tax), "user_id": c.userID, "team_id": g.ref.team, "company_id": g.ref.company,
		"payment_term_id": g.ref.terms[c.termDays], "warehouse_id": g.ref.wh, "origin": false, "client_order_ref": false,
		"opportunity_id": false, "invoice_ids": []int64{}}
	id := g.add("sale.order", stamp(rec, created, c.userID))
	g.add("sale.order.line", stamp(Record{"order_id": id, "sequence": int64(10), "product_id": p.id, "name": "[" + p.code + "] " + p.name,
		"product_uom_qty": qty, "product_uom": p.uom, "price_unit": price, "discount": 0.0, "tax_id": []int64{c.taxID},
		"price_subtotal": money(sub), "price_tax": money(tax), "price_total": money(sub + tax), "qty_delivered": 0.0, "qty_invoiced": 0.0,
		"qty_to_invoice": 0.0, "invoice_status": "no", "state": state, "customer_lead": 2.0, "display_type": false,
		"currency_id": g.currencyID(c.usd), "company_id": g.ref.company, "order_partner_id": c.id, "salesman_id": c.userID,
		"invoice_lines": []int64{}}, created, c.userID))
}

func (g *gen) taxRate(taxID int64) float64 {
	if taxID == g.ref.tax.sale19 || taxID == g.ref.tax.purch19 {
		return 0.19
	}
	return 0
}

// invoiceOrder posts the customer invoice of so on d (all lines: goods are
// invoiced once delivered) and plans its payment.
func (g *gen) invoiceOrder(so *saleOrder, d day) {
	c := so.cust
	spec := invoiceSpec{moveType: "out_invoice", partner: c.id, usd: c.usd, day: d, dueDays: c.termDays, termID: g.ref.terms[c.termDays],
		journal: g.ref.jr.sale, user: c.userID, origin: so.rec.Str("name"), ref: so.rec.Str("client_order_ref")}
	for _, l := range so.lines {
		spec.lines = append(spec.lines, invLine{account: l.p.income, name: l.rec.Str("name"), productID: l.p.id, uom: l.p.uom,
			qty: l.qty, price: l.price, disc: l.disc, subtotal: l.subtotal, taxID: c.taxID, saleLine: l.rec.ID()})
	}
	item := g.postInvoice(spec)
	so.invoice = item.move.ID()
	so.rec["invoice_ids"] = []int64{so.invoice}
	so.rec["invoice_status"] = "invoiced"
	touch(so.rec, item.move.Str("create_date"), g.ref.accountant)
	for i, l := range so.lines {
		l.rec["qty_invoiced"] = l.qty
		l.rec["qty_to_invoice"] = 0.0
		l.rec["invoice_status"] = "invoiced"
		l.rec["invoice_lines"] = []int64{item.productLines[i].ID()}
		if l.p.service {
			l.rec["qty_delivered"] = l.qty
		}
	}
	g.planCustomerPayment(item, c)
}

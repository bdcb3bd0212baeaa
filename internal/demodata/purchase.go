package demodata

import (
	"math"
)

// purchaseOrder is a confirmed purchase order.
type purchaseOrder struct {
	rec     Record
	v       *vendor
	lines   []*poLine
	pick    *picking
	planned day
	arrival day
}

// poLine is a purchase order line.
type poLine struct {
	rec      Record
	p        *product
	qty      float64
	price    float64 // vendor currency
	subtotal int64   // cents, vendor currency
}

type need struct {
	p   *product
	qty float64
}

// replenishDay runs the reordering rules: every good whose forecast fell
// below its minimum is ordered up to its maximum, one order per vendor.
func (g *gen) replenishDay(d day) {
	if d.weekend() {
		return
	}
	needs := map[*vendor][]need{}
	for _, p := range g.goods {
		if p.manualFrom != 0 && d >= p.manualFrom {
			continue
		}
		forecast := p.onHand + p.incoming - p.waiting
		if forecast >= p.min {
			continue
		}
		needs[p.vendor] = append(needs[p.vendor], need{p, math.Ceil(p.max - forecast)})
	}
	for _, v := range g.vendors {
		if ns := needs[v]; len(ns) > 0 {
			g.purchase(v, d, ns)
		}
	}
}

// vendorDelay returns how many days after the planned date a receipt of v
// ordered on d arrives. Reliable vendors are late on every twentieth order
// and the steady one on every fourth, so their on-time rates hardly move
// from one quarter to the next; the sliding vendor is late more and more
// often over the last five months.
func (g *gen) vendorDelay(v *vendor, d day) int {
	r := g.rStock
	v.orders++
	switch v.kind {
	case vendorSteady:
		if v.orders%4 == 2 {
			return between(r, 1, 4)
		}
		return 0
	case vendorSliding:
		p := 0.06
		if from := g.today - 150; d > from {
			p += 0.74 * math.Min(1, float64(d-from)/120)
		}
		if chance(r, p) {
			return between(r, 3, 12)
		}
		return 0
	}
	if (v.orders+int(v.id))%20 == 0 {
		return between(r, 1, 2)
	}
	if chance(r, 0.1) {
		return -between(r, 1, 2)
	}
	return 0
}

// purchase confirms a purchase order of ns from v on d with its receipt.
func (g *gen) purchase(v *vendor, d day, ns []need) *purchaseOrder {
	r := g.rStock
	uid := g.ref.buyer
	created := g.dt(d, 8*3600+r.IntN(3*3600))
	planned := (d + day(v.lead)).nextWorkday()
	plannedDT := g.dt(planned, 10*3600)
	po := &purchaseOrder{v: v, planned: planned}
	po.arrival = (planned + day(g.vendorDelay(v, d))).nextWorkday()
	name := "P" + pad5(g.next("po"))
	origins := make([]string, 0, len(ns))
	for _, n := range ns {
		origins = append(origins, n.p.op.Str("name"))
	}
	po.rec = Record{"name": name, "partner_id": v.id, "partner_ref": false, "date_order": created, "date_approve": created,
		"date_planned": plannedDT, "effective_date": false, "state": "purchase", "receipt_status": "pending", "invoice_status": "no",
		"currency_id": g.currencyID(v.usd), "user_id": uid, "origin": joinMax(origins, 3), "priority": "0",
		"payment_term_id": g.ref.terms[v.termDays], "picking_type_id": g.ref.ptIn, "company_id": g.ref.company, "notes": false,
		"picking_ids": []int64{}, "invoice_ids": []int64{}}
	if chance(r, 0.5) {
		po.rec["partner_ref"] = "SO-" + itoa(between(r, 100000, 999999))
	}
	poID := g.add("purchase.order", stamp(po.rec, created, uid))
	rate := g.rateOf(v.usd, d)
	inflation := 1 + 0.03*float64(d-g.start)/365
	taxRate := g.taxRate(v.taxID)
	var untaxed, tax int64
	for i, n := range ns {
		price := f2(n.p.cost * rate * inflation)
		l := &poLine{p: n.p, qty: n.qty, price: price, subtotal: cents(n.qty * price)}
		lt := int64(math.Round(float64(l.subtotal) * taxRate))
		untaxed += l.subtotal
		tax += lt
		l.rec = Record{"order_id": poID, "sequence": int64(10 + i), "product_id": n.p.id, "name": "[" + n.p.code + "] " + n.p.name,
			"product_qty": n.qty, "product_uom_qty": n.qty, "product_uom": n.p.uom, "taxes_id": []int64{v.taxID}, "price_unit": price,
			"discount": 0.0, "price_subtotal": money(l.subtotal), "price_tax": money(lt), "price_total": money(l.subtotal + lt),
			"date_planned": plannedDT, "qty_received": 0.0, "qty_received_method": "stock_moves", "qty_invoiced": 0.0, "qty_to_invoice": 0.0,
			"display_type": false, "partner_id": v.id, "currency_id": g.currencyID(v.usd), "company_id": g.ref.company, "state": "purchase"}
		g.add("purchase.order.line", stamp(l.rec, created, uid))
		po.lines = append(po.lines, l)
		n.p.incoming += n.qty
	}
	po.rec["amount_untaxed"] = money(untaxed)
	po.rec["amount_tax"] = money(tax)
	po.rec["amount_total"] = money(untaxed + tax)

	pname := "WH/IN/" + pad5(g.next("in"))
	pk := &picking{ready: po.arrival}
	pk.rec = Record{"name": pname, "origin": name, "partner_id": v.id, "picking_type_id": g.ref.ptIn, "picking_type_code": "incoming",
		"location_id": g.ref.locVendors, "location_dest_id": g.ref.locStock, "scheduled_date": plannedDT, "date_deadline": plannedDT,
		"date_done": false, "state": "assigned", "priority": "0", "backorder_id": false, "user_id": m2o(g.ref.warehouse),
		"company_id": g.ref.company, "sale_id": false, "purchase_id": poID}
	pid := g.add("stock.picking", stamp(pk.rec, created, uid))
	for _, l := range po.lines {
		rec := g.stockMoveRec(l.rec.Str("name"), pname, l.p, l.qty, g.ref.locVendors, g.ref.locStock, pid, g.ref.ptIn, v.id, "assigned", plannedDT)
		rec["origin"] = name
		rec["purchase_line_id"] = l.rec.ID()
		rec["date_deadline"] = plannedDT
		rec["price_unit"] = f2(l.price / rate)
		g.add("stock.move", stamp(rec, created, uid))
		pk.moves = append(pk.moves, &move{rec: rec, p: l.p, qty: l.qty})
	}
	po.pick = pk
	po.rec["picking_ids"] = []int64{pid}
	if po.arrival <= g.today {
		i := g.off(po.arrival)
		g.arrivals[i] = append(g.arrivals[i], &receipt{po: po, pick: pk, arrival: po.arrival})
	}
	return po
}

func joinMax(xs []string, n int) string {
	out := ""
	for i, x := range xs {
		if i == n {
			out += ", ..."
			break
		}
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// billsDay posts the vendor bills of the receipts billed on d.
func (g *gen) billsDay(d day) {
	r := g.rAcc
	for _, rc := range g.billQueue[g.off(d)] {
		po, v := rc.po, rc.po.v
		var lines []invLine
		for _, l := range po.lines {
			lines = append(lines, invLine{account: g.ref.acc.purchases, name: l.rec.Str("name"), productID: l.p.id, uom: l.p.uom,
				qty: l.qty, price: l.price, subtotal: l.subtotal, taxID: v.taxID, purchaseLine: l.rec.ID()})
		}
		item := g.vendorBill(v, d, lines, po.rec.Str("name"), "INV-"+itoa(between(r, 100000, 999999)))
		po.rec["invoice_status"] = "invoiced"
		po.rec["invoice_ids"] = []int64{item.move.ID()}
		for _, l := range po.lines {
			l.rec["qty_invoiced"] = l.qty
			l.rec["qty_to_invoice"] = 0.0
		}
	}
	g.billQueue[g.off(d)] = nil
}

// vendorBill posts a bill of v on d and plans its payment: the company pays
// on the due date or a few days before; a few large goods bills are paid in
// two halves a few weeks apart.
func (g *gen) vendorBill(v *vendor, d day, lines []invLine, origin, ref string) *openItem {
	r := g.rAcc
	item := g.postInvoice(invoiceSpec{moveType: "in_invoice", partner: v.id, usd: v.usd, day: d, dueDays: v.termDays,
		termID: g.ref.terms[v.termDays], journal: g.ref.jr.purchase, user: g.ref.buyer, origin: origin, ref: ref, lines: lines})
	item.vendor = v
	pay := (item.due - day(between(r, 0, 3))).nextWorkday()
	if pay < d {
		pay = d
	}
	if len(v.products) > 0 && item.totalCur > 200000 && chance(r, 0.08) {
		g.schedule(pay, payEvent{item: item, frac: 0.5})
		g.schedule((pay + day(between(r, 14, 28))).nextWorkday(), payEvent{item: item, frac: 1})
		return item
	}
	g.schedule(pay, payEvent{item: item, frac: 1})
	return item
}

package demodata

import (
	"math/rand/v2"
	"sort"

	"github.com/aicoo/aicoo/internal/dataset"
)

// picking is a delivery or receipt with its moves.
type picking struct {
	rec   Record
	moves []*move
	so    *saleOrder
	ready day // earliest day it can be processed
}

// move is a stock move.
type move struct {
	rec    Record
	p      *product
	qty    float64
	soLine *soLine
}

// receipt is an incoming picking of a purchase order and its arrival day.
type receipt struct {
	po      *purchaseOrder
	pick    *picking
	arrival day
}

func (g *gen) stockMoveRec(name, ref string, p *product, qty float64, src, dst, picking, pickingType, partner int64, state string, when string) Record {
	return Record{"name": name, "reference": ref, "sequence": int64(10), "product_id": p.id, "product_uom_qty": qty, "product_uom": p.uom,
		"quantity": 0.0, "picked": false, "location_id": src, "location_dest_id": dst, "picking_id": m2o(picking),
		"picking_type_id": m2o(pickingType), "partner_id": m2o(partner), "state": state, "date": when, "date_deadline": false,
		"origin": false, "price_unit": p.cost, "is_inventory": false, "purchase_line_id": false, "sale_line_id": false,
		"warehouse_id": g.ref.wh, "company_id": g.ref.company}
}

// inventoryMove books an inventory adjustment of qty into stock on d and
// creates the product's quant when needed.
func (g *gen) inventoryMove(p *product, qty float64, d day, created string) {
	when := g.dt(d, 6*3600)
	rec := g.stockMoveRec("Product Quantity Updated", "Product Quantity Updated", p, qty, g.ref.locInventory, g.ref.locStock, 0, 0, 0, "done", when)
	rec["quantity"] = qty
	rec["picked"] = true
	rec["is_inventory"] = true
	g.add("stock.move", stamp(rec, created, g.ref.warehouse))
	p.onHand += qty
	if p.quant == nil {
		p.quant = Record{"product_id": p.id, "location_id": g.ref.locStock, "quantity": 0.0, "reserved_quantity": 0.0,
			"available_quantity": 0.0, "inventory_quantity": 0.0, "inventory_diff_quantity": 0.0, "inventory_quantity_set": false,
			"in_date": when, "company_id": g.ref.company}
		g.add("stock.quant", stamp(p.quant, created, g.ref.warehouse))
	}
}

// inventoryLoss books a stock count that found qty damaged units of p on d.
func (g *gen) inventoryLoss(p *product, qty float64, d day) {
	when := g.dt(d, 17*3600)
	rec := g.stockMoveRec("Product Quantity Updated", "Product Quantity Updated", p, qty, g.ref.locStock, g.ref.locInventory, 0, 0, 0, "done", when)
	rec["quantity"] = qty
	rec["picked"] = true
	rec["is_inventory"] = true
	g.add("stock.move", stamp(rec, when, g.ref.warehouse))
	p.onHand -= qty
	touch(p.quant, when, g.ref.warehouse)
	p.quant["inventory_quantity"] = p.onHand
	p.quant["inventory_quantity_set"] = false
}

// newDelivery creates the outgoing picking of so, waiting for stock.
func (g *gen) newDelivery(r *rand.Rand, so *saleOrder, d day, created string) {
	name := "WH/OUT/" + pad5(g.next("out"))
	ready := (d + day(between(r, 1, 3))).nextWorkday()
	sched := g.dt(ready, 8*3600)
	pk := &picking{so: so, ready: ready}
	pk.rec = Record{"name": name, "origin": so.rec["name"], "partner_id": so.cust.id, "picking_type_id": g.ref.ptOut,
		"picking_type_code": "outgoing", "location_id": g.ref.locStock, "location_dest_id": g.ref.locCustomers, "scheduled_date": sched,
		"date_deadline": so.rec["commitment_date"], "date_done": false, "state": "confirmed", "priority": "0", "backorder_id": false,
		"user_id": m2o(g.ref.warehouse), "company_id": g.ref.company, "sale_id": so.rec.ID(), "purchase_id": false}
	pid := g.add("stock.picking", stamp(pk.rec, created, so.cust.userID))
	for _, l := range so.lines {
		if l.p.service {
			continue
		}
		rec := g.stockMoveRec(l.rec.Str("name"), name, l.p, l.qty, g.ref.locStock, g.ref.locCustomers, pid, g.ref.ptOut, so.cust.id, "confirmed", sched)
		rec["origin"] = so.rec["name"]
		rec["sale_line_id"] = l.rec.ID()
		g.add("stock.move", stamp(rec, created, so.cust.userID))
		pk.moves = append(pk.moves, &move{rec: rec, p: l.p, qty: l.qty, soLine: l})
		l.p.waiting += l.qty
	}
	so.picking = pk
	g.pendingOut = append(g.pendingOut, pk)
}

// deliveriesDay ships, in order, every waiting delivery whose products are
// all in stock, and invoices its order.
func (g *gen) deliveriesDay(d day) {
	if d.weekend() {
		return
	}
	r := g.rStock
	kept := g.pendingOut[:0]
	for _, pk := range g.pendingOut {
		if pk.ready > d || !available(pk) {
			kept = append(kept, pk)
			continue
		}
		when := g.dt(d, 8*3600+r.IntN(8*3600))
		for _, m := range pk.moves {
			m.rec["state"] = "done"
			m.rec["quantity"] = m.qty
			m.rec["picked"] = true
			m.rec["date"] = when
			touch(m.rec, when, g.ref.warehouse)
			m.p.onHand -= m.qty
			m.p.waiting -= m.qty
			m.p.outByDay[g.off(d)] += m.qty
			m.soLine.rec["qty_delivered"] = m.qty
		}
		pk.rec["state"] = "done"
		pk.rec["date_done"] = when
		touch(pk.rec, when, g.ref.warehouse)
		pk.so.rec["delivery_status"] = "full"
		g.deliveredInMonth[g.monthIndex(d)]++
		g.invoiceOrder(pk.so, d)
	}
	g.pendingOut = kept
}

func available(pk *picking) bool {
	for _, m := range pk.moves {
		if m.p.onHand < m.qty {
			return false
		}
	}
	// Several moves of one product are not expected (one line per product).
	return true
}

// monthIndex counts months from the month of the first simulated day.
func (g *gen) monthIndex(d day) int {
	return (g.year(d)-g.year(g.start))*12 + g.month(d) - g.month(g.start)
}

// arrivalsDay receives the purchase receipts arriving on d.
func (g *gen) arrivalsDay(d day) {
	r := g.rStock
	for _, rc := range g.arrivals[g.off(d)] {
		when := g.dt(d, 7*3600+r.IntN(9*3600))
		for i, m := range rc.pick.moves {
			m.rec["state"] = "done"
			m.rec["quantity"] = m.qty
			m.rec["picked"] = true
			m.rec["date"] = when
			touch(m.rec, when, g.ref.warehouse)
			m.p.onHand += m.qty
			m.p.incoming -= m.qty
			if m.p.quant != nil {
				touch(m.p.quant, when, g.ref.warehouse)
			}
			pl := rc.po.lines[i]
			pl.rec["qty_received"] = m.qty
			pl.rec["qty_to_invoice"] = m.qty
		}
		rc.pick.rec["state"] = "done"
		rc.pick.rec["date_done"] = when
		touch(rc.pick.rec, when, g.ref.warehouse)
		rc.po.rec["receipt_status"] = "full"
		rc.po.rec["effective_date"] = when
		rc.po.rec["invoice_status"] = "to invoice"
		touch(rc.po.rec, when, g.ref.warehouse)
		bill := (d + day(between(r, 0, 4))).nextWorkday()
		if bill <= g.today {
			g.billQueue[g.off(bill)] = append(g.billQueue[g.off(bill)], rc)
		}
	}
	g.arrivals[g.off(d)] = nil
}

// finishStock sets quants and the states of open pickings and rules.
func (g *gen) finishStock() {
	for _, p := range g.goods {
		if p.quant != nil {
			p.quant["quantity"] = p.onHand
			p.quant["available_quantity"] = p.onHand
		}
		forecast := p.onHand + p.incoming - p.waiting
		p.op["qty_forecast"] = forecast
		if forecast < p.min && p.op["trigger"] == "manual" {
			p.op["qty_to_order"] = p.max - forecast
		}
	}
	// Reserve stock for the waiting deliveries in order, as Odoo would.
	free := map[*product]float64{}
	for _, p := range g.goods {
		free[p] = p.onHand
	}
	for _, pk := range g.pendingOut {
		state := "assigned"
		for _, m := range pk.moves {
			if free[m.p] < m.qty {
				state = "confirmed"
			}
		}
		pk.rec["state"] = state
		for _, m := range pk.moves {
			m.rec["state"] = state
			if state == "assigned" {
				m.rec["quantity"] = m.qty
				free[m.p] -= m.qty
			}
		}
	}
	for _, p := range g.goods {
		if p.quant != nil {
			p.quant["reserved_quantity"] = p.onHand - free[p]
			p.quant["available_quantity"] = free[p]
		}
	}
}

// valuationLayers writes a stock.valuation.layer for every done move of a
// storable product, as Odoo 16-18's stock_account does at validation (19
// has no layers: the value is on the move). Goods are valued at their
// standard price, which stays p.cost for the whole history, so a layer's
// value is its signed quantity times that cost, and the layers of a product
// add up to its quant. The opening inventory moves give the opening layers.
// The accounts still expense purchases when billed (manual valuation): the
// layers carry no journal entry. Nothing else reads them, so no other
// record or truth moves.
func (g *gen) valuationLayers() {
	if dataset.MajorVersion(g.opt.OdooVersion) >= 19 {
		return
	}
	goods := make(map[int64]*product, len(g.goods))
	for _, p := range g.goods {
		goods[p.id] = p
	}
	var done []Record
	for _, m := range g.ds.Records("stock.move") {
		if m.Str("state") == "done" && goods[m.M2O("product_id")] != nil {
			done = append(done, m)
		}
	}
	// Layers are created when their move is validated: ids follow time.
	sort.SliceStable(done, func(i, j int) bool { return done[i].Str("date") < done[j].Str("date") })
	for _, m := range done {
		p := goods[m.M2O("product_id")]
		qty, _ := m["quantity"].(float64)
		src, dst := m.M2O("location_id"), m.M2O("location_dest_id")
		remaining := 0.0
		switch {
		case dst == g.ref.locStock && src != g.ref.locStock:
			remaining = qty // standard price consumes no incoming layer
		case src == g.ref.locStock && dst != g.ref.locStock:
			qty = -qty
		default:
			continue // not in or out of the valued stock
		}
		value := f2(qty * p.cost)
		rec := Record{"company_id": g.ref.company, "product_id": p.id, "quantity": qty, "currency_id": g.ref.eur, "unit_cost": p.cost,
			"value": value, "remaining_qty": remaining, "remaining_value": f2(remaining * p.cost),
			"description": m.Str("reference") + " - " + p.name, "stock_valuation_layer_id": false, "stock_move_id": m.ID(),
			"account_move_id": false}
		g.add("stock.valuation.layer", stamp(rec, m.Str("date"), g.ref.warehouse))
	}
}

package operations

import (
	"sort"

	"github.com/aicoo/aicoo/internal/odoo"
)

// What a stock-out would cost in sales. A stock-out matters by the revenue
// it puts at risk, not by the part's unit price: the open customer order
// lines of the product that wait for stock, plus what the product sells
// over the vendor lead time at its recent rate (the sales a replenishment
// ordered today could not serve). A part nobody has ordered and that sells
// little is not critical however soon it runs out.

// saleValue is a product's sales in one company, in company currency.
type saleValue struct {
	open   float64 // undelivered part of confirmed order lines
	recent float64 // confirmed order lines ordered since the window start
}

// rateTable holds each currency's latest rate (units per company-currency
// unit); the company currency has none and converts at 1.
type rateTable map[int64]float64

func (rt rateTable) toCompany(amount float64, cur int64) float64 {
	if r := rt[cur]; r > 0 {
		return amount / r
	}
	return amount
}

// loadSaleLines sums the confirmed sale order lines per company and
// product: the undelivered value and the value ordered since since. It
// needs the sale orders (loadOrders) for their state and date.
func (d *data) loadSaleLines(get getter, dec *decoder, since odoo.Date) error {
	if !d.sale {
		return nil
	}
	rates, err := loadRates(get, dec)
	if err != nil {
		return err
	}
	recs, ok, err := get("sale.order.line")
	if err != nil || !ok {
		return err
	}
	const ml = "sale.order.line"
	d.saleValues = map[pkey]*saleValue{}
	for _, r := range recs {
		if dt := dec.str(ml, r, "display_type"); dt != "" {
			continue // a section or note line
		}
		so, ok := d.sales[dec.m2o(ml, r, "order_id")]
		if !ok || (so.state != "sale" && so.state != "done") {
			continue
		}
		product := dec.m2o(ml, r, "product_id")
		qty := dec.float(ml, r, "product_uom_qty")
		sub := rates.toCompany(dec.float(ml, r, "price_subtotal"), dec.m2o(ml, r, "currency_id"))
		if product == 0 || qty <= 0 || sub <= 0 {
			continue
		}
		company := dec.m2o(ml, r, "company_id")
		if company == 0 {
			company = so.company
		}
		v := d.saleValues[pkey{company, product}]
		if v == nil {
			v = &saleValue{}
			d.saleValues[pkey{company, product}] = v
		}
		if left := qty - dec.float(ml, r, "qty_delivered"); left > 0 {
			v.open += sub * left / qty
		}
		if !so.ordered.Before(since) {
			v.recent += sub
		}
	}
	return nil
}

// loadRates reads the latest rate of each currency.
func loadRates(get getter, dec *decoder) (rateTable, error) {
	recs, ok, err := get("res.currency.rate")
	if err != nil || !ok {
		return rateTable{}, err
	}
	const mr = "res.currency.rate"
	type dated struct {
		day  odoo.Date
		rate float64
	}
	latest := map[int64]dated{}
	sort.Slice(recs, func(i, j int) bool { return recs[i].ID() < recs[j].ID() })
	for _, r := range recs {
		c, day := dec.m2o(mr, r, "currency_id"), dec.date(mr, r, "name")
		if prev, seen := latest[c]; !seen || !day.Before(prev.day) {
			latest[c] = dated{day, dec.float(mr, r, "rate")}
		}
	}
	out := rateTable{}
	for c, x := range latest {
		out[c] = x.rate
	}
	return out, nil
}

// revenueAtRisk returns the open order value and the sales over the lead
// time of r's product, and whether the sales records were available.
func (a *run) revenueAtRisk(r stockout, days int) (open, overLead float64, ok bool) {
	if a.d.saleValues == nil {
		return 0, 0, false
	}
	v := a.d.saleValues[pkey{r.company, r.p.id}]
	if v == nil {
		return 0, 0, true
	}
	return v.open, v.recent / float64(max(1, days)) * float64(r.lead), true
}

// stockoutPriority grades a stock-out risk by money and time: critical
// when stock runs out within the critical fraction of the lead time and
// the revenue at risk reaches the critical amount; high from the high
// amount; medium below it. Without sales records it falls back to time
// alone (critical within the fraction, else high).
func (a *run) stockoutPriority(r stockout, risk float64, known bool) string {
	urgent := r.stockoutDays < a.criticalFraction*float64(r.lead)
	switch {
	case !known && urgent:
		return "critical"
	case !known:
		return "high"
	case urgent && risk >= a.criticalRevenue:
		return "critical"
	case risk >= a.highRevenue:
		return "high"
	}
	return "medium"
}

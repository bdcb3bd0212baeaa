package operations

import (
	"fmt"
	"math"
	"slices"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/seasonal"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Stock figures: on hand, consumption, cover and the stock-out detector.

type pkey struct{ company, product int64 }

// arrival is open incoming supply of a product.
type arrival struct {
	day      int // days from Today (negative: overdue)
	qty      float64
	purchase int64 // purchase.order, 0 when not from a purchase
	picking  int64
}

// stockPos is the stock position of one product in one company.
type stockPos struct {
	onHand   float64
	out      float64 // consumption over the window, returns deducted
	outgoing float64 // open demand: moves out of stock not done yet
	first    odoo.Date
	arrivals []arrival
}

// openIncoming reports whether a move state is open supply or demand, as
// Odoo's incoming_qty and outgoing_qty count it (draft and done excluded).
func openState(s string) bool {
	switch s {
	case "waiting", "confirmed", "assigned", "partially_available":
		return true
	}
	return false
}

// consumptionDest reports whether a location usage consumes stock: sold to
// a customer or used in production. Inventory losses, scrap and transit are
// not demand.
func consumptionDest(usage string) bool { return usage == "customer" || usage == "production" }

// positions computes on hand, consumption over the window and open incoming
// supply per company and product.
func (a *run) positions() map[pkey]*stockPos {
	d := a.d
	pos := map[pkey]*stockPos{}
	at := func(c, p int64) *stockPos {
		k := pkey{c, p}
		s := pos[k]
		if s == nil {
			s = &stockPos{}
			pos[k] = s
		}
		return s
	}
	for _, q := range d.quants {
		if d.internal(q.location) {
			at(q.company, q.product).onHand += q.qty
		}
	}
	from := a.today.AddDays(-a.window + 1)
	for i := range d.moves {
		m := &d.moves[i]
		p := d.products[m.product]
		if p == nil || !p.storable {
			continue
		}
		srcIn, dstIn := d.internal(m.src), d.internal(m.dst)
		switch {
		case m.state == "done":
			s := at(m.company, m.product)
			if s.first.IsZero() || m.date.Before(s.first) {
				s.first = m.date
			}
			if m.inventory || m.date.Before(from) || a.today.Before(m.date) {
				continue
			}
			qty := d.convert(m.done, m.uom, p.uom)
			switch {
			case srcIn && !dstIn && consumptionDest(d.locations[m.dst].usage):
				s.out += qty
			case !srcIn && dstIn && d.locations[m.src].usage == "customer":
				s.out -= qty // a customer return gives back what was consumed
			}
		case openState(m.state) && srcIn && !dstIn:
			at(m.company, m.product).outgoing += d.convert(m.demand, m.uom, p.uom)
		case openState(m.state) && dstIn && !srcIn:
			s := at(m.company, m.product)
			arr := arrival{day: analysis.DaysBetween(a.today, m.date), qty: d.convert(m.demand, m.uom, p.uom), picking: m.picking}
			if l, ok := d.poLines[m.purchaseLine]; ok {
				arr.purchase = l.order
				if !l.planned.IsZero() {
					arr.day = analysis.DaysBetween(a.today, l.planned)
				}
			}
			s.arrivals = append(s.arrivals, arr)
		}
	}
	return pos
}

// leadTime returns the vendor lead time of p in company c in days and the
// vendor: the reordering rule's vendor when it names one, else the first
// valid vendor line (lowest sequence) of the product or its template. ok is
// false when the product has no vendor.
func (a *run) leadTime(c int64, p *product, op *orderpoint) (days int, vendor int64, ok bool) {
	if op != nil && op.seller != 0 {
		for _, s := range a.sellersByTmpl[p.tmpl] {
			if s.id == op.seller {
				return s.delay, s.partner, true
			}
		}
	}
	for _, s := range a.sellersByTmpl[p.tmpl] {
		if s.product != 0 && s.product != p.id || s.company != 0 && s.company != c {
			continue
		}
		if !s.start.IsZero() && a.today.Before(s.start) || !s.end.IsZero() && s.end.Before(a.today) {
			continue
		}
		if v, known := a.d.partners[s.partner]; known && !v.active {
			continue // an archived vendor no longer supplies
		}
		return s.delay, s.partner, true
	}
	return 0, 0, false
}

// stockout is the outcome of the stock-out check of one product.
type stockout struct {
	p                   *product
	company             int64
	op                  *orderpoint
	vendor              int64
	lead                int
	daily, onHand       float64
	inc, outgoing       float64
	forecast, need      float64 // need: average consumption over the lead time
	expected, needHigh  float64 // forecast consumption over the lead time, and the upper end of its 80% band
	seasonal            bool    // expected is the seasonal forecast, not the average
	stockoutDays        float64
	nextArrival         int // days from Today to the earliest open receipt (negative: overdue)
	purchases, pickings []int64
	risk                bool
}

// check decides whether the product runs out before a new order could
// arrive: its forecast (on hand plus open receipts minus open deliveries,
// Odoo's Forecasted quantity) is below the average daily consumption times
// the vendor lead time. A product with no consumption in the window is at
// risk only when open deliveries already exceed stock and supply.
//
// The risk stays judged on the average (the rule the ground truth and the
// reordering rules share). The run-out day comes from dm's demand forecast
// when it is seasonal (a year and a month of history, and a backtest that
// prefers it), and the upper end of its 80% band gives the days of cover
// if demand runs high.
func (a *run) check(c int64, p *product, s *stockPos, op *orderpoint, dm *demand) (stockout, bool) {
	lead, vendor, ok := a.leadTime(c, p, op)
	if !ok || lead <= 0 {
		return stockout{}, false
	}
	days := a.window
	if !s.first.IsZero() {
		// A product stocked recently is averaged over its own history,
		// but never fewer than minHistory days.
		if h := analysis.DaysBetween(s.first, a.today) + 1; h < days {
			days = max(h, min(a.window, a.minHistory))
		}
	}
	daily := math.Max(0, s.out/float64(days))
	if daily == 0 && s.outgoing == 0 {
		return stockout{}, false
	}
	r := stockout{p: p, company: c, op: op, vendor: vendor, lead: lead, daily: daily, onHand: s.onHand, outgoing: s.outgoing,
		need: daily * float64(lead)}
	r.expected, r.needHigh = r.need, r.need
	if dm != nil {
		if expected, spread, ok := dm.overLead(p.id, a.today, lead); ok {
			if dm.model == seasonal.Seasonal {
				r.expected, r.seasonal = expected, true
			}
			r.needHigh = r.expected + spread
		}
	}
	for i, x := range s.arrivals {
		if i == 0 || x.day < r.nextArrival {
			r.nextArrival = x.day
		}
		r.inc += x.qty
		if x.purchase != 0 && !slices.Contains(r.purchases, x.purchase) {
			r.purchases = append(r.purchases, x.purchase)
		}
		if x.picking != 0 && !slices.Contains(r.pickings, x.picking) {
			r.pickings = append(r.pickings, x.picking)
		}
	}
	slices.Sort(r.purchases)
	slices.Sort(r.pickings)
	r.forecast = r.onHand + r.inc - r.outgoing
	r.risk = r.forecast < r.need
	// Days until the forecast is used up at the average rate.
	switch {
	case r.forecast <= 0:
		r.stockoutDays = 0
	case r.seasonal && r.expected > 0:
		r.stockoutDays = r.forecast / (r.expected / float64(lead))
	case daily > 0:
		r.stockoutDays = r.forecast / daily
	default:
		r.stockoutDays = math.Inf(1)
	}
	return r, true
}

// stockFigures computes the stock metrics of company c and its stock-out
// insights.
func (a *run) stockFigures(c int64, pos map[pkey]*stockPos) {
	ops := map[int64]*orderpoint{}
	for i := range a.d.orderpoints {
		op := &a.d.orderpoints[i]
		if op.company != c && op.company != 0 {
			continue
		}
		if prev, ok := ops[op.product]; ok && prev.min >= op.min {
			continue // several rules (warehouses): keep the most demanding
		}
		ops[op.product] = op
	}
	var (
		tracked, belowMin, manualShort, outOfStock []int64
		covers                                     []float64
		risks                                      []stockout
	)
	ids := make([]int64, 0, len(a.d.products))
	for id, p := range a.d.products {
		if p.storable && p.active {
			ids = append(ids, id)
		}
	}
	sortInt64(ids)
	empty := &stockPos{}
	dm := demandFor(a.d, c, a.today)
	for _, id := range ids {
		p := a.d.products[id]
		s := pos[pkey{c, id}]
		if s == nil {
			s = empty
		}
		tracked = append(tracked, id)
		op := ops[id]
		if op != nil && s.onHand < op.min {
			belowMin = append(belowMin, id)
			forecast := s.onHand - s.outgoing
			for _, x := range s.arrivals {
				forecast += x.qty
			}
			if op.trigger == "manual" && forecast < op.min {
				manualShort = append(manualShort, id)
			}
		}
		r, ok := a.check(c, p, s, op, dm)
		if !ok {
			continue
		}
		if r.daily > 0 {
			covers = append(covers, math.Max(0, s.onHand)/r.daily)
			if s.onHand <= 0 {
				outOfStock = append(outOfStock, id)
			}
		}
		if r.risk {
			risks = append(risks, r)
		}
	}
	a.metric(c, "operations.stock.storable_products", float64(len(tracked)), "count", "active products that track inventory", nil)
	a.metric(c, "operations.stock.below_reorder_min", float64(len(belowMin)), "count",
		"products whose quantity on hand is below the minimum of their reordering rule", a.refs("product.product", belowMin))
	a.metric(c, "operations.stock.manual_rules_short", float64(len(manualShort)), "count",
		"products whose forecast is below their rule minimum while the rule is manual: nothing reorders them", a.refs("product.product", manualShort))
	a.metric(c, "operations.stock.out_of_stock", float64(len(outOfStock)), "count",
		"products consumed in the window with nothing on hand", a.refs("product.product", outOfStock))
	a.metric(c, "operations.stock.days_of_cover_median", fields.Round2(median(covers)), "days",
		fmt.Sprintf("median, over products consumed in the last %d days, of on hand / average daily consumption", a.window), nil)
	riskIDs := make([]int64, 0, len(risks))
	for _, r := range risks {
		riskIDs = append(riskIDs, r.p.id)
		a.stockoutInsight(r)
	}
	a.metric(c, "operations.stock.stockout_risk", float64(len(risks)), "count",
		"products whose forecast (on hand + open receipts - open deliveries) is below average consumption over the vendor lead time",
		a.refs("product.product", riskIDs))
}

func (a *run) stockoutInsight(r stockout) {
	open, overLead, known := a.revenueAtRisk(r, a.window)
	prio := a.stockoutPriority(r, open+overLead, known)
	facts := map[string]float64{
		"qty_on_hand": fields.Round2(r.onHand), "incoming_qty": fields.Round2(r.inc), "outgoing_qty": fields.Round2(r.outgoing), "forecast_qty": fields.Round2(r.forecast),
		"avg_daily_out": fields.Round2(r.daily), "window_days": float64(a.window), "lead_days": float64(r.lead),
		"need_over_lead": fields.Round2(r.need), "shortfall": fields.Round2(r.need - r.forecast),
	}
	if known {
		facts["open_order_value"], facts["sales_over_lead"] = fields.Round2(open), fields.Round2(overLead)
		facts["revenue_at_risk"] = fields.Round2(open + overLead)
	}
	if !math.IsInf(r.stockoutDays, 0) {
		facts["days_of_cover"] = fields.Round2(r.stockoutDays)
	}
	if r.seasonal {
		facts["forecast_need_over_lead"] = fields.Round2(r.expected)
	}
	if r.needHigh > r.expected {
		facts["need_over_lead_high"] = fields.Round2(r.needHigh)
		facts["days_of_cover_high_demand"] = fields.Round2(math.Max(0, r.forecast) / (r.needHigh / float64(r.lead)))
	}
	if len(r.purchases)+len(r.pickings) > 0 {
		facts["next_receipt_in_days"] = float64(r.nextArrival)
	}
	refs := []analysis.Ref{a.env.Ref("product.product", r.p.id)}
	if r.op != nil {
		facts["reorder_min"], facts["reorder_max"] = r.op.min, r.op.max
		refs = append(refs, a.env.Ref("stock.warehouse.orderpoint", r.op.id))
	}
	if r.vendor != 0 {
		refs = append(refs, a.env.Ref("res.partner", r.vendor))
	}
	if len(r.purchases) > 0 {
		refs = append(refs, a.env.Ref("purchase.order", r.purchases...))
	} else if len(r.pickings) > 0 {
		refs = append(refs, a.env.Ref("stock.picking", r.pickings...))
	}
	vendor := a.d.partnerName(r.vendor)
	stock := fmt.Sprintf("%s on hand, %s incoming and %s to deliver leave %s", fmtQty(r.onHand), fmtQty(r.inc),
		fmtQty(r.outgoing), fmtQty(r.forecast))
	var title, detail string
	switch {
	case r.forecast <= 0:
		title = fmt.Sprintf("%s: open deliveries exceed stock and receipts; %s needs %d days", r.p.label(), vendor, r.lead)
		detail = fmt.Sprintf("%s: customers already wait for %s more than stock and open receipts cover, and an order placed today arrives in %d days.",
			stock, fmtQty(-r.forecast), r.lead)
	default:
		when := a.today.AddDays(int(math.Floor(r.stockoutDays)))
		title = fmt.Sprintf("%s runs out in %s; %s needs %d to deliver", r.p.label(), plural(int(math.Floor(r.stockoutDays)), "day", "days"), vendor, r.lead)
		rate := fmt.Sprintf("the average %s a day of the last %d days", fmtQty(fields.Round2(r.daily)), a.window)
		if r.seasonal {
			rate = fmt.Sprintf("the %s a day forecast for the next %d days (this season's demand; the average of the last %d days is %s)",
				fmtQty(fields.Round2(r.expected/float64(r.lead))), r.lead, a.window, fmtQty(fields.Round2(r.daily)))
		}
		detail = fmt.Sprintf("%s: %.1f days at %s, so stock runs out around %s, "+
			"but an order placed today arrives in %d days (%s short over the lead time).",
			stock, r.stockoutDays, rate, when, r.lead, fmtQty(fields.Round2(r.need-r.forecast)))
		if r.needHigh > r.expected && r.forecast > 0 {
			detail += fmt.Sprintf(" If demand runs at the top of its 80%% range (%s over the lead time), it lasts %.1f days.",
				fmtQty(fields.Round2(r.needHigh)), r.forecast/(r.needHigh/float64(r.lead)))
		}
	}
	if r.op != nil && r.op.trigger == "manual" {
		detail += " Its reordering rule is manual, so no order will be created automatically."
	}
	a.res.Insights = append(a.res.Insights, analysis.Insight{
		Kind: KindStockoutRisk, Priority: prio, CompanyID: r.company,
		Title: title, Detail: detail,
		Subject: fmt.Sprintf("product.product:%d", r.p.id),
		Refs:    refs, Facts: facts,
		Score: fields.Clamp01(1 - r.stockoutDays/float64(r.lead)),
	})
}

// fmtQty formats a quantity without needless decimals.
func fmtQty(q float64) string {
	if q == math.Trunc(q) {
		return fmt.Sprintf("%.0f", q)
	}
	return fmt.Sprintf("%.2f", q)
}

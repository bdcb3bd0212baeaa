package demodata

import (
	"fmt"
	"math"

	"github.com/aicoo/aicoo/internal/dataset"
)

// Business series anomalies (issue 14): on one recent day a one-off
// service invoice several times a normal week's revenue (a revenue spike),
// and as a near miss, on an earlier recent day, a one-off invoice that
// stays within a normal week's range. Both go to a steady customer (on-time
// payer, not a planned churner) with no order, delivery or payment and a
// due date after Today, so no other detector's ground truth moves: only the
// revenue series (and the receivables) see them.
const (
	// SeriesSpikeDaysAgo is how many days before Today the spike is
	// invoiced (the workday before, if that is a weekend).
	SeriesSpikeDaysAgo = 2
	// SeriesSpikeWeeks is the spike's size in normal weeks of revenue.
	SeriesSpikeWeeks = 5
	// SeriesNearDaysAgo and SeriesNearWeeks place and size the near miss.
	SeriesNearDaysAgo = 12
	SeriesNearWeeks   = 0.15
)

// seriesInjection is a planted one-off invoice.
type seriesInjection struct {
	day   day
	weeks float64
	near  bool
	move  int64
	cust  *customer
	// weekly is the normal weekly revenue it was sized on.
	weekly float64
}

// prevWorkday returns d, or the Friday before it when d is a weekend day.
func (d day) prevWorkday() day {
	for d.weekend() {
		d--
	}
	return d
}

// seriesPlan places the injections (no randomness is drawn, so the rest
// of the company is generated as before them).
func (g *gen) seriesPlan() {
	g.inj.series = []*seriesInjection{
		{day: (g.today - SeriesNearDaysAgo).prevWorkday(), weeks: SeriesNearWeeks, near: true},
		{day: (g.today - SeriesSpikeDaysAgo).prevWorkday(), weeks: SeriesSpikeWeeks},
	}
	monday := g.today - day((g.today.weekday()+6)%7)
	g.inj.drops = []*orderDrop{
		{from: monday - 7, to: monday - 1, every: SeriesDropEvery},
		{from: monday, to: g.today, every: SeriesDropNearEvery, near: true},
	}
}

// seriesDay posts the planned one-off invoices of d.
func (g *gen) seriesDay(d day) {
	for _, s := range g.inj.series {
		if s.day != d || s.move != 0 {
			continue
		}
		c := g.steadyCustomer()
		if c == nil || len(g.services) == 0 {
			return
		}
		s.weekly = g.weeklyRevenue(d)
		amount := math.Round(s.weekly * s.weeks)
		p := g.services[0]
		name := fmt.Sprintf("[%s] %s: one-off project", p.code, p.name)
		spec := invoiceSpec{moveType: "out_invoice", partner: c.id, day: d, dueDays: 30, termID: g.ref.terms[30],
			journal: g.ref.jr.sale, user: c.userID, ref: "one-off project",
			lines: []invLine{{account: p.income, name: name, productID: p.id, uom: p.uom, qty: 1, price: amount,
				subtotal: int64(amount * 100), taxID: c.taxID}}}
		s.move, s.cust = g.postInvoice(spec).move.ID(), c
	}
}

// steadyCustomer returns the first EUR customer who pays on time, orders
// regularly and is not planned to show any other problem.
func (g *gen) steadyCustomer() *customer {
	for _, c := range g.customers {
		if !c.usd && c.habit == habitOnTime && !c.churner && !c.longGap && c.stopDay > g.today {
			return c
		}
	}
	return nil
}

// weeklyRevenue is the mean weekly untaxed revenue (posted customer
// invoices) of the eight weeks before d.
func (g *gen) weeklyRevenue(d day) float64 {
	sum := 0.0
	for _, m := range g.ds.Records("account.move") {
		if m.Str("move_type") != "out_invoice" || m.Str("state") != "posted" {
			continue
		}
		if inv := dayOfRec(g, m, "invoice_date"); inv >= d-56 && inv < d {
			sum += m.Float("amount_untaxed_signed")
		}
	}
	return sum / 8
}

// seriesTruth labels the spike and the near miss.
func (g *gen) seriesTruth() {
	for _, s := range g.inj.series {
		if s.move == 0 {
			continue
		}
		inv := g.ds.Get("account.move", s.move)
		facts := map[string]float64{"amount_untaxed": inv.Float("amount_untaxed"), "normal_weekly_revenue": round2(s.weekly),
			"days_ago": float64(g.today - s.day)}
		if s.near {
			g.item(dataset.KindSeriesAnomaly, "account.move", []int64{s.move}, dataset.PriorityLow, true,
				fmt.Sprintf("%s of %s (%.0f EUR, %g of a normal week's revenue) leaves that week's revenue within its usual range.",
					inv.Str("name"), c2s(s.cust), inv.Float("amount_untaxed"), s.weeks), facts)
			continue
		}
		g.item(dataset.KindSeriesAnomaly, "account.move", []int64{s.move}, dataset.PriorityHigh, false,
			fmt.Sprintf("%s of %s (%.0f EUR, %g normal weeks of revenue in one day) makes revenue spike in its week.",
				inv.Str("name"), c2s(s.cust), inv.Float("amount_untaxed"), s.weeks), facts)
	}
}

func c2s(c *customer) string { return c.name }

// Orders drop (issue 14): in the ISO week before Today's, every second
// order a customer was due to place is not placed (the customer orders
// again after its usual gap), so the week's confirmed orders fall to about
// half; as a near miss, in Today's week so far, every seventh. Long-gap
// customers and planned churners are never skipped (a skipped order would
// move their churn truth), and no randomness is drawn for the choice.
//
// Only a company placing at least SeriesDropMinWeekly orders a week (the
// eight weeks before) gets them: on the small company's ten or so, half a
// week is within the Poisson noise of a normal one (a week of 4 against
// 11 was not flagged, nor one of 2), so no detector could tell it, and
// leaving the small company as it was keeps its other truth unchanged.
const (
	// SeriesDropMinWeekly is the fewest normal weekly orders a drop needs.
	SeriesDropMinWeekly = 50
	// SeriesDropEvery keeps one due order in this many in the drop week.
	SeriesDropEvery = 2
	// SeriesDropNearEvery skips one in this many in the near-miss week.
	SeriesDropNearEvery = 7
)

// orderDrop is a planned span of days with fewer orders.
type orderDrop struct {
	from, to day
	every    int
	near     bool
	normal   float64 // weekly orders of the eight weeks before (-1: too few, not injected)
	due      int     // orders due in the span
	skipped  int
}

// dropOrder reports whether c's order due on d is skipped, and then
// schedules c's next order after its usual gap.
func (g *gen) dropOrder(c *customer, d day) bool {
	if c.longGap || c.churner {
		return false
	}
	for _, s := range g.inj.drops {
		if d < s.from || d > s.to {
			continue
		}
		if s.normal == 0 {
			s.normal = g.weeklyOrders(s.from)
			if s.normal < SeriesDropMinWeekly {
				s.normal = -1
			}
		}
		if s.normal < 0 {
			return false
		}
		s.due++
		if s.near == (s.due%s.every != 0) {
			return false // the drop keeps one in every, the near miss skips one in every
		}
		s.skipped++
		c.nextOrder = (d + day(math.Max(3, math.Round(c.gap)))).nextWorkday()
		return true
	}
	return false
}

// dropTruth labels the drop week and the near miss with the orders that
// were placed in them (the records an insight on the week points to).
func (g *gen) dropTruth() {
	for _, s := range g.inj.drops {
		if s.normal <= 0 {
			continue
		}
		var ids []int64
		for _, o := range g.orders {
			if o.day >= s.from && o.day <= s.to {
				ids = append(ids, o.rec.ID())
			}
		}
		if len(ids) == 0 {
			continue
		}
		normal := s.normal
		facts := map[string]float64{"orders": float64(len(ids)), "skipped": float64(s.skipped), "normal_weekly_orders": round2(normal),
			"days_ago": float64(g.today - s.from)}
		if s.near {
			g.item(dataset.KindSeriesAnomaly, "sale.order", ids, dataset.PriorityLow, true,
				fmt.Sprintf("From %s to %s %d orders were placed and %d not (one in %d): within a normal week's range.",
					g.date(s.from), g.date(s.to), len(ids), s.skipped, s.every), facts)
			continue
		}
		g.item(dataset.KindSeriesAnomaly, "sale.order", ids, dataset.PriorityHigh, false,
			fmt.Sprintf("In the week from %s to %s only %d orders were placed (%d due orders skipped; about %.0f a normal week): orders dropped.",
				g.date(s.from), g.date(s.to), len(ids), s.skipped, normal), facts)
	}
}

// weeklyOrders is the mean number of confirmed sale orders a week over the
// eight weeks before d.
func (g *gen) weeklyOrders(d day) float64 {
	n := 0
	for _, o := range g.orders {
		if o.day >= d-56 && o.day < d {
			n++
		}
	}
	return float64(n) / 8
}

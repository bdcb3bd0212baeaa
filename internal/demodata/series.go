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

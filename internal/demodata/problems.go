package demodata

import (
	"math"
	"sort"
)

// injections records what the generator plants so the ground truth can name
// it.
type injections struct {
	nearOverdue   []*openItem
	anomalyMonth  day
	anomalousBill int64
	stalls        []stallPlan
	series        []*seriesInjection
	drops         []*orderDrop
}

// stallPlan plans a lead that stops in stage on day reach; slow leads are
// near misses with a planned activity.
type stallPlan struct {
	create day
	stage  int
	slow   bool
}

// Problem rule thresholds. The ground truth and the tests use them.
const (
	// OverdueDays is how many days past due an unpaid invoice must be.
	OverdueDays = 60
	// StallFactor is how many times the normal stage time a deal must sit
	// in its stage, without activity, to be stalled.
	StallFactor = 3
	// ChurnFactor is how many median order gaps must pass without an order.
	ChurnFactor = 3
	// ChurnMinOrders is how many orders a customer needs for a rhythm.
	ChurnMinOrders = 5
	// AnomalyFactor is how many times the category (or vendor) median an
	// amount must reach to be unusual.
	AnomalyFactor = 5
	// RunwayDays is the cash runway below which cash is low.
	RunwayDays = 60
	// OnTimeDrop is by how much a vendor's on-time rate over the last 90
	// days must fall below the rate of the 275 days before.
	OnTimeDrop = 0.25
)

// wantNearOverdue reports whether the invoice it of c becomes a near miss:
// left unpaid so that it is 53-57 days overdue at Today.
func (inj *injections) wantNearOverdue(g *gen, it *openItem, c *customer) bool {
	if len(inj.nearOverdue) >= max(1, g.p.problems/2) || c.habit == habitSlider || c.habit == habitDefaulter {
		return false
	}
	if late := g.today - it.due; late < 53 || late > 57 {
		return false
	}
	inj.nearOverdue = append(inj.nearOverdue, it)
	return true
}

// anomalousBillMonth reports whether the energy bill of d's month is the
// anomalous one.
func (inj *injections) anomalousBillMonth(g *gen, d day) bool {
	return inj.anomalousBill == 0 && g.monthStart(d) == inj.anomalyMonth
}

// plan picks, before the simulation, the customers, leads and products that
// will show problems.
func (g *gen) plan() {
	r := g.rMaster
	k := g.p.problems
	half := max(1, k/2)
	g.inj.anomalyMonth = g.addMonths(g.today, -1)
	g.seriesPlan()
	used := map[*customer]bool{}
	take := func(n int, f func(c *customer)) {
		for _, i := range r.Perm(len(g.customers)) {
			if n == 0 {
				return
			}
			c := g.customers[i]
			if used[c] {
				continue
			}
			used[c] = true
			f(c)
			n--
		}
	}
	frequent := func(c *customer) {
		if c.gap > 28 {
			c.gap = uniform(r, 18, 28)
		}
	}
	take(half, func(c *customer) {
		frequent(c)
		c.habit, c.lateSince, c.partialP = habitSlider, g.today-330, 0
	})
	take(half, func(c *customer) {
		frequent(c)
		c.habit, c.lateSince, c.partialP = habitDefaulter, g.today-200, 0
	})
	take(k, func(c *customer) {
		frequent(c)
		if c.habit == habitLate {
			c.habit = habitOnTime
		}
		c.churner = true
		c.stopDay = g.today - day(math.Max(100, 4.5*c.gap)) - day(between(r, 0, 20))
	})
	take(half, func(c *customer) {
		c.longGap = true
		c.gap = 115
	})
	for _, c := range g.customers {
		c.firstOrder = g.start
		c.nextOrder = (g.start + day(r.IntN(int(c.gap)+1))).nextWorkday()
	}
	// Stalled deals and slow near misses.
	for i := range k + half {
		stage := 1 + i%3
		mult := uniform(r, 5, 8)
		reach := g.today - day(math.Round(mult*crmStages[stage].dwell))
		create := reach
		for s := range stage {
			create -= day(crmStages[s].dwell)
		}
		g.inj.stalls = append(g.inj.stalls, stallPlan{create: create, stage: stage, slow: i >= k})
	}
	sort.SliceStable(g.inj.stalls, func(i, j int) bool { return g.inj.stalls[i].create < g.inj.stalls[j].create })
	// Stock-outs: busy goods of reliable vendors with long lead times, whose
	// rule is switched to manual some weeks before Today.
	var cands []*product
	for _, p := range g.goods {
		if p.vendor.kind == vendorReliable {
			cands = append(cands, p)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		return cands[i].rate*float64(cands[i].lead) > cands[j].rate*float64(cands[j].lead)
	})
	for i := 0; i < k && i < len(cands); i++ {
		cands[i].stockout = true
	}
}

// recentRate returns the average daily quantity of p delivered over the 90
// days ending on d.
func (g *gen) recentRate(p *product, d day) float64 {
	var out float64
	for i := max(0, g.off(d)-89); i <= g.off(d); i++ {
		out += p.outByDay[i]
	}
	return out / 90
}

// stockoutSwitch switches the reordering rule of a planned stock-out product
// to manual on the first day when, at its recent consumption, its forecast
// (on hand + incoming - waiting deliveries) would last until Today with a
// third of its lead-time demand left: from then on nobody reorders it, so
// at Today it cannot cover the lead time of a new order. Demand is lumpy,
// so a few days before Today a stock count that finds damaged goods takes
// the forecast down where it would otherwise still be comfortable.
func (g *gen) stockoutSwitch(d day) {
	if d.weekend() || d < g.today-150 {
		return
	}
	for _, p := range g.goods {
		if !p.stockout {
			continue
		}
		rate := g.recentRate(p, d)
		need := rate * float64(p.lead)
		forecast := p.onHand + p.incoming - p.waiting
		if p.manualFrom == 0 {
			if rate > 0 && forecast-rate*float64(g.today-d) >= 0.3*need || d >= g.today-25 {
				p.manualFrom = d
			}
			continue
		}
		if d >= g.today-6 && d <= g.today-2 && !p.counted {
			p.counted = true
			if loss := math.Floor(math.Min(p.onHand, forecast-0.3*need)); forecast >= 0.6*need && loss > 0 {
				g.inventoryLoss(p, loss, d)
			}
		}
	}
}

// stallsDay creates the planned stalled leads of d.
func (g *gen) stallsDay(d day) {
	for _, s := range g.inj.stalls {
		if s.create == d {
			l := g.newLead(g.rCRM, d, s.stage)
			l.slow = s.slow
		}
	}
}

// markManualRules switches the reordering rules of the stock-out products
// to manual on the day it happens.
func (g *gen) markManualRules(d day) {
	for _, p := range g.goods {
		if p.manualFrom == d {
			p.op["trigger"] = "manual"
			touch(p.op, g.dt(d, 9*3600), g.ref.buyer)
		}
	}
}

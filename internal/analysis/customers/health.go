package customers

import (
	"fmt"
	"math"
	"sort"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/robust"
)

// Weights of the health components; a component without data is left out
// and the others are reweighted.
const (
	weightPayment = 0.35
	weightRecency = 0.25
	weightTrend   = 0.25
	weightSupport = 0.15
)

// health is a customer's health score (0-100) and its components.
type health struct {
	score                              float64
	payment, recency, trend, support   float64
	hasPayment, hasSupport             bool
	since                              int     // days since the last order
	medianGap                          float64 // 0 without a rhythm
	avgLate                            float64
	recentOrders, priorOrders, ordersN int
}

// rhythm returns the median gap in days between a customer's distinct
// order days, and 0 with fewer than minOrders orders.
func rhythm(c *customer, minOrders int) float64 {
	n := len(c.orderDays)
	if n < max(2, minOrders) {
		return 0
	}
	gaps := make([]float64, 0, n-1)
	for i := 1; i < n; i++ {
		gaps = append(gaps, float64(analysis.DaysBetween(c.orderDays[i-1], c.orderDays[i])))
	}
	return robust.Median(gaps)
}

// score computes the health of c:
//   - payment: 100, less up to 50 for the average days late of invoices
//     paid in the last 365 days (all 50 at 60 days) and up to 50 for the
//     oldest overdue open invoice (all 50 at 90 days);
//   - recency: 100 while the time since the last order is within 1.5 of
//     the customer's median gap, falling to 0 at the churn factor (without
//     a rhythm: 100 up to 90 days, 0 from 365 days);
//   - trend: 50, plus up to 25 each for the change of invoiced value and of
//     the number of orders, last 180 days against the 180 before;
//   - support: 100, less 20 per open ticket and 30 more per ticket past
//     its SLA deadline.
func score(env *analysis.Env, d *data, c *customer) health {
	minOrders := int(env.Threshold(ThresholdChurnMinOrders, ChurnMinOrdersDefault))
	factor := env.Threshold(ThresholdChurnFactor, ChurnFactorDefault)
	h := health{ordersN: len(c.orderDays), medianGap: rhythm(c, minOrders), since: -1}
	for _, day := range c.orderDays {
		switch age := analysis.DaysBetween(day, env.Today); {
		case age < 0:
		case age < trendDays:
			h.recentOrders++
		case age < 2*trendDays:
			h.priorOrders++
		}
	}
	if n := len(c.orderDays); n > 0 {
		h.since = analysis.DaysBetween(c.orderDays[n-1], env.Today)
	}
	var sum, weights float64
	if d.hasMoves {
		for _, x := range c.paidLate {
			h.avgLate += x
		}
		if len(c.paidLate) > 0 {
			h.avgLate /= float64(len(c.paidLate))
		}
		h.payment = 100 - 50*math.Min(1, h.avgLate/60) - 50*math.Min(1, float64(c.overdueDays)/90)
		h.hasPayment = true
		sum += weightPayment * h.payment
		weights += weightPayment
	}
	switch {
	case h.since < 0:
		h.recency = 0
	case h.medianGap > 0:
		ratio := float64(h.since) / h.medianGap
		h.recency = 100 * fields.Clamp01((factor-ratio)/(factor-1.5))
	default:
		h.recency = 100 * fields.Clamp01((365-float64(h.since))/(365-90))
	}
	sum += weightRecency * h.recency
	weights += weightRecency
	h.trend = 50 + 25*change(c.recentValue, c.priorValue) + 25*change(float64(h.recentOrders), float64(h.priorOrders))
	sum += weightTrend * h.trend
	weights += weightTrend
	if d.support != nil {
		h.hasSupport = true
		h.support = math.Max(0, 100-20*float64(c.openTickets)-30*float64(c.breachedTickets))
		sum += weightSupport * h.support
		weights += weightSupport
	}
	h.score = sum / weights
	return h
}

// change returns the relative change from prior to recent, within -1..1:
// +1 for new business, -1 when it stopped.
func change(recent, prior float64) float64 {
	if prior <= 0 {
		if recent > 0 {
			return 1
		}
		return -1
	}
	return math.Max(-1, math.Min(1, (recent-prior)/prior))
}

// current reports whether c bought in the last 365 days.
func current(c *customer) bool { return c.health.since >= 0 && c.health.since < 365 }

// healthMetrics reports per customer health and the company's summary:
// current customers, average health, customers at risk, churn risks and
// the revenue of the last 365 days they stand for.
func healthMetrics(env *analysis.Env, d *data, company int64, list []*customer, churned map[key]bool, res *analysis.Result) {
	atRisk := env.Threshold(ThresholdAtRiskHealth, AtRiskHealthDefault)
	var n, risky, churn int
	var sum, churnValue float64
	var riskyIDs []int64
	for _, c := range list {
		if c.company != company || c.partner == 0 || !(current(c) || churned[c.key]) {
			continue
		}
		n++
		sum += c.health.score
		if c.health.score < atRisk {
			risky++
			riskyIDs = append(riskyIDs, c.partner)
		}
		if churned[c.key] {
			churn++
			churnValue += c.value365
		}
		m := metric(fmt.Sprintf("customers.health.partner.%d", c.partner), c.health.score, "percent", company, env.Ref(modelPartner, c.partner))
		m.Note = fmt.Sprintf("%s: payment %s, recency %.0f, trend %.0f, support %s", c.name, optScore(c.health.payment, c.health.hasPayment),
			c.health.recency, c.health.trend, optScore(c.health.support, c.health.hasSupport))
		res.Metrics = append(res.Metrics, m)
	}
	cur := d.currency[company]
	res.Metrics = append(res.Metrics,
		metric("customers.current", float64(n), "count", company),
		metric("customers.health.at_risk", float64(risky), "count", company, env.Ref(modelPartner, riskyIDs...)),
		metric("customers.churn_risk.count", float64(churn), "count", company),
		metric("customers.churn_risk.revenue_365d", churnValue, cur, company))
	avg := analysis.Metric{Name: "customers.health.average", Unit: "percent", CompanyID: company, Note: "no current customers"}
	if n > 0 {
		avg = metric(avg.Name, sum/float64(n), "percent", company)
	}
	res.Metrics = append(res.Metrics, avg)
}

func optScore(v float64, ok bool) string {
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf("%.0f", v)
}

// upsell suggests healthy customers whose invoiced value grew, and those
// with orders Odoo marks "upselling" (delivered more than ordered), at most
// the configured number per company, largest growth first.
func upsell(env *analysis.Env, d *data, company int64, list []*customer, churned map[key]bool, res *analysis.Result) {
	minHealth := env.Threshold(ThresholdUpsellHealth, UpsellHealthDefault)
	growth := env.Threshold(ThresholdUpsellGrowth, UpsellGrowthDefault)
	limit := int(env.Threshold(ThresholdUpsellMax, UpsellMaxDefault))
	type cand struct {
		c    *customer
		gain float64
	}
	var cands []cand
	for _, c := range list {
		if c.company != company || c.partner == 0 || c.archived || churned[c.key] || !current(c) {
			continue
		}
		grew := c.priorValue > 0 && c.recentValue >= (1+growth)*c.priorValue && c.health.recentOrders >= 2 && c.health.score >= minHealth
		if grew || len(c.upsellOrders) > 0 {
			cands = append(cands, cand{c, c.recentValue - c.priorValue})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].gain > cands[j].gain })
	cur := d.currency[company]
	for i, x := range cands {
		if i >= limit {
			break
		}
		c := x.c
		in := analysis.Insight{Kind: KindUpsell, Priority: "low", CompanyID: company,
			Title:   fmt.Sprintf("Upsell candidate: %s", c.name),
			Subject: fmt.Sprintf("%s:%d", modelPartner, c.partner),
			Refs:    []analysis.Ref{env.Ref(modelPartner, c.partner)},
			Facts: map[string]float64{"health": fields.Round2(c.health.score), "value_180d": fields.Round2(c.recentValue),
				"value_prior_180d": fields.Round2(c.priorValue), "orders_180d": float64(c.health.recentOrders)},
			Score: fields.Clamp01(x.gain / math.Max(1, c.priorValue)),
		}
		in.Detail = fmt.Sprintf("Healthy customer (score %.0f) who bought %.2f %s in the last 180 days against %.2f %s in the 180 before.",
			c.health.score, c.recentValue, cur, c.priorValue, cur)
		if len(c.upsellOrders) > 0 {
			in.Detail += fmt.Sprintf(" %d orders were delivered beyond what was ordered and invoiced (Odoo: upselling opportunity).", len(c.upsellOrders))
			in.Refs = append(in.Refs, env.Ref(modelOrder, c.upsellOrders...))
		}
		res.Insights = append(res.Insights, in)
	}
}

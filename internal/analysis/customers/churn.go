package customers

import (
	"fmt"
	"math"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
)

// ThresholdChurnMaxDays is how long without an order makes a customer lost
// rather than at risk: beyond it no churn insight is raised.
const ThresholdChurnMaxDays = "customers.churn_max_days"

// ChurnMaxDaysDefault is the default of ThresholdChurnMaxDays.
const ChurnMaxDaysDefault = 365.0

// detectChurn flags customers with a rhythm (at least the minimum number
// of orders) whose time since the last order exceeds the churn factor
// times their median gap between orders, and the minimum days. Archived
// customers are left out: someone already decided about them.
func detectChurn(env *analysis.Env, d *data, list []*customer, res *analysis.Result) map[key]bool {
	factor := env.Threshold(ThresholdChurnFactor, ChurnFactorDefault)
	minDays := env.Threshold(ThresholdChurnMinDays, ChurnMinDaysDefault)
	maxDays := env.Threshold(ThresholdChurnMaxDays, ChurnMaxDaysDefault)
	highOrders := int(env.Threshold(ThresholdChurnHighOrders, ChurnHighOrdersDefault))
	out := map[key]bool{}
	for _, c := range list {
		h := c.health
		if c.partner == 0 || c.archived || h.medianGap <= 0 || h.since < 0 {
			continue
		}
		limit := math.Max(minDays, factor*h.medianGap)
		since := float64(h.since)
		if since <= limit || since > maxDays {
			continue
		}
		out[c.key] = true
		prio := "medium"
		if h.ordersN >= highOrders {
			prio = "high"
		}
		cur := d.currency[c.company]
		last := c.orderDays[len(c.orderDays)-1]
		refs := []analysis.Ref{env.Ref(modelPartner, c.partner)}
		if n := len(c.orderIDs); n > 0 {
			model := modelOrder
			if c.source == "invoices" {
				model = modelMove
			}
			refs = append(refs, env.Ref(model, c.orderIDs[n-1]))
		}
		res.Insights = append(res.Insights, analysis.Insight{
			Kind: KindChurnRisk, Priority: prio, CompanyID: c.company,
			Title: fmt.Sprintf("Churn risk: %s has not ordered for %d days", c.name, h.since),
			Detail: fmt.Sprintf("%s ordered %d times, usually every %.0f days (median gap, from %s), but not since %s: %d days, beyond %.0f. "+
				"Invoiced in the last 365 days: %.2f %s. Health score %.0f.",
				c.name, h.ordersN, h.medianGap, c.source, last, h.since, limit, c.value365, cur, h.score),
			Subject: fmt.Sprintf("%s:%d", modelPartner, c.partner),
			Refs:    refs,
			Facts: map[string]float64{"days_since_last_order": since, "median_gap_days": fields.Round2(h.medianGap), "orders": float64(h.ordersN),
				"limit_days": fields.Round2(limit), "revenue_365d": fields.Round2(c.value365), "health": fields.Round2(h.score)},
			Score: fields.Clamp01(1 - limit/since),
		})
		if d.hasMargin {
			res.Insights[len(res.Insights)-1].Facts["margin_365d"] = fields.Round2(c.margin365)
		}
	}
	return out
}

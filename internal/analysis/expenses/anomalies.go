package expenses

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/robust"
)

// anomalies raises an unusual_transaction insight for each expense dated in
// the lookback window whose amount is at least the factor times the median
// of the other expenses of its category (product) in its company, at
// least the robust z-score above them (log amounts, median and MAD), and at
// least the tail factor times their 90th percentile. Categories with too
// few other expenses are not judged. Refused claims are neither judged nor
// part of the distributions. Vendor bills are judged by the finance
// analyzer, never here. It returns the number of insights per company.
func (x *run) anomalies() map[int64]int {
	factor := x.env.Threshold(ThresholdAnomalyFactor, AnomalyFactorDefault)
	zMin := x.env.Threshold(ThresholdAnomalyZ, AnomalyZDefault)
	tail := x.env.Threshold(ThresholdAnomalyTailFactor, AnomalyTailFactorDefault)
	minHist := int(x.env.Threshold(ThresholdAnomalyMinHistory, AnomalyMinHistoryDefault))
	type key struct{ company, category int64 }
	byCat := map[key][]float64{}
	for _, e := range x.expenses {
		if !e.refused() && e.amount > 0 {
			byCat[key{e.company, e.category}] = append(byCat[key{e.company, e.category}], e.amount)
		}
	}
	for _, xs := range byCat {
		sort.Float64s(xs)
	}
	out := map[int64]int{}
	for _, e := range x.expenses {
		if e.refused() || e.amount <= 0 || !x.recent(e.date) {
			continue
		}
		// The group holds the expense itself: judge it against the others.
		group := byCat[key{e.company, e.category}]
		if len(group)-1 < minHist {
			continue
		}
		med := robust.QuantileWithout(group, e.amount, 0.5)
		if med <= 0 {
			continue
		}
		ratio := e.amount / med
		p90 := robust.QuantileWithout(group, e.amount, 0.9)
		if ratio < factor || e.amount < tail*p90 {
			continue
		}
		xs := robust.WithoutOne(group, e.amount)
		z := robust.Z(e.amount, xs, 0.1)
		if z < zMin {
			continue
		}
		cur := x.currency(e.company)
		out[e.company]++
		x.res.Insights = append(x.res.Insights, analysis.Insight{
			Kind: KindUnusualTransaction, Priority: "high", CompanyID: e.company,
			Title: fmt.Sprintf("%s claimed %.2f %s for %q, %.1f times the usual %s expense", x.employee(e), e.amount, cur, fields.String(e.rec, "name"), ratio, x.category(e)),
			Detail: fmt.Sprintf("The expense of %s is %.2f %s; the median of the other %d %s expenses is %.2f %s and 9 in 10 are under %.2f.",
				e.date, e.amount, cur, len(xs), x.category(e), med, cur, p90),
			Subject: "hr.expense:" + strconv.FormatInt(e.id, 10),
			Refs:    []analysis.Ref{x.env.Ref("hr.expense", e.id), x.env.Ref("hr.employee", e.employee)},
			Facts: map[string]float64{"amount": fields.Round2(e.amount), "category_median": fields.Round2(med), "ratio": fields.Round2(ratio),
				"robust_z": fields.Round2(z), "p90": fields.Round2(p90), "history": float64(len(xs))},
			Score: fields.Clamp01(ratio / (4 * factor)),
		})
	}
	return out
}

package sales

import (
	"fmt"
	"math"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/seasonal"
)

// blockDays is the length of the blocks the invoiced run-rate is measured in.
const blockDays = 30

// runRateBlocks is how many blocks of invoicing the spread is learned from.
const runRateBlocks = 12

// invoicedBlocks returns the invoiced revenue (untaxed, company currency,
// credit notes negative) of company c in the 30-day blocks ending Today,
// most recent first, leaving out blocks before the first invoice.
func invoicedBlocks(env *analysis.Env, d *data, c int64) []float64 {
	blocks := make([]float64, runRateBlocks)
	oldest := -1
	for _, inv := range d.invoices {
		if inv.company != c {
			continue
		}
		day := inv.day
		age := analysis.DaysBetween(day, env.Today)
		if age < 0 {
			continue
		}
		if b := age / blockDays; b < runRateBlocks {
			blocks[b] += inv.untaxed
			oldest = max(oldest, b)
		} else {
			oldest = runRateBlocks - 1
		}
	}
	return blocks[:oldest+1]
}

// forecastMetrics reports the revenue forecast of company c over the
// horizon: the invoiced run-rate of the last 90 days carried forward (or,
// when a year of history supports it and the backtest prefers it, the
// seasonal forecast of internal/analysis/seasonal) plus
// the weighted revenue of open deals expected to close within the horizon
// (or with no or a past expected closing date), with an interval from the
// month-to-month spread of invoicing and the win/lose uncertainty of each
// deal.
func forecastMetrics(env *analysis.Env, d *data, c int64, res *analysis.Result) {
	cur := d.currency[c]
	horizon := env.Threshold(ThresholdForecastDays, ForecastDaysDefault)
	z := env.Threshold(ThresholdForecastZ, ForecastZDefault)
	h := fmt.Sprintf("%.0fd", horizon)
	var pipe, pipeVar float64
	var ids []int64
	end := env.Today.AddDays(int(horizon))
	for _, dl := range d.deals {
		if dl.company != c || dl.state != dealOpen {
			continue
		}
		if !dl.deadline.IsZero() && end.Before(dl.deadline) {
			continue
		}
		p := fields.Clamp01(dl.prob / 100)
		pipe += p * dl.expected
		pipeVar += p * (1 - p) * dl.expected * dl.expected
		ids = append(ids, dl.id)
	}
	res.Metrics = append(res.Metrics, metric("sales.forecast.pipeline_weighted_"+h, pipe, cur, c, env.Ref(modelLead, ids...)))
	names := []string{"sales.forecast.run_rate_monthly", "sales.forecast.revenue_" + h, "sales.forecast.revenue_" + h + ".low",
		"sales.forecast.revenue_" + h + ".high"}
	if !d.hasMoves {
		for _, n := range names {
			res.Metrics = append(res.Metrics, analysis.Metric{Name: n, Unit: cur, CompanyID: c, Note: "invoicing is not installed"})
		}
		return
	}
	blocks := invoicedBlocks(env, d, c)
	var recent float64
	k := min(3, len(blocks))
	for _, b := range blocks[:k] {
		recent += b
	}
	monthly := 0.0
	if k > 0 {
		monthly = recent / float64(k)
	}
	periods := horizon / blockDays
	baseline := monthly * periods
	seasonalBase, model, why := seasonalRevenue(env, d, c, int(horizon))
	if model == seasonal.Seasonal {
		baseline = seasonalBase
	}
	baseVar := 0.0
	if len(blocks) >= 2 {
		var mean float64
		for _, b := range blocks {
			mean += b
		}
		mean /= float64(len(blocks))
		var ss float64
		for _, b := range blocks {
			ss += (b - mean) * (b - mean)
		}
		baseVar = ss / float64(len(blocks)-1) * periods
	}
	total := baseline + pipe
	spread := z * math.Sqrt(baseVar+pipeVar)
	rr := metric(names[0], monthly, cur, c)
	rr.Note = fmt.Sprintf("invoiced revenue per %d days, average of the last %d blocks", blockDays, k)
	rev := metric(names[1], total, cur, c)
	rev.Note = "invoiced revenue (" + why + ") plus the weighted pipeline"
	res.Metrics = append(res.Metrics, rr, rev,
		metric(names[2], math.Max(0, total-spread), cur, c),
		metric(names[3], total+spread, cur, c))
}

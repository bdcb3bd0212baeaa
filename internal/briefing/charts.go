package briefing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/store"
)

// A briefing carries the two or three charts that matter to its role
// (Role.Charts; the choice is DefaultRoles'). They are stored with the
// facts as values (package chart's JSON), drawn as PNG images by the
// email channel and never shown to the model. The figure history
// (package history) gives the long series; the operations charts, which
// have no history, use the daily analysis results of the last 30 days.

// Chart names, as Role.Charts lists them.
const (
	// ChartCash is cash at each month end of the last 24 months and
	// today, then the forecast's weeks 4, 8 and 13 with its 80% range.
	ChartCash = "cash"
	// ChartRevenue is invoiced revenue by month, the last 12 months
	// against the same months a year before.
	ChartRevenue = "revenue"
	// ChartARAging is receivables by days past due at the last 12 month
	// ends: how much of what customers owe is overdue, and for how long.
	ChartARAging = "ar_aging"
	// ChartDeals is the expected revenue of the deals won and lost by
	// month, the last 12 months.
	ChartDeals = "deals"
	// ChartStock is the products at risk of a stock-out and out of stock,
	// each day of the last 30.
	ChartStock = "stock"
	// ChartLateDeliveries is the share of deliveries done late, each day
	// of the last 30.
	ChartLateDeliveries = "late_deliveries"
)

// chartArea is the area each chart belongs to: a role lists only charts
// of its areas, as it reads only their figures.
var chartArea = map[string]string{
	ChartCash: "finance", ChartRevenue: "sales", ChartARAging: "finance", ChartDeals: "sales",
	ChartStock: "operations", ChartLateDeliveries: "operations",
}

// MaxCharts bounds a role's charts: an email, not a dashboard.
const MaxCharts = 3

// opsDays is how many days the operations charts show.
const opsDays = 30

// buildCharts draws the role's charts as of the briefing's date, leaving
// out those without values. jobs are the connection's analysis jobs by
// area.
func buildCharts(ctx context.Context, s *store.Store, connectionID int64, names []string, jobs map[string]*store.MonitoringJob, date string, at time.Time) ([]chart.Chart, error) {
	var (
		hs  *historySet
		ops *opsSeries
		out []chart.Chart
	)
	for _, name := range names {
		var c chart.Chart
		switch name {
		case ChartCash, ChartRevenue, ChartARAging, ChartDeals:
			if hs == nil {
				var err error
				if hs, err = loadHistory(ctx, s, connectionID, date); err != nil {
					return nil, err
				}
			}
			c = hs.chart(name)
		case ChartStock, ChartLateDeliveries:
			if ops == nil {
				var err error
				if ops, err = loadOps(ctx, s, jobs["operations"], at); err != nil {
					return nil, err
				}
			}
			c = ops.chart(name)
		default:
			return nil, fmt.Errorf("briefing: unknown chart %q", name)
		}
		if !c.Empty() {
			out = append(out, c)
		}
	}
	return out, nil
}

// historySet is the figure history of one company up to a date, by
// metric and day; the cash forecast's points come after it.
type historySet struct {
	unit  string // the company currency
	byDay map[string]map[string]float64
	days  map[string][]string // the days of each metric, ascending
}

// loadHistory reads the connection's history up to date. With several
// companies it draws the one with the most figures (the first by id on a
// tie), as the dashboard does.
func loadHistory(ctx context.Context, s *store.Store, connectionID int64, date string) (*historySet, error) {
	pts, err := s.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: connectionID})
	if err != nil {
		return nil, fmt.Errorf("briefing: charts: %w", err)
	}
	hs := &historySet{byDay: map[string]map[string]float64{}, days: map[string][]string{}}
	count := map[int64]int{}
	best := int64(-1)
	for _, p := range pts {
		count[p.CompanyID]++
		if n := count[p.CompanyID]; best < 0 || n > count[best] || (n == count[best] && p.CompanyID < best) {
			best = p.CompanyID
		}
	}
	for _, p := range pts {
		forecast := p.Metric == history.ForecastCash || p.Metric == history.ForecastLow || p.Metric == history.ForecastHigh
		if p.CompanyID != best || (p.Day > date && !forecast) {
			continue
		}
		m := hs.byDay[p.Metric]
		if m == nil {
			m = map[string]float64{}
			hs.byDay[p.Metric] = m
		}
		m[p.Day] = p.Value
		hs.days[p.Metric] = append(hs.days[p.Metric], p.Day) // listed by metric, then day
		if p.Metric == history.Cash {
			hs.unit = p.Unit
		}
	}
	return hs, nil
}

func (hs *historySet) value(metric, day string) float64 {
	if v, ok := hs.byDay[metric][day]; ok {
		return v
	}
	return math.NaN()
}

// monthEnds returns the days of metric that end a month, then the latest
// day when it is not one: a point per month up to today.
func (hs *historySet) monthEnds(metric string) []string {
	var out []string
	days := hs.days[metric]
	for i, d := range days {
		t, err := time.Parse(time.DateOnly, d)
		if err == nil && (t.AddDate(0, 0, 1).Day() == 1 || i == len(days)-1) {
			out = append(out, d)
		}
	}
	return out
}

func last[T any](s []T, n int) []T { return s[max(len(s)-n, 0):] }

// dayLabel names an as-of day: its month for a month end, else the date.
func dayLabel(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	if t.AddDate(0, 0, 1).Day() == 1 {
		return t.Format("Jan 2006")
	}
	return t.Format("2 Jan 2006")
}

func monthLabel(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("Jan 2006")
}

func (hs *historySet) chart(name string) chart.Chart {
	switch name {
	case ChartCash:
		return hs.cash()
	case ChartRevenue:
		return hs.revenue()
	case ChartARAging:
		return hs.aging()
	}
	return hs.deals()
}

func (hs *historySet) cash() chart.Chart {
	days := hs.monthEnds(history.Cash)
	c := chart.Chart{ID: "chart-cash", Title: "Cash over 24 months", Note: "Bank and cash accounts at each month end and today",
		Kind: chart.Line, Unit: hs.unit}
	vals := make([]float64, len(days))
	for i, d := range days {
		c.Labels = append(c.Labels, dayLabel(d))
		vals[i] = hs.value(history.Cash, d)
	}
	c.Series = []chart.Series{{Name: "Cash", Values: vals}}
	weeks := hs.days[history.ForecastCash]
	if len(days) == 0 || len(weeks) < 13 {
		return c
	}
	// The forecast's weeks 4, 8 and 13 continue the line about a month
	// apart, as the month ends before them.
	n := len(days)
	mid, low, high := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n - 1 {
		mid[i], low[i], high[i] = math.NaN(), math.NaN(), math.NaN()
	}
	mid[n-1], low[n-1], high[n-1] = vals[n-1], vals[n-1], vals[n-1]
	for _, w := range []int{3, 7, 12} {
		d := weeks[w]
		c.Labels = append(c.Labels, dayLabel(d))
		vals = append(vals, math.NaN())
		mid = append(mid, hs.value(history.ForecastCash, d))
		low = append(low, hs.value(history.ForecastLow, d))
		high = append(high, hs.value(history.ForecastHigh, d))
	}
	c.Title, c.Note = "Cash over 24 months and the next 13 weeks", "Bank and cash accounts at each month end and today, then the forecast with its 80% range"
	c.Series = []chart.Series{{Name: "Cash", Values: vals}, {Name: "Forecast", Values: mid, Dashed: true}}
	c.Band = &chart.Band{Name: "Forecast range (80%)", Low: low, High: high, Series: 1}
	return c
}

func (hs *historySet) revenue() chart.Chart {
	months := last(hs.days[history.Revenue], 12)
	c := chart.Chart{ID: "chart-revenue", Title: "Revenue by month against a year before", Note: "Invoiced, before tax; the current month so far",
		Kind: chart.Grouped, Unit: hs.unit}
	cur, prev := make([]float64, len(months)), make([]float64, len(months))
	for i, m := range months {
		c.Labels = append(c.Labels, monthLabel(m))
		cur[i], prev[i] = hs.value(history.Revenue, m), math.NaN()
		if t, err := time.Parse(time.DateOnly, m); err == nil {
			prev[i] = hs.value(history.Revenue, t.AddDate(-1, 0, 0).Format(time.DateOnly))
		}
	}
	c.Series = []chart.Series{{Name: "This year", Values: cur}, {Name: "Same month a year before", Values: prev}}
	return c
}

func (hs *historySet) aging() chart.Chart {
	days := last(hs.monthEnds(history.ARTotal), 12)
	c := chart.Chart{ID: "chart-ar-aging", Title: "Receivables by age", Note: "Open customer balances at each month end and today, by days past due",
		Kind: chart.Stacked, Unit: hs.unit}
	for _, d := range days {
		c.Labels = append(c.Labels, dayLabel(d))
	}
	names := [finance.NumBuckets]string{"Not due", "1–30 days", "31–60 days", "61–90 days", "Over 90 days"}
	for b := range finance.NumBuckets {
		vals := make([]float64, len(days))
		for i, d := range days {
			vals[i] = hs.value(history.ARBucket(b), d)
		}
		c.Series = append(c.Series, chart.Series{Name: names[b], Values: vals})
	}
	return c
}

func (hs *historySet) deals() chart.Chart {
	months := last(hs.days[history.WonRevenue], 12)
	c := chart.Chart{ID: "chart-deals", Title: "Deals won and lost by month", Note: "Expected revenue of the opportunities closed won or lost",
		Kind: chart.Grouped, Unit: hs.unit}
	won, lost := make([]float64, len(months)), make([]float64, len(months))
	for i, m := range months {
		c.Labels = append(c.Labels, monthLabel(m))
		won[i], lost[i] = hs.value(history.WonRevenue, m), hs.value(history.LostRevenue, m)
	}
	c.Series = []chart.Series{{Name: "Won", Values: won}, {Name: "Lost", Values: lost}}
	return c
}

// opsSeries is the operations analysis' metrics as of the end of each of
// the last opsDays days (the latest result at that time; nil for none).
type opsSeries struct {
	labels []string
	snaps  []*snapshot
}

// loadOps reads the operations results of the last opsDays days: the
// latest at the end of each day, at at for the last. Each result is
// decoded once, however many days it stands for.
func loadOps(ctx context.Context, s *store.Store, job *store.MonitoringJob, at time.Time) (*opsSeries, error) {
	ops := &opsSeries{}
	decoded := map[int64]*snapshot{}
	for i := opsDays - 1; i >= 0; i-- {
		t := at
		if i > 0 {
			y, m, d := at.AddDate(0, 0, -i).Date()
			t = time.Date(y, m, d+1, 0, 0, 0, 0, at.Location()).Add(-time.Second)
		}
		ops.labels = append(ops.labels, t.Format("2 Jan"))
		if job == nil {
			ops.snaps = append(ops.snaps, nil)
			continue
		}
		r, err := s.AnalysisResultLatest(ctx, job.ID, t)
		if errors.Is(err, store.ErrNotFound) {
			ops.snaps = append(ops.snaps, nil)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("briefing: charts: %w", err)
		}
		snap, ok := decoded[r.ID]
		if !ok {
			m, err := analysis.DecodeMetrics(r.Metrics)
			if err != nil {
				return nil, fmt.Errorf("briefing: charts: metrics of result %d: %w", r.ID, err)
			}
			snap = &snapshot{at: r.ScheduledAt, metrics: m}
			decoded[r.ID] = snap
		}
		ops.snaps = append(ops.snaps, snap)
	}
	return ops, nil
}

// series returns a metric's daily values, NaN where not computed or not
// available.
func (o *opsSeries) series(metric string) chart.Series {
	info, ok := catalogue.Metric(metric)
	if !ok {
		info.Label = metric
	}
	vals := make([]float64, len(o.snaps))
	for i, snap := range o.snaps {
		vals[i] = math.NaN()
		if m, ok := snap.lookup(metric); ok && m.Available {
			vals[i] = m.Value
		}
	}
	return chart.Series{Name: info.Label, Values: vals}
}

func (o *opsSeries) chart(name string) chart.Chart {
	c := chart.Chart{ID: "chart-late-deliveries", Title: "Deliveries done late", Note: "Each day of the last 30, from the fulfilment analysis",
		Kind: chart.Line, Unit: "ratio", Labels: o.labels,
		Series: []chart.Series{o.series("operations.fulfillment.late_delivery_rate")}}
	if name == ChartStock {
		c = chart.Chart{ID: "chart-stock", Title: "Products at risk of a stock-out", Note: "Each day of the last 30, from the stock analysis",
			Kind: chart.Line, Unit: "count", Labels: o.labels,
			Series: []chart.Series{o.series("operations.stock.stockout_risk"), o.series("operations.stock.out_of_stock")}}
	}
	// Days before the first analysis are left out rather than drawn as
	// an empty stretch (a connection younger than 30 days).
	first := len(c.Labels)
	for _, s := range c.Series {
		for i, v := range s.Values {
			if !math.IsNaN(v) {
				first = min(first, i)
				break
			}
		}
	}
	if first > 0 && first < len(c.Labels) {
		c.Labels = c.Labels[first:]
		for k := range c.Series {
			c.Series[k].Values = c.Series[k].Values[first:]
		}
		c.Note = "Each day since the first analysis, " + c.Labels[0]
	}
	return c
}

// StoredCharts returns the charts stored with a briefing's facts (none for
// a briefing written before briefings had charts).
func StoredCharts(b *store.DailyBriefing) ([]chart.Chart, error) {
	if len(b.Facts) == 0 {
		return nil, nil
	}
	var f struct {
		Charts []chart.Chart `json:"charts"`
	}
	if err := json.Unmarshal(b.Facts, &f); err != nil {
		return nil, fmt.Errorf("briefing: charts of briefing %d: %w", b.ID, err)
	}
	return f.Charts, nil
}

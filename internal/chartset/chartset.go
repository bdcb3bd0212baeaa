// Package chartset builds the charts of the figure history (package
// history, stored as store.MetricPoint): cash with the forecast band,
// receivables and payables by age, revenue against a year before, deals
// won and lost, DSO and the monthly flows.
//
// It exists so that the dashboard (package web, SVG) and the briefing
// email (package briefing, PNG) draw one chart from one builder: the same
// points give the same labels, series and notes in both. The callers only
// add what is theirs: web its links and page choices (which charts an area
// shows, a trend line when there is no forecast), briefing the charts each
// role's email carries. It reads points and returns chart values; loading
// the points is the caller's, so it depends on chart, history and store's
// types only.
package chartset

import (
	"math"
	"time"

	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/store"
)

// Chart names, as Set.Chart takes them (and briefing roles list them).
const (
	// Cash is cash at each month end and today, then the forecast's
	// weeks 4, 8 and 13 with its 80% range when there is a forecast.
	Cash = "cash"
	// Revenue is invoiced revenue by month, the last 12 months against
	// the same months a year before.
	Revenue = "revenue"
	// ARAging is receivables by days past due at the last 12 month ends
	// (the last is today): how much of what customers owe is overdue,
	// and for how long.
	ARAging = "ar_aging"
	// APAging is ARAging for what is owed to vendors.
	APAging = "ap_aging"
	// Deals is the opportunities created, won and lost by month, the
	// last 12 months.
	Deals = "deals"
	// DSO is days sales outstanding at each month end and today.
	DSO = "dso"
	// Margin is gross margin by month, the last 24 months.
	Margin = "margin"
	// Expenses is operating expenses by month, the last 24 months.
	Expenses = "expenses"
	// WonRevenue is the expected revenue of the deals won by month, the
	// last 24 months.
	WonRevenue = "won_revenue"
	// StockValue is the value of the stock on hand (Odoo 16-18's
	// valuation layers) at each month end and today; empty without
	// layers (Odoo 19, stock_account not installed).
	StockValue = "stock_value"
)

// builders are the charts by name.
var builders = map[string]func(*Set) chart.Chart{
	Cash:    (*Set).cash,
	Revenue: (*Set).revenue,
	ARAging: func(s *Set) chart.Chart { return s.aging(true) },
	APAging: func(s *Set) chart.Chart { return s.aging(false) },
	Deals:   (*Set).deals,
	DSO: func(s *Set) chart.Chart {
		return s.MonthEndLine(Spec{ID: "chart-dso", Title: "Days sales outstanding", Note: "Receivables over the last 90 days' sales, at each month end",
			Metric: history.DSO, Name: "DSO", Unit: "days"})
	},
	Margin: func(s *Set) chart.Chart {
		return s.Monthly(Spec{ID: "chart-margin", Title: "Gross margin by month", Note: "Revenue less cost of goods purchased (direct cost accounts)",
			Metric: history.GrossMargin, Name: "Gross margin"}, 24)
	},
	Expenses: func(s *Set) chart.Chart {
		return s.Monthly(Spec{ID: "chart-expenses", Title: "Operating expenses by month", Note: "Expense accounts, salaries left out",
			Metric: history.Expenses, Name: "Expenses"}, 24)
	},
	StockValue: func(s *Set) chart.Chart {
		return s.MonthEndLine(Spec{ID: "chart-stock-value", Title: "Stock value over 24 months",
			Note: "Value of the stock on hand from the valuation layers, at each month end and today", Metric: history.StockValue, Name: "Stock value"})
	},
	WonRevenue: func(s *Set) chart.Chart {
		return s.Monthly(Spec{ID: "chart-won-revenue", Title: "Revenue of the deals won by month", Note: "Expected revenue of the opportunities closed won",
			Metric: history.WonRevenue, Name: "Won"}, 24)
	},
}

// Set is the figure history of one company, by metric and day, with the
// cash forecast's points after it.
type Set struct {
	unit  string // the company currency
	byDay map[string]map[string]float64
	days  map[string][]string // the days of each metric, ascending
}

// New returns the history of pts (as store.MetricPointList lists them: by
// metric, then day) up to and including the day through ("" for all); the
// forecast's points, dated after the history, are kept whatever through
// is. With several companies it keeps the one with the most points (the
// first by id on a tie), so a chart never mixes companies.
func New(pts []store.MetricPoint, through string) *Set {
	s := &Set{byDay: map[string]map[string]float64{}, days: map[string][]string{}}
	if len(pts) == 0 {
		return s
	}
	count := map[int64]int{}
	for _, p := range pts {
		count[p.CompanyID]++
	}
	best := pts[0].CompanyID
	for id, n := range count {
		if n > count[best] || (n == count[best] && id < best) {
			best = id
		}
	}
	for _, p := range pts {
		forecast := p.Metric == history.ForecastCash || p.Metric == history.ForecastLow || p.Metric == history.ForecastHigh
		if p.CompanyID != best || (through != "" && p.Day > through && !forecast) {
			continue
		}
		m := s.byDay[p.Metric]
		if m == nil {
			m = map[string]float64{}
			s.byDay[p.Metric] = m
		}
		m[p.Day] = p.Value
		s.days[p.Metric] = append(s.days[p.Metric], p.Day)
		if p.Metric == history.Cash {
			s.unit = p.Unit
		}
	}
	return s
}

// Chart returns the chart of that name (one of the constants above);
// false for an unknown name. A chart without values is Empty.
func (s *Set) Chart(name string) (chart.Chart, bool) {
	b, ok := builders[name]
	if !ok {
		return chart.Chart{}, false
	}
	return b(s), true
}

// Unit is the company currency, the unit of the money charts.
func (s *Set) Unit() string { return s.unit }

// Value returns a metric's value on a day, NaN when missing.
func (s *Set) Value(metric, day string) float64 {
	if v, ok := s.byDay[metric][day]; ok {
		return v
	}
	return math.NaN()
}

// MonthEnds returns the days of metric that end a month, then the latest
// day when it is not a month end: a point per month up to today.
func (s *Set) MonthEnds(metric string) []string {
	var out []string
	days := s.days[metric]
	for i, d := range days {
		t, err := time.Parse(time.DateOnly, d)
		if err == nil && (t.AddDate(0, 0, 1).Day() == 1 || i == len(days)-1) {
			out = append(out, d)
		}
	}
	return out
}

// LastMonths returns the last n month keys of a monthly metric, ascending.
func (s *Set) LastMonths(metric string, n int) []string {
	days := s.days[metric]
	return days[max(len(days)-n, 0):]
}

// Spec is a one-series chart of one metric.
type Spec struct {
	ID, Title, Note string
	Metric          string
	Name            string // the series' name
	Unit            string // "" for the company currency
}

func (s *Set) one(sp Spec, kind chart.Kind, days []string, label func(string) string) chart.Chart {
	unit := sp.Unit
	if unit == "" {
		unit = s.unit
	}
	c := chart.Chart{ID: sp.ID, Title: sp.Title, Note: sp.Note, Kind: kind, Unit: unit}
	vals := make([]float64, len(days))
	for i, d := range days {
		c.Labels = append(c.Labels, label(d))
		vals[i] = s.Value(sp.Metric, d)
	}
	c.Series = []chart.Series{{Name: sp.Name, Values: vals}}
	return c
}

// MonthEndLine draws a balance at each month end and today.
func (s *Set) MonthEndLine(sp Spec) chart.Chart {
	return s.one(sp, chart.Line, s.MonthEnds(sp.Metric), DayLabel)
}

// Monthly draws a monthly flow over its last n months.
func (s *Set) Monthly(sp Spec, n int) chart.Chart {
	return s.one(sp, chart.Grouped, s.LastMonths(sp.Metric, n), MonthLabel)
}

// DayLabel names an as-of day: its month for a month end, else the date.
func DayLabel(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	if t.AddDate(0, 0, 1).Day() == 1 {
		return t.Format("Jan 2006")
	}
	return t.Format("2 Jan 2006")
}

// MonthLabel names a month keyed by its first day.
func MonthLabel(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("Jan 2006")
}

func (s *Set) cash() chart.Chart {
	c := s.MonthEndLine(Spec{ID: "chart-cash", Title: "Cash over 24 months", Note: "Bank and cash accounts at each month end and today",
		Metric: history.Cash, Name: "Cash"})
	weeks := s.days[history.ForecastCash]
	n := len(c.Labels)
	if n == 0 || len(weeks) < 13 {
		return c
	}
	// The forecast's weeks 4, 8 and 13 continue the line about a month
	// apart, as the month ends before them; the forecast and its range
	// start from today's cash so the line does not break.
	vals := c.Series[0].Values
	mid, low, high := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n - 1 {
		mid[i], low[i], high[i] = math.NaN(), math.NaN(), math.NaN()
	}
	mid[n-1], low[n-1], high[n-1] = vals[n-1], vals[n-1], vals[n-1]
	for _, w := range []int{3, 7, 12} {
		d := weeks[w]
		c.Labels = append(c.Labels, DayLabel(d))
		vals = append(vals, math.NaN())
		mid = append(mid, s.Value(history.ForecastCash, d))
		low = append(low, s.Value(history.ForecastLow, d))
		high = append(high, s.Value(history.ForecastHigh, d))
	}
	c.Title, c.Note = "Cash over 24 months and the next 13 weeks", "Bank and cash accounts at each month end and today, then the forecast with its 80% range"
	c.Series = []chart.Series{{Name: "Cash", Values: vals}, {Name: "Forecast", Values: mid, Dashed: true}}
	c.Band = &chart.Band{Name: "Forecast range (80%)", Low: low, High: high, Series: 1}
	return c
}

// bucketNames name the aging buckets, history.ARBucket(0) first.
var bucketNames = [history.Buckets]string{"Not due", "1–30 days", "31–60 days", "61–90 days", "Over 90 days"}

// aging draws receivables (ar) or payables by age at the last 12 month
// ends, the last being today.
func (s *Set) aging(ar bool) chart.Chart {
	total, bucket := history.ARTotal, history.ARBucket
	c := chart.Chart{ID: "chart-ar-aging", Title: "Receivables by age", Note: "Open customer balances at each month end and today, by days past due",
		Kind: chart.Stacked, Unit: s.unit}
	if !ar {
		total, bucket = history.APTotal, history.APBucket
		c.ID, c.Title, c.Note = "chart-ap-aging", "Payables by age", "Open vendor balances at each month end and today, by days past due"
	}
	days := s.MonthEnds(total)
	days = days[max(len(days)-12, 0):]
	for _, d := range days {
		c.Labels = append(c.Labels, DayLabel(d))
	}
	for b, name := range bucketNames {
		vals := make([]float64, len(days))
		for i, d := range days {
			vals[i] = s.Value(bucket(b), d)
		}
		c.Series = append(c.Series, chart.Series{Name: name, Values: vals})
	}
	return c
}

func (s *Set) revenue() chart.Chart {
	months := s.LastMonths(history.Revenue, 12)
	c := chart.Chart{ID: "chart-revenue", Title: "Revenue by month against a year before", Note: "Invoiced, before tax; the current month so far",
		Kind: chart.Grouped, Unit: s.unit}
	cur, prev := make([]float64, len(months)), make([]float64, len(months))
	for i, m := range months {
		c.Labels = append(c.Labels, MonthLabel(m))
		cur[i], prev[i] = s.Value(history.Revenue, m), math.NaN()
		if t, err := time.Parse(time.DateOnly, m); err == nil {
			prev[i] = s.Value(history.Revenue, t.AddDate(-1, 0, 0).Format(time.DateOnly))
		}
	}
	c.Series = []chart.Series{{Name: "This year", Values: cur}, {Name: "Same month a year before", Values: prev}}
	return c
}

func (s *Set) deals() chart.Chart {
	months := s.LastMonths(history.WonCount, 12)
	c := chart.Chart{ID: "chart-deals", Title: "Opportunities won and lost by month", Note: "New opportunities, and deals closed won or lost",
		Kind: chart.Grouped, Unit: "count"}
	var series [3][]float64
	for _, m := range months {
		c.Labels = append(c.Labels, MonthLabel(m))
		for k, metric := range []string{history.PipelineNewCount, history.WonCount, history.LostCount} {
			series[k] = append(series[k], s.Value(metric, m))
		}
	}
	c.Series = []chart.Series{{Name: "New", Values: series[0]}, {Name: "Won", Values: series[1]}, {Name: "Lost", Values: series[2]}}
	return c
}

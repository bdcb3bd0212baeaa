package web

import (
	"context"
	"html/template"
	"math"
	"time"

	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/store"
)

// The charts read the figure history (package history) and draw it with
// package chart, server-side: no script, so the strict CSP stays.

// chartSet is the history of one company, by metric and day.
type chartSet struct {
	company int64
	unit    string // the company currency
	byDay   map[string]map[string]float64
	days    map[string][]string // the days of each metric, ascending
	today   string
}

// loadChartSet reads the connection's history; nil when there is none.
// With several companies it draws the one with the most figures (the
// first by id on a tie).
func (s *Server) loadChartSet(ctx context.Context, connectionID int64) (*chartSet, error) {
	pts, err := s.cfg.Store.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: connectionID})
	if err != nil || len(pts) == 0 {
		return nil, err
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
	cs := &chartSet{company: best, byDay: map[string]map[string]float64{}, days: map[string][]string{}}
	for _, p := range pts {
		if p.CompanyID != best {
			continue
		}
		m := cs.byDay[p.Metric]
		if m == nil {
			m = map[string]float64{}
			cs.byDay[p.Metric] = m
		}
		m[p.Day] = p.Value
		cs.days[p.Metric] = append(cs.days[p.Metric], p.Day) // listed by metric, then day
		if p.Metric == history.Cash {
			cs.unit = p.Unit
		}
		if p.Day > cs.today && (p.Metric == history.Cash || p.Metric == history.ARTotal) {
			cs.today = p.Day
		}
	}
	return cs, nil
}

// value returns a metric's value on a day, NaN when missing.
func (cs *chartSet) value(metric, day string) float64 {
	if v, ok := cs.byDay[metric][day]; ok {
		return v
	}
	return math.NaN()
}

// monthEnds returns the days of metric that end a month, then the latest
// day when it is not a month end: a point per month up to today.
func (cs *chartSet) monthEnds(metric string) []string {
	var out []string
	days := cs.days[metric]
	for i, d := range days {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			continue
		}
		if t.AddDate(0, 0, 1).Day() == 1 || i == len(days)-1 {
			out = append(out, d)
		}
	}
	return out
}

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

// monthLabel names a month keyed by its first day.
func monthLabel(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("Jan 2006")
}

// lastMonths returns the last n month keys of metric, ascending.
func (cs *chartSet) lastMonths(metric string, n int) []string {
	days := cs.days[metric]
	return days[max(len(days)-n, 0):]
}

func (cs *chartSet) cashChart() chart.Chart {
	days := cs.monthEnds(history.Cash)
	c := chart.Chart{ID: "chart-cash", Title: "Cash over 24 months", Note: "Bank and cash accounts at each month end and today",
		Kind: chart.Line, Unit: cs.unit, Href: metricPath("finance", "finance.cash.position"), HrefText: "Cash position in detail"}
	vals := make([]float64, len(days))
	for i, d := range days {
		c.Labels = append(c.Labels, dayLabel(d))
		vals[i] = cs.value(history.Cash, d)
	}
	// The forecast's weeks 4, 8 and 13 continue the line about a month
	// apart, as the month ends before them.
	weeks := cs.days[history.ForecastCash]
	if len(days) > 0 && len(weeks) >= 13 {
		n := len(days)
		last := vals[n-1]
		mid, low, high := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n - 1 {
			mid[i], low[i], high[i] = math.NaN(), math.NaN(), math.NaN()
		}
		mid[n-1], low[n-1], high[n-1] = last, last, last
		for _, w := range []int{3, 7, 12} {
			d := weeks[w]
			c.Labels = append(c.Labels, dayLabel(d))
			vals = append(vals, math.NaN())
			mid = append(mid, cs.value(history.ForecastCash, d))
			low = append(low, cs.value(history.ForecastLow, d))
			high = append(high, cs.value(history.ForecastHigh, d))
		}
		c.Title, c.Note = "Cash over 24 months and the next 13 weeks", "Bank and cash accounts at each month end and today, then the forecast with its 80% range"
		c.Series = []chart.Series{{Name: "Cash", Values: vals}, {Name: "Forecast", Values: mid, Dashed: true}}
		c.Band = &chart.Band{Name: "Forecast range (80%)", Low: low, High: high, Series: 1}
		return c
	}
	c.Series = []chart.Series{{Name: "Cash", Values: vals}}
	if trend := linearTrend(vals); trend != nil {
		// Without a forecast, the trend shows where the line is heading.
		c.Series = append(c.Series, chart.Series{Name: "Trend", Values: trend, Dashed: true})
	}
	return c
}

// linearTrend returns the least-squares straight line through the values
// (by position), nil with fewer than three values.
func linearTrend(vals []float64) []float64 {
	var n, sx, sy, sxx, sxy float64
	for i, v := range vals {
		if math.IsNaN(v) {
			continue
		}
		x := float64(i)
		n++
		sx += x
		sy += v
		sxx += x * x
		sxy += x * v
	}
	if n < 3 || n*sxx == sx*sx {
		return nil
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	icept := (sy - slope*sx) / n
	out := make([]float64, len(vals))
	for i := range vals {
		out[i] = icept + slope*float64(i)
	}
	return out
}

// agingChart draws receivables (ar) or payables by age at each month end.
func (cs *chartSet) agingChart(ar bool) chart.Chart {
	total, bucket := history.ARTotal, history.ARBucket
	c := chart.Chart{ID: "chart-ar-aging", Title: "Receivables by age", Note: "Open customer balances at each month end, by days past due",
		Kind: chart.Stacked, Unit: cs.unit, Href: metricPath("finance", "finance.ar.overdue"), HrefText: "Overdue receivables in detail"}
	if !ar {
		total, bucket = history.APTotal, history.APBucket
		c.ID, c.Title, c.Note = "chart-ap-aging", "Payables by age", "Open vendor balances at each month end, by days past due"
		c.Href, c.HrefText = metricPath("finance", "finance.ap.total"), "Payables in detail"
	}
	days := cs.monthEnds(total)
	for _, d := range days {
		c.Labels = append(c.Labels, dayLabel(d))
	}
	names := [finance.NumBuckets]string{"Not due", "1–30 days", "31–60 days", "61–90 days", "Over 90 days"}
	for b := range finance.NumBuckets {
		vals := make([]float64, len(days))
		for i, d := range days {
			vals[i] = cs.value(bucket(b), d)
		}
		c.Series = append(c.Series, chart.Series{Name: names[b], Values: vals})
	}
	return c
}

func (cs *chartSet) revenueChart() chart.Chart {
	months := cs.lastMonths(history.Revenue, 12)
	c := chart.Chart{ID: "chart-revenue", Title: "Revenue by month against a year before", Note: "Invoiced, before tax; the current month so far",
		Kind: chart.Grouped, Unit: cs.unit, Href: "/analytics/sales", HrefText: "Sales analysis"}
	cur, prev := make([]float64, len(months)), make([]float64, len(months))
	for i, m := range months {
		c.Labels = append(c.Labels, monthLabel(m))
		cur[i] = cs.value(history.Revenue, m)
		if t, err := time.Parse(time.DateOnly, m); err == nil {
			prev[i] = cs.value(history.Revenue, t.AddDate(-1, 0, 0).Format(time.DateOnly))
		}
	}
	c.Series = []chart.Series{{Name: "This year", Values: cur}, {Name: "Same month a year before", Values: prev}}
	return c
}

func (cs *chartSet) dealsChart() chart.Chart {
	months := cs.lastMonths(history.WonCount, 12)
	c := chart.Chart{ID: "chart-deals", Title: "Opportunities won and lost by month", Note: "New opportunities, and deals closed won or lost",
		Kind: chart.Grouped, Unit: "count", Href: metricPath("sales", "sales.pipeline.count"), HrefText: "Pipeline in detail"}
	var series [3][]float64
	for _, m := range months {
		c.Labels = append(c.Labels, monthLabel(m))
		for k, metric := range []string{history.PipelineNewCount, history.WonCount, history.LostCount} {
			series[k] = append(series[k], cs.value(metric, m))
		}
	}
	c.Series = []chart.Series{{Name: "New", Values: series[0]}, {Name: "Won", Values: series[1]}, {Name: "Lost", Values: series[2]}}
	return c
}

// monthlyChart draws one monthly flow over the last 24 months.
func (cs *chartSet) monthlyChart(id, title, note, metric, name, href string) chart.Chart {
	months := cs.lastMonths(metric, 24)
	c := chart.Chart{ID: id, Title: title, Note: note, Kind: chart.Grouped, Unit: cs.unit, Href: href}
	vals := make([]float64, len(months))
	for i, m := range months {
		c.Labels = append(c.Labels, monthLabel(m))
		vals[i] = cs.value(metric, m)
	}
	c.Series = []chart.Series{{Name: name, Values: vals}}
	return c
}

func (cs *chartSet) dsoChart() chart.Chart {
	days := cs.monthEnds(history.DSO)
	c := chart.Chart{ID: "chart-dso", Title: "Days sales outstanding", Note: "Receivables over the last 90 days' sales, at each month end",
		Kind: chart.Line, Unit: "days", Href: metricPath("finance", "finance.dso_days"), HrefText: "DSO in detail"}
	vals := make([]float64, len(days))
	for i, d := range days {
		c.Labels = append(c.Labels, dayLabel(d))
		vals[i] = cs.value(history.DSO, d)
	}
	c.Series = []chart.Series{{Name: "DSO", Values: vals}}
	return c
}

// chartsFor returns the charts of an area ("" for the overview) that the
// role may see, rendered: the history's, then, on an area page, those of
// the area's latest analysis res (nil on the overview).
func (s *Server) chartsFor(ctx context.Context, u *store.User, area string, res *areaResult) ([]template.HTML, error) {
	list, err := s.historyCharts(ctx, u, area)
	if err != nil {
		return nil, err
	}
	if res != nil {
		var ranked *chart.Chart
		switch area {
		case "finance", "customers":
			if ranked, err = s.topOverdueChart(ctx, u.ConnectionID, res); err != nil {
				return nil, err
			}
		case "sales":
			ranked = stagesChart(res)
		}
		if ranked != nil {
			list = append(list, *ranked)
		}
	}
	out := make([]template.HTML, 0, len(list))
	for i := range list {
		if list[i].Empty() {
			continue
		}
		out = append(out, list[i].HTML())
	}
	return out, nil
}

// historyCharts returns the charts of the figure history for an area;
// nil without history.
func (s *Server) historyCharts(ctx context.Context, u *store.User, area string) ([]chart.Chart, error) {
	cs, err := s.loadChartSet(ctx, u.ConnectionID)
	if err != nil || cs == nil {
		return nil, err
	}
	var list []chart.Chart
	fin, sal := s.canSeeArea(u.Role, "finance"), s.canSeeArea(u.Role, "sales")
	switch area {
	case "":
		if fin {
			list = append(list, cs.cashChart(), cs.agingChart(true))
		}
		if sal {
			list = append(list, cs.revenueChart(), cs.dealsChart())
		}
	case "finance":
		list = append(list, cs.cashChart(), cs.agingChart(true), cs.agingChart(false), cs.dsoChart(),
			cs.monthlyChart("chart-margin", "Gross margin by month", "Revenue less cost of goods purchased (direct cost accounts)", history.GrossMargin, "Gross margin", ""),
			cs.monthlyChart("chart-expenses", "Operating expenses by month", "Expense accounts, salaries left out", history.Expenses, "Expenses", ""))
	case "sales":
		list = append(list, cs.revenueChart(), cs.dealsChart(),
			cs.monthlyChart("chart-won-revenue", "Revenue of the deals won by month", "Expected revenue of the opportunities closed won", history.WonRevenue, "Won", ""))
	case "customers":
		if sal {
			list = append(list, cs.revenueChart())
		}
	case "operations":
		list = append(list, cs.stockValueChart())
	case "expenses":
		list = append(list, cs.monthlyChart("chart-expenses", "Operating expenses by month", "Expense accounts, salaries left out", history.Expenses, "Expenses", ""))
	}
	return list, nil
}

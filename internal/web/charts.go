package web

import (
	"context"
	"html/template"
	"math"

	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/chartset"
	"github.com/aicoo/aicoo/internal/store"
)

// The charts read the figure history (package history), built by package
// chartset as the briefing email's are, and draw it with package chart,
// server-side: no script, so the strict CSP stays.

// chartSet is the history of one company with the dashboard's additions
// to its charts.
type chartSet struct {
	set *chartset.Set
}

// loadChartSet reads the connection's history; nil when there is none.
func (s *Server) loadChartSet(ctx context.Context, connectionID int64) (*chartSet, error) {
	pts, err := s.cfg.Store.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: connectionID})
	if err != nil || len(pts) == 0 {
		return nil, err
	}
	return &chartSet{set: chartset.New(pts, "")}, nil
}

// chartLinks are where a chart leads to: the page with its figures.
var chartLinks = map[string]struct{ href, text string }{
	chartset.Cash:       {metricPath("finance", "finance.cash.position"), "Cash position in detail"},
	chartset.ARAging:    {metricPath("finance", "finance.ar.overdue"), "Overdue receivables in detail"},
	chartset.APAging:    {metricPath("finance", "finance.ap.total"), "Payables in detail"},
	chartset.Revenue:    {"/analytics/sales", "Sales analysis"},
	chartset.Deals:      {metricPath("sales", "sales.pipeline.count"), "Pipeline in detail"},
	chartset.DSO:        {metricPath("finance", "finance.dso_days"), "DSO in detail"},
	chartset.StockValue: {metricPath("operations", "operations.stock.value"), "Stock value in detail"},
}

// chart returns the named chart (a chartset name) with its link; the
// cash chart without a forecast gets its trend.
func (cs *chartSet) chart(name string) chart.Chart {
	c, _ := cs.set.Chart(name)
	if l, ok := chartLinks[name]; ok {
		c.Href, c.HrefText = l.href, l.text
	}
	if name == chartset.Cash && c.Band == nil && len(c.Series) == 1 {
		if trend := linearTrend(c.Series[0].Values); trend != nil {
			// Without a forecast, the trend shows where the line is heading.
			c.Series = append(c.Series, chart.Series{Name: "Trend", Values: trend, Dashed: true})
		}
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
			list = append(list, cs.chart(chartset.Cash), cs.chart(chartset.ARAging))
		}
		if sal {
			list = append(list, cs.chart(chartset.Revenue), cs.chart(chartset.Deals))
		}
	case "finance":
		list = append(list, cs.chart(chartset.Cash), cs.chart(chartset.ARAging), cs.chart(chartset.APAging), cs.chart(chartset.DSO),
			cs.chart(chartset.Margin), cs.chart(chartset.Expenses))
	case "sales":
		list = append(list, cs.chart(chartset.Revenue), cs.chart(chartset.Deals), cs.chart(chartset.WonRevenue))
	case "customers":
		if sal {
			list = append(list, cs.chart(chartset.Revenue))
		}
	case "operations":
		list = append(list, cs.chart(chartset.StockValue))
	case "expenses":
		list = append(list, cs.chart(chartset.Expenses))
	}
	return list, nil
}

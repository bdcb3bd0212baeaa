package briefing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/chartset"
	"github.com/aicoo/aicoo/internal/store"
)

// A briefing carries the two or three charts that matter to its role
// (Role.Charts; the choice is DefaultRoles'). They are stored with the
// facts as values (package chart's JSON), drawn as PNG images by the
// email channel and never shown to the model. The figure history
// (package history) gives the long series; the operations charts, which
// have no history, use the daily analysis results of the last 30 days.
// The history charts are package chartset's, the dashboard's own.

// Chart names, as Role.Charts lists them.
const (
	// ChartCash is cash at each month end of the last 24 months and
	// today, then the forecast's weeks 4, 8 and 13 with its 80% range.
	ChartCash = chartset.Cash
	// ChartRevenue is invoiced revenue by month, the last 12 months
	// against the same months a year before.
	ChartRevenue = chartset.Revenue
	// ChartARAging is receivables by days past due at the last 12 month
	// ends: how much of what customers owe is overdue, and for how long.
	ChartARAging = chartset.ARAging
	// ChartDeals is the opportunities created, won and lost by month,
	// the last 12 months.
	ChartDeals = chartset.Deals
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
func buildCharts(ctx context.Context, s *store.Store, cat *analysis.Catalogue, connectionID int64, names []string, jobs map[string]*store.MonitoringJob, date string, at time.Time) ([]chart.Chart, error) {
	var (
		hs  *chartset.Set
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
			c, _ = hs.Chart(name)
		case ChartStock, ChartLateDeliveries:
			if ops == nil {
				var err error
				if ops, err = loadOps(ctx, s, cat, jobs["operations"], at); err != nil {
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

// loadHistory reads the connection's figure history up to date, as the
// dashboard's charts draw it (package chartset).
func loadHistory(ctx context.Context, s *store.Store, connectionID int64, date string) (*chartset.Set, error) {
	pts, err := s.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: connectionID})
	if err != nil {
		return nil, fmt.Errorf("briefing: charts: %w", err)
	}
	return chartset.New(pts, date), nil
}

// opsSeries is the operations analysis' metrics as of the end of each of
// the last opsDays days (the latest result at that time; nil for none).
type opsSeries struct {
	cat    *analysis.Catalogue // labels the series
	labels []string
	snaps  []*snapshot
}

// loadOps reads the operations results of the last opsDays days: the
// latest at the end of each day, at at for the last. Each result is
// decoded once, however many days it stands for.
func loadOps(ctx context.Context, s *store.Store, cat *analysis.Catalogue, job *store.MonitoringJob, at time.Time) (*opsSeries, error) {
	ops := &opsSeries{cat: cat}
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
	info, ok := o.cat.Metric(metric)
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

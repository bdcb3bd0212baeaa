package web

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/chartset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/numfmt"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestOverviewCharts: on a demo company whose records were just synced,
// the overview draws the figure history from 24 months back.
func TestOverviewCharts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	today := time.Date(2025, 6, 18, 9, 0, 0, 0, time.UTC)
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	storetest.CopyDataset(t, b.store, b.conn.ID, ds, today, "res.company", "res.currency", "account.move", "account.move.line", "account.journal", "account.account", "crm.lead", "crm.stage")
	u := &history.Updater{Store: b.store, Now: func() time.Time { return today },
		Source: func(id int64) analysis.Source { return analysis.StoreSource{Store: b.store, ConnectionID: id} }}
	if _, err := u.Update(ctx, b.conn.ID); err != nil {
		t.Fatal(err)
	}
	first, err := b.store.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: b.conn.ID, CompanyID: 1,
		Metrics: []string{history.Cash}, From: "2023-06-30", To: "2023-06-30"})
	if err != nil || len(first) != 1 {
		t.Fatalf("cash on 30 June 2023: %v, %v", first, err)
	}
	c := b.client(t)
	if _, err := c.PostForm(b.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {"correct horse battery"}}); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Get(b.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	for _, want := range []string{
		`id="chart-cash"`, `id="chart-ar-aging"`, `id="chart-revenue"`, `id="chart-deals"`,
		// The first point is the month end 24 months back, with its value.
		"<title>Cash, Jun 2023: " + numfmt.Number(first[0].Value, 0) + " EUR</title>",
		"Forecast range (80%)",
		`href="/analytics/finance/cash"`,
		"Show the figures as a table",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if strings.Contains(page, "NaN") || strings.Contains(page, "e+0") {
		t.Error("overview shows a non-number")
	}
}

// TestRankedCharts: the latest analysis's per-customer and per-stage
// metrics become ranked bars, names in words.
func TestRankedCharts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	if err := b.store.OdooRecordUpsertMany(ctx, b.conn.ID, "res.partner", []store.OdooRecordParams{
		{OdooID: 1205, Active: true, Data: json.RawMessage(`{"id":1205,"name":"Alpen Industrieservice KG"}`)}}); err != nil {
		t.Fatal(err)
	}
	res := &areaResult{Metrics: []metricJSON{
		{Name: "finance.ar.partner.7.overdue", Value: 1200, Unit: "EUR", Available: true},
		{Name: "finance.ar.partner.1205.overdue", Value: 34456.2, Unit: "EUR", Available: true},
		{Name: "finance.ar.overdue", Value: 50000, Unit: "EUR", Available: true},
		{Name: "sales.pipeline.stage.3.expected_revenue", Value: 900, Unit: "EUR", Available: true, Note: "Proposition"},
		{Name: "sales.pipeline.stage.1.expected_revenue", Value: 5000, Unit: "EUR", Available: true, Note: "New"},
		{Name: "sales.pipeline.stage.1.weighted_revenue", Value: 500, Unit: "EUR", Available: true, Note: "New"},
	}}
	srv, err := New(Config{Store: b.store})
	if err != nil {
		t.Fatal(err)
	}
	top, err := srv.topOverdueChart(ctx, b.conn.ID, res)
	if err != nil {
		t.Fatal(err)
	}
	if top == nil || len(top.Labels) != 2 || top.Labels[0] != "Alpen Industrieservice KG" || top.Labels[1] != "Customer 7" || top.Series[0].Values[0] != 34456.2 {
		t.Fatalf("top overdue chart = %+v", top)
	}
	st := stagesChart(res)
	if st == nil || strings.Join(st.Labels, ",") != "New,Proposition" || st.Series[1].Values[0] != 500 || st.Series[1].Values[1] != 0 {
		t.Fatalf("stages chart = %+v", st)
	}
	if stagesChart(&areaResult{}) != nil {
		t.Error("a stages chart without stages")
	}
}

// TestHistoryChartAdditions: the dashboard's own part of the shared
// history charts: each chart's link, and the cash trend only where there
// is no forecast to show the way.
func TestHistoryChartAdditions(t *testing.T) {
	t.Parallel()
	var pts []store.MetricPoint
	for i, d := range []string{"2025-01-31", "2025-02-28", "2025-03-31", "2025-04-09"} {
		pts = append(pts, store.MetricPoint{CompanyID: 1, Metric: history.Cash, Day: d, Value: float64(100 * (i + 1)), Unit: "EUR"})
	}
	withForecast := slices.Clone(pts)
	for w := range 13 {
		d := time.Date(2025, 4, 13, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*w).Format(time.DateOnly)
		for _, m := range []string{history.ForecastCash, history.ForecastLow, history.ForecastHigh} {
			withForecast = append(withForecast, store.MetricPoint{CompanyID: 1, Metric: m, Day: d, Value: 500, Unit: "EUR"})
		}
	}
	tests := []struct {
		name   string
		pts    []store.MetricPoint
		chart  string
		href   string
		series []string
	}{
		{"cash, no forecast", pts, chartset.Cash, "/analytics/finance/cash", []string{"Cash", "Trend"}},
		{"cash with forecast", withForecast, chartset.Cash, "/analytics/finance/cash", []string{"Cash", "Forecast"}},
		{"monthly flow, no link", pts, chartset.Margin, "", []string{"Gross margin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := (&chartSet{set: chartset.New(tt.pts, "")}).chart(tt.chart)
			var names []string
			for _, s := range c.Series {
				names = append(names, s.Name)
			}
			if c.Href != tt.href || !slices.Equal(names, tt.series) {
				t.Errorf("href %q, series %v; want %q, %v", c.Href, names, tt.href, tt.series)
			}
		})
	}
	// The trend is the least-squares line: here exactly the values.
	c := (&chartSet{set: chartset.New(pts, "")}).chart(chartset.Cash)
	if !slices.Equal(c.Series[1].Values, []float64{100, 200, 300, 400}) {
		t.Errorf("trend %v", c.Series[1].Values)
	}
}

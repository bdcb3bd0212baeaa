package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

func TestFormatting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		m    metricValue
		want string
	}{
		{metricValue{Value: 668784.9, Unit: "EUR"}, "668,785 EUR"},
		{metricValue{Value: -1234.4, Unit: "USD"}, "-1,234 USD"},
		{metricValue{Value: 150.17, Unit: "days"}, "150 days"},
		{metricValue{Value: 0.1337, Unit: "ratio"}, "13.4%"},
		{metricValue{Value: 7, Unit: "count"}, "7"},
		{metricValue{Value: 999, Unit: "count"}, "999"},
		{metricValue{Value: 1000, Unit: "count"}, "1,000"},
	}
	for _, tt := range tests {
		if got := formatMetric(tt.m); got != tt.want {
			t.Errorf("formatMetric(%+v) = %q, want %q", tt.m, got, tt.want)
		}
	}
	if text, class := change(metricValue{Value: 90, Unit: "days"}, metricValue{Value: 100, Unit: "days"}, "up"); text != "-10 days (-10%)" || class != "worse" {
		t.Errorf("change = %q %q", text, class)
	}
	if text, class := change(metricValue{Value: 5, Unit: "count"}, metricValue{Value: 5, Unit: "count"}, "down"); text != "no change" || class != "" {
		t.Errorf("no change = %q %q", text, class)
	}
}

func TestOverviewShowsKeyFiguresWithChange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	j, err := b.store.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: b.conn.ID, Name: "finance", Schedule: "@hourly", AnalyzerType: "analysis.finance", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	for _, r := range []struct {
		at   time.Time
		cash float64
	}{{now.Add(-25 * time.Hour), 500000}, {now, 668784.9}} {
		m, _ := json.Marshal(map[string]metricValue{
			"finance.cash.position": {Value: r.cash, Unit: "EUR", Available: true},
			"finance.dso_days":      {Available: false, Unit: "days"},
			"finance.ar.overdue":    {Available: false, Unit: "EUR", Note: "not available — account.move could not be synced since 2026-11-27 06:00 UTC"},
		})
		if _, _, err := b.store.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: b.conn.ID, JobID: j.ID, ScheduledAt: r.at, RunAt: r.at, Status: store.ResultSuccess, Metrics: m}); err != nil {
			t.Fatal(err)
		}
	}
	c := b.client(t)
	resp, err := c.PostForm(b.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	for _, want := range []string{"668,785 EUR", `<span class="better">&#43;168,785 EUR (&#43;34%)</span> since yesterday`, "not available in this Odoo", "not computed yet",
		"not available — account.move could not be synced since 2026-11-27 06:00 UTC"} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
}

func TestFiguresReusedUntilAnAnalysisRuns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	j, err := b.store.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: b.conn.ID, Name: "finance", Schedule: "@hourly", AnalyzerType: "analysis.finance", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	srv, err := New(Config{Store: b.store, NowFunc: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	store1 := func(at time.Time, cash float64) {
		t.Helper()
		m, _ := json.Marshal(map[string]metricValue{"finance.cash.position": {Value: cash, Unit: "EUR", Available: true}})
		if _, _, err := b.store.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: b.conn.ID, JobID: j.ID, ScheduledAt: at, RunAt: at, Status: store.ResultSuccess, Metrics: m}); err != nil {
			t.Fatal(err)
		}
	}
	cash := func() string {
		t.Helper()
		cards, err := srv.loadFigures(ctx, store.RoleAdmin, []*store.MonitoringJob{j})
		if err != nil {
			t.Fatal(err)
		}
		return cards[0].Value
	}
	store1(now.Add(-time.Hour), 100)
	if got := cash(); got != "100 EUR" {
		t.Fatalf("first = %q", got)
	}
	// A result stored without the job's run being recorded (not how the
	// worker does it) is picked up only after the TTL.
	store1(now.Add(-time.Minute), 200)
	now = now.Add(5 * time.Second)
	if got := cash(); got != "100 EUR" {
		t.Fatalf("without a new run the computed figures are reused, got %q", got)
	}
	now = now.Add(figuresTTL)
	if got := cash(); got != "200 EUR" {
		t.Fatalf("after the TTL the new result shows, got %q", got)
	}
	// A run of the job (result and outcome, as the worker stores them)
	// shows at once.
	store1(now.Add(-30*time.Second), 300)
	j.LastRunAt = now.Add(-20 * time.Second)
	now = now.Add(time.Second)
	if got := cash(); got != "300 EUR" {
		t.Fatalf("after the job ran again the new result shows at once, got %q", got)
	}
}

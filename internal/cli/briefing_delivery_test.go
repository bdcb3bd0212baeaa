package cli

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/briefing"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestBriefingDeliveryCarriesCharts: a due briefing goes to the outbox
// with its role's charts as values in the row's data, which the email
// channel draws (notify.ChartData); the in-app row carries the same.
func TestBriefingDeliveryCarriesCharts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC) // after 06:00 in UTC
	s := storetest.Open(t, store.SQLite, func(c *store.Config) { c.NowFunc = func() time.Time { return now } })
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	job, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: conn.ID, Name: "operations", Schedule: "@hourly",
		AnalyzerType: analysis.JobTypePrefix + "operations", Config: json.RawMessage(`{}`), Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	for day, risk := range []float64{4, 6} { // yesterday and today
		at := now.Add(time.Duration(day-1) * 24 * time.Hour)
		out, err := analysis.Outcome(&analysis.Result{Area: "operations", Metrics: []analysis.Metric{
			{Name: "operations.stock.stockout_risk", Value: risk, Unit: "count", Available: true},
			{Name: "operations.fulfillment.late_delivery_rate", Value: 0.1 * risk, Unit: "ratio", Available: true},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: conn.ID, JobID: job.ID, ScheduledAt: at, RunAt: at,
			Status: store.ResultSuccess, Insights: out.Insights, Metrics: out.Metrics}); err != nil {
			t.Fatal(err)
		}
	}
	u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "olga", Role: store.RoleOps, Email: "olga@acme.example", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	briefer, err := briefing.New(briefing.Config{}, briefing.Options{Store: s, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ob, err := notify.NewOutbox(notify.OutboxConfig{Inserter: recordingInserter{}})
	if err != nil {
		t.Fatal(err)
	}
	def := config.Default()
	cfg := &def
	cfg.SMTP.Host, cfg.SMTP.From = "smtp.acme.example", "aicoo@acme.example"
	reg, err := notify.Builtin(cfg, notify.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg, store: s, outbox: ob, briefer: briefer, channels: reg, now: func() time.Time { return now }}
	if err := a.deliverBriefingsFor(ctx, conn.ID); err != nil {
		t.Fatal(err)
	}
	rows, err := s.NotificationList(ctx, store.NotificationListParams{ConnectionID: conn.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	channels := map[string]bool{}
	for _, r := range rows {
		channels[r.Channel] = true
		var d notify.ChartData
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatalf("%s row data %s: %v", r.Channel, r.Data, err)
		}
		if len(d.Charts) != 2 || d.Charts[0].ID != "chart-stock" || d.Charts[1].ID != "chart-late-deliveries" ||
			len(d.Charts[0].Labels) != 2 || d.Charts[0].Series[0].Values[1] != 6 {
			t.Errorf("%s row charts: %s", r.Channel, r.Data)
		}
		if r.UserID != u.ID {
			t.Errorf("row for user %d", r.UserID)
		}
	}
	if len(rows) != 2 || !channels[notify.ChannelEmail] || !channels[notify.ChannelInApp] {
		t.Fatalf("rows on %v", channels)
	}
}

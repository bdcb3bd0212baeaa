package alerts_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestAlertMetrics raises alerts, acknowledges one ten minutes later and
// resolves another, then scrapes: the alerts gauge comes from the store,
// the time to acknowledge from the acknowledgement.
func TestAlertMetrics(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			s := storetest.Open(t, d, func(c *store.Config) { c.NowFunc = clk.Now })
			ctx := context.Background()
			c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
			if err != nil {
				t.Fatal(err)
			}
			reg := prometheus.NewRegistry()
			m, err := alerts.NewMetrics(alerts.MetricsConfig{Store: s, Registerer: reg})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := alerts.NewMetrics(alerts.MetricsConfig{Store: s, Registerer: reg}); err == nil {
				t.Fatal("registered the alert metrics twice")
			}
			e := alerts.New(s, alerts.Config{Now: clk.Now, Metrics: m, Notifier: discardNotifier{}})
			var ids []int64
			for i, p := range []string{store.PriorityCritical, store.PriorityHigh, store.PriorityHigh} {
				a, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: c.ID, Fingerprint: fmt.Sprintf("fp:%d", i), Type: "t", Priority: p, Title: "x"})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, a.ID)
			}
			clk.Add(10 * time.Minute)
			if _, err := e.Acknowledge(ctx, c.ID, ids[0], alerts.Actor{Username: "ann"}, "on it", 0); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Resolve(ctx, c.ID, ids[1], alerts.Actor{Username: "ann"}, "paid"); err != nil {
				t.Fatal(err)
			}
			// An acknowledgement that times out and is renewed is one
			// response, observed once.
			if _, err := e.Acknowledge(ctx, c.ID, ids[2], alerts.Actor{Username: "bob"}, "looking", 5*time.Minute); err != nil {
				t.Fatal(err)
			}
			clk.Add(6 * time.Minute)
			if _, err := e.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Acknowledge(ctx, c.ID, ids[2], alerts.Actor{Username: "bob"}, "still looking", 0); err != nil {
				t.Fatalf("acknowledge after the timeout returned it to new: %v", err)
			}
			// A refused acknowledgement (already acknowledged) observes nothing.
			if _, err := e.Acknowledge(ctx, c.ID, ids[0], alerts.Actor{Username: "ann"}, "again", 0); err == nil {
				t.Fatal("acknowledged twice")
			}

			got := gatherSeries(t, reg)
			for series, want := range map[string]float64{
				`aicoo_alert_metrics_up`:                                             1,
				`aicoo_alerts{priority="critical",status="acknowledged"}`:            1,
				`aicoo_alerts{priority="critical",status="new"}`:                     0,
				`aicoo_alerts{priority="high",status="acknowledged"}`:                1,
				`aicoo_alerts{priority="high",status="resolved"}`:                    1,
				`aicoo_alerts{priority="low",status="dismissed"}`:                    0,
				`aicoo_alert_time_to_acknowledge_seconds_count{priority="critical"}`: 1,
				`aicoo_alert_time_to_acknowledge_seconds_sum{priority="critical"}`:   600,
			} {
				if v, ok := got[series]; !ok || v != want {
					t.Errorf("%s = %v (present %v), want %v", series, v, ok, want)
				}
			}
			if n := countPrefix(got, "aicoo_alerts{"); n != 16 {
				t.Errorf("%d alert series, want every status and priority (16)", n)
			}
			if v := got[`aicoo_alert_time_to_acknowledge_seconds_count{priority="high"}`]; v != 1 {
				t.Errorf("high acknowledgements observed %v times, want 1: a resolution is not one, a renewed one counts once", v)
			}

			s.Close()
			if got := gatherSeries(t, reg); got["aicoo_alert_metrics_up"] != 0 || countPrefix(got, "aicoo_alerts{") != 0 {
				t.Errorf("scrape with the store down: %v", got)
			}
		})
	}
}

func countPrefix(m map[string]float64, prefix string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	return n
}

// gatherSeries scrapes reg into series → value (histograms as _count and
// _sum).
func gatherSeries(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			name := func(suffix string) string {
				if len(labels) == 0 {
					return mf.GetName() + suffix
				}
				return mf.GetName() + suffix + "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.GetGauge() != nil:
				out[name("")] = m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				out[name("_count")] = float64(m.GetHistogram().GetSampleCount())
				out[name("_sum")] = m.GetHistogram().GetSampleSum()
			}
		}
	}
	return out
}

// discardNotifier takes the tick's notifications and drops them.
type discardNotifier struct{}

func (discardNotifier) Enqueue(context.Context, *sql.Tx, *store.Store, alerts.Notification) error {
	return nil
}

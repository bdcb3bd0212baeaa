package notify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestWorkerMetrics delivers, fails and dead-letters rows and reads the
// delivery metrics and the outbox gauge as a scrape would.
func TestWorkerMetrics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		connID, _ := setupConnection(t, s)
		reg := prometheus.NewRegistry()
		ok := &scriptedChannel{name: ChannelEmail}
		bad := &scriptedChannel{name: ChannelSMS, results: []error{errors.New("502"), Permanent(errors.New("invalid number"))}}
		// The clock is 90 s past the rows' creation at delivery.
		now := time.Now().Add(90 * time.Second)
		w, err := NewWorker(WorkerConfig{Store: s, Channels: []Channel{ok, bad}, Registerer: reg, NowFunc: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		sent := insertRow(t, s, connID, ChannelEmail, "alert:1:1", 3)
		failing := insertRow(t, s, connID, ChannelSMS, "alert:2:1", 3)
		insertRow(t, s, connID, ChannelEmail, "alert:3:1", 3) // stays pending

		if err := w.Work(ctx, job(sent, 1)); err != nil {
			t.Fatal(err)
		}
		if err := w.Work(ctx, job(failing, 1)); err == nil {
			t.Fatal("a failed attempt returned no error")
		}
		if err := w.Work(ctx, job(failing, 2)); !isCancel(err) {
			t.Fatalf("permanent failure = %v, want the job cancelled", err)
		}

		got := gather(t, reg)
		for series, want := range map[string]float64{
			`aicoo_notification_failures_total{channel="sms"}`:                    2,
			`aicoo_notifications_dead_total{channel="sms"}`:                       1,
			`aicoo_notifications_sent_total{channel="email"}`:                     1,
			`aicoo_notification_metrics_up`:                                       1,
			`aicoo_notifications_unsent{channel="email",status="pending"}`:        1,
			`aicoo_notifications_unsent{channel="email",status="dead"}`:           0,
			`aicoo_notifications_unsent{channel="sms",status="dead"}`:             1,
			`aicoo_notifications_unsent{channel="odoo_discuss",status="dead"}`:    0,
			`aicoo_notification_latency_seconds_count{channel="email"}`:           1,
			`aicoo_notification_latency_seconds_bucket{channel="email",le="60"}`:  0,
			`aicoo_notification_latency_seconds_bucket{channel="email",le="300"}`: 1,
		} {
			if v, ok := got[series]; !ok || v != want {
				t.Errorf("%s = %v (present %v), want %v", series, v, ok, want)
			}
		}
		if _, ok := got[`aicoo_notifications_sent_total{channel="sms"}`]; ok {
			t.Error("sms counted as sent")
		}
	})
}

// TestOutboxGaugeStoreDown: a scrape with the store closed reports the
// gauge as down instead of failing the whole scrape.
func TestOutboxGaugeStoreDown(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	reg := prometheus.NewRegistry()
	if _, err := NewWorker(WorkerConfig{Store: s, Registerer: reg}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	got := gather(t, reg)
	if got["aicoo_notification_metrics_up"] != 0 || len(got) != 1 {
		t.Fatalf("scrape with the store down = %v, want only aicoo_notification_metrics_up 0", got)
	}
}

// gather scrapes reg into series → value: counters and gauges by name and
// labels, histograms as _count and cumulative _bucket series.
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
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
			series := func(suffix string, extra ...string) string {
				all := append(append([]string(nil), labels...), extra...)
				if len(all) == 0 {
					return mf.GetName() + suffix
				}
				return mf.GetName() + suffix + "{" + strings.Join(all, ",") + "}"
			}
			switch {
			case m.GetCounter() != nil:
				out[series("")] = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				out[series("")] = m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				h := m.GetHistogram()
				out[series("_count")] = float64(h.GetSampleCount())
				out[series("_sum")] = h.GetSampleSum()
				for _, b := range h.GetBucket() {
					out[series("_bucket", fmt.Sprintf("le=%q", strconv.FormatFloat(b.GetUpperBound(), 'g', -1, 64)))] = float64(b.GetCumulativeCount())
				}
			}
		}
	}
	return out
}

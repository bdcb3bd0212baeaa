package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aicoo/aicoo/internal/store"
)

// metricsCollectTimeout bounds the store query of one scrape of the
// outbox gauge.
const metricsCollectTimeout = 2 * time.Second

type metrics struct {
	sent     *prometheus.CounterVec
	failures *prometheus.CounterVec
	dead     *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, s *store.Store, logger *slog.Logger) (*metrics, error) {
	m := &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aicoo_notifications_sent_total", Help: "Notifications delivered, by channel.",
		}, []string{"channel"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aicoo_notification_failures_total", Help: "Failed delivery attempts, by channel.",
		}, []string{"channel"}),
		dead: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aicoo_notifications_dead_total", Help: "Notifications dead-lettered, by channel.",
		}, []string{"channel"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "aicoo_notification_latency_seconds",
			Help:    "Time from enqueuing a notification to its delivery, by channel.",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600},
		}, []string{"channel"}),
	}
	if reg != nil {
		outbox := &outboxCollector{s: s, log: logger,
			unsent: prometheus.NewDesc("aicoo_notifications_unsent",
				"Outbox rows not sent, by channel and status: pending and sending are the backlog, dead the dead letters waiting for a person.",
				[]string{"channel", "status"}, nil),
			up: prometheus.NewDesc("aicoo_notification_metrics_up", "1 when the last scrape read the outbox counts from the store, 0 when it failed.", nil, nil),
		}
		for _, c := range []prometheus.Collector{m.sent, m.failures, m.dead, m.latency, outbox} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// outboxCollector reads the unsent outbox rows at scrape time, so the
// gauge is the store's truth, shared by every instance.
type outboxCollector struct {
	s      *store.Store
	log    *slog.Logger
	unsent *prometheus.Desc
	up     *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.unsent
	ch <- c.up
}

// Collect implements prometheus.Collector. The dead letters of every
// channel are reported, as 0 when there are none, so an alert on them sees
// a series.
func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), metricsCollectTimeout)
	defer cancel()
	counts, err := c.s.NotificationCountUnsent(ctx)
	if err != nil {
		c.log.Warn("notify: metrics: reading outbox counts", "error", err)
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	type key struct{ channel, status string }
	values := map[key]float64{}
	for _, name := range []string{ChannelInApp, ChannelEmail, ChannelSlack, ChannelSMS, ChannelWebhook, ChannelDiscuss} {
		values[key{name, store.NotificationDead}] = 0
	}
	for _, n := range counts {
		values[key{n.Channel, n.Status}] += float64(n.Count)
	}
	for k, v := range values {
		ch <- prometheus.MustNewConstMetric(c.unsent, prometheus.GaugeValue, v, k.channel, k.status)
	}
}

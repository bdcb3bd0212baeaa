package alerts

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aicoo/aicoo/internal/store"
)

// MetricsCollectTimeoutDefault bounds the store query one scrape of the
// alerts gauge makes, so a slow database slows /metrics by at most this.
const MetricsCollectTimeoutDefault = 2 * time.Second

// Metrics are the alert metrics of /metrics: aicoo_alerts, the alerts of
// every connection by status and priority, read from the store at scrape
// time (so every instance reports the same shared truth, and nothing drifts
// across restarts); aicoo_alert_metrics_up, 0 when that read failed; and
// aicoo_alert_time_to_acknowledge_seconds, observed by Engine.Acknowledge.
type Metrics struct {
	timeToAck *prometheus.HistogramVec
}

// MetricsConfig configures NewMetrics.
type MetricsConfig struct {
	// Store is read at each scrape. Required.
	Store *store.Store
	// Registerer receives the metrics. Nil registers nothing (the
	// histogram is still observed, for tests).
	Registerer prometheus.Registerer
	// Logger receives scrape errors. Defaults to a discarding logger.
	Logger *slog.Logger
	// CollectTimeout defaults to MetricsCollectTimeoutDefault.
	CollectTimeout time.Duration
}

// NewMetrics builds the alert metrics and registers them.
func NewMetrics(cfg MetricsConfig) (*Metrics, error) {
	m := &Metrics{timeToAck: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "aicoo_alert_time_to_acknowledge_seconds",
		Help: "Time from an alert's raising to its acknowledgement, by priority.",
		// One minute to a week: people acknowledge in minutes to days.
		Buckets: []float64{60, 300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600},
	}, []string{"priority"})}
	if cfg.Registerer == nil {
		return m, nil
	}
	c := &alertCollector{
		s:       cfg.Store,
		log:     cfg.Logger,
		timeout: cfg.CollectTimeout,
		alerts:  prometheus.NewDesc("aicoo_alerts", "Alerts of every connection, by status and priority.", []string{"status", "priority"}, nil),
		up:      prometheus.NewDesc("aicoo_alert_metrics_up", "1 when the last scrape read the alert counts from the store, 0 when it failed.", nil, nil),
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.timeout <= 0 {
		c.timeout = MetricsCollectTimeoutDefault
	}
	for _, col := range []prometheus.Collector{c, m.timeToAck} {
		if err := cfg.Registerer.Register(col); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// observeAck records the acknowledgement of a.
func (m *Metrics) observeAck(a *store.AlertDetail) {
	if m == nil || a == nil || a.AcknowledgedAt.IsZero() || a.CreatedAt.IsZero() {
		return
	}
	m.timeToAck.WithLabelValues(a.Priority).Observe(max(a.AcknowledgedAt.Sub(a.CreatedAt), 0).Seconds())
}

// alertCollector reads the alert counts at scrape time.
type alertCollector struct {
	s       *store.Store
	log     *slog.Logger
	timeout time.Duration
	alerts  *prometheus.Desc
	up      *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c *alertCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.alerts
	ch <- c.up
}

// alertStatuses and alertPriorities are always reported, as 0 when no
// alert has them, so a query sees 0 rather than no series.
var (
	alertStatuses   = []string{store.AlertNew, store.AlertAcknowledged, store.AlertResolved, store.AlertDismissed}
	alertPriorities = []string{store.PriorityCritical, store.PriorityHigh, store.PriorityMedium, store.PriorityLow}
)

// Collect implements prometheus.Collector.
func (c *alertCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	counts, err := c.s.AlertCountByStatus(ctx)
	if err != nil {
		c.log.Warn("alerts: metrics: reading alert counts", "error", err)
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	type key struct{ status, priority string }
	values := map[key]float64{}
	for _, s := range alertStatuses {
		for _, p := range alertPriorities {
			values[key{s, p}] = 0
		}
	}
	for _, n := range counts {
		values[key{n.Status, n.Priority}] += float64(n.Count)
	}
	for k, v := range values {
		ch <- prometheus.MustNewConstMetric(c.alerts, prometheus.GaugeValue, v, k.status, k.priority)
	}
}
